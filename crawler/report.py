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

from scrapy import signals
from scrapy.exceptions import DropItem, NotConfigured
from scrapy.logformatter import LogFormatter
from twisted.internet import task

from cleaners.dates import parse_day

from .budget import budget_reached
from .corpus import JsonLines, write_atomic
from .corpus_figures import corpus_figures, corpus_line
from .fetch_cost import FetchCost, fetched_listing_page, format_cost, listing_skipped
from .report_html import write_report_html_or_log

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

# What the report's corpus sections read of each written article: kept per article for the whole run, so lean.
WRITTEN_FIELDS = ("url", "outlet", "language", "published", "cluster_id", "near_duplicate_of")

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
    record = {"url": url, "outlet": outlet, "reason": reason, "detail": detail, "via": via, "at": utc_now()}
    if kind:
        record["kind"] = kind
    return {**record, "provisional": True} if provisional else record


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
        self.written: list[dict] = []  # the report's fields of each article written in this run (not whole records)
        self.duplicate_kinds: Counter = Counter()
        self.provisional: dict[str, dict] = {}  # URL -> its provisional decision, replaced by a later one
        self.started = time.monotonic()
        self.started_at = utc_now()
        self.decisions: JsonLines | None = None
        self.cost = FetchCost()
        self.skipped_listings: list[dict] = []  # listings not fetched because of their date, each with its reason
        self.budgets: list[dict] = []  # request budgets reached

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
        self.cost.hosts.update(getattr(spider, "outlet_hosts", {}))
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
        self.written.append({name: getattr(item, name) for name in WRITTEN_FIELDS})
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
        self.crawler.stats.set_value("storycrawl/sources", len(spider.story.sources))
        if self.decisions:
            self.decisions.close()
        write_atomic(self.corpus_dir / "report.json", (json.dumps(report, ensure_ascii=False, indent=2) + "\n").encode())
        write_report_html_or_log(self.corpus_dir, logging.getLogger(__name__))  # a failure is logged, not raised
        print(format_summary(report), file=sys.stderr)

    def build(self, spider, finish_reason: str) -> dict:
        story = spider.story
        outlets = {}
        for outlet in sorted(set(self.found) | set(self.decided)):
            counts = {reason: self.decided[outlet][reason] for reason in REASONS}
            outlets[outlet] = {"found": self.found[outlet], **counts,
                               "undecided": self.found[outlet] - sum(counts.values())}
        totals = {key: sum(o[key] for o in outlets.values()) for key in ("found", *REASONS, "undecided")}
        return {
            "story": {"id": story.id, "title": story.title, "file": story.path,
                      "since": story.since.isoformat() if story.since else None,
                      "until": story.until.isoformat() if story.until else None},
            "started_at": self.started_at,
            "finished_at": utc_now(),
            "seconds": round(time.monotonic() - self.started, 1),
            "finish_reason": finish_reason,
            "corpus_dir": str(self.corpus_dir),
            "settings": {name: self.crawler.settings.get(name) for name in CORPUS_SETTINGS},
            "reasons": REASONS,
            "totals": totals,
            "outlets": outlets,
            "duplicates": duplicate_counts(self.duplicate_kinds, self.written, totals["near_duplicate"]),
            "clusters": shared_clusters(self.written),
            "languages": language_counts(self.written),
            "dates": date_ranges(self.written),
            "source_errors": self.source_errors,
            "failed_sources": failed_sources([s.name for s in story.sources], self.decided, self.source_errors),
            "requests": self.crawler.stats.get_value("downloader/request_count", 0),
            "fetch_cost": self.cost.as_report(outlets),
            "skipped_listings": self.skipped_listings,
            "budget": [{**reached, "refused": self.crawler.stats.get_value(f"storycrawl/over_budget/{reached['scope']}", 0)}
                       for reached in self.budgets],
            "corpus": corpus_figures(self.corpus_dir),  # the corpus after all runs; the rest is this run's
        }


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


# --- report sections from the written articles' WRITTEN_FIELDS --------------------------------

def duplicate_counts(kinds: Counter, written: list[dict], dropped: int) -> dict:
    """Exact duplicates by kind (recorded without a file), and near-duplicates kept and marked, or dropped."""
    return {**{kind: kinds[kind] for kind in DUPLICATE_KINDS},
            "near_duplicate_marked": sum(1 for record in written if record["near_duplicate_of"]),
            "near_duplicate_dropped": dropped}


def shared_clusters(written: list[dict]) -> dict:
    """The near-duplicate clusters (wire copies) with two or more written articles, with their members."""
    members = defaultdict(list)
    for record in written:
        members[record["cluster_id"]].append({"url": record["url"], "outlet": record["outlet"]})
    shared = [{"cluster_id": cluster_id, "members": urls}
              for cluster_id, urls in sorted(members.items()) if len(urls) > 1]
    return {"count": len(shared), "clusters": shared}


def language_counts(written: list[dict]) -> dict[str, int]:
    """Articles written per detected language ("und" where none was detected, as in the corpus's folders)."""
    return dict(sorted(Counter(record["language"] or "und" for record in written).items()))


def date_ranges(written: list[dict]) -> dict[str, dict]:
    """Per outlet: the earliest and latest publication day of its written articles, and how many had no date."""
    ranges = {}
    for outlet in sorted({record["outlet"] for record in written}):
        days = [parse_day(record["published"]) for record in written if record["outlet"] == outlet]
        dated = sorted(day for day in days if day)
        ranges[outlet] = {"earliest": dated[0].isoformat() if dated else None,
                          "latest": dated[-1].isoformat() if dated else None,
                          "undated": len(days) - len(dated)}
    return ranges


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
