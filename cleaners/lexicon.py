"""The multilingual boilerplate lexicon (`cleaners/lexicon/*.toml`), merged into one matcher."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Annotated

from pydantic import Field, StrictStr, ValidationError

from .data import package_folder, toml_files
from .schema import Pattern, Schema, Text, first_problem

LEXICON_DIR = package_folder("lexicon")
EDGE_PUNCTUATION = " \t:.!?…»«\"'„“”‚‘’-–—|>•·()[]^↑"  # ^ and ↑: the arrow of "Back to top ↑"
SENTENCE_END = re.compile(r"[.!?][\"”»’]?(?:\s|$)")  # the line's own last stop counts too
SEE_ALSO_SEPARATORS = (":", "|", "–", "—", "-", "»", ">")
SPACE_BEFORE_PUNCTUATION = re.compile(r"\s+([?!:;»])")  # French typography: "Déjà abonné ?"
UNTIDY = re.compile(r"\s[?!:;»]|’")  # what `wall_key` tidies beyond spaces and case
# Scripts written without spaces: a wall phrase in them cannot be asked to stand between word boundaries.
UNSPACED_SCRIPT = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


# How a line pattern that may start anywhere in the line's first characters begins, and what it may go on with.
LEADING_ANY = re.compile(r"\.\{0,\d+\}(?:\\b)?")
PLAIN_GROUP = re.compile(r"\(\?:((?:[^()\\]|\\[^()])*)\)")  # no group inside, no escaped parenthesis
LETTERS = re.compile(r"[^\W\d_]+")
QUANTIFIERS = ("?", "*", "{")

CLUTTER_MEMORY = 20_000  # lines whose clutter verdict a lexicon remembers (about 6 MB in each process)


def normalise_key(line: str) -> str:
    return " ".join(line.split()).strip(EDGE_PUNCTUATION).casefold()


def wall_key(text: str) -> str:
    """Text as wall phrases are matched: one space, casefolded, straight apostrophes, no space before "?"."""
    return SPACE_BEFORE_PUNCTUATION.sub(r"\1", " ".join(text.split())).casefold().replace("’", "'")


class LexiconFile(Schema):
    """One language's file; cleaners/lexicon/README.md says what each key does."""
    language: Annotated[StrictStr, Field(pattern=r"^[a-z]{2,3}$")]
    tail_headings: list[Text] = []
    tail_patterns: list[Pattern] = []
    see_also: list[Text] = []
    boilerplate_lines: list[Text] = []
    line_patterns: list[Pattern] = []
    section_labels: list[Text] = []
    consent_walls: list[Text] = []
    paywalls: list[Text] = []
    offers: list[Text] = []


LEXICON_MESSAGES = {"language": {"string_pattern_mismatch": "an ISO 639 code like \"en\", got {value!r}"}}


class LexiconError(ValueError):
    """A lexicon file that cannot be used: its name, the offending key, what is wrong."""


def read_lexicon_file(file) -> LexiconFile:
    try:
        return LexiconFile.model_validate(tomllib.loads(file.read_text(encoding="utf-8")))
    except tomllib.TOMLDecodeError as exc:
        raise LexiconError(f"{file.name}: not valid TOML: {exc}") from None
    except ValidationError as error:
        key, message = first_problem(error, LEXICON_MESSAGES, {"": LexiconFile})
        raise LexiconError(f"{file.name}: {key}: {message}") from None


@dataclass(frozen=True)
class Lexicon:
    tail_headings: frozenset[str]
    see_also: tuple[str, ...]
    boilerplate_lines: frozenset[str]
    line_patterns: LinePatterns | None
    section_labels: re.Pattern | None
    tail_patterns: re.Pattern | None = None  # headings with a variable part: "More from <outlet>"
    consent_walls: re.Pattern | None = None  # phrases of consent dialogs ("Accept all"), on `wall_key` text
    paywalls: re.Pattern | None = None  # phrases of paywall stubs ("Already a subscriber?"), on `wall_key` text
    # subscription offers ("2 Wochen kostenlos testen") and the paywall phrases, on `wall_key` text
    offers: re.Pattern | None = None

    def is_offer_line(self, line: str) -> bool:
        """A line of a subscription box: a subscription offer or a paywall phrase."""
        if self.offers is None:
            return False
        key = wall_key(line) if UNTIDY.search(line) else " ".join(line.split()).casefold()  # the same, cheaper
        return bool(self.offers.search(key))

    def is_tail_heading(self, line: str) -> bool:
        return len(line) <= 80 and self._is_tail_key(normalise_key(line))

    def is_block_heading(self, line: str) -> bool:
        """The heading of a recirculation box: a tail heading, or a see-also phrase standing alone.

        Asked of every short text on a page: the line is folded once, and looked up in sets."""
        if len(line) > 80:
            return False
        key = normalise_key(line)
        return self._is_tail_key(key) or key in self.see_also_keys

    def short_text_kind(self, text: str) -> str | None:
        """"heading" (`is_block_heading`), "offer" (`is_offer_line`) or None, for the pruner's short texts.

        Remembered by text, as clutter verdicts are: menus, labels and buttons repeat within a page and on
        every page of a site. Forgotten wholesale when CLUTTER_MEMORY texts are known."""
        return remembered(self._short_text_kinds, str(text), self._short_text_kind)  # str: lxml's holds its page

    def _short_text_kind(self, text: str) -> str | None:
        return "heading" if self.is_block_heading(text) else "offer" if self.is_offer_line(text) else None

    def _is_tail_key(self, key: str) -> bool:
        return key in self.tail_headings or bool(self.tail_patterns and self.tail_patterns.fullmatch(key))

    @cached_property
    def see_also_keys(self) -> frozenset[str]:
        return frozenset(self.see_also)

    def is_see_also(self, line: str) -> bool:
        """"Sjá einnig: <headline>" — an inline cross-link, not a sentence of the article."""
        folded = " ".join(line.split()).casefold()
        if len(folded) > 300 or not folded.startswith(self.see_also):  # one C-level test of every prefix first
            return False
        for prefix in self.see_also:
            if folded.startswith(prefix):
                rest = folded[len(prefix):].lstrip()
                if rest.startswith(SEE_ALSO_SEPARATORS):
                    return True
        return False

    def is_boilerplate(self, line: str) -> bool:
        if normalise_key(line) in self.boilerplate_lines:
            return True
        return bool(self.line_patterns and len(line) <= 400 and self.line_patterns.fullmatch(line.strip()))

    @cached_property
    def _clutter_verdicts(self) -> dict[str, bool]:
        return {}

    @cached_property
    def _short_text_kinds(self) -> dict[str, str | None]:
        return {}

    def is_clutter_line(self, line: str) -> bool:
        """A see-also cross-link, a boilerplate line or a run of headlines (`postclean.drop_clutter_lines`).

        Remembered by line: the vote cleans three readings of one page that share most lines, and a site
        repeats its own on every page. Forgotten wholesale when CLUTTER_MEMORY lines are known."""
        return remembered(self._clutter_verdicts, line, self._is_clutter_line)

    def _is_clutter_line(self, line: str) -> bool:
        return self.is_see_also(line) or self.is_boilerplate(line) or self.is_headline_list(line)

    def is_headline_list(self, line: str) -> bool:
        """Headlines run together with section labels ("... Innlent ... Erlent ... Innlent").

        Headlines carry no full stops; prose that happens to name "World" three times does.
        """
        return bool(self.section_labels and len(line) > 100 and len(SENTENCE_END.findall(line)) < 2  # the cheaper test first
                    and len(self.section_labels.findall(line)) >= 3)


def remembered(memory: dict, key: str, compute):
    """`compute(key)`, answered from `memory` when asked before; the memory is emptied once it holds CLUTTER_MEMORY
    keys (a bounded cache without an LRU's bookkeeping on every hit)."""
    if key in memory:
        return memory[key]
    if len(memory) >= CLUTTER_MEMORY:
        memory.clear()
    value = memory[key] = compute(key)
    return value


@lru_cache(maxsize=4)
def load_lexicon(folder=LEXICON_DIR) -> Lexicon:
    """Immutable, so one cached copy per folder is safe to share. A file with an unknown key or a value of the
    wrong kind is a LexiconError naming the file and the key."""
    tails: set[str] = set()
    see_also: set[str] = set()
    lines: set[str] = set()
    patterns, labels, tail_patterns = [], set(), []
    consent_walls: set[str] = set()
    paywalls: set[str] = set()
    offers: set[str] = set()
    files = toml_files(folder)
    if not files:  # a packaging mistake, not a language without clutter: cleaning without it is silently worse
        raise FileNotFoundError(f"no lexicon files (*.toml) in {folder}")
    for data in map(read_lexicon_file, files):
        tails.update(normalise_key(h) for h in data.tail_headings)
        see_also.update(" ".join(p.split()).casefold() for p in data.see_also)
        lines.update(normalise_key(b) for b in data.boilerplate_lines)
        patterns.extend(data.line_patterns)
        labels.update(data.section_labels)
        tail_patterns.extend(data.tail_patterns)
        consent_walls.update(wall_key(p) for p in data.consent_walls)
        paywalls.update(wall_key(p) for p in data.paywalls)
        offers.update(wall_key(p) for p in data.offers)
    return Lexicon(
        tail_headings=frozenset(tails),
        see_also=tuple(sorted(see_also, key=len, reverse=True)),
        boilerplate_lines=frozenset(lines),
        line_patterns=LinePatterns.of(patterns) if patterns else None,
        section_labels=re.compile(r"(?<!\w)(?:%s)(?!\w)" % "|".join(map(re.escape, sorted(labels)))) if labels else None,
        tail_patterns=_any_of(tail_patterns),
        consent_walls=_phrases(consent_walls),
        paywalls=_phrases(paywalls),
        offers=_phrases(offers | paywalls),
    )


class LinePatterns:
    """The lexicon's line patterns, each matched against a whole line, ignoring case.

    Most start with fixed words, and fail on a line's first character. A pattern that may start anywhere in
    a line's first characters (".{0,60}\\bclick here\\b.{0,80}") costs the engine a try at each of them: on a
    page of long paragraphs those few patterns cost more than the rest of the post-extraction cleaning. Each
    is tried only on a line holding one of the words it goes on with (`needed_words`), a test in C.
    """

    def __init__(self, fixed_start: re.Pattern | None, anywhere: tuple[tuple[tuple[str, ...], re.Pattern], ...]):
        self.fixed_start = fixed_start
        self.anywhere = anywhere
        self.words = tuple(sorted({word for words, _ in anywhere for word in words}))

    @classmethod
    def of(cls, patterns: list[str]) -> LinePatterns:
        needs = {pattern: needed_words(pattern) for pattern in patterns}
        anywhere = tuple((words, re.compile(pattern, re.IGNORECASE)) for pattern, words in needs.items() if words)
        return cls(_any_of([pattern for pattern, words in needs.items() if not words]), anywhere)

    def fullmatch(self, line: str) -> bool:
        if self.fixed_start is not None and self.fixed_start.fullmatch(line):
            return True
        folded = line.lower()
        found = {word for word in self.words if word in folded}  # one pass for all: most lines hold none
        return bool(found) and any(pattern.fullmatch(line) for words, pattern in self.anywhere if not found.isdisjoint(words))


def needed_words(pattern: str) -> tuple[str, ...]:
    """The words one of which a line must hold for a pattern that may start anywhere (LEADING_ANY) to match:
    the letters it goes on with, or those of each alternative of a group ("(?:our|join)\\b" needs "our" or
    "join"). Empty for a pattern starting with fixed words, or going on with anything less plain."""
    leading = LEADING_ANY.match(pattern)
    if leading is None or _alternatives_at_top(pattern):
        return ()  # "x.{0,9}|y" matches "y" whatever its first branch needs
    rest = pattern[leading.end():]
    group = PLAIN_GROUP.match(rest)
    if group is not None and rest[group.end():group.end() + 1] in QUANTIFIERS:
        return ()  # an optional group needs nothing
    words = []
    for alternative in group.group(1).split("|") if group is not None else [rest]:
        letters = LETTERS.match(alternative)
        if letters is None:
            return ()
        word = letters.group()
        if alternative[letters.end():letters.end() + 1] in QUANTIFIERS:
            word = word[:-1]  # "clicks?" needs only "click"
        if not word:
            return ()
        words.append(word.lower())
    return tuple(words)


def _alternatives_at_top(pattern: str) -> bool:
    """A "|" outside every group and character class."""
    depth, in_class, escaped = 0, False, False
    for char in pattern:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char in "()":
            depth += 1 if char == "(" else -1
        elif char == "|" and depth == 0:
            return True
    return False


def _any_of(patterns: list[str]) -> re.Pattern | None:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE) if patterns else None


def _phrases(phrases: set[str]) -> re.Pattern | None:
    """One regular expression finding any of many fixed phrases, fast.

    An alternation of hundreds of phrases makes Python's engine try each at every position of the text
    (some 20 ms on a 17 kB page); the same phrases as a trie ("accept all" and "accept all cookies" share
    their start) let it reject a position on its first character. Phrases in spaced scripts must stand
    between word boundaries ("reject all" is not in "reject allegations"); Japanese ones cannot.
    """
    spaced = [p for p in phrases if not UNSPACED_SCRIPT.search(p)]
    unspaced = [p for p in phrases if UNSPACED_SCRIPT.search(p)]
    parts = []
    if spaced:
        parts.append(r"(?<!\w)%s(?!\w)" % _trie(spaced))
    if unspaced:
        parts.append(_trie(unspaced))
    return re.compile("|".join(f"(?:{p})" for p in parts)) if parts else None


def _trie(phrases: list[str]) -> str:
    root: dict = {}
    for phrase in phrases:
        node = root
        for char in phrase:
            node = node.setdefault(char, {})
        node[""] = {}  # a phrase ends here

    def pattern(node: dict) -> str:
        branches = [re.escape(char) + pattern(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        ends_here = "" in node
        group = branches[0] if len(branches) == 1 and not ends_here else "(?:%s)" % "|".join(branches)
        return f"(?:{group})?" if ends_here else group

    return "(?:%s)" % pattern(root)
