"""Request budgets: at most MAX_REQUESTS requests a crawl, MAX_REQUESTS_PER_SOURCE a source (a story file's
`max_requests`, top-level or a source's, overrides them). A request over budget is not sent: its candidate's
decision is a fetch error naming the budget, a listing's a source error, and report.json's `budget` says
which budgets were reached and how many requests each refused."""

from __future__ import annotations

from collections import Counter

from scrapy.exceptions import IgnoreRequest

budget_reached = object()  # signal: a budget refused its first request; kwargs: scope ("crawl" or a source), limit


class RequestBudgetMiddleware:
    def __init__(self, crawler, run, per_crawl: int, per_source: int):
        self.crawler = crawler
        self.run = run  # the crawl's StoryRun: its story's and sources' max_requests
        self.per_crawl, self.per_source = per_crawl, per_source
        self.sent: Counter = Counter()  # "crawl" and each source -> requests let through
        self.refused: Counter = Counter()

    @classmethod
    def from_crawler(cls, crawler):
        from .run import story_run  # crawler/report.py, which the run imports, imports this module's signal

        settings = crawler.settings
        return cls(crawler, story_run(crawler), settings.getint("MAX_REQUESTS"), settings.getint("MAX_REQUESTS_PER_SOURCE"))

    def limits(self, source_name: str | None) -> list[tuple[str, int]]:
        limits = [("crawl", self.run.story.max_requests or self.per_crawl)]
        source = self.run.sources.get(source_name)
        if source is not None and source_name is not None:
            limits.append((source_name, source.max_requests or self.per_source))
        return [(scope, limit) for scope, limit in limits if limit]

    def process_request(self, request, spider=None):
        limits = self.limits(request.meta.get("source"))
        over = next(((scope, limit) for scope, limit in limits if self.sent[scope] >= limit), None)
        if over is not None:
            scope, limit = over
            if not self.refused[scope]:
                self.crawler.signals.send_catch_log(budget_reached, scope=scope, limit=limit)
            self.refused[scope] += 1
            self.crawler.stats.inc_value(f"storycrawl/over_budget/{scope}")
            raise IgnoreRequest(f"request budget reached: {limit} requests for {scope}")
        for scope, _limit in limits:
            self.sent[scope] += 1
        if not limits or limits[0][0] != "crawl":
            self.sent["crawl"] += 1
        return None
