"""What the story file limits beyond its terms and window: the languages it wants (`languages`), how many
articles it wants (`max_articles`, per source and in all), and the dry run that fetches no article at all.

- `LanguagePipeline` rejects an article in another language as `off_language` (an article whose language
  could not be detected is kept: nothing says it is off).
- `ArticleCapPipeline` rejects a new article once its outlet's or the story's cap is reached (`over_cap`);
  the corpus's articles from earlier runs count. Re-checked versions of articles in the corpus never do.
- `CandidateGateMiddleware` stops article requests before they are fetched: once a cap is reached (`over_cap`),
  and in a dry run (DRY_RUN), every one of them, recorded as `would_fetch` with the reason it would be.
- `CapAtDownloadMiddleware` stops, at download time, an article request queued before its cap was reached: a
  listing yields its candidates together, before any of them is written (`OverCap`, decided by the spider's
  errback as `over_cap`).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from scrapy import Request, signals
from scrapy.exceptions import IgnoreRequest, NotConfigured

from .corpus import read_jsonl
from .items import ArticleItem
from .report import Rejected, record_decision
from .run import StoryRun, story_run
from .story_memory import STORY_DECISIONS

SCRATCH_MARK = "state/dry-run-scratch"  # crawler/dry_run.py marks its copy of a corpus with it


class LanguagePipeline:
    def __init__(self, story):
        self.story = story

    @classmethod
    def from_crawler(cls, crawler):
        return cls(story_run(crawler).story)

    def process_item(self, item: ArticleItem, spider=None):
        wanted = self.story.languages
        if wanted and item.language and item.language not in wanted and not item.previous:
            raise Rejected("off_language", f"{item.language}; the story wants {', '.join(wanted)}")
        return item


class CorpusCounts:
    """Articles in the corpus per outlet: those of earlier runs (the manifest) and those written since."""

    def __init__(self, corpus_dir: Path):
        urls_by_outlet: dict[str, set] = {}
        for record in read_jsonl(corpus_dir / "manifest.jsonl"):
            if record.get("path"):
                urls_by_outlet.setdefault(record["outlet"], set()).add(record["url"])
        self.per_outlet = Counter({outlet: len(urls) for outlet, urls in urls_by_outlet.items()})

    def add(self, outlet: str) -> None:
        self.per_outlet[outlet] += 1

    def cap_reached(self, story, outlet: str) -> str | None:
        """Which cap the outlet's next new article would pass, said for the decision's detail; None if none."""
        source = next((s for s in story.sources if s.name == outlet), None)
        if source is not None and source.max_articles is not None and self.per_outlet[outlet] >= source.max_articles:
            return f"max_articles = {source.max_articles} of {outlet} reached"
        if story.max_articles is not None and sum(self.per_outlet.values()) >= story.max_articles:
            return f"the story's max_articles = {story.max_articles} reached"
        return None


def has_caps(story) -> bool:
    return story.max_articles is not None or any(s.max_articles is not None for s in story.sources)


class ArticleCapPipeline:
    """Just before the corpus writer: what reaches it is written (or recorded as a duplicate, without a file)."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.story = story_run(crawler).story
        self.counts: CorpusCounts | None = None

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def open_spider(self, spider=None):
        self.counts = CorpusCounts(Path(self.crawler.settings.get("CORPUS_DIR")))

    def process_item(self, item: ArticleItem, spider=None):
        if item.previous or item.duplicate_of:  # a new version, or another URL of a kept article: no new article
            return item
        counts = self.counts
        assert counts is not None, "open_spider comes first"
        reached = counts.cap_reached(self.story, item.outlet)
        if reached:
            raise Rejected("over_cap", reached)
        counts.add(item.outlet)
        return item


class OverCap(IgnoreRequest):
    """An article request not fetched: its outlet's or the story's cap was reached after it was queued."""


class CorpusCounting:
    """Keeps `CorpusCounts` for a crawl whose story has caps: the corpus's articles, and each one written since."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.run = story_run(crawler)
        self.counts: CorpusCounts | None = None

    def connect(self):
        self.crawler.signals.connect(self.spider_opened, signals.spider_opened)
        self.crawler.signals.connect(self.item_scraped, signals.item_scraped)
        return self

    def spider_opened(self, spider):
        if has_caps(self.run.story):
            self.counts = CorpusCounts(Path(self.crawler.settings.get("CORPUS_DIR")))

    def item_scraped(self, item, response, spider):
        if self.counts is not None and not item.previous:
            self.counts.add(item.outlet)


class CapAtDownloadMiddleware(CorpusCounting):
    """A downloader middleware: an article request whose cap was reached while it waited in the queue is refused."""

    @classmethod
    def from_crawler(cls, crawler):
        if crawler.settings.getlist("WARC_REPLAY"):
            raise NotConfigured  # a replay cleans what a crawl fetched, nothing more
        return cls(crawler).connect()

    def process_request(self, request, spider=None):
        candidate = request.meta.get("candidate")
        if self.counts is None or candidate is None or candidate.get("previous"):
            return None
        reached = self.counts.cap_reached(self.run.story, candidate["outlet"])
        if reached:
            raise OverCap(f"{reached}: not fetched")
        return None


class CandidateGateMiddleware(CorpusCounting):
    """A spider middleware: article requests (those carrying a `candidate`) that are not to be fetched are
    recorded and dropped here, whichever callback or the seeds yielded them."""

    def __init__(self, crawler, dry_run: bool):
        super().__init__(crawler)
        self.dry_run = dry_run

    @classmethod
    def from_crawler(cls, crawler):
        if crawler.settings.getlist("WARC_REPLAY"):
            raise NotConfigured  # a replay cleans what a crawl fetched, nothing more
        dry_run = crawler.settings.getbool("DRY_RUN")
        if dry_run and not (Path(crawler.settings.get("CORPUS_DIR")) / SCRATCH_MARK).exists():
            raise ValueError("DRY_RUN is for `storycrawl crawl --dry-run`, which runs on a copy of the corpus's state: "
                             "set on a corpus itself, its would_fetch decisions would stand for the next real run")
        return cls(crawler, dry_run).connect()

    async def process_start(self, start):
        async for output in start:
            if self.passes(output):
                yield output

    def process_spider_output(self, response, result):
        for output in result:
            if self.passes(output):
                yield output

    async def process_spider_output_async(self, response, result):
        async for output in result:
            if self.passes(output):
                yield output

    def passes(self, output) -> bool:
        if not isinstance(output, Request) or "candidate" not in output.meta:
            return True
        candidate = output.meta["candidate"]
        if self.counts is not None and not candidate.get("previous"):
            reached = self.counts.cap_reached(self.run.story, candidate["outlet"])
            if reached:
                self.decide(candidate, "over_cap", f"{reached}: not fetched")
                return False
        if self.dry_run:
            self.decide(candidate, "would_fetch", why_fetched(self.run, candidate))
            return False
        return True

    def decide(self, candidate: dict, reason: str, detail: str) -> None:
        record_decision(self.crawler, url=candidate["url"], outlet=candidate["outlet"], reason=reason, detail=detail,
                        via=candidate["via"])


def why_fetched(run: StoryRun, candidate: dict) -> str:
    """Why a run would fetch this candidate: new, a due re-check, a retry, or a page whose links are followed."""
    via = candidate["via"]
    listed = f"listed by {via['kind']} {via['url']}" if via.get("url") else f"listed by {via['kind']}"
    known = run.known(run.urls.identity(candidate["url"]))
    if candidate.get("previous"):
        return f"re-check of version {candidate['previous']['version']} in the corpus ({listed})"
    if known is None:
        return f"new ({listed})"
    if not known.final:
        return f"retry: {known.outcome} {known.failures} time(s) before ({listed})"
    if known.outcome in STORY_DECISIONS:
        return f"decided {known.outcome} by an earlier story: decided again (--rejudge)"
    return f"again: its links are followed ({listed})"
