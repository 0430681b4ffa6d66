"""The Scrapy scheduler of a worker: the run's shared queue in Redis (RedisFrontier.push and pop)."""

from __future__ import annotations

from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.queue import PriorityQueue
from scrapy_redis.scheduler import Scheduler

from .frontier import FRONTIER_KEY, OUTPUT_OF


class RedisScheduler(Scheduler):
    """scrapy-redis's scheduler, with the queue's push and pop made one step with the frontier's bookkeeping:
    a popped request is in flight at this worker until its outcome is recorded (see the package docstring)."""

    @classmethod
    def from_crawler(cls, crawler):
        frontier = crawler.spider.frontier
        scheduler = cls(server=frontier.server, persist=True, queue_key=frontier.keys.requests(),
                        dupefilter_key=frontier.keys.dupefilter(),
                        dupefilter=RFPDupeFilter(frontier.server, frontier.keys.dupefilter(),
                                                 debug=crawler.settings.getbool("DUPEFILTER_DEBUG")))
        scheduler.stats = crawler.stats
        scheduler.frontier = frontier
        return scheduler

    def open(self, spider):
        self.spider = spider
        self.queue = PriorityQueue(server=self.server, spider=spider, key=self.queue_key)  # its (de)serialisation
        if len(self.queue):
            spider.logger.info("Joining a crawl with %d requests queued", len(self.queue))

    def close(self, reason):
        pass  # the run's keys outlive a worker; the last one out deletes them (RedisFrontier.leave)

    def enqueue_request(self, request) -> bool:
        made_by = request.meta.pop(OUTPUT_OF, None)  # a callback's output: it is handled once queued or filtered
        replaces = request.meta.get(FRONTIER_KEY)  # a redirect or retry of a request in flight: it takes its place
        data = self.queue._encode_request(request)
        queued = self.frontier.push(self.df.request_fingerprint(request), request.dont_filter, request.priority, data,
                                    replaces)
        self.frontier.output_handled(made_by)
        if not queued:
            self.df.log(request, self.spider)
            return False
        self.stats.inc_value("scheduler/enqueued/redis")
        return True

    def next_request(self):
        popped = self.frontier.pop()
        if popped is None:
            return None
        key, data = popped
        request = self.queue._decode_request(data)
        request.meta[FRONTIER_KEY] = key
        self.stats.inc_value("scheduler/dequeued/redis")
        return request

    def has_pending_requests(self) -> bool:
        return self.frontier.queued() > 0

