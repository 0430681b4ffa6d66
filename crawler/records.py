"""The records the corpus is made of, as the writer, the run report, `storycrawl merge` and report.html share them:
a manifest line (`ManifestRecord`), a decision (`Decision`), what the report keeps of a written article
(`WrittenArticle`) and report.json (`ReportRecord`).

Each `to_json` gives the dict written to disk, keys in the order the files have always had them; `from_json`
reads a line or a report back, tolerating what older versions wrote (a missing key takes its default, a key this
version does not know is kept and written back after the known ones).
"""

from __future__ import annotations

from dataclasses import MISSING, dataclass, field, fields
from typing import Any

REASONS = {
    "written": "written to the corpus",
    "known": "decided by an earlier run (state/crawl.sqlite): not fetched again",
    "unchanged": "re-checked, not changed since the version in the corpus (HTTP 304 or the same text)",
    "off_topic": "does not match every term group of the story",
    "out_of_window": "published outside the story's window",
    "undated": "no publication date could be read from the page (dropped: KEEP_UNDATED_ARTICLES=False)",
    "duplicate": "the same article as one already kept",
    "near_duplicate": "a near-copy of a kept article (DEDUP_MODE=drop)",
    "not_article": "no article on the page (listing, too short, not HTML)",
    "wall": "a consent wall or a paywall stub instead of the article: not saved (detail: consent | paywall)",
    "robots": "forbidden by robots.txt",
    "http_error": "the server answered with an error status",
    "fetch_error": "could not be fetched (timeout, refused, DNS, size limit, redirect loop or off the outlet, URL too long)",
    "bad_url": "not an http(s) URL (file:, data:, ftp:, javascript:...) or no host: never fetched",
    "offsite": "listed on a host that is none of the outlet's (allowed_domains): recorded, not fetched",
    # crawler/story_gates.py
    "off_language": "written in a language the story's `languages` does not list",
    "over_cap": "the story's max_articles (for its outlet, or in all) was reached: not fetched, or not written",
    "would_fetch": "a dry run (--dry-run): would be fetched; the detail says why",
}
DUPLICATE_KINDS = {  # a `duplicate` decision's kind
    "same_url": "another URL of a kept article: an AMP or alternate copy, the same canonical URL, the same page again",
    "same_text": "the text of a kept article under another URL",
}


class JsonRecord:
    """A dataclass read from and written to JSON; `extra` holds keys of a newer (or older) writer."""

    extra: dict

    @classmethod
    def from_json(cls, data: dict) -> Any:
        record: Any = cls  # a dataclass: every subclass is one
        known = {f.name for f in fields(record)} - {"extra"}
        return record(**{key: value for key, value in data.items() if key in known},
                      extra={key: value for key, value in data.items() if key not in known})

    def to_json(self) -> dict:
        record: Any = self
        return {**{f.name: getattr(self, f.name) for f in fields(record) if f.name != "extra"}, **self.extra}


@dataclass
class ManifestRecord(JsonRecord):
    """One line of manifest.jsonl: an article written (`path`), or another URL or text of one (`duplicate_of`,
    no file)."""
    url: str
    canonical_url: str | None = None
    other_urls: list[str] = field(default_factory=list)
    outlet: str = ""
    language: str | None = None
    declared_language: str | None = None
    title: str = ""
    authors: list[str] = field(default_factory=list)
    published: str | None = None
    published_from: str = "unknown"
    modified: str | None = None
    discovered_via: dict | None = None
    matched_terms: list[str] = field(default_factory=list)
    relevance: float | None = None
    word_count: int = 0
    sha256: str | None = None
    path: str | None = None
    fetched_at: str | None = None
    warc: dict | None = None
    cluster_id: str | None = None
    near_duplicate_of: str | None = None
    duplicate_of: str | None = None
    duplicate_kind: str | None = None
    version: int = 1
    previous_version: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    text_key: str | None = None  # the writer's: identical text (up to spaces and case) is one article
    extra: dict = field(default_factory=dict)

    def urls(self) -> list[str]:
        """Every URL the record says its article was reached by or names as its own."""
        return [url for url in (self.url, self.canonical_url, *self.other_urls) if url]


# What an ArticleItem writes of itself (the writer adds text_key).
MANIFEST_FIELDS = tuple(f.name for f in fields(ManifestRecord) if f.name not in ("text_key", "extra"))


@dataclass
class Decision(JsonRecord):
    """One line of decisions.jsonl. `kind` is a duplicate's; a provisional decision waits on another page."""
    url: str
    outlet: str
    reason: str
    detail: str = ""
    via: dict | None = None
    at: str | None = None
    kind: str | None = None
    provisional: bool = False
    extra: dict = field(default_factory=dict)

    def to_json(self) -> dict:
        record: dict[str, Any] = {"url": self.url, "outlet": self.outlet, "reason": self.reason,
                                  "detail": self.detail, "via": self.via, "at": self.at}
        if self.kind:
            record["kind"] = self.kind
        if self.provisional:
            record["provisional"] = True
        return {**record, **self.extra}


@dataclass(frozen=True)
class WrittenArticle:
    """What the report's corpus sections read of each written article: kept per article for the whole run, so lean."""
    url: str
    outlet: str
    language: str | None
    published: str | None
    cluster_id: str | None
    near_duplicate_of: str | None

    @classmethod
    def of(cls, article) -> WrittenArticle:
        """From an ArticleItem or a ManifestRecord."""
        return cls(**{f.name: getattr(article, f.name) for f in fields(cls)})


@dataclass
class StoryInfo(JsonRecord):
    id: str | None = None
    title: str | None = None
    file: str | None = None
    since: str | None = None
    until: str | None = None
    extra: dict = field(default_factory=dict)


@dataclass
class ReportRecord(JsonRecord):
    """report.json. Sections that only one kind of run has are None when absent, and left out of the file:
    `failed_sources` and `corpus` (a crawl's), `shards` (a merge's)."""
    story: StoryInfo = field(default_factory=StoryInfo)
    started_at: str = ""
    finished_at: str = ""
    seconds: float = 0
    finish_reason: str | None = None
    corpus_dir: str = ""
    settings: dict = field(default_factory=dict)
    versions: dict = field(default_factory=dict)  # the libraries that made the corpus (crawler/versions.py)
    reasons: dict = field(default_factory=dict)
    totals: dict = field(default_factory=dict)
    outlets: dict[str, dict] = field(default_factory=dict)
    duplicates: dict = field(default_factory=dict)
    clusters: dict = field(default_factory=dict)
    languages: dict[str, int] = field(default_factory=dict)
    dates: dict[str, dict] = field(default_factory=dict)
    source_errors: list[dict] = field(default_factory=list)
    failed_sources: list[dict] | None = None
    requests: int = 0
    fetch_cost: dict = field(default_factory=dict)
    skipped_listings: list[dict] = field(default_factory=list)
    budget: list[dict] = field(default_factory=list)
    corpus: dict | None = None
    shards: list[dict] | None = None
    extra: dict = field(default_factory=dict)

    @classmethod
    def from_json(cls, data: dict) -> ReportRecord:
        """A report.json as read from disk, maybe from another version or damaged by hand: a section of the wrong
        type is taken as absent."""
        report = super().from_json(data)
        for f in fields(cls):
            value, kind = getattr(report, f.name), _json_type(f.type)
            if kind and value is not None and not isinstance(value, kind):
                setattr(report, f.name, f.default if f.default_factory is MISSING else f.default_factory())
        story = report.story
        report.story = StoryInfo.from_json(story) if isinstance(story, dict) else StoryInfo()
        return report

    def to_json(self) -> dict:
        record = super().to_json()
        record["story"] = self.story.to_json()
        return {key: value for key, value in record.items()
                if not (value is None and key in ("failed_sources", "corpus", "shards"))}


def _json_type(annotation: object) -> type | tuple | None:
    """The JSON type a ReportRecord field's annotation names (annotations are strings here)."""
    for prefix, kind in (("dict", dict), ("list", list), ("str", str), ("float", (int, float)), ("int", int)):
        if str(annotation).startswith(prefix):
            return kind
    return None
