"""`extract(html, url) -> Article`: the cleaners' one entry point.

The page is parsed once; metadata is read, non-body elements are pruned from the same tree, trafilatura
extracts from the pruned tree, and the extracted paragraphs are cleaned once more.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

from lxml.etree import XPath
from lxml.html import HtmlElement
from trafilatura import bare_extraction
from trafilatura.utils import decode_file

from .agreement import (
    CHECKED_BELOW_CHARS,
    IndependentReading,
    is_clean_subset,
    medoid,
    needs_vote,
    reads_as_layout_table,
    shingle_set,
)
from .article import Article
from .deep import parse_page
from .deks import in_page_header
from .language import body_language
from .lexicon import Lexicon, load_lexicon, normalise_key
from .metadata import PageMetadata, read_metadata
from .options import CleaningOptions
from .postclean import clean_paragraphs
from .prune import paragraph_chars, prune_non_body
from .script_body import embedded_body, inline_scripts
from .site_memory import SiteMemory
from .sites import NO_PROFILE, SiteProfile, find_profile, keep_only, load_profiles
from .split_body import join_split_body
from .walls import find_wall
from .whitespace import unwrap_source_lines

# trafilatura's fallback extractors (readability, jusText) cost a third of its time and rarely change a
# result on a pruned page: they run only when the fast pass kept less than this share of its paragraph text
# (on the 3,112 benchmark pages a fast pass keeping 30-50 % of it was redone on 67 pages, and the text of none changed),
FALLBACK_BELOW_SHARE = 0.3
# or when less than this share of what it kept is prose (a paragraph runs to a sentence or more; a menu's or
# a link row's lines are a few words each: a table or <br> layout has little <p> text, and its menus pass),
PROSE_LINE_CHARS = 80
PROSE_SHARE_MIN = 0.5
# or when it kept less than this share of an independent extractor's text (a part of the article).
INDEPENDENT_SHARE_MIN = 0.5
# Below this much text the markup may be an empty shell whose body a script carries (`script_body`).
SHORT_BODY_CHARS = 500
EMBEDDED_OVER_MARKUP = 2
# trafilatura deletes scripts and styles itself, but only from the copies of the page it makes (two a pass, more
# in its fallbacks): deleted once before it, they are not copied. JSON-LD stays: trafilatura's baseline reads an
# article body declared there. About 2 % of the cleaners' time; 4 of the 3,112 benchmark texts change.
SCRIPTS_AND_STYLES = XPath("//script[not(@type='application/ld+json')] | //style")
# Escaped embed code printed as text ("<iframe title=...") means the fast pass read the wrong container.
RAW_MARKUP = re.compile(r"</?(?:iframe|script|div|span|blockquote)\b[^>]*>")


def extract_body(tree, url: str | None, options: CleaningOptions, reading: IndependentReading | None = None):
    """trafilatura on the pruned tree: the fast pass, and the full one only where the fast one fell short.
    Returns the document and whether it is to be put to the vote (`second_opinion`) whatever its length.

    `reading` is an independent extractor's reading of the page: a fast pass that kept much less than it read a
    part of the article, and the full cascade may find the rest. Where the fast pass read a sliver of the page's
    paragraphs, the full cascade's text is put to the vote too (`read_a_sliver`)."""
    settings: dict[str, Any] = dict(options.trafilatura)
    if "fast" in settings:
        return bare_extraction(tree, url=url, with_metadata=False, **settings), False
    paragraph_text = paragraph_chars(tree)
    if options.full_cascade_when_short and not paragraph_text:
        # trafilatura's main extractor reads paragraphs: without any, its fast pass often gives its baseline, the
        # whole page's text with menus and comments; the full cascade's Readability reads the article.
        return full_cascade(tree, url, settings), False
    document = bare_extraction(tree, url=url, with_metadata=False, fast=True, **settings)
    if not options.full_cascade_when_short or fast_pass_will_do(document, paragraph_text, reading):
        return document, False
    to_vote = reading is not None and options.vote_on_a_sliver and read_a_sliver(document, paragraph_text)
    return full_cascade(tree, url, settings), to_vote


def full_cascade(tree, url: str | None, settings: dict[str, Any]):
    """trafilatura with its fallback extractors, which keep the source's line breaks in a paragraph's text
    (its main extractor collapses them): they are spaces first (`unwrap_source_lines`)."""
    unwrap_source_lines(tree)
    return bare_extraction(tree, url=url, with_metadata=False, fast=False, **settings)


def read_a_sliver(document, paragraph_text: int) -> bool:
    """The fast pass read text, but a sliver of the page's paragraph text: trafilatura's body expressions found
    the wrong container (the header's dek and byline, the lead alone), or uncued clutter (readers' letters, a
    rail of teasers) outweighs the article. trafilatura's fallbacks then take either the article or the clutter,
    so their text is put to the vote, whatever its length, against Readability's and resiliparse's readings of
    the page as it came. On the benchmark sets: readability +0.0065 F1 (recall +0.008), dragnet +0.0013,
    cleaneval +0.0003, the others equal."""
    return _is_sliver(_text_read(document), paragraph_text)


def _text_read(document) -> str:
    """The fast pass's text; none where it printed escaped embed code, which means it read the wrong container."""
    text = document.text if document is not None and document.text else ""
    return "" if RAW_MARKUP.search(text) else text


def _is_sliver(text: str, paragraph_text: int) -> bool:
    return bool(text) and len(text) < FALLBACK_BELOW_SHARE * paragraph_text


def fast_pass_will_do(document, paragraph_text: int, reading: IndependentReading | None = None) -> bool:
    """The fast pass read prose, a fair share of the page's paragraph text (`paragraph_chars`), and at least half
    of what an independent extractor reads (`reading`). Menus and link rows of a table or `<br>` layout pass the
    paragraph test (such a page has little `<p>` text) but are short lines, not prose."""
    text = _text_read(document)
    if not text or _is_sliver(text, paragraph_text):
        return False
    prose = sum(len(line) for line in text.split("\n") if len(line) >= PROSE_LINE_CHARS)
    if prose < PROSE_SHARE_MIN * len(text):
        return False
    return reading is None or len(text) >= INDEPENDENT_SHARE_MIN * len(reading.text)


def clean_tree(tree, url: str | None, meta: PageMetadata, profile: SiteProfile, lexicon: Lexicon,
               options: CleaningOptions, reading: IndependentReading | None = None) -> tuple[list[str], bool]:
    """The article paragraphs of a parsed page: pruned, extracted by trafilatura, cleaned; and whether they
    are to be put to the vote (`extract_body`)."""
    if options.join_split_body:
        join_split_body(tree)
    prune_non_body(tree, lexicon, profile.drop, options, reading.text if reading is not None else "")
    drop_scripts_and_styles(tree)
    document, to_vote = extract_body(tree, url, options, reading)
    if document is None or not document.text:
        return [], to_vote
    headings = {normalise_key(" ".join(h.itertext())) for h in document.body.iter("head")}
    deks = [d for d in meta.descriptions if normalise_key(d) in headings and in_page_header(tree, d)]
    return postclean(document.text.split("\n"), meta, profile, lexicon, options, deks), to_vote


def drop_scripts_and_styles(tree) -> None:
    for element in SCRIPTS_AND_STYLES(tree):
        element.drop_tree()  # its tail text stays


def postclean(lines: list[str], meta: PageMetadata, profile: SiteProfile, lexicon: Lexicon,
              options: CleaningOptions, deks: tuple[str, ...] | list[str] = ()) -> list[str]:
    return clean_paragraphs(lines, title=meta.title, deks=list(deks), lexicon=lexicon, tail_cues=profile.tail_cues,
                            authors=meta.credited, headlines=meta.headlines, options=options)


def second_opinion(paragraphs: list[str], reading: IndependentReading, meta: PageMetadata, profile: SiteProfile,
                   lexicon: Lexicon, options: CleaningOptions, to_vote: bool = False) -> list[str]:
    """The cleaners' paragraphs, unless they are short and an independent extractor disagrees with them, or they
    read as a layout table (`reads_as_layout_table`), or they are `to_vote` (the full cascade's text where the fast
    pass read a sliver of the page, `read_a_sliver`): then of the cleaners', Readability's and resiliparse's
    texts, the one the other two agree with most (`agreement`), and on a layout table Readability's where both
    others hold it nearly whole (`is_clean_subset`). The others' lines get the same post-extraction cleaning.

    Plain trafilatura is no voter: the cleaners run trafilatura themselves, so its failures are theirs more
    often than not, and it costs four times Readability's time."""
    layout_table = reads_as_layout_table(paragraphs)
    if sum(map(len, paragraphs)) >= CHECKED_BELOW_CHARS and not (layout_table or to_vote):
        return paragraphs
    ours = shingle_set("\n".join(paragraphs))
    if not (layout_table or to_vote) and not needs_vote(ours, reading.shingles):
        return paragraphs
    readability = postclean(reading.readability, meta, profile, lexicon, options)
    readability_shingles = shingle_set("\n".join(readability))
    if layout_table and options.readability_subset_on_layout_tables and is_clean_subset(
            readability_shingles, [ours, reading.shingles], sum(map(len, readability)) / sum(map(len, paragraphs))):
        return readability  # the article's cell: the other readings hold it nearly whole, with the other cells
    independent = postclean(reading.text.split("\n"), meta, profile, lexicon, options)
    candidates = [paragraphs, readability, independent]
    return candidates[medoid([ours, readability_shingles, shingle_set("\n".join(independent))])]


def _embedded_paragraphs(scripts: list[str], url: str | None, meta: PageMetadata, profile: SiteProfile,
                         lexicon: Lexicon, options: CleaningOptions) -> list[str]:
    """A client-rendered page's body, sent as escaped HTML in a script's string, cleaned like a page."""
    embedded = embedded_body(scripts)
    return clean_tree(embedded, url, meta, profile, lexicon, options)[0] if embedded is not None else []


def _longer(markup: list[str], embedded: list[str]) -> list[str]:
    """The script's body only where it clearly outweighs the markup's text (an empty shell, its menu)."""
    return embedded if sum(map(len, embedded)) > EMBEDDED_OVER_MARKUP * sum(map(len, markup)) else markup


@dataclass
class Draft:
    """A page cleaned up to, not including, site template learning: plain data, so it crosses processes.

    Everything in it depends on the page alone; `finish_article` adds what depends on the pages cleaned
    before it (site memory), so a crawl can draft pages on all cores and finish them in arrival order.
    """
    url: str | None
    meta: PageMetadata
    paragraphs: list[str]
    language: str | None  # detected on the draft's text: template blocks are few and in the site's language
    wall: str | None = None  # "consent" | "paywall": the page is a wall, `paragraphs` what it shows of the article


def draft_article(html: bytes | str, url: str | None = None, *, tree: HtmlElement | None = None,
                  lexicon: Lexicon | None = None, profiles: tuple[SiteProfile, ...] | None = None,
                  options: CleaningOptions | None = None, **trafilatura_options) -> Draft | None:
    """The page's cleaned paragraphs and metadata, or None when the page holds no text.

    `tree`: the page already parsed by `parse_page(html)`, for a caller that reads the page's tree itself
    first (the crawl reads its links); it is cleaned in place. `options` switches cleaning steps
    (`CleaningOptions`); keyword arguments beyond it go to trafilatura. A consent wall or paywall stub
    (`walls.find_wall`) gives a Draft with `wall` set, whatever text it has.
    """
    html = decode_file(html)  # once, as trafilatura decodes, for the three readers and the wall cues
    if tree is None:
        tree = parse_page(html)  # as trafilatura's load_html, deep nesting too (cleaners/deep.py)
    if tree is None:
        return None
    options = _with_trafilatura(options or CleaningOptions(), trafilatura_options)
    lexicon = lexicon or load_lexicon()
    meta = read_metadata(tree, url)
    profile = NO_PROFILE
    if options.site_profiles:
        profile = find_profile(profiles if profiles is not None else load_profiles(), (url, meta.canonical_url), meta.sitename)
    scripts = inline_scripts(tree) if options.embedded_body else []  # read from the page as it came
    reading = IndependentReading(html) if options.agreement_check else None
    paragraphs, to_vote = clean_tree(keep_only(tree, profile.keep), url, meta, profile, lexicon, options, reading)
    if reading is not None:
        paragraphs = second_opinion(paragraphs, reading, meta, profile, lexicon, options, to_vote)
    wall, paragraphs = find_wall(html, paragraphs, lexicon, meta.page_type)
    if wall is None and scripts and sum(map(len, paragraphs)) < SHORT_BODY_CHARS:
        paragraphs = _longer(paragraphs, _embedded_paragraphs(scripts, url, meta, profile, lexicon, options))
    if not paragraphs and wall is None:
        return None
    language = body_language("\n".join(paragraphs), meta.language) if paragraphs else meta.language
    return Draft(url=url, meta=meta, paragraphs=paragraphs, language=language, wall=wall)


def _with_trafilatura(options: CleaningOptions, trafilatura_options: dict) -> CleaningOptions:
    if not trafilatura_options:
        return options
    return replace(options, trafilatura=tuple({**dict(options.trafilatura), **trafilatura_options}.items()))


def finish_article(draft: Draft | None, site_memory: SiteMemory | None = None) -> Article | None:
    """The Article of a draft: with a `site_memory`, blocks that recur on many pages of the same site are
    dropped as template, and this page's blocks are remembered for the next ones.

    A wall's Article carries its kind (`wall`) and what it shows of the article (often nothing): it is never
    None, so a consent wall is told from a page without text. Walls are not remembered by site memory: a
    wall is not the site's article template, and its teaser is no body to learn from.
    """
    if draft is None:
        return None
    meta, paragraphs = draft.meta, draft.paragraphs
    if site_memory is not None and draft.wall is None:
        paragraphs = site_memory.strip_template(draft.url, paragraphs, page_id=meta.canonical_url or draft.url)
    if not paragraphs and draft.wall is None:
        return None
    text = "\n".join(paragraphs)
    return Article(
        url=draft.url,
        canonical_url=meta.canonical_url,
        title=meta.title or "",
        text=text,
        authors=meta.authors,
        published=meta.published,
        published_from=meta.published_from,
        modified=meta.modified,
        language=draft.language,
        declared_language=meta.language,
        sitename=meta.sitename,
        description=meta.description,
        page_type=meta.page_type,
        amp_url=meta.amp_url,
        wall=draft.wall,
    )


def extract(html: bytes | str, url: str | None = None, *, lexicon: Lexicon | None = None,
            profiles: tuple[SiteProfile, ...] | None = None, site_memory: SiteMemory | None = None,
            options: CleaningOptions | None = None, **trafilatura_options) -> Article | None:
    """Clean article text and metadata from one page, or None when the page holds no text.

    A consent wall or paywall stub gives an Article with `wall` set ("consent" or "paywall") and the text it
    shows of the article, often none: never an article to keep.

    With a `site_memory`, blocks that recur on many pages of the same site are dropped as template, and
    this page's blocks are remembered for the next ones.

    `options` switches cleaning steps (`CleaningOptions`); keyword arguments beyond it go to trafilatura.
    """
    draft = draft_article(html, url, lexicon=lexicon, profiles=profiles, options=options, **trafilatura_options)
    return finish_article(draft, site_memory)
