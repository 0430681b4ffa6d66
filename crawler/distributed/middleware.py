"""Acknowledging a request once its callback's outputs are all handled: it leaves its worker's in-flight hash."""

from __future__ import annotations

from scrapy import Request, signals
from scrapy.exceptions import NotConfigured

from ..run import story_run
from .frontier import FRONTIER_KEY, OUTPUT_OF, RedisFrontier


class FrontierAckMiddleware:
    """Releases a request from its worker's in-flight hash once everything its callback gave was handled: each
    item through the pipelines (item_scraped, item_dropped, item_error), each request queued or filtered (by
    RedisScheduler). Scrapy reads a callback's output ahead of handling it, so the end of the output is not
    enough. Failures are released by the spider's errbacks."""

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        if not crawler.settings.get("REDIS_URL"):
            raise NotConfigured  # no message: Scrapy would warn about it in every crawl of one process
        middleware = cls(crawler)
        for signal in (signals.item_scraped, signals.item_dropped, signals.item_error):
            crawler.signals.connect(middleware.item_handled, signal)
        return middleware

    @property
    def frontier(self) -> RedisFrontier:
        return story_run(self.crawler).frontier

    def process_spider_output(self, response, result):
        key = response.request.meta.get(FRONTIER_KEY)
        self.frontier.outputs_open(key)
        try:
            for output in result:
                yield self.given(output, key)
        finally:
            self.frontier.output_handled(key)

    async def process_spider_output_async(self, response, result):
        key = response.request.meta.get(FRONTIER_KEY)
        self.frontier.outputs_open(key)
        try:
            async for output in result:
                yield self.given(output, key)
        finally:
            self.frontier.output_handled(key)

    def given(self, output, key: str | None):
        self.frontier.output_given(key)
        if isinstance(output, Request) and key:
            output.meta[OUTPUT_OF] = key
        return output

    def item_handled(self, item, response, **kwargs):
        request = getattr(response, "request", None)
        self.frontier.output_handled(request.meta.get(FRONTIER_KEY) if request is not None else None)
