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


def term_pattern(term: str) -> re.Pattern:
    stem = fold(term.rstrip("*"))
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
    def _distinct_patterns(group: tuple[str, ...]) -> list[tuple[str, re.Pattern]]:
        """"Putin*" and "Pútín*" fold to one pattern: count its hits once, under the first spelling."""
        patterns: dict[str, tuple[str, re.Pattern]] = {}
        for term in group:
            pattern = term_pattern(term)
            patterns.setdefault(pattern.pattern, (term, pattern))
        return list(patterns.values())

    def match(self, title: str, text: str) -> Relevance:
        folded_title, folded_text = fold(title or ""), fold(text or "")
        matched: list[str] = []
        strengths = []
        for group in self.groups:
            hits = 0
            for term, pattern in group:
                n = TITLE_WEIGHT * len(pattern.findall(folded_title)) + len(pattern.findall(folded_text))
                if n:
                    matched.append(term)
                    hits += n
            strengths.append(1 - 0.5**hits)
        on_topic = all(s > 0 for s in strengths)
        return Relevance(on_topic=on_topic, matched_terms=tuple(matched), score=round(min(strengths), 3))
