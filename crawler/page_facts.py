"""What a page tells the crawl beyond its draft, read in the cleaning worker that drafted it.

The crawl's process (the Twisted reactor, one core) used to do per-page work that needs no crawl state:
the listing test of an untyped page (a parse of the whole page, its dated links and its next page), the
story's relevance, the MinHash signature of near-duplicate detection, the text's identity key and its word
count. `PageReader.facts` does it in the worker instead, beside the draft, on all cores.

The text facts describe the text the draft gives. Site memory (`cleaners.finish_article`, in the crawl's
process, in arrival order) may still drop template paragraphs from it: every user asks `describes(title,
text)` first and computes afresh when the facts are of another text, so the corpus is the same either way.
The listing test reads the page, not the text, and holds whatever site memory does: its links and dated
entries (`read_listing_links`) are read from the tree the cleaners parse, before they prune it, so the
page is parsed once.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import partial
from urllib.parse import urljoin

import numpy as np
from scrapy.utils.response import get_base_url
from w3lib.html import get_base_url as html_base_url

from cleaners import Draft
from cleaners.article import count_words
from cleaners.metadata import ARTICLE_TYPES

from .clusters import shingle_hashes, signature_values
from .relevance import Relevance, RelevanceMatcher
from .windowing import dated_entries, pagination, paging_links

LISTING_DATED_LINKS = 5  # an untyped page with this many links dated by their own <time> is a listing, not an article
BASE_SEARCH_CHARS = 4096  # where Scrapy's get_base_url looks for a <base href>


def text_key(title: str, text: str) -> str:
    """Identical text up to whitespace and case is one article, whatever its URL."""
    normalised = " ".join(f"{title}\n{text}".split()).casefold()
    return hashlib.sha256(normalised.encode()).hexdigest()


@dataclass(frozen=True)
class ListingLinks:
    """What the listing test reads of a page's tree (`read_listing_links`): read before the cleaners prune it, so the
    cleaning worker parses a page once for both."""

    url: str
    base_url: str  # the page's <base href>, or its URL: what its relative links are joined to
    hrefs: list[str]  # every link of the page, as written
    dated: int  # links dated by their own <time>; 0 on a page with fewer <time>s than LISTING_DATED_LINKS


def read_listing_links(root, url: str, base_url: str) -> ListingLinks:
    """The page's links, and its dated links where it has <time>s enough. Each dated link needs a `<time>` of its
    own (two entries sharing one are nested, so their one link is the same), so a page with fewer `<time>`
    elements than LISTING_DATED_LINKS is not searched for them."""
    dated = 0
    if sum(1 for _time in root.iter("time")) >= LISTING_DATED_LINKS:
        dated = len(dated_entries(root, partial(urljoin, base_url)))
    return ListingLinks(url, base_url, root.xpath("//a/@href", smart_strings=False), dated)


def listing_verdict(links: ListingLinks) -> str | None:
    """Why an untyped HTML page is a listing, not an article (dated links, a next page), or None. Only the links
    that may name a next page are joined (`paging_links`)."""
    if links.dated >= LISTING_DATED_LINKS:
        return f"a listing page: {links.dated} dated links"
    following, _jumps = pagination(links.url, paging_links(links.base_url, links.hrefs))
    return f"a listing page: its next page is {following}" if following else None


def listing_reason(response) -> str | None:
    """`listing_verdict` of a response: the crawl's process asks it where no worker read the page."""
    return listing_verdict(read_listing_links(response.selector.root, response.url, get_base_url(response)))


def page_base_url(html: str, url: str) -> str:
    """The base URL of a page's text, as Scrapy finds a response's (`get_base_url`: a <base href> in its first 4,096
    characters)."""
    return html_base_url(html[:BASE_SEARCH_CHARS], url)


def is_typed_article(page_type: str | None) -> bool:
    return (page_type or "").lower() in ARTICLE_TYPES


def word_shortfall(words: int, typed: bool, published: str | None, min_words: int, untyped_min_words: int) -> str | None:
    """Why a text of `words` words makes no article, or None: fewer than `min_words` (MIN_ARTICLE_WORDS), or, on
    a page that declares no article type, no date or fewer than `untyped_min_words` (UNTYPED_ARTICLE_WORDS).
    The page judge's rule (crawler/verdicts.py), which the worker asks of a draft too."""
    if words < min_words:
        return f"only {words} words"
    if not typed and not (published and words >= untyped_min_words):
        return f"no article type, {'no date' if not published else f'only {words} words'}"
    return None


@dataclass(frozen=True)
class PageFacts:
    title: str  # the title and text these facts are of
    text: str
    relevance: Relevance
    signature: np.ndarray  # the text's MinHash hash values (crawler/clusters.py)
    signature_words: int  # over the text's first words only (NEAR_DUPLICATE_MAX_WORDS; 0: all)
    text_key: str
    word_count: int
    listing: str | None  # listing_reason of an untyped page; None for a typed article or no listing
    listing_read: bool = True  # False: an untyped page whose text can be no article (the judge asks no listing test)

    def describes(self, title: str, text: str) -> bool:
        return self.title == title and self.text == text


class PageReader:
    """A crawl's reading of its pages: the story's terms and the signature's length. Sent to the workers
    with each page (it pickles to a few hundred bytes)."""

    def __init__(self, relevance: RelevanceMatcher, max_words: int = 0, min_words: int = 0, untyped_min_words: int = 0):
        self.relevance = relevance
        self.max_words = max_words  # NEAR_DUPLICATE_MAX_WORDS
        self.min_words = min_words  # MIN_ARTICLE_WORDS
        self.untyped_min_words = untyped_min_words  # UNTYPED_ARTICLE_WORDS

    def facts(self, draft: Draft | None, links: ListingLinks | None) -> PageFacts | None:
        """The facts of a drafted page (None for a page with no text or a wall: nothing downstream reads them).
        `links`: what the listing test reads of the page's tree (`read_listing_links`), read before it was drafted."""
        if draft is None or draft.wall is not None or not draft.paragraphs:
            return None
        title, text = draft.meta.title or "", "\n".join(draft.paragraphs)
        words = count_words(text)
        listing, listing_read = None, True
        if not is_typed_article(draft.meta.page_type):
            listing_read = links is not None and self.may_be_an_untyped_article(draft, words)
            listing = listing_verdict(links) if links is not None and listing_read else None
        return PageFacts(title, text, self.relevance.match(title, text),
                         signature_values(shingle_hashes(text, self.max_words)), self.max_words,
                         text_key(title, text), words, listing, listing_read)

    def may_be_an_untyped_article(self, draft: Draft, words: int) -> bool:
        """What the page judge (crawler/verdicts.py) asks of an untyped page before its listing test: enough words
        and a date. Site memory only takes paragraphs away, so a draft short of them makes no article."""
        return word_shortfall(words, False, draft.meta.published, self.min_words, self.untyped_min_words) is None
