"""Distributed crawling: any number of worker processes, on any number of hosts, crawl one story through one
Redis (setting REDIS_URL, `storycrawl crawl --redis`).

The frontier is scrapy-redis's: its scheduler's priority queue and request filter live in Redis, so a request
any worker queues can be fetched by any other, and none is fetched twice. Around it, in Redis too:
- the story's seed requests are pushed by one worker (`take_seeding`);
- which URLs are taken (`claim`), which pages were cleaned, which AMP copies wait for their canonical page;
- the indexes that keep one file per article: kept URLs and texts, near-duplicate clusters (datasketch's
  MinHash LSH on Redis storage), text file paths. Lookups and the claims they lead to happen under one lock.
Each worker writes its own corpus directory (a shard: text files, manifest.jsonl, decisions.jsonl,
report.json); `storycrawl merge` (crawler/merge.py) joins the shards into one corpus.

Nothing is lost when a worker dies. A request a worker takes from the queue is moved, in the same step, into
the worker's in-flight hash, and leaves it only once its outcome is recorded (`FrontierAckMiddleware` after
the callback's items went through the pipelines, the spider's errbacks for failures) or once a request made
from it (a redirect, a retry) is queued. Every worker refreshes a key that expires after
REDIS_WORKER_TIMEOUT; the others move a dead worker's in-flight requests back into the queue. Claims carry
their owner: a claim by a dead worker that never made it into the corpus is taken over. A worker stops when
the queue is empty and no live worker has a request in flight for REDIS_IDLE_SECONDS; the last one to stop
deletes the run's keys, so the next run of the story starts afresh. Left behind when every worker is
killed, they let restarted workers go on where those stopped.

Keys: REDIS_KEY_PREFIX with the story id, e.g. `storycrawl:{demo}:requests`. The scripts build key names from
the prefix and SCAN for the run's keys: one Redis server (or a primary with replicas), not Redis Cluster.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import socket
import time
from dataclasses import dataclass

import numpy as np
from datasketch import MinHashLSH
from scrapy import Request, signals
from scrapy.exceptions import DontCloseSpider, NotConfigured
from twisted.internet import task

try:  # the `redis` extra; this module is loaded only for a worker of a distributed crawl (REDIS_URL)
    from scrapy_redis.connection import get_redis_from_settings
    from scrapy_redis.dupefilter import RFPDupeFilter
    from scrapy_redis.queue import PriorityQueue
    from scrapy_redis.scheduler import Scheduler
except ImportError as exc:
    raise ImportError(f"a distributed crawl (REDIS_URL, --redis) needs scrapy-redis and redis: "
                      f"pip install 'storycrawler[redis]' ({exc})") from exc

from cleaners import SiteMemory

from .clusters import NUM_PERM, NearDuplicateIndex
from .frontier import KeptIndex, PathClaims

logger = logging.getLogger(__name__)

FRONTIER_KEY = "frontier_key"  # request.meta: the request's field in its worker's in-flight hash
OUTPUT_OF = "frontier_output_of"  # request.meta, until queued: the in-flight request whose callback made it

# A request into the queue unless the filter has seen it; a request made from an in-flight one (a redirect or a
# retry: its meta names the parent) takes the parent's place in the same step.
PUSH = """
local new = redis.call('SADD', KEYS[1], ARGV[1]) == 1
if new or ARGV[2] == '1' then redis.call('ZADD', KEYS[2], ARGV[3], ARGV[4]) end
if ARGV[5] ~= '' then redis.call('HDEL', KEYS[3], ARGV[5]) end
return (new or ARGV[2] == '1') and 1 or 0
"""
# The next request out of the queue and into the worker's in-flight hash, in one step.
POP = """
local first = redis.call('ZRANGE', KEYS[1], 0, 0)
if #first == 0 then return false end
redis.call('ZREM', KEYS[1], first[1])
local id = redis.call('INCR', KEYS[3])
redis.call('HSET', KEYS[2], id, first[1])
return {id, first[1]}
"""
# A dead worker's (no alive key) in-flight requests back into the queue; -1 if it lives.
REQUEUE = """
if redis.call('EXISTS', KEYS[4]) == 1 then return -1 end
local requests = redis.call('HVALS', KEYS[1])
for _, request in ipairs(requests) do redis.call('ZADD', KEYS[2], 0, request) end
redis.call('DEL', KEYS[1])
redis.call('SREM', KEYS[3], ARGV[1])
return #requests
"""
# Shared by LEAVE and SEED (ARGV[2]: the run's key prefix): whether the run is drained, nothing queued and nothing
# in flight at a live worker (dead workers are dropped on the way, their requests back in the queue), and how to
# delete its keys.
RUN_FUNCTIONS = """
local function drained(prefix)
  for _, worker in ipairs(redis.call('SMEMBERS', prefix .. ':workers')) do
    local inflight = prefix .. ':inflight:' .. worker
    if redis.call('EXISTS', prefix .. ':alive:' .. worker) == 0 then
      for _, request in ipairs(redis.call('HVALS', inflight)) do redis.call('ZADD', prefix .. ':requests', 0, request) end
      redis.call('DEL', inflight)
      redis.call('SREM', prefix .. ':workers', worker)
    elseif redis.call('HLEN', inflight) > 0 then
      return false
    end
  end
  return redis.call('ZCARD', prefix .. ':requests') == 0
end
local function delete_run(pattern)
  local cursor, deleted = '0', 0
  repeat
    local page = redis.call('SCAN', cursor, 'MATCH', pattern, 'COUNT', 1000)
    cursor = page[1]
    for _, key in ipairs(page[2]) do deleted = deleted + redis.call('DEL', key) end
  until cursor == '0'
  return deleted
end
"""
# A worker leaves: its in-flight requests back into the queue; the last one out of a drained run deletes its keys.
LEAVE = RUN_FUNCTIONS + """
for _, request in ipairs(redis.call('HVALS', KEYS[1])) do redis.call('ZADD', KEYS[2], 0, request) end
redis.call('DEL', KEYS[1], KEYS[4])
redis.call('SREM', KEYS[3], ARGV[1])
if not drained(ARGV[2]) or redis.call('SCARD', KEYS[3]) > 0 then return 0 end
return delete_run(ARGV[3])
"""
# The seeding is this worker's unless another live worker is queuing the seeds or has queued them. For a worker
# starting (ARGV[4] = 1), a run whose seeds were queued and which is drained is over (its last worker died before
# deleting it): deleted, seeded again.
SEED = RUN_FUNCTIONS + """
if redis.call('EXISTS', KEYS[2]) == 1 then
  if ARGV[4] ~= '1' or not drained(ARGV[2]) then return 0 end
  delete_run(ARGV[3])
  return 2
end
local seeder = redis.call('GET', KEYS[1])
if seeder and seeder ~= ARGV[1] and redis.call('EXISTS', ARGV[2] .. ':alive:' .. seeder) == 1 then return 0 end
redis.call('SET', KEYS[1], ARGV[1])
return 1
"""
# A URL's claim: taken if free; granted again to the same claimant (the same listing) only if the worker that
# claimed it is dead: the listing is being redone.
CLAIM = """
local current = redis.call('HGET', KEYS[1], ARGV[1])
if current then
  local claimant, worker = string.match(current, '^(.*)|([^|]*)$')
  if claimant ~= ARGV[2] or worker == ARGV[3] or redis.call('EXISTS', ARGV[4] .. worker) == 1 then return 0 end
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2] .. '|' .. ARGV[3])
return 1
"""
# A page of a site seen: its blocks counted, unless a worker counted the page before.
OBSERVE = """
if redis.call('SADD', KEYS[1], ARGV[1]) == 0 then return 0 end
for i = 2, #ARGV do redis.call('HINCRBY', KEYS[2], ARGV[i], 1) end
return 1
"""


@dataclass(frozen=True)
class RunKeys:
    """The Redis keys of one story's run."""

    prefix: str

    @classmethod
    def for_story(cls, template: str, story_id: str) -> RunKeys:
        return cls(template.replace("%(story)s", story_id))

    def __getattr__(self, name: str) -> str:  # requests, dupefilter, workers, claims, cleaned, ...
        if name.startswith("__"):
            raise AttributeError(name)
        return f"{self.prefix}:{name.replace('_', '-')}"

    def of(self, kind: str, name: str) -> str:
        return f"{self.prefix}:{kind}:{name}"

    @property
    def pattern(self) -> str:
        """SCAN's pattern for every key of the run (the prefix's glob characters escaped)."""
        escaped = "".join("\\" + c if c in "*?[]\\" else c for c in self.prefix)
        return escaped + ":*"


def worker_name() -> str:
    return f"{socket.gethostname()}-{os.getpid()}-{secrets.token_hex(2)}"


class RedisFrontier:
    """The frontier of one worker of a distributed crawl (see the module docstring); LocalFrontier's methods."""

    distributed = True

    def __init__(self, server, keys: RunKeys, worker: str, timeout: float, redis_url: str):
        self.server = server
        self.keys = keys
        self.worker = worker
        self.timeout = timeout
        self.redis_url = redis_url
        self.own_claims: set[str] = set()  # URLs this worker claimed: a listing naming one twice is one claim
        self.open_outputs: dict[str, int] = {}  # in-flight key -> its callback's outputs not handled yet, +1 while it runs
        self.scripts = {name: server.register_script(source) for name, source in
                        (("push", PUSH), ("pop", POP), ("requeue", REQUEUE), ("leave", LEAVE), ("seed", SEED),
                         ("claim", CLAIM), ("observe", OBSERVE))}

    @classmethod
    def from_crawler(cls, crawler, story_id: str) -> RedisFrontier:
        settings = crawler.settings
        server = get_redis_from_settings(settings)
        server.ping()  # a wrong REDIS_URL stops the crawl here, with redis-py's message
        keys = RunKeys.for_story(settings.get("REDIS_KEY_PREFIX"), story_id)
        frontier = cls(server, keys, worker_name(), settings.getfloat("REDIS_WORKER_TIMEOUT"), settings.get("REDIS_URL"))
        frontier.heartbeat()
        return frontier

    # --- liveness -------------------------------------------------------------------------------------------

    def heartbeat(self) -> None:
        pipe = self.server.pipeline()
        pipe.set(self.keys.of("alive", self.worker), 1, px=int(self.timeout * 1000))
        pipe.sadd(self.keys.workers, self.worker)
        pipe.execute()

    def is_alive(self, worker: str) -> bool:
        return worker == self.worker or bool(self.server.exists(self.keys.of("alive", worker)))

    def requeue_dead(self) -> int:
        """The in-flight requests of workers that stopped refreshing their key, back into the queue."""
        moved = 0
        for worker in self.server.smembers(self.keys.workers):
            worker = worker.decode()
            if worker == self.worker:
                continue
            n = self.scripts["requeue"](keys=[self.keys.of("inflight", worker), self.keys.requests, self.keys.workers,
                                              self.keys.of("alive", worker)], args=[worker])
            if n > 0:
                logger.warning("worker %s is gone: %d of its requests are back in the queue", worker, n)
                moved += n
            elif n == 0:
                logger.warning("worker %s is gone", worker)
        return moved

    def busy_elsewhere(self) -> bool:
        """Requests queued, in flight at a live worker, or seeds still being queued by one."""
        if self.server.zcard(self.keys.requests):
            return True
        for worker in self.server.smembers(self.keys.workers):
            worker = worker.decode()
            if worker != self.worker and self.is_alive(worker) and self.server.hlen(self.keys.of("inflight", worker)):
                return True
        seeder = self.server.get(self.keys.seeder)
        return not self.server.exists(self.keys.seeded) and seeder is not None and self.is_alive(seeder.decode())

    def forget_own_in_flight(self) -> int:
        """With the engine idle nothing of this worker is in flight: entries left (a callback that raised) go."""
        key = self.keys.of("inflight", self.worker)
        left = self.server.hlen(key)
        if left:
            self.server.delete(key)
        self.open_outputs.clear()
        return left

    def leave(self) -> int:
        """Unregister; the last worker out of a drained run deletes its keys (returns how many)."""
        return self.scripts["leave"](keys=[self.keys.of("inflight", self.worker), self.keys.requests, self.keys.workers,
                                           self.keys.of("alive", self.worker)],
                                     args=[self.worker, self.keys.prefix, self.keys.pattern])

    # --- the queue ------------------------------------------------------------------------------------------

    def push(self, fingerprint: str, dont_filter: bool, priority: int, data: bytes, parent: str | None) -> bool:
        return bool(self.scripts["push"](keys=[self.keys.dupefilter, self.keys.requests,
                                               self.keys.of("inflight", self.worker)],
                                         args=[fingerprint, int(dont_filter), -priority, data, parent or ""]))

    def pop(self) -> tuple[str, bytes] | None:
        popped = self.scripts["pop"](keys=[self.keys.requests, self.keys.of("inflight", self.worker), self.keys.sequence])
        return (popped[0].decode() if isinstance(popped[0], bytes) else str(popped[0]), popped[1]) if popped else None

    def done(self, request) -> None:
        key = request.meta.get(FRONTIER_KEY)
        if key:
            self.server.hdel(self.keys.of("inflight", self.worker), key)

    def outputs_open(self, key: str | None) -> None:
        """A callback of the request in flight under `key` runs: one share for the callback itself."""
        if key:
            self.open_outputs[key] = 1

    def output_given(self, key: str | None) -> None:
        if key:
            self.open_outputs[key] += 1

    def output_handled(self, key: str | None) -> None:
        """An item through the pipelines, a request queued or filtered, or the callback finished: the request
        leaves the in-flight hash with the last of them."""
        if key not in self.open_outputs:
            return
        self.open_outputs[key] -= 1
        if not self.open_outputs[key]:
            del self.open_outputs[key]
            self.server.hdel(self.keys.of("inflight", self.worker), key)

    def queued(self) -> int:
        return self.server.zcard(self.keys.requests)

    # --- seeds and claims -----------------------------------------------------------------------------------

    def take_seeding(self, starting: bool = True) -> bool:
        """Whether this worker queues the seeds: the run is new, or its seeder died before it was done. A worker
        `starting` also finds a run that is over but was never deleted (its last worker died): it is deleted
        and begins again."""
        taken = self.scripts["seed"](keys=[self.keys.seeder, self.keys.seeded],
                                     args=[self.worker, self.keys.prefix, self.keys.pattern, int(starting)])
        if taken == 2:
            logger.warning("%s: a finished run's keys were left in Redis: deleted, the story is crawled afresh",
                           self.keys.prefix)
            self.heartbeat()
            return self.take_seeding()
        return bool(taken)

    def seeding_done(self) -> None:
        self.server.set(self.keys.seeded, self.worker)

    def claim(self, identity: str, claimant: str) -> bool:
        if identity in self.own_claims:
            return False
        granted = bool(self.scripts["claim"](keys=[self.keys.claims],
                                             args=[identity, claimant, self.worker, self.keys.of("alive", "")]))
        if granted:
            self.own_claims.add(identity)
        return granted

    def mark_cleaned(self, identities) -> None:
        identities = list(identities)
        if identities:
            self.server.hset(self.keys.cleaned, mapping=dict.fromkeys(identities, self.worker))

    def was_cleaned(self, identity: str) -> bool:
        """Cleaned by this worker or a live one: a dead worker's page may never have reached the corpus."""
        owner = self.server.hget(self.keys.cleaned, identity)
        return owner is not None and self.is_alive(owner.decode())

    def add_aliases(self, identity: str, urls: list[str]) -> None:
        if urls:
            self.server.rpush(self.keys.of("aliases", identity), *urls)

    def pop_aliases(self, identity: str) -> list[str]:
        pipe = self.server.pipeline()
        pipe.lrange(self.keys.of("aliases", identity), 0, -1)
        pipe.delete(self.keys.of("aliases", identity))
        return [url.decode() for url in pipe.execute()[0]]

    # --- the pipelines' indexes -----------------------------------------------------------------------------

    def lock(self):
        """Around an index lookup and the claims it leads to; freed by Redis if its holder dies."""
        # Its time-out is a third of a worker's: a worker waiting on a dead holder (its thread blocked) is not
        # taken for dead itself. A lookup and its claims take milliseconds.
        return self.server.lock(self.keys.lock, timeout=self.timeout / 3, blocking_timeout=None)

    def kept_index(self) -> RedisKeptIndex:
        return RedisKeptIndex(self)

    def path_claims(self) -> RedisPathClaims:
        return RedisPathClaims(self)

    def near_duplicate_index(self, threshold: float) -> RedisNearDuplicateIndex:
        return RedisNearDuplicateIndex(self, threshold)

    def site_memory(self, folder=None) -> RedisSiteMemory:
        """Shared by the workers for the run; not kept in `folder` (a distributed run starts afresh)."""
        return RedisSiteMemory(self)


class RedisSiteState:
    """One site's template learning (cleaners/site_memory.py SiteState's methods) in Redis: every worker's
    pages count, so a template is learnt as fast as in one process."""

    dirty = False  # nothing for SiteMemory.save to write

    def __init__(self, frontier: RedisFrontier, site: str):
        self.frontier = frontier
        self.pages_key = frontier.keys.of("site-pages", site)
        self.blocks_key = frontier.keys.of("site-blocks", site)

    def seen(self, page: str) -> bool:
        return bool(self.frontier.server.sismember(self.pages_key, page))

    def pages_with(self, blocks: list[str]) -> list[int]:
        return [int(n or 0) for n in self.frontier.server.hmget(self.blocks_key, blocks)] if blocks else []

    def observe(self, page: str, blocks: set[str]) -> None:
        self.frontier.scripts["observe"](keys=[self.pages_key, self.blocks_key], args=[page, *sorted(blocks)])


class RedisSiteMemory(SiteMemory):
    def __init__(self, frontier: RedisFrontier):
        super().__init__(None)
        self.frontier = frontier

    def load(self, site: str) -> RedisSiteState:  # type: ignore[override]  # SiteState's methods, kept in Redis
        return RedisSiteState(self.frontier, site)


class RedisKeptIndex(KeptIndex):
    """KeptIndex in two Redis hashes, each claim with its owner. A claim is good if its article is in a corpus
    (committed), or its owner lives: a dead worker's uncommitted claim is taken over."""

    def __init__(self, frontier: RedisFrontier):
        self.frontier = frontier
        self.server = frontier.server

    def locked(self):
        return self.frontier.lock()

    def url(self, identity: str) -> str | None:
        return self.valid(self.server.hget(self.frontier.keys.kept_urls, identity))

    def text(self, key: str) -> str | None:
        return self.valid(self.server.hget(self.frontier.keys.kept_texts, key))

    def keep(self, identities: list[str], key: str | None, kept: str) -> None:
        claim = json.dumps({"url": kept, "worker": self.frontier.worker})
        for hash_key, fields in ((self.frontier.keys.kept_urls, identities), (self.frontier.keys.kept_texts, [key] if key else [])):
            if not fields:
                continue
            current = self.server.hmget(hash_key, fields)
            free = {field: claim for field, value in zip(fields, current) if self.valid(value) is None}
            if free:
                self.server.hset(hash_key, mapping=free)

    def commit(self, url: str) -> None:
        self.server.sadd(self.frontier.keys.committed, url)

    def valid(self, raw: bytes | None) -> str | None:
        if raw is None:
            return None
        claim = json.loads(raw)
        if self.frontier.is_alive(claim["worker"]) or self.server.sismember(self.frontier.keys.committed, claim["url"]):
            return claim["url"]
        return None


class RedisPathClaims(PathClaims):
    def __init__(self, frontier: RedisFrontier):
        self.frontier = frontier

    def claim(self, path: str, owner: str) -> bool:
        server, key = self.frontier.server, self.frontier.keys.paths
        return bool(server.hsetnx(key, path, owner)) or server.hget(key, path).decode() == owner


class RedisMembers:
    """NearDuplicateIndex's members in a Redis hash: key -> (cluster_id, url, hash values)."""

    def __init__(self, server, key: str):
        self.server = server
        self.key = key

    def get(self, member: str):
        raw = self.server.hget(self.key, member)
        if raw is None:
            return None
        cluster_id, url, dtype, values = json.loads(raw)
        return cluster_id, url, np.frombuffer(bytes.fromhex(values), dtype=dtype)

    def __contains__(self, member: str) -> bool:
        return bool(self.server.hexists(self.key, member))

    def __setitem__(self, member: str, value) -> None:
        cluster_id, url, values = value
        self.server.hset(self.key, member, json.dumps([cluster_id, url, values.dtype.str, values.tobytes().hex()]))


class RedisNearDuplicateIndex(NearDuplicateIndex):
    """The clusters of all workers: datasketch's LSH on its Redis storage, members in a hash."""

    def __init__(self, frontier: RedisFrontier, threshold: float):
        storage = {"type": "redis", "basename": frontier.keys.of("lsh", "").encode(),
                   "redis": {"connection_pool": frontier.server.connection_pool}}  # TLS, sockets, time-outs alike
        lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM, storage_config=storage)
        super().__init__(threshold, lsh=lsh, members=RedisMembers(frontier.server, frontier.keys.clusters))
        self.frontier = frontier

    def locked(self):
        return self.frontier.lock()


class RedisScheduler(Scheduler):
    """scrapy-redis's scheduler, with the queue's push and pop made one step with the frontier's bookkeeping:
    a popped request is in flight at this worker until its outcome is recorded (see the module docstring)."""

    @classmethod
    def from_crawler(cls, crawler):
        frontier = crawler.spider.frontier
        scheduler = cls(server=frontier.server, persist=True, queue_key=frontier.keys.requests,
                        dupefilter_key=frontier.keys.dupefilter,
                        dupefilter=RFPDupeFilter(frontier.server, frontier.keys.dupefilter,
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
        return self.crawler.spider.frontier

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
        return self.crawler.spider.frontier

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
