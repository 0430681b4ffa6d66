"""Every decision of a run, recorded: `decisions.jsonl` as it happens, `report.json` at the end.

Each article candidate (a URL found in a sitemap, feed, link, URL list or GDELT) ends with exactly one
decision: written, or a reason it was not. Listings that could not be read are recorded as source
errors. The spider records its own decisions with `record_decision`; the pipelines reject items with
`Rejected`, which reaches this extension through Scrapy's `item_dropped` signal.

report.json also describes the corpus the run wrote: duplicates by kind, near-duplicate clusters of two
or more articles with their members, articles per detected language, each outlet's range of publication
days, and the settings that shaped it (which `storycrawl reclean` uses again). And what the crawl cost:
`fetch_cost` (requests by kind, bytes, listings and links skipped by date, wasted fetches, per outlet:
crawler/fetch_cost.py), `skipped_listings` (each listing left unfetched for its date, with the reason) and
`budget` (request budgets reached).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import TYPE_CHECKING

from scrapy import signals
from scrapy.exceptions import DropItem, NotConfigured
from scrapy.logformatter import LogFormatter
from twisted.internet import task

from .budget import budget_reached
from .corpus import JsonLines, write_atomic
from .corpus_figures import corpus_figures, corpus_line
from .fetch_cost import FetchCost, fetched_listing_page, format_cost, listing_skipped
from .records import DUPLICATE_KINDS, REASONS, Decision, StoryInfo, WrittenArticle
from .report_builder import RunCounts, RunFacts, build_report
from .report_html import write_report_html_or_log

if TYPE_CHECKING:  # crawler/run.py imports this module's signals
    from .run import StoryRun

# The settings that shape the corpus itself, recorded in report.json: `storycrawl reclean` uses them again.
CORPUS_SETTINGS = ("MIN_ARTICLE_WORDS", "UNTYPED_ARTICLE_WORDS", "DEDUP_MODE", "NEAR_DUPLICATE_THRESHOLD",
                   "SITE_MEMORY_ENABLED", "TRACKING_PARAMETERS")

decision_recorded = object()  # signal: a candidate got its decision; kwargs: decision (dict)
candidate_found = object()  # signal: a new article candidate; kwargs: outlet, url
source_failed = object()  # signal: a sitemap, feed, start page or API answer failed; kwargs: record (dict)


class Rejected(DropItem):
    """A pipeline's "no" with a reason from REASONS, a human detail and, for duplicates, a DUPLICATE_KINDS kind."""

    def __init__(self, reason: str, detail: str = "", kind: str | None = None):
        assert reason in REASONS, reason
        assert kind is None or kind in DUPLICATE_KINDS, kind
        self.reason = reason
        self.detail = detail
        self.kind = kind
        super().__init__(f"{reason}: {detail}" if detail else reason)


def utc_now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def decision_record(*, url: str, outlet: str, reason: str, detail: str = "", via: dict | None = None,
                    kind: str | None = None, provisional: bool = False) -> dict:
    """One line of decisions.jsonl; a duplicate's line also says which kind of duplicate it is. A provisional
    decision waits on another page: an AMP copy is settled once its canonical article is written."""
    assert reason in REASONS, reason
    return Decision(url=url, outlet=outlet, reason=reason, detail=detail, via=via, at=utc_now(), kind=kind,
                    provisional=provisional).to_json()


def record_decision(crawler, **fields) -> None:
    crawler.signals.send_catch_log(decision_recorded, decision=decision_record(**fields))


class RunReport:
    """Counts per outlet and reason; writes decisions.jsonl live and report.json (atomically) at the end."""

    def __init__(self, crawler, corpus_dir: Path):
        self.crawler = crawler
        self.corpus_dir = corpus_dir
        self.found: Counter = Counter()
        self.decided: dict[str, Counter] = defaultdict(Counter)
        self.source_errors: list[dict] = []
        self.written: list[WrittenArticle] = []  # what the report reads of each article written in this run
        self.duplicate_kinds: Counter = Counter()
        self.provisional: dict[str, dict] = {}  # URL -> its provisional decision, replaced by a later one
        self.started = time.monotonic()
        self.started_at = utc_now()
        self.decisions: JsonLines | None = None
        self.cost = FetchCost()
        self.skipped_listings: list[dict] = []  # listings not fetched because of their date, each with its reason
        self.budgets: list[dict] = []  # request budgets reached
        self.run: StoryRun | None = None  # the crawl's StoryRun (crawler/run.py), once the spider is open

    @classmethod
    def from_crawler(cls, crawler):
        if not crawler.settings.get("CORPUS_DIR"):
            raise NotConfigured("CORPUS_DIR is empty")
        report = cls(crawler, Path(crawler.settings.get("CORPUS_DIR")))
        crawler.signals.connect(report.spider_opened, signals.spider_opened)
        crawler.signals.connect(report.spider_closed, signals.spider_closed)
        crawler.signals.connect(report.item_scraped, signals.item_scraped)
        crawler.signals.connect(report.item_dropped, signals.item_dropped)
        crawler.signals.connect(report.on_decision, decision_recorded)
        crawler.signals.connect(report.on_candidate, candidate_found)
        crawler.signals.connect(report.on_source_failed, source_failed)
        crawler.signals.connect(report.on_response, signals.response_received)
        crawler.signals.connect(report.on_listing_skipped, listing_skipped)
        crawler.signals.connect(report.cost.on_listing_page, fetched_listing_page)
        crawler.signals.connect(report.on_budget_reached, budget_reached)
        return report

    def spider_opened(self, spider):
        from .run import story_run  # crawler/run.py listens to this module's signals

        self.run = run = story_run(self.crawler)
        self.cost.hosts.update(run.outlet_hosts)
        self.decisions = JsonLines(self.corpus_dir / "decisions.jsonl", sync=self.crawler.settings.getbool("SYNC_WRITES"))

    def on_candidate(self, outlet: str, url: str):
        self.found[outlet] += 1
        self.crawler.stats.inc_value("storycrawl/found")

    def on_decision(self, decision: dict):
        settled = self.provisional.pop(decision["url"], None)  # a copy decided again: its canonical page failed
        if settled:
            self.decided[settled["outlet"]][settled["reason"]] -= 1
            if settled.get("kind"):
                self.duplicate_kinds[settled["kind"]] -= 1
        if decision.get("provisional"):
            self.provisional[decision["url"]] = decision
        self.decided[decision["outlet"]][decision["reason"]] += 1
        self.crawler.stats.inc_value(f"storycrawl/{decision['reason']}")
        if decision.get("kind"):
            self.duplicate_kinds[decision["kind"]] += 1
        self.cost.on_decision(decision)
        if self.decisions:
            self.decisions.append(decision)

    def on_source_failed(self, record: dict):
        self.source_errors.append(record)
        self.crawler.stats.inc_value("storycrawl/source_errors")

    def on_response(self, response, request, spider=None):
        self.cost.on_response(request, response)

    def on_listing_skipped(self, record: dict):
        self.skipped_listings.append(record)
        self.cost.skipped[record["source"]] += 1
        self.crawler.stats.inc_value("storycrawl/listings_skipped")

    def on_budget_reached(self, scope: str, limit: int):
        self.budgets.append({"scope": scope, "max_requests": limit, "at": utc_now()})

    def item_scraped(self, item, response, spider):
        self.written.append(WrittenArticle.of(item))
        record_decision(self.crawler, url=item.url, outlet=item.outlet, reason="written", detail=item.path,
                        via=item.discovered_via)

    def item_dropped(self, item, response, exception, spider):
        """A pipeline's rejection, as a decision every listener hears (the crawl state too)."""
        if getattr(exception, "reason", None) == "out_of_window":  # fetched, and out of the window after all
            self.cost.wasted[item.outlet] += 1
        record_decision(self.crawler, url=item.url, outlet=item.outlet, reason=getattr(exception, "reason", "not_article"),
                        detail=getattr(exception, "detail", str(exception)), via=item.discovered_via,
                        kind=getattr(exception, "kind", None))

    def spider_closed(self, spider, reason):
        report = self.build(spider, reason)
        # What `storycrawl crawl` takes its exit status from (this run's, not a report.json on disk).
        self.crawler.stats.set_value("storycrawl/failed_sources", report["failed_sources"])
        assert self.run is not None, "spider_opened comes first"
        self.crawler.stats.set_value("storycrawl/sources", len(self.run.story.sources))
        if self.decisions:
            self.decisions.close()
        write_atomic(self.corpus_dir / "report.json", (json.dumps(report, ensure_ascii=False, indent=2) + "\n").encode())
        write_report_html_or_log(self.corpus_dir, logging.getLogger(__name__))  # a failure is logged, not raised
        print(format_summary(report), file=sys.stderr)

    def build(self, spider, finish_reason: str) -> dict:
        assert self.run is not None, "spider_opened comes first"
        story = self.run.story
        facts = RunFacts(
            story=StoryInfo(id=story.id, title=story.title, file=story.path,
                            since=story.since.isoformat() if story.since else None,
                            until=story.until.isoformat() if story.until else None),
            started_at=self.started_at, finished_at=utc_now(), seconds=round(time.monotonic() - self.started, 1),
            finish_reason=finish_reason, corpus_dir=str(self.corpus_dir),
            settings={name: self.crawler.settings.get(name) for name in CORPUS_SETTINGS},
            source_errors=self.source_errors, requests=self.crawler.stats.get_value("downloader/request_count", 0),
            skipped_listings=self.skipped_listings,
            budget=[{**reached, "refused": self.crawler.stats.get_value(f"storycrawl/over_budget/{reached['scope']}", 0)}
                    for reached in self.budgets])
        counts = RunCounts(found=self.found, decided=self.decided, duplicate_kinds=self.duplicate_kinds,
                           written=self.written)
        return build_report(facts, counts, fetch_cost=self.cost.as_report,
                            failed_sources=failed_sources([s.name for s in story.sources], self.decided, self.source_errors),
                            corpus=corpus_figures(self.corpus_dir)).to_json()  # the corpus after all runs


FETCH_FAILURES = ("robots", "http_error", "fetch_error", "bad_url", "offsite")


def failed_sources(names: list[str], decided: dict[str, Counter], source_errors: list[dict]) -> list[dict]:
    """The story's sources that got nothing this run: no candidate reached (every one refused or failed to fetch)
    and some listing or fetch failed. When every source failed, `storycrawl crawl` exits EXIT_UNREACHABLE."""
    failed = []
    for name in names:
        counts = decided.get(name, Counter())
        errors = [error["detail"] for error in source_errors if error["source"] == name]
        fetch_failures = sum(counts[reason] for reason in FETCH_FAILURES)
        reached = sum(n for reason, n in counts.items() if reason not in FETCH_FAILURES)
        if reached == 0 and (errors or fetch_failures):
            detail = errors[0] if errors else max(FETCH_FAILURES, key=lambda reason: counts[reason])
            failed.append({"source": name, "detail": detail, "listings_failed": len(errors),
                           "fetches_failed": fetch_failures})
    return failed


def format_summary(report: dict) -> str:
    """A human summary: one line per outlet, then the totals. Each row adds up: found = the other columns."""
    header = f"{'outlet':<16}" + "".join(f"{label:>{width}}" for _, label, width in SUMMARY_COLUMNS)
    lines = [f"storycrawl: {report['story']['id']} — {report['totals']['written']} articles written to "
             f"{report['corpus_dir']} in {report['seconds']} s ({report['finish_reason']})", header]
    for name, counts in report["outlets"].items():
        lines.append(f"{name:<16}" + summary_cells(counts) + day_range(report["dates"].get(name)))
    lines.append(f"{'total':<16}" + summary_cells(report["totals"]))
    if "corpus" in report:
        lines.append(corpus_line(report["corpus"], report["totals"]["written"]))
    lines.extend(corpus_summary(report))
    if report["source_errors"]:
        lines.append(f"{len(report['source_errors'])} listing(s) could not be read: see report.json")
    if report.get("fetch_cost"):
        lines.append(format_cost(report["fetch_cost"]["total"]))
    for reached in report.get("budget", []):
        lines.append(f"request budget reached: {reached['max_requests']} for {reached['scope']}, "
                     f"{reached['refused']} request(s) not made")
    return "\n".join(lines)


# (reason, header, width); "other" is every reason without a column of its own, so that each row adds up.
SUMMARY_COLUMNS = (("found", "found", 7), ("written", "written", 9), ("known", "known", 7), ("off_topic", "off-topic", 11),
                   ("out_of_window", "out-of-window", 15), ("duplicate", "duplicate", 11), ("not_article", "not-article", 13),
                   ("wall", "wall", 6), ("robots", "robots", 8), ("http_error", "http-error", 12),
                   ("fetch_error", "fetch-error", 13), ("other", "other", 7), ("undecided", "undecided", 11))


def summary_cells(counts: dict) -> str:
    shown = {reason for reason, _, _ in SUMMARY_COLUMNS}
    values = {**counts, "other": sum(n for reason, n in counts.items() if reason in REASONS and reason not in shown)}
    return "".join(f"{values.get(reason, 0):>{width}}" for reason, _, width in SUMMARY_COLUMNS)


def day_range(dates: dict | None) -> str:
    """"  published 2024-10-25..2024-10-28" after an outlet's counts; nothing if it wrote no dated article."""
    if not dates or not dates["earliest"]:
        return ""
    span = dates["earliest"] if dates["earliest"] == dates["latest"] else f"{dates['earliest']}..{dates['latest']}"
    return f"  published {span}" + (f" (+{dates['undated']} undated)" if dates["undated"] else "")


def corpus_summary(report: dict) -> list[str]:
    """Duplicates by kind, the clusters of wire copies, and the languages written."""
    duplicates, clusters = report["duplicates"], report["clusters"]
    outlets = "; ".join(", ".join(m["outlet"] for m in c["members"]) for c in clusters["clusters"])
    return [f"duplicates: {duplicates['same_url']} other URL(s), {duplicates['same_text']} same text; near-duplicates "
            f"{duplicates['near_duplicate_marked']} marked, {duplicates['near_duplicate_dropped']} dropped",
            f"clusters of 2+ articles: {clusters['count']}" + (f" ({outlets})" if outlets else ""),
            "languages: " + (", ".join(f"{lang} {n}" for lang, n in report["languages"].items()) or "none")]


class ProgressLine:
    """A progress line on standard error every PROGRESS_INTERVAL seconds while the crawl runs."""

    def __init__(self, stats, interval: float):
        self.stats = stats
        self.interval = interval
        self.started = time.monotonic()
        self.loop: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler):
        interval = crawler.settings.getfloat("PROGRESS_INTERVAL")
        if interval <= 0:
            raise NotConfigured("PROGRESS_INTERVAL is 0")
        progress = cls(crawler.stats, interval)
        crawler.signals.connect(progress.spider_opened, signals.spider_opened)
        crawler.signals.connect(progress.spider_closed, signals.spider_closed)
        return progress

    def spider_opened(self, spider):
        self.loop = task.LoopingCall(self.print_line)
        self.loop.start(self.interval, now=False)

    def spider_closed(self, spider, reason):
        if self.loop and self.loop.running:
            self.loop.stop()

    def print_line(self):
        get = lambda key: self.stats.get_value(f"storycrawl/{key}", 0)  # noqa: E731
        others = sum(get(r) for r in REASONS if r not in ("written", "off_topic", "out_of_window"))
        print(f"storycrawl: {time.monotonic() - self.started:6.0f}s  requests "
              f"{self.stats.get_value('downloader/request_count', 0)}  pending {pending_requests(self.stats)}  "
              f"found {get('found')}  written {get('written')}  "
              f"off-topic {get('off_topic')}  out-of-window {get('out_of_window')}  other {others}",
              file=sys.stderr, flush=True)


def pending_requests(stats) -> int:
    """Requests the scheduler holds, not yet sent: what is left of the crawl as far as it knows now."""
    return max(0, stats.get_value("scheduler/enqueued", 0) - stats.get_value("scheduler/dequeued", 0))


class QuietDropsLogFormatter(LogFormatter):
    """Rejections are decisions, recorded in decisions.jsonl: not warnings."""

    def dropped(self, item, exception, response, spider):
        entry = super().dropped(item, exception, response, spider)
        entry["level"] = logging.DEBUG
        entry["msg"] = "Rejected %(url)s: %(exception)s"
        entry["args"] = {"url": getattr(item, "url", "?"), "exception": exception}
        return entry

    def scraped(self, item, response, spider):
        entry = super().scraped(item, response, spider)
        entry["msg"] = "Written %(path)s from %(url)s"
        entry["args"] = {"path": getattr(item, "path", "?"), "url": getattr(item, "url", "?")}
        return entry
