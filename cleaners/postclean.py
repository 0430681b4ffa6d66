"""Post-extraction cleaning: what trafilatura kept but a reader would not call the article."""

from __future__ import annotations

import re

from .lexicon import Lexicon, normalise_key
from .options import CleaningOptions

HEADLINE_WINDOW = 4  # the headline, kicker and dek repeat within the first lines or not at all
KICKER_MAX = 60  # a kicker or section label over the headline is a few words
HEADLINE_MIN_KEY = 12  # a declared headline shorter than this ("News") is a label, not one the body may repeat
NOT_WORD = re.compile(r"[\W_]+")
# A line of nothing but these is no paragraph: a table row of empty cells, as trafilatura writes it ("| | |").
# Other lines without letters stay: a code sample's "{" and "}", a rule some gold texts keep.
CELL_MARKS = "| "
# Not ZWJ/ZWNJ: they shape Persian and Indic words. A pattern, not str.translate: a seventh of its time a line.
INVISIBLE = re.compile("[\u00ad\u200b\u2060\ufeff]")
DUPLICATE_DISTANCE = 3  # a caption printed twice stands next to its copy; repeated quotes further apart are kept
# A caption or a credit is a line or two; a longer paragraph printed twice is the page's own (a pull quote,
# a refrain, a code sample), and the reader sees it twice too.
DUPLICATE_MAX_CHARS = 200
TIMESTAMP_MAX = 80
TIMESTAMP_WORDS_MAX = 3  # "Updated", "Publicerad", "Actualizado a las": a few words around the date
DATE_OR_TIME = re.compile(r"\d{1,2}[./]\d{1,2}[./]\d{2,4}|\d{4}-\d{2}-\d{2}|\d{1,2}[:.]\d{2}\b"
                          r"|\d{4}年\d{1,2}月\d{1,2}日|\d{1,2}月\d{1,2}日|\d{1,2}時\d{1,2}分")
WORDS = re.compile(r"[^\W\d_]{2,}")
LETTER = re.compile(r"[^\W\d_]")
BYLINE_OTHER_WORDS = 4  # "Von", "By Staff", "기자 외 1명": a few words around the author's name
NAME_MIN_CHARS = 3  # "AP" as an author is a credit, not a name to look for
# A byline line may end with its stop, and in Japanese with 。 (lexicon.SENTENCE_END reads Western stops only).
SENTENCE_STOP = re.compile(r"[.!?。](?:\s|$)")


def clean_paragraphs(paragraphs: list[str], *, title: str | None, deks: list[str], lexicon: Lexicon,
                     tail_cues: frozenset[str] = frozenset(), authors: tuple[str, ...] | list[str] = (),
                     headlines: tuple[str, ...] | list[str] = (),
                     options: CleaningOptions = CleaningOptions()) -> list[str]:
    paragraphs = [line for line in map(tidy_line, paragraphs) if line.strip(CELL_MARKS)]
    if options.drop_leading_timestamps:
        paragraphs = drop_leading_timestamps(paragraphs)
    if options.drop_leading_bylines:
        paragraphs = drop_leading_bylines(paragraphs, authors)
    if options.strip_headline or options.strip_deks:
        paragraphs = strip_repeated_headline(paragraphs, title if options.strip_headline else None,
                                             deks if options.strip_deks else [],
                                             headlines if options.strip_headline else ())
    if options.cut_at_tail_heading:
        paragraphs = cut_at_tail_heading(paragraphs, lexicon, tail_cues)
    if options.drop_clutter_lines:
        paragraphs = [p for p in paragraphs if not lexicon.is_clutter_line(p)]
    return drop_adjacent_duplicates(paragraphs) if options.drop_repeated_lines else paragraphs


def tidy_line(line: str) -> str:
    """One space between words, and none of the invisible characters that split a word for a reader of the text
    file but not on the page (a soft hyphen, a zero-width space, a byte-order mark)."""
    return " ".join(INVISIBLE.sub("", line).split())


def strip_repeated_headline(paragraphs: list[str], title: str | None, deks: list[str],
                            headlines: tuple[str, ...] | list[str] = ()) -> list[str]:
    """The headline and dek often open the extracted body again; they are metadata, not body.

    A kicker ("USA und Russland") may stand above the headline or be glued to its front, with or without
    the colon the metadata puts between them ("Kicker: Headline"). Besides the title, any headline the page
    declares or shows may be the one repeated (`PageMetadata.headlines`).
    """
    keys = {headline_key(h) for h in headlines if h} - {""}
    keys = {k for k in keys if len(k) >= HEADLINE_MIN_KEY} | ({headline_key(title)} - {""} if title else set())
    start = _after_headline(paragraphs, keys)
    repeated = {normalise_key(d) for d in deks if d}
    while start < min(len(paragraphs), HEADLINE_WINDOW) and normalise_key(paragraphs[start]) in repeated:
        start += 1
    return paragraphs[start:]


def headline_key(line: str) -> str:
    """Letters and digits only: "Kicker: Headline" and "Kicker Headline" are the same headline."""
    return NOT_WORD.sub("", line.casefold())


def _after_headline(paragraphs: list[str], title_keys: set[str]) -> int:
    if not title_keys:
        return 0
    for i, line in enumerate(paragraphs[:HEADLINE_WINDOW]):
        key = headline_key(line)
        if any(key == t or (key.endswith(t) and len(key) - len(t) <= KICKER_MAX) for t in title_keys):
            return i + 1
        if len(line) > KICKER_MAX:
            break
    return 0


def cut_at_tail_heading(paragraphs: list[str], lexicon: Lexicon, tail_cues: frozenset[str] = frozenset()) -> list[str]:
    """Everything from "Mest lesið" / "Other News" / a site's own end cue on is not the article.

    Only where less text follows the heading than precedes it: a tail is shorter than the article, and
    a heading-like line early in a long text is more likely a box inside the article than its end.
    """
    lengths = [len(p) for p in paragraphs]
    total = sum(lengths)
    before = 0
    for i, line in enumerate(paragraphs):
        is_tail = lexicon.is_tail_heading(line) or normalise_key(line) in tail_cues
        if i > 0 and is_tail and total - before - lengths[i] < before:
            return paragraphs[:i]
        before += lengths[i]
    return paragraphs


def drop_leading_timestamps(paragraphs: list[str]) -> list[str]:
    """A date line among the first lines is the page's dateline; further down (a live blog's "4:14 p.m.") it is body."""
    head = [p for p in paragraphs[:HEADLINE_WINDOW] if not is_timestamp_line(p)]
    return head + paragraphs[HEADLINE_WINDOW:]


def drop_leading_bylines(paragraphs: list[str], authors) -> list[str]:
    """"Von Nina Magoley" among the first lines is the byline the metadata already holds; later it may be a quote."""
    names = [re.compile(r"(?<!\w)%s(?!\w)" % re.escape(normalise_key(a)))
             for a in authors if a and len(a.strip()) >= NAME_MIN_CHARS]
    if not names:
        return paragraphs
    head = [p for p in paragraphs[:HEADLINE_WINDOW] if not is_byline(p, names)]
    return head + paragraphs[HEADLINE_WINDOW:]


def is_byline(line: str, names: list[re.Pattern]) -> bool:
    """The line names an author (as whole words) and says little else, and is no sentence."""
    if len(line) > TIMESTAMP_MAX or SENTENCE_STOP.search(line):
        return False
    key = normalise_key(line)
    rest = key
    for name in names:
        rest = name.sub(" ", rest)
    return rest != key and len(rest.split()) <= BYLINE_OTHER_WORDS


def is_timestamp_line(line: str) -> bool:
    """"Stand: 22.04.2024, 06:00 Uhr", "2025年1月14日 01時28分": a date line in any language, not a sentence."""
    if len(line) > TIMESTAMP_MAX or not DATE_OR_TIME.search(line):
        return False
    return len(WORDS.findall(DATE_OR_TIME.sub(" ", line))) <= TIMESTAMP_WORDS_MAX


def drop_adjacent_duplicates(paragraphs: list[str]) -> list[str]:
    """A short line repeated within a few lines of itself: a caption and its copy. A line without a letter is no
    caption: a code sample's closing braces repeat ("}" under "}"), and so do a table's rules."""
    kept: list[str] = []
    for p in paragraphs:
        if len(p) > DUPLICATE_MAX_CHARS or p not in kept[-DUPLICATE_DISTANCE:] or not LETTER.search(p):
            kept.append(p)
    return kept
