"""The corpus remembers the story its decisions were made with, and `--rejudge` re-decides them after an edit.

`StoryMemory` (an extension) keeps in `state/story.json` what of the story shapes decisions (terms, window,
sources, languages, caps) and in `state/story.toml` a copy of the file. A run whose story differs says so in
one line at its start. The remembered story is replaced when a run finishes with the same story, or with
`--rejudge` (REJUDGE): until then every run says it again, as earlier decisions still stand on the old story.

`RejudgeMiddleware` (a spider middleware, REJUDGE) requests again, before the story's seeds, every URL an
earlier run decided `off_topic`, `out_of_window`, `off_language` or `over_cap` (story decisions, not facts
about the page), as the candidate it was then. `RejudgeReplayMiddleware` (a downloader middleware) answers
those requests from the corpus's WARC files when they hold the page (a crawl with --warc), so nothing is
fetched again; otherwise the page is fetched.
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import BinaryIO

from scrapy import Request, signals
from scrapy.exceptions import NotConfigured
from warcio.archiveiterator import ArchiveIterator

from .corpus import read_jsonl, write_atomic
from .report import candidate_found
from .run import story_run
from .warc import WarcArchive, fetched_at, registered_warcs, replayed_response

logger = logging.getLogger(__name__)
STORY_DECISIONS = ("off_topic", "out_of_window", "off_language", "over_cap")  # what a story edit may change


def story_digest(story) -> dict:
    """What of a story decides which pages are kept, as plain JSON."""
    return {
        "terms": [list(group) for group in story.groups],
        "window": [story.since.isoformat() if story.since else None, story.until.isoformat() if story.until else None],
        "sources": sorted(source.name for source in story.sources),
        "languages": list(story.languages),
        "max_articles": [story.max_articles, {s.name: s.max_articles for s in story.sources if s.max_articles}],
    }


CHANGE_NAMES = {"terms": "terms (match.groups)", "window": "window (since/until)", "sources": "sources",
                "languages": "languages", "max_articles": "max_articles"}


def story_changes(remembered: dict, current: dict) -> list[str]:
    return [CHANGE_NAMES[key] for key in CHANGE_NAMES if remembered.get(key) != current.get(key)]


class StoryMemory:
    def __init__(self, crawler, state_dir: Path, rejudge: bool):
        self.crawler = crawler
        self.state_dir = state_dir
        self.rejudge = rejudge
        self.changed: list[str] = []

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        if not settings.get("CORPUS_DIR") or settings.getlist("WARC_REPLAY") or settings.get("REDIS_URL"):
            raise NotConfigured
        memory = cls(crawler, Path(settings.get("CORPUS_DIR")) / "state", settings.getbool("REJUDGE"))
        crawler.signals.connect(memory.spider_opened, signals.spider_opened)
        crawler.signals.connect(memory.spider_closed, signals.spider_closed)
        return memory

    def spider_opened(self, spider):
        remembered = self.remembered()
        if remembered is None:
            return
        self.changed = story_changes(remembered, story_digest(story_run(self.crawler).story))
        if self.changed and not self.rejudge:
            print(f"storycrawl: the story changed since this corpus's decisions ({', '.join(self.changed)}): URLs "
                  f"decided off-topic or out of window then stay so; run with --rejudge to decide them again",
                  file=sys.stderr, flush=True)
        elif self.changed:
            print(f"storycrawl: the story changed ({', '.join(self.changed)}): re-deciding earlier "
                  f"{', '.join(STORY_DECISIONS)} URLs (--rejudge)", file=sys.stderr, flush=True)

    def remembered(self) -> dict | None:
        try:
            return json.loads((self.state_dir / "story.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def spider_closed(self, spider, reason):
        if reason != "finished" or self.crawler.settings.getbool("DRY_RUN"):
            return
        if self.changed and not self.rejudge:
            return  # the corpus's decisions are still the old story's
        story = story_run(self.crawler).story
        write_atomic(self.state_dir / "story.json", (json.dumps(story_digest(story), indent=2) + "\n").encode())
        if story.path and Path(story.path).is_file():
            write_atomic(self.state_dir / "story.toml", Path(story.path).read_bytes())


class RejudgeMiddleware:
    """A spider middleware: the requests of the URLs to re-decide, before the story's seeds."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.run = story_run(crawler)
        self.spider = None  # the spider that makes the requests (its `article_request`), once open

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        if not settings.getbool("REJUDGE") or settings.getlist("WARC_REPLAY") or settings.get("REDIS_URL"):
            raise NotConfigured
        middleware = cls(crawler)
        crawler.signals.connect(middleware.spider_opened, signals.spider_opened)
        return middleware

    def spider_opened(self, spider):
        self.spider = spider

    async def process_start(self, start):
        for request in self.rejudge_requests(self.spider):
            yield request
        async for output in start:
            yield output

    def rejudge_requests(self, spider) -> list[Request]:
        state = self.run.crawl_state
        if state is None:
            return []
        corpus = Path(self.crawler.settings.get("CORPUS_DIR"))
        earlier = self.earlier_candidates(corpus)
        requests = []
        for identity, url, outlet in state.decided_as(STORY_DECISIONS):
            if outlet not in self.run.sources or not self.run.frontier.claim(identity, "rejudge"):
                continue  # a source no longer in the story, or met already
            candidate = {"url": url, "listed_url": None, "source": outlet, "outlet": outlet,
                         "via": {"kind": "rejudge", "url": None}, "follow_depth": None, "previous": None,
                         **earlier.get(url, {})}
            self.crawler.signals.send_catch_log(candidate_found, outlet=outlet, url=url)
            request = spider.article_request(candidate)
            request.meta["rejudge"] = True
            requests.append(request)
        if requests:
            logger.info("re-deciding %d URLs decided by an earlier story", len(requests))
        return requests

    @staticmethod
    def earlier_candidates(corpus: Path) -> dict[str, dict]:
        """How each URL was found then: its candidate as the WARC files recorded it, else its last decision's
        `via` in decisions.jsonl."""
        found = {}
        for decision in read_jsonl(corpus / "decisions.jsonl"):
            if decision.get("via"):
                found[decision["url"]] = {"via": decision["via"]}
        warcs = [path for path in registered_warcs(corpus) if Path(path).is_file()]
        if warcs:
            for candidate in WarcArchive(warcs).candidates:
                found[candidate["url"]] = {key: candidate[key] for key in ("via", "listed_url", "follow_depth")
                                           if key in candidate}
        return found


class RejudgeReplayMiddleware:
    """A downloader middleware: a re-decided URL's page from the corpus's WARC files, when they hold it."""

    def __init__(self, corpus: Path):
        self.corpus = corpus
        self.archive: WarcArchive | None = None
        self.files: dict[str, BinaryIO] = {}

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        if not settings.getbool("REJUDGE") or settings.getlist("WARC_REPLAY"):
            raise NotConfigured
        middleware = cls(Path(settings.get("CORPUS_DIR")))
        crawler.signals.connect(middleware.spider_closed, signals.spider_closed)
        return middleware

    def spider_closed(self, spider):
        for fh in self.files.values():
            fh.close()

    def process_request(self, request, spider=None):
        if not request.meta.get("rejudge"):
            return None
        if self.archive is None:
            self.archive = WarcArchive([p for p in registered_warcs(self.corpus) if Path(p).is_file()])
        stored = self.archive.next_response(request.url)
        if stored is None:
            return None  # not recorded: fetched again
        path, offset = stored
        if path not in self.files:
            self.files[path] = open(path, "rb")
        self.files[path].seek(offset)
        record = next(iter(ArchiveIterator(self.files[path])))
        request.meta["warc"] = {"file": path, "offset": offset, "record_id": record.rec_headers.get_header("WARC-Record-ID")}
        request.meta["fetched_at"] = fetched_at(record.rec_headers.get_header("WARC-Date"))
        return replayed_response(record, request)  # reads the body now, before the file moves on
