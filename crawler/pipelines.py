"""Item pipelines, one job each: story window, relevance, duplicates, writing the corpus."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

from cleaners.article import count_words
from cleaners.dates import parse_day

from .clusters import DEDUP_MODES, minhash, new_cluster_id, signature_from
from .corpus import JsonLines, article_path, article_slug, read_jsonl, write_atomic
from .frontier import KeptIndex
from .items import ArticleItem
from .page_facts import PageFacts
from .page_facts import text_key as key_of_text
from .records import ManifestRecord
from .relevance import RelevanceMatcher
from .report import Rejected
from .run import StoryRun, story_run
from .urls import UrlCleaner


class StoryStage:
    """A pipeline stage that reads the story of the run."""

    def __init__(self, story):
        self.story = story

    @classmethod
    def from_crawler(cls, crawler):
        return cls(story_run(crawler).story)


class WindowPipeline(StoryStage):
    """The page's own publication date decides. An article whose date is unknown (published: null,
    published_from: "unknown") is kept unless KEEP_UNDATED_ARTICLES is off."""

    def __init__(self, story, keep_undated: bool = True):
        super().__init__(story)
        self.keep_undated = keep_undated

    @classmethod
    def from_crawler(cls, crawler):
        return cls(story_run(crawler).story, crawler.settings.getbool("KEEP_UNDATED_ARTICLES"))

    def process_item(self, item: ArticleItem, spider=None):
        day = parse_day(item.published)
        if day is None and not self.keep_undated:
            raise Rejected("undated", "no publication date in the page's metadata or text (KEEP_UNDATED_ARTICLES=False)")
        if day is not None and not self.story.in_window(day):
            raise Rejected("out_of_window", f"published {day.isoformat()}")
        return item


class RelevancePipeline(StoryStage):
    """Every term group of the story must match the title or the text."""

    def __init__(self, story, matcher: RelevanceMatcher):
        super().__init__(story)
        self.matcher = matcher

    @classmethod
    def from_crawler(cls, crawler):
        run = story_run(crawler)
        return cls(run.story, run.relevance)

    def process_item(self, item: ArticleItem, spider=None):
        facts = facts_of(item)
        relevance = facts.relevance if facts is not None else self.matcher.match(item.title, item.text)
        item.matched_terms = list(relevance.matched_terms)
        item.relevance = relevance.score
        if not relevance.on_topic:
            matched = ", ".join(relevance.matched_terms) or "nothing"
            raise Rejected("off_topic", f"matched {matched}")
        return item


DUPLICATE_DETAIL = {"same_url": "another URL of", "same_text": "same text as"}


def text_key(item: ArticleItem) -> str:
    """Identical text up to whitespace and case is one article, whatever its URL."""
    facts = facts_of(item)
    return facts.text_key if facts is not None else key_of_text(item.title, item.text)


def facts_of(item: ArticleItem) -> PageFacts | None:
    """What the cleaning worker read of the item's text (crawler/page_facts.py), if it is still the item's text."""
    facts = item.facts
    return facts if facts is not None and facts.describes(item.title, item.text) else None


class DuplicatePipeline:
    """One file per article, also against an existing corpus.

    Another URL of a kept article (a page naming it as canonical, an AMP copy met after it was cleaned) or
    its text under another URL is marked `duplicate_of` it and recorded without a file (by the writer); the
    very same page again (a re-run) adds nothing and is only a decision. The index of kept URLs and texts is
    the frontier's: in memory, or in Redis, shared by the workers of a distributed crawl.
    """

    def __init__(self, corpus_dir: Path, urls: UrlCleaner, index: KeptIndex):
        self.corpus_dir = corpus_dir
        self.urls = urls
        self.index = index  # URL identity or text_key -> URL of the kept article it leads to

    @classmethod
    def from_crawler(cls, crawler):
        run = story_run(crawler)
        return cls(Path(crawler.settings.get("CORPUS_DIR")), run.urls, run.frontier.kept_index())

    def open_spider(self):
        records = read_jsonl(self.corpus_dir / "manifest.jsonl")
        written = {self.urls.identity(record["url"]) for record in records if record.get("path")}
        for record in records:
            kept = record.get("duplicate_of") or record["url"]
            if self.urls.identity(kept) not in written:  # its article's file never made it (a full disk): decided again
                continue
            self.remember(record_urls(record), record.get("text_key"), kept)
            self.index.commit(kept)

    def process_item(self, item: ArticleItem, spider=None):
        key = text_key(item)
        with self.index.locked():
            if item.previous:
                self.check_revision(item, key)
            else:
                again = self.index.url(self.urls.identity(item.url))
                if again:
                    raise Rejected("duplicate", f"already in the corpus as {again}", kind="same_url")
            item.duplicate_of, item.duplicate_kind = self.kept_article(item, key)
            self.remember(item.manifest_record().urls(), key, item.duplicate_of or item.url)
        return item

    def check_revision(self, item: ArticleItem, key: str) -> None:
        """A re-check of an article in the corpus: the same text again is `unchanged`; another text is its next
        version (the writer keeps the earlier ones)."""
        previous = item.previous
        assert previous is not None, "only a re-check has an earlier version"
        if self.is_own(self.index.text(key), item):
            raise Rejected("unchanged", f"same text as version {previous['version']} ({previous['path']})")
        item.version, item.previous_version = previous["version"] + 1, previous["path"]

    def kept_article(self, item: ArticleItem, key: str) -> tuple[str | None, str | None]:
        """(URL of the kept article, kind) when the item is another URL of it or its text; (None, None) if new.
        A new version of an article is not a duplicate of its own earlier version."""
        for url in (item.canonical_url, *item.other_urls):
            kept = url and self.index.url(self.urls.identity(url))
            if kept and not (item.previous and self.is_own(kept, item)):
                return kept, "same_url"
        kept = self.index.text(key)
        return (kept, "same_text") if kept else (None, None)

    def is_own(self, kept_url: str | None, item: ArticleItem) -> bool:
        return bool(kept_url) and self.urls.identity(kept_url) == self.urls.identity(item.url)

    def remember(self, urls: list[str], key: str | None, kept: str) -> None:
        """The first article with a URL or a text keeps it."""
        self.index.keep([self.urls.identity(url) for url in urls], key, kept)


def record_urls(record: dict) -> list[str]:
    """Every URL a manifest record says its article was reached by or names as its own."""
    return ManifestRecord.from_json(record).urls()


class NearDuplicatePipeline:
    """Wire copies and other republications: every article gets a `cluster_id`; DEDUP_MODE says what else.

    keep: the cluster id only; mark: later copies also name the first one (`near_duplicate_of`);
    drop: later copies are not written (decision `near_duplicate`). For media research the
    republication is data, so the default marks rather than drops.
    """

    def __init__(self, corpus_dir: Path, mode: str, index, max_words: int = 0):
        if mode not in DEDUP_MODES:
            raise ValueError(f"DEDUP_MODE must be one of {', '.join(DEDUP_MODES)}, not {mode!r}")
        self.corpus_dir = corpus_dir
        self.mode = mode
        self.index = index  # a NearDuplicateIndex: the frontier's, in memory or in Redis
        self.max_words = max_words  # NEAR_DUPLICATE_MAX_WORDS: the signature reads no further

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        index = story_run(crawler).frontier.near_duplicate_index(settings.getfloat("NEAR_DUPLICATE_THRESHOLD"))
        return cls(Path(settings.get("CORPUS_DIR")), settings.get("DEDUP_MODE"), index,
                   settings.getint("NEAR_DUPLICATE_MAX_WORDS"))

    def open_spider(self):
        """Articles of earlier runs keep their clusters, and new copies of them join those."""
        for record in read_jsonl(self.corpus_dir / "manifest.jsonl"):
            path = self.corpus_dir / (record.get("path") or "")
            if record.get("cluster_id") and path.is_file():
                body = path.read_text(encoding="utf-8").split("\n\n", 1)[-1]
                self.index.add(record["url"], minhash(body, self.max_words), record.get("language"), record["cluster_id"])

    def process_item(self, item: ArticleItem, spider=None):
        if item.duplicate_of:  # no text of its own in the corpus: its kept article is the one clustered
            return item
        signature = self.signature(item)
        with self.index.locked():
            nearest = self.index.nearest(signature, item.language)
            if nearest is None:
                item.cluster_id = new_cluster_id(item.url)
            elif nearest[1] == item.url:  # its own earlier version: a new version stays in that cluster
                item.cluster_id = nearest[0]
            else:
                item.cluster_id, first_url, similarity = nearest
                if self.mode == "drop":
                    raise Rejected("near_duplicate", f"{similarity:.2f} similar to {first_url}")
                if self.mode == "mark":
                    item.near_duplicate_of = first_url
            self.index.add(item.url, signature, item.language, item.cluster_id)
        return item

    def signature(self, item: ArticleItem):
        """The text's MinHash: read by the cleaning worker (crawler/page_facts.py), or computed here, once per article."""
        facts = facts_of(item)
        if facts is not None and facts.signature_words == self.max_words:
            return signature_from(facts.signature)
        return minhash(item.text, self.max_words)


class CorpusWriteStopped(Exception):
    """An item not written because an earlier write of this run failed."""


class CorpusWriterPipeline:
    """`<lang>/<outlet>/<yyyy-mm-dd>-<slug>.txt`, written atomically, then one manifest record.

    A duplicate (`duplicate_of`) gets its manifest record with `path` and `sha256` null and no file, and is
    then rejected as `duplicate`: the run report counts it as a duplicate, not as written. A new version of an
    article in the corpus gets its own file (`...-v2.txt`) beside the earlier ones.

    The order is the crash-safety: the file (complete, renamed into place), then its manifest record, then
    the crawl state. A file no manifest record names was left by a killed run and is written over.
    """

    def __init__(self, run: StoryRun, corpus_dir: Path, sync: bool = True):
        self.corpus_dir = corpus_dir
        self.sync = sync
        self.manifest: JsonLines | None = None
        self.urls = run.urls
        self.paths = run.frontier.path_claims()  # path -> URL identity: the frontier's, maybe in Redis
        self.kept = run.frontier.kept_index()  # told of each article written: its claims then stand
        self.crawl_state = run.crawl_state  # told of each article written, after its file and manifest record
        self.duplicate_records: set[tuple[str, str]] = set()  # (URL, kept URL) identities of the manifest's duplicates
        self.failed: Exception | None = None  # the write that failed: nothing is written after it

    @classmethod
    def from_crawler(cls, crawler):
        return cls(story_run(crawler), Path(crawler.settings.get("CORPUS_DIR")), crawler.settings.getbool("SYNC_WRITES"))

    def open_spider(self):
        for record in read_jsonl(self.corpus_dir / "manifest.jsonl"):
            if record.get("path"):
                self.paths.claim(record["path"], self.urls.identity(record["url"]))
            elif record.get("duplicate_of"):  # decided again if its article's file never made it: recorded once
                self.duplicate_records.add((self.urls.identity(record["url"]), self.urls.identity(record["duplicate_of"])))
        for leftover in self.corpus_dir.glob("*/*/.*.tmp"):  # write_atomic's temporary files of a killed run
            leftover.unlink(missing_ok=True)
        self.manifest = JsonLines(self.corpus_dir / "manifest.jsonl", sync=self.sync)

    def close_spider(self):
        if self.manifest:
            self.manifest.close()

    def process_item(self, item: ArticleItem, spider=None):
        """After a write failed (a full disk), nothing more is written this run: a duplicate record must not
        name an article whose file failed. Those items get no decision, so the next run decides them."""
        if self.failed is not None:
            raise CorpusWriteStopped(f"{item.url} not written: writing the corpus failed ({self.failed})") from self.failed
        try:
            return self.write(item)
        except (OSError, sqlite3.Error) as exc:  # the text file, the manifest, the crawl state
            self.failed = exc
            raise

    def write(self, item: ArticleItem):
        manifest = self.manifest
        assert manifest is not None, "open_spider comes first"
        facts = facts_of(item)
        item.word_count = facts.word_count if facts is not None else count_words(item.text)
        if item.duplicate_of:
            if (self.urls.identity(item.url), self.urls.identity(item.duplicate_of)) not in self.duplicate_records:
                manifest.append(item.manifest_record(text_key(item)).to_json())
            detail = f"{DUPLICATE_DETAIL[item.duplicate_kind or '']} {item.duplicate_of}"
            raise Rejected("duplicate", detail, kind=item.duplicate_kind)
        data = (item.title + "\n\n" + "\n\n".join(item.text.split("\n")) + "\n").encode("utf-8")
        day = parse_day(item.published)
        relative = article_path(item.language, item.outlet, day.isoformat() if day else None,
                                article_slug(item.url, item.title))
        if item.version > 1:
            relative = relative.with_name(f"{relative.stem}-v{item.version}{relative.suffix}")
        relative = self.free_path(relative, self.urls.identity(item.url))
        write_atomic(self.corpus_dir / relative, data, sync=self.sync)
        item.path = relative.as_posix()
        item.sha256 = hashlib.sha256(data).hexdigest()
        manifest.append(item.manifest_record(text_key(item)).to_json())
        self.kept.commit(item.url)  # in a distributed crawl, the claims stand now even if this worker dies
        self.record_state(item)
        return item

    def record_state(self, item: ArticleItem) -> None:
        """The article's URLs, the one it was fetched by and the others it was reached by, are in the corpus now."""
        state = self.crawl_state
        if state is None:
            return
        assert item.sha256 is not None and item.path is not None, "a written article has its file"
        for url in dict.fromkeys([item.url, *item.other_urls]):
            state.record_written(self.urls.identity(url), url=item.url, outlet=item.outlet,
                                 content_hash=item.sha256, path=item.path, version=item.version, etag=item.etag,
                                 last_modified=item.last_modified, at=item.fetched_at)

    def free_path(self, relative: Path, owner: str) -> Path:
        """Two articles with one slug and day (a rare clash) get -2, -3...: nothing is overwritten. A path
        already the article's own (its page cleaned again after a worker died) is its path still."""
        candidate, n = relative, 1
        while not self.paths.claim(candidate.as_posix(), owner):
            n += 1
            candidate = relative.with_name(f"{relative.stem}-{n}{relative.suffix}")
        return candidate
