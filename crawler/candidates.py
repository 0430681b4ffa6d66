"""What is requested: each listing once, each article candidate once and with exactly one decision.

A listing (sitemap, feed, start page, API answer) or a URL a listing names is claimed in the frontier before it is
requested or decided; a candidate the story's window, its URL's date or an earlier run's decision rules out is
decided here, unfetched. The requests name the spider's methods (`Callbacks`), so that Scrapy can store them in
the JOBDIR and a resumed crawl finds their callbacks again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import NamedTuple
from urllib.parse import urlsplit

import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.spidermiddlewares.httperror import HttpError

from cleaners.dates import parse_timestamp

from .discovery import Listing
from .fetch_cost import listing_skipped
from .report import candidate_found, record_decision, source_failed, utc_now
from .run import StoryRun
from .state import Known
from .story import Source
from .story_gates import OverCap
from .windowing import Skip

SEED_CLAIMANT = "seed"  # claims of the story file's own listings and URLs
LISTED_DEPTH = 1  # an entry of a feed, sitemap, GDELT answer or the story's `urls` is one hop from its listing,
                  # as a start page's link is: its links are followed by the same rule (source.follow.depth)
FETCH_KINDS = {"parse_robots": "robots", "parse_sitemap": "sitemap", "parse_feed": "feed", "parse_gdelt": "api",
               "parse_start_page": "page"}  # a listing request's kind in the report's fetch cost, by callback


class Callbacks(NamedTuple):
    """The spider's methods its requests name."""

    robots: Callable
    sitemap: Callable
    feed: Callable
    gdelt: Callable
    start_page: Callable
    article: Callable
    article_failed: Callable
    listing_failed: Callable


class Candidates:
    """Listing and article requests, and the decisions of candidates never fetched. `logger`: the spider's."""

    def __init__(self, crawler, run: StoryRun, callbacks: Callbacks, logger):
        settings = crawler.settings
        self.crawler = crawler
        self.run = run
        self.callbacks = callbacks
        self.logger = logger
        self.max_listing_bytes = settings.getint("LISTING_MAXSIZE")
        self.retry_runs = settings.getint("RETRY_FAILED_RUNS")
        self.recheck_after = dt.timedelta(hours=settings.getfloat("RECHECK_AFTER_HOURS"))

    def listing_request(self, url: str, callback, source: Source, claimant: str, keep_query: bool = False,
                        priority: int = 0, **meta):
        """`claimant`: the URL of the page that names this listing (SEED_CLAIMANT for the story's own)."""
        run = self.run
        if run.replay is not None:  # a replay fetches nothing new
            return
        refused = run.url_policy.refusal(url, None if claimant == SEED_CLAIMANT else source.hosts())
        if refused:  # a sitemap index or robots.txt naming a local file or another host
            self.report_listing_error(url, source, f"{refused[0]}: {refused[1]}")
            return
        url = url if keep_query else run.urls.clean(url)
        if not run.frontier.claim(run.urls.identity(url), claimant):
            return
        yield scrapy.Request(url, callback=callback, errback=self.callbacks.listing_failed, priority=priority,
                             meta={"source": source.name, "fetch_kind": FETCH_KINDS.get(callback.__name__, "page"),
                                   "download_maxsize": self.max_listing_bytes,
                                   "download_warnsize": self.max_listing_bytes,
                                   "on_outlet": claimant != SEED_CLAIMANT, **meta})  # redirects too: middlewares.py

    def candidate(self, listing: Listing, source: Source, via: dict, follow_depth: int | None = None,
                  claimant: str | None = None):
        """A URL that may be an article of the story: each gets exactly one decision. Claimed for the page
        that listed it (`via`), or `claimant`. `follow_depth`: its hops from a listing (LISTED_DEPTH for a
        listing's entry, one more per followed link); None for a page whose links are never followed (an
        article copy's canonical page: the copy's links were)."""
        run, windowing = self.run, self.run.windowing
        if run.replay is not None:  # a replay fetches nothing new
            return
        refused = run.url_policy.refusal(listing.url, None if via["kind"] == "gdelt" else source.hosts())
        url = listing.url.strip() if refused else run.urls.clean(listing.url)
        identity = url if refused else run.urls.identity(url)
        if not run.frontier.claim(identity, claimant or via["url"]):
            return
        outlet = self.outlet_for(url, source)
        self.crawler.signals.send_catch_log(candidate_found, outlet=outlet, url=url)
        if refused:
            record_decision(self.crawler, url=url, outlet=outlet, reason=refused[0], detail=refused[1], via=via)
            return
        if (listing.published and not run.story.in_window(listing.published)
                and not windowing.modified_later(listing, url, source)):
            record_decision(self.crawler, url=url, outlet=outlet, reason="out_of_window",
                            detail=f"listed as {listing.published.isoformat()}", via=via)
            return
        span = None if listing.published else windowing.span_of(url, source)
        if windowing.is_outside(span):
            record_decision(self.crawler, url=url, outlet=outlet, reason="out_of_window", detail=f"dated by URL: {span}",
                            via=via)
            return
        known = run.known(identity)
        follows_links = follow_depth is not None and follow_depth < source.follow.depth
        if known is not None and not self.due_again(known, listing, follows_links):
            record_decision(self.crawler, url=url, outlet=outlet, reason="known", detail=known.outcome, via=via)
            return
        priority = windowing.priority(listing.published or windowing.newest_day(span), listing=follows_links)
        yield self.article_request({"url": url, "listed_url": listing.url if listing.url != url else None,
                                    "source": source.name, "outlet": outlet, "via": via, "follow_depth": follow_depth,
                                    "previous": recheck_of(known)}, priority)

    def due_again(self, known: Known, listing: Listing, follows_links: bool) -> bool:
        """Whether a URL an earlier run decided is fetched again:
        - a failed fetch, by the next RETRY_FAILED_RUNS runs;
        - a section page that is no article but whose links are followed, by every run (as start pages are);
        - an article in the corpus, when re-checking is due: its listing dates it after the last check (day
          resolution), or it is undated and was last checked RECHECK_AFTER_HOURS ago or more. A listing dated
          before the last run's start (the horizon) is thus never fetched again: that run checked it."""
        if not known.final:
            return known.failures < self.retry_runs
        if follows_links and known.outcome == "not_article":
            return True
        if not known.in_corpus:
            return False
        checked = parse_timestamp(known.last_checked)
        if listing.published is not None:
            return checked is None or listing.published > checked.date()
        return bool(self.recheck_after) and (checked is None or dt.datetime.now(dt.timezone.utc) - checked >= self.recheck_after)

    def article_request(self, candidate: dict, priority: int = 0) -> scrapy.Request:
        """`candidate` (plain JSON) is all the spider knows of the URL; the WARC writer records it with the response.
        A re-check of an article in the corpus is a conditional request: 304 means unchanged."""
        previous = candidate.get("previous") or {}
        headers = {name: previous[key] for name, key in (("If-None-Match", "etag"), ("If-Modified-Since", "last_modified"))
                   if previous.get(key)}
        meta = {"source": candidate["source"], "candidate": candidate}
        if previous:
            meta["handle_httpstatus_list"] = [304]
        return scrapy.Request(candidate["url"], callback=self.callbacks.article, errback=self.callbacks.article_failed,
                              headers=headers, meta=meta, priority=priority)

    def outlet_for(self, url: str, source: Source) -> str:
        return self.run.outlet_hosts.get(urlsplit(url).hostname or "", source.name)

    def source_of(self, response_or_request) -> Source:
        return self.run.sources[response_or_request.meta["source"]]

    def report_listing_error(self, url: str, source: Source, detail: str) -> None:
        self.logger.warning("Listing %s unusable: %s", url, detail)
        self.crawler.signals.send_catch_log(source_failed, record={"url": url, "source": source.name,
                                                                   "detail": detail, "at": utc_now()})

    def listing_failed(self, failure) -> None:
        request = failure.request
        reason, detail = failure_reason(failure)
        self.report_listing_error(request.url, self.source_of(request), f"{reason}: {detail}")
        self.run.frontier.done(request)

    def skip_listing(self, skip: Skip, source: Source, listed_on: str) -> None:
        self.crawler.signals.send_catch_log(listing_skipped, record={
            "url": skip.url, "source": source.name, "reason": skip.reason, "detail": skip.detail, "listed_on": listed_on,
            "at": utc_now()})


def recheck_of(known: Known | None) -> dict | None:
    """What a re-check of an article in the corpus needs: its latest version and the validators it came with."""
    if known is None or not known.in_corpus:
        return None
    return {"version": known.version, "path": known.path, "etag": known.etag, "last_modified": known.last_modified}


def failure_reason(failure) -> tuple[str, str]:
    """A failed request's decision: its reason and detail."""
    if failure.check(OverCap):
        return "over_cap", str(failure.value)
    if failure.check(HttpError):
        return "http_error", f"HTTP {failure.value.response.status}"
    if failure.check(IgnoreRequest) and "forbidden by robots.txt" in str(failure.value).lower():
        return "robots", str(failure.value)
    return "fetch_error", f"{failure.type.__name__}: {failure.getErrorMessage()}"
