"""The Scrapy scheduler of a worker: the run's shared queue in Redis (RedisFrontier.push and pop)."""

from __future__ import annotations

from scrapy import Request
from scrapy.core.scheduler import BaseScheduler
from scrapy.utils.request import request_from_dict
from scrapy_redis import picklecompat
from scrapy_redis.dupefilter import RFPDupeFilter

from ..run import story_run
from .frontier import FRONTIER_KEY, OUTPUT_OF, RedisFrontier


class RedisScheduler(BaseScheduler):
    """The queue's push and pop made one step with the frontier's bookkeeping: a popped request is in flight at
    this worker until its outcome is recorded (see the package docstring).

    The queue is laid out as scrapy-redis's priority queue (a sorted set scored by minus the priority), each
    request stored as its scheduler stores it (Request.to_dict pickled by its default serializer, picklecompat);
    its request filter (RFPDupeFilter) gives the fingerprints the push script filters on and logs duplicates."""

    def __init__(self, frontier: RedisFrontier, dupefilter: RFPDupeFilter, stats):
        self.frontier = frontier
        self.df = dupefilter
        self.stats = stats
        self.spider = None

    @classmethod
    def from_crawler(cls, crawler):
        frontier = story_run(crawler).frontier
        dupefilter = RFPDupeFilter(frontier.server, frontier.keys.dupefilter(),
                                   debug=crawler.settings.getbool("DUPEFILTER_DEBUG"))
        return cls(frontier, dupefilter, crawler.stats)

    def open(self, spider):
        self.spider = spider
        queued = self.frontier.queued()
        if queued:
            spider.logger.info("Joining a crawl with %d requests queued", queued)

    def close(self, reason):
        pass  # the run's keys outlive a worker; the last one out deletes them (RedisFrontier.leave)

    def __len__(self) -> int:
        return self.frontier.queued()

    def enqueue_request(self, request: Request) -> bool:
        made_by = request.meta.pop(OUTPUT_OF, None)  # a callback's output: it is handled once queued or filtered
        replaces = request.meta.get(FRONTIER_KEY)  # a redirect or retry of a request in flight: it takes its place
        queued = self.frontier.push(self.df.request_fingerprint(request), request.dont_filter, request.priority,
                                    self.encoded(request), replaces)
        self.frontier.output_handled(made_by)
        if not queued:
            self.df.log(request, self.spider)
            return False
        self.stats.inc_value("scheduler/enqueued/redis")
        return True

    def next_request(self) -> Request | None:
        popped = self.frontier.pop()
        if popped is None:
            return None
        key, data = popped
        request = self.decoded(data)
        request.meta[FRONTIER_KEY] = key
        self.stats.inc_value("scheduler/dequeued/redis")
        return request

    def has_pending_requests(self) -> bool:
        return self.frontier.queued() > 0

    def encoded(self, request: Request) -> bytes:
        """The request as the queue holds it; its callbacks by name, so any worker's spider can decode it."""
        return picklecompat.dumps(request.to_dict(spider=self.spider))

    def decoded(self, data: bytes) -> Request:
        return request_from_dict(picklecompat.loads(data), spider=self.spider)
