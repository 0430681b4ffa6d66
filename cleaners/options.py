"""Every cleaning step by name, each with a switch: what `extract` does to a page, and what a caller can turn off.

A step earns its place by measurement across all benchmark sets (`bench/extraction.py --ablate` switches
each off in turn). The gold conventions of news corpora (no headline, dateline or byline in the body) are
steps too: a corpus that wants them kept switches them off.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any

TRAFILATURA_DEFAULTS = {"include_comments": False, "include_tables": True}


@dataclass(frozen=True)
class CleaningOptions:
    # Before extraction, on the parsed page (cleaners/split_body.py, cleaners/prune.py)
    join_split_body: bool = True  # a body cut into several same-class containers read as one
    prune_by_cues: bool = True  # class, id and role names: comments, share bars, related, captions...
    prune_lexicon_blocks: bool = True  # a lexicon heading ("Most read") over links; subscription offer boxes
    prune_link_lists: bool = True  # lists whose every item links to another page
    prune_kicker_teasers: bool = True  # "<b>READ MORE:</b> <a>Other headline</a>" paragraphs
    prune_headline_links: bool = True  # <a><h3>Other story</h3></a> cards
    prune_hidden_copies: bool = True  # a hidden print or microdata copy of visible text
    prune_footnote_markers: bool = True  # <sup><a href="#fn1">1</a></sup>
    prune_front_matter: bool = True  # a static site's YAML front matter printed above the post
    unwrap_linked_paragraphs: bool = True  # a linked sentence alone in wrapper divs, which trafilatura takes for a menu
    unlink_keyword_links: bool = True  # names linked to topic pages inside a sentence
    # Extraction (cleaners/extract.py)
    full_cascade_when_short: bool = True  # trafilatura's fallbacks when the fast pass read little, or little prose
    # an independent reading guards the body from pruning; a vote where the cleaners disagree or read a layout table
    agreement_check: bool = True
    vote_on_a_sliver: bool = True  # where the fast pass read a sliver of the page's paragraphs, the full cascade's text is voted on
    readability_subset_on_layout_tables: bool = True  # a layout table's Readability reading the others hold whole
    embedded_body: bool = True  # a client-rendered page's body read from a script's string
    # After extraction, on the paragraphs (cleaners/postclean.py)
    drop_leading_timestamps: bool = True  # a date line among the first lines (gold convention: no dateline)
    drop_leading_bylines: bool = True  # "By Jane Doe" among the first lines (the metadata holds the authors)
    strip_headline: bool = True  # the headline and kicker repeated at the top (gold convention: no headline)
    strip_deks: bool = True  # a dek repeated from the page header
    cut_at_tail_heading: bool = True  # everything from "Most read" / a site's end cue on
    drop_clutter_lines: bool = True  # "Read also: ...", "Share this", lines of headlines
    drop_repeated_lines: bool = True  # a short line printed twice in a row (a caption and its copy)
    # Per-site data files (cleaners/sites/*.toml): selectors to keep and drop, tail cues
    site_profiles: bool = True
    # trafilatura's own options as (name, value) pairs, so that options can be compared, hashed and cached
    trafilatura: tuple[tuple[str, object], ...] = tuple(TRAFILATURA_DEFAULTS.items())

    @classmethod
    def steps(cls) -> list[str]:
        """The names of the switchable steps, in the order the cleaners run them."""
        return [f.name for f in fields(cls) if f.type in ("bool", bool)]

    def without(self, *steps: str) -> CleaningOptions:
        """These options with the named steps switched off; an unknown name is an error, not a no-op."""
        unknown = set(steps) - set(self.steps())
        if unknown:
            raise ValueError(f"unknown cleaning step(s): {', '.join(sorted(unknown))}; known: {', '.join(self.steps())}")
        switched_off: dict[str, Any] = {step: False for step in steps}
        return replace(self, **switched_off)
