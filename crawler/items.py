"""What the spider hands the pipelines: one cleaned article with where it came from."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .page_facts import PageFacts

from .records import MANIFEST_FIELDS, ManifestRecord


@dataclass
class ArticleItem:
    url: str
    canonical_url: str | None
    outlet: str
    title: str
    text: str  # body paragraphs separated by "\n"
    language: str | None  # detected from the body (the declared one where the detector is unsure)
    declared_language: str | None  # what the page says
    authors: list[str]
    published: str | None  # as the page gives it (ISO); None when the page has no date
    modified: str | None
    description: str | None
    sitename: str | None
    discovered_via: dict  # {"kind": sitemap|feed|link|list|gdelt, "url": where it was listed}
    fetched_at: str  # when the page was received (its WARC record's date when WARC_DIR is set)
    # Other URLs it was reached by: as listed (before tracking parameters were dropped), redirected from, and
    # the AMP or alternate copies that led to it. A copy met after it was cleaned gets a duplicate record instead.
    other_urls: list[str] = field(default_factory=list)
    warc: dict | None = None  # {"file": absolute path, "offset": of the response record, "record_id"} (WARC_DIR)
    etag: str | None = None  # the response's validators: the next run's conditional request sends them
    last_modified: str | None = None
    # An article already in the corpus, fetched again to re-check it: {"version", "path"} of its latest version
    previous: dict | None = None
    # What the cleaning worker read of the page's text (crawler/page_facts.py): relevance, signature, text key,
    # words, for the pipelines to take instead of computing them again; never in the manifest
    facts: PageFacts | None = field(default=None, repr=False, compare=False)
    # set by the pipelines
    matched_terms: list[str] = field(default_factory=list)
    relevance: float | None = None
    word_count: int = 0
    sha256: str | None = None  # of the written text file
    path: str | None = None  # relative to the corpus directory
    cluster_id: str | None = None  # near-duplicates (wire copies) share one
    near_duplicate_of: str | None = None  # URL of the cluster's first article, on later copies (DEDUP_MODE=mark)
    duplicate_of: str | None = None  # URL of the kept article: a duplicate's record has no file (path, sha256: null)
    duplicate_kind: str | None = None  # same_url (another URL of it) | same_text (its text under another URL)
    version: int = 1  # 2, 3... for a changed text of an article already in the corpus (earlier versions are kept)
    previous_version: str | None = None  # the path of the version it replaces
    # Where `published` came from: "metadata" (the page declares it), "page" (htmldate found it in the page), or
    # "unknown" (no date could be read anywhere: kept or not by KEEP_UNDATED_ARTICLES)
    published_from: str = "unknown"

    MANIFEST_FIELDS = MANIFEST_FIELDS

    def manifest_record(self, text_key: str | None = None) -> ManifestRecord:
        return ManifestRecord(**{name: getattr(self, name) for name in MANIFEST_FIELDS}, text_key=text_key)
