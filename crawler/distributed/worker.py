"""One worker's life in a run: heartbeat, taking over dead workers' requests, the idle stop, leaving."""

from __future__ import annotations

import logging
import time

from scrapy import signals
from scrapy.exceptions import DontCloseSpider, NotConfigured
from twisted.internet import task

from ..run import story_run
from .frontier import RedisFrontier

logger = logging.getLogger(__name__)


class RedisWorker:
    """One worker's life in the run: its heartbeat, taking over dead workers' requests, stopping when the
    frontier has stayed empty for REDIS_IDLE_SECONDS, and leaving."""

    def __init__(self, crawler, idle_seconds: float, timeout: float):
        self.crawler = crawler
        self.idle_seconds = idle_seconds
        self.interval = timeout / 3
        self.idle_since: float | None = None
        self.loop: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        if not settings.get("REDIS_URL"):
            raise NotConfigured
        worker = cls(crawler, settings.getfloat("REDIS_IDLE_SECONDS"), settings.getfloat("REDIS_WORKER_TIMEOUT"))
        crawler.signals.connect(worker.spider_opened, signals.spider_opened)
        crawler.signals.connect(worker.spider_idle, signals.spider_idle)
        crawler.signals.connect(worker.spider_closed, signals.spider_closed)
        crawler.signals.connect(worker.busy, signals.response_received)
        return worker

    @property
    def frontier(self) -> RedisFrontier:
        return story_run(self.crawler).frontier

    def spider_opened(self, spider):
        logger.info("worker %s of %s", self.frontier.worker, self.frontier.keys.prefix)
        self.loop = task.LoopingCall(self.beat)
        self.loop.start(self.interval, now=True)

    def beat(self) -> None:
        """Never raises: a LoopingCall stops at its first error, and a worker whose heartbeat stopped is soon
        taken for dead while it crawls on."""
        try:
            self.frontier.heartbeat()
            self.frontier.requeue_dead()
        except Exception:
            logger.exception("heartbeat to Redis failed; trying again in %.0f s", self.interval)

    def busy(self, **kwargs) -> None:
        self.idle_since = None

    def spider_idle(self, spider):
        """Scrapy asks every few seconds while this worker has nothing to do. A Redis error keeps it waiting:
        only an empty frontier stops a worker."""
        try:
            self.stop_when_idle(spider)
        except DontCloseSpider:
            raise
        except Exception:
            logger.exception("checking the frontier in Redis failed; checking again")
            raise DontCloseSpider from None

    def stop_when_idle(self, spider) -> None:
        """Raises DontCloseSpider unless the frontier has stayed empty for REDIS_IDLE_SECONDS."""
        frontier = self.frontier
        frontier.requeue_dead()
        leaked = frontier.forget_own_in_flight()
        if leaked:
            logger.warning("%d requests of this worker were in flight with nothing left to do: released", leaked)
        if frontier.take_seeding(starting=False):  # the worker queuing the seeds died before it was done
            for request in spider.seed_requests_of_story():
                self.crawler.engine.crawl(request)
            frontier.seeding_done()
            raise DontCloseSpider
        if frontier.busy_elsewhere():
            self.idle_since = None
            raise DontCloseSpider
        self.idle_since = self.idle_since or time.monotonic()
        if time.monotonic() - self.idle_since < self.idle_seconds:
            raise DontCloseSpider

    def spider_closed(self, spider, reason):
        if self.loop and self.loop.running:
            self.loop.stop()
        deleted = self.frontier.leave()
        if deleted:
            logger.info("last worker out: the run's %d Redis keys deleted", deleted)
