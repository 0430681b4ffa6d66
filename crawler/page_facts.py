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

from cleaners import Draft
from cleaners.article import count_words
from cleaners.metadata import ARTICLE_TYPES

from .clusters import shingle_hashes, signature_of
from .relevance import Relevance, RelevanceMatcher
from .windowing import pagination, time_dates

LISTING_DATED_LINKS = 5  # an untyped page with this many links dated by their own <time> is a listing, not an article


def text_key(title: str, text: str) -> str:
    """Identical text up to whitespace and case is one article, whatever its URL."""
    normalised = " ".join(f"{title}\n{text}".split()).casefold()
    return hashlib.sha256(normalised.encode()).hexdigest()


def listing_reason(response) -> str | None:
    """Why an untyped HTML page is a listing, not an article (dated links, a next page), or None."""
    dated = len(time_dates(response))
    if dated >= LISTING_DATED_LINKS:
        return f"a listing page: {dated} dated links"
    following, _jumps = pagination(response.url, [response.urljoin(href) for href in response.xpath("//a/@href").getall()])
    return f"a listing page: its next page is {following}" if following else None


def is_typed_article(page_type: str | None) -> bool:
    return (page_type or "").lower() in ARTICLE_TYPES


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

    def describes(self, title: str, text: str) -> bool:
        return self.title == title and self.text == text


class PageReader:
    """A crawl's reading of its pages: the story's terms and the signature's length. Sent to the workers
    with each page (it pickles to a few hundred bytes)."""

    def __init__(self, relevance: RelevanceMatcher, max_words: int = 0):
        self.relevance = relevance
        self.max_words = max_words  # NEAR_DUPLICATE_MAX_WORDS

    def facts(self, draft: Draft | None, body: bytes, content_type: str | None, url: str) -> PageFacts | None:
        """The facts of a drafted page (None for a page with no text or a wall: nothing downstream reads them)."""
        if draft is None or draft.wall is not None or not draft.paragraphs:
            return None
        title, text = draft.meta.title or "", "\n".join(draft.paragraphs)
        listing = None
        if not is_typed_article(draft.meta.page_type):
            listing = listing_reason(response_of(body, content_type, url))
        return PageFacts(title, text, self.relevance.match(title, text),
                         signature_of(shingle_hashes(text, self.max_words)).hashvalues, self.max_words,
                         text_key(title, text),
                         count_words(text), listing)


def response_of(body: bytes, content_type: str | None, url: str) -> HtmlResponse:
    """The crawl's HtmlResponse as far as the listing test reads it: its URL, body and Content-Type (which,
    with the body, decide its encoding and so its text)."""
    headers = {b"Content-Type": content_type.encode("latin-1")} if content_type is not None else {}
    return HtmlResponse(url=url, body=body, headers=headers)
