"""What a page tells the crawl beyond its draft, read in the cleaning worker that drafted it.

The crawl's process (the Twisted reactor, one core) used to do per-page work that needs no crawl state:
the listing test of an untyped page (a parse of the whole page, its dated links and its next page), the
story's relevance, the MinHash signature of near-duplicate detection, the text's identity key and its word
count. `PageReader.facts` does it in the worker instead, beside the draft, on all cores.

The text facts describe the text the draft gives. Site memory (`cleaners.finish_article`, in the crawl's
process, in arrival order) may still drop template paragraphs from it: every user asks `describes(title,
text)` first and computes afresh when the facts are of another text, so the corpus is the same either way.
The listing test reads the response, not the text, and holds whatever site memory does.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
from scrapy.http import HtmlResponse
from scrapy.utils.response import get_base_url

from cleaners import Draft
from cleaners.article import count_words
from cleaners.metadata import ARTICLE_TYPES

from .clusters import shingle_hashes, signature_values
from .relevance import Relevance, RelevanceMatcher
from .windowing import dated_entries, pagination, paging_links

LISTING_DATED_LINKS = 5  # an untyped page with this many links dated by their own <time> is a listing, not an article


def text_key(title: str, text: str) -> str:
    """Identical text up to whitespace and case is one article, whatever its URL."""
    normalised = " ".join(f"{title}\n{text}".split()).casefold()
    return hashlib.sha256(normalised.encode()).hexdigest()


def listing_reason(response) -> str | None:
    """Why an untyped HTML page is a listing, not an article (dated links, a next page), or None.

    It reads the page's tree with lxml alone. Each dated link needs a `<time>` of its own (two entries
    sharing one are nested, so their one link is the same), so a page with fewer `<time>` elements than
    LISTING_DATED_LINKS is not searched for them; and only the links that may name a next page are joined
    (`paging_links`)."""
    root = response.selector.root
    if sum(1 for _time in root.iter("time")) >= LISTING_DATED_LINKS:
        dated = len(dated_entries(root, response.urljoin))
        if dated >= LISTING_DATED_LINKS:
            return f"a listing page: {dated} dated links"
    hrefs = root.xpath("//a/@href", smart_strings=False)
    following, _jumps = pagination(response.url, paging_links(get_base_url(response), hrefs))
    return f"a listing page: its next page is {following}" if following else None


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

    def facts(self, draft: Draft | None, body: bytes, content_type: str | None, url: str, encoding: str | None = None
              ) -> PageFacts | None:
        """The facts of a drafted page (None for a page with no text or a wall: nothing downstream reads them).
        `encoding`: the crawl's response's (Scrapy's reading of the same body and Content-Type), if known."""
        if draft is None or draft.wall is not None or not draft.paragraphs:
            return None
        title, text = draft.meta.title or "", "\n".join(draft.paragraphs)
        words = count_words(text)
        listing, listing_read = None, True
        if not is_typed_article(draft.meta.page_type):
            listing_read = self.may_be_an_untyped_article(draft, words)
            listing = listing_reason(response_of(body, content_type, url, encoding)) if listing_read else None
        return PageFacts(title, text, self.relevance.match(title, text),
                         signature_values(shingle_hashes(text, self.max_words)), self.max_words,
                         text_key(title, text), words, listing, listing_read)

    def may_be_an_untyped_article(self, draft: Draft, words: int) -> bool:
        """What the page judge (crawler/verdicts.py) asks of an untyped page before its listing test: enough words
        and a date. Site memory only takes paragraphs away, so a draft short of them makes no article."""
        return word_shortfall(words, False, draft.meta.published, self.min_words, self.untyped_min_words) is None


def response_of(body: bytes, content_type: str | None, url: str, encoding: str | None = None) -> HtmlResponse:
    """The crawl's HtmlResponse as far as the listing test reads it: its URL, body and Content-Type (which,
    with the body, decide its encoding and so its text). Given the `encoding` the crawl's response found from
    them, the worker does not find it again (for a page that declares none, that is a charset detection)."""
    headers = {b"Content-Type": content_type.encode("latin-1")} if content_type is not None else {}
    return HtmlResponse(url=url, body=body, headers=headers, encoding=encoding)
