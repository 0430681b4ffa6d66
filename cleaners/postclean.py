"""Post-extraction cleaning: what trafilatura kept but a reader would not call the article."""

from __future__ import annotations

from .lexicon import Lexicon, normalise_key

DUPLICATE_DISTANCE = 3  # a caption printed twice stands next to its copy; repeated quotes further apart are kept


def clean_paragraphs(paragraphs: list[str], *, title: str | None, deks: list[str], lexicon: Lexicon,
                     tail_cues: frozenset[str] = frozenset()) -> list[str]:
    paragraphs = [" ".join(p.split()) for p in paragraphs if p.strip()]
    paragraphs = strip_repeated_headline(paragraphs, title, deks)
    paragraphs = cut_at_tail_heading(paragraphs, lexicon, tail_cues)
    paragraphs = [p for p in paragraphs if not is_clutter_line(p, lexicon)]
    return drop_adjacent_duplicates(paragraphs)


def strip_repeated_headline(paragraphs: list[str], title: str | None, deks: list[str]) -> list[str]:
    """The headline and dek often open the extracted body again; they are metadata, not body."""
    repeated = {normalise_key(t) for t in (title, *deks) if t}
    start = 0
    while start < min(len(paragraphs), 3) and normalise_key(paragraphs[start]) in repeated:
        start += 1
    return paragraphs[start:]


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


def is_clutter_line(line: str, lexicon: Lexicon) -> bool:
    return lexicon.is_see_also(line) or lexicon.is_boilerplate(line) or lexicon.is_headline_list(line)


def drop_adjacent_duplicates(paragraphs: list[str]) -> list[str]:
    kept: list[str] = []
    for p in paragraphs:
        if p not in kept[-DUPLICATE_DISTANCE:]:
            kept.append(p)
    return kept
