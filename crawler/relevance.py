"""Is an article about the story? Term groups from the story file, matched on title and text.

Every group must match at least one term. Matching ignores case and diacritics ("Pútín" matches
"Putin"), and a trailing `*` matches any word ending ("Putin*" matches "Putins", "Putina").
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from cleaners.lexicon import UNSPACED_SCRIPT

TITLE_WEIGHT = 2  # a term in the headline says more about the article than one in passing


def fold(text: str) -> str:
    """Case- and diacritics-insensitive form, applied alike to terms and to text."""
    return combining_marks().sub("", unicodedata.normalize("NFKD", text)).casefold()


@lru_cache(maxsize=1)
def combining_marks() -> re.Pattern:
    """Every combining mark, as one character class: deleting them with it is a C-speed pass (a per-character
    Python test was a tenth of the crawl's main-process time, and a str.translate table, a dictionary look-up
    a character, five times this). Marks outside the Basic Multilingual Plane are rare in news text and stay."""
    marks = "".join(chr(c) for c in range(0x10000) if unicodedata.combining(chr(c)))
    return re.compile(f"[{re.escape(marks)}]")


def term_stem(term: str) -> str:
    """What every match of the term holds, folded."""
    return fold(term.rstrip("*"))


def term_pattern(term: str) -> re.Pattern:
    stem = term_stem(term)
    if UNSPACED_SCRIPT.search(stem):  # Chinese and Japanese run words together: no word boundary to ask for
        return re.compile(re.escape(stem))
    ending = r"\w*" if term.endswith("*") else r"(?!\w)"
    return re.compile(rf"(?<!\w){re.escape(stem)}{ending}")


@dataclass(frozen=True)
class Relevance:
    on_topic: bool
    matched_terms: tuple[str, ...]  # the story's own terms that matched, in story order
    score: float  # 0..1; the weakest group decides: each hit halves what is left to 1


class RelevanceMatcher:
    def __init__(self, groups: tuple[tuple[str, ...], ...]):
        self.groups = [self._distinct_patterns(group) for group in groups]

    @staticmethod
    def _distinct_patterns(group: tuple[str, ...]) -> list[tuple[str, re.Pattern, str]]:
        """"Putin*" and "Pútín*" fold to one pattern: count its hits once, under the first spelling."""
        patterns: dict[str, tuple[str, re.Pattern, str]] = {}
        for term in group:
            pattern = term_pattern(term)
            patterns.setdefault(pattern.pattern, (term, pattern, term_stem(term)))
        return list(patterns.values())

    @staticmethod
    def _count(pattern: re.Pattern, stem: str, folded: str) -> int:
        """The pattern's matches; a text without its stem has none (a substring test is many times a search's speed)."""
        return len(pattern.findall(folded)) if stem in folded else 0

    def match(self, title: str, text: str) -> Relevance:
        folded_title, folded_text = fold(title or ""), fold(text or "")
        matched: list[str] = []
        strengths = []
        for group in self.groups:
            hits = 0
            for term, pattern, stem in group:
                n = TITLE_WEIGHT * self._count(pattern, stem, folded_title) + self._count(pattern, stem, folded_text)
                if n:
                    matched.append(term)
                    hits += n
            strengths.append(1 - 0.5**hits)
        on_topic = all(s > 0 for s in strengths)
        return Relevance(on_topic=on_topic, matched_terms=tuple(matched), score=round(min(strengths), 3))
