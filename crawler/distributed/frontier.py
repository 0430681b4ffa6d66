"""One worker's frontier in Redis (RedisFrontier): the shared queue and the worker's requests in flight, its
liveness, the seeding, URL claims and cleaned pages, and the shared indexes the pipelines use (claims.py,
near_duplicates.py, site_memory.py). See the package docstring for how the workers share a run.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket

from scrapy_redis.connection import get_redis_from_settings

from . import lua
from .claims import RedisKeptIndex, RedisPathClaims
from .keys import RunKeys
from .near_duplicates import RedisNearDuplicateIndex
from .site_memory import RedisSiteMemory

logger = logging.getLogger(__name__)

FRONTIER_KEY = "frontier_key"  # request.meta: the request's field in its worker's in-flight hash
OUTPUT_OF = "frontier_output_of"  # request.meta, until queued: the in-flight request whose callback made it


def worker_name() -> str:
    return f"{socket.gethostname()}-{os.getpid()}-{secrets.token_hex(2)}"


class RedisFrontier:
    """The frontier of one worker of a distributed crawl (see the package docstring); LocalFrontier's methods."""

    distributed = True

    def __init__(self, server, keys: RunKeys, worker: str, timeout: float, redis_url: str):
        self.server = server
        self.keys = keys
        self.worker = worker
        self.timeout = timeout
        self.redis_url = redis_url
        self.own_claims: set[str] = set()  # URLs this worker claimed: a listing naming one twice is one claim
        # in-flight key -> its callback's outputs not handled yet, +1 while it runs
        self.open_outputs: dict[str, int] = {}
        self.scripts = lua.register_all(server)  # by name: scripts/<name>.lua

    @classmethod
    def from_crawler(cls, crawler, story_id: str) -> RedisFrontier:
        settings = crawler.settings
        server = get_redis_from_settings(settings)
        server.ping()  # a wrong REDIS_URL stops the crawl here, with redis-py's message
        keys = RunKeys.for_story(settings.get("REDIS_KEY_PREFIX"), story_id)
        frontier = cls(server, keys, worker_name(), settings.getfloat("REDIS_WORKER_TIMEOUT"),
                       settings.get("REDIS_URL"))
        frontier.heartbeat()
        return frontier

    # --- liveness -------------------------------------------------------------------------------------------

    def heartbeat(self) -> None:
        pipe = self.server.pipeline()
        pipe.set(self.keys.alive(self.worker), 1, px=int(self.timeout * 1000))
        pipe.sadd(self.keys.workers(), self.worker)
        pipe.execute()

    def is_alive(self, worker: str) -> bool:
        return worker == self.worker or bool(self.server.exists(self.keys.alive(worker)))

    def requeue_dead(self) -> int:
        """The in-flight requests of workers that stopped refreshing their key, back into the queue."""
        moved = 0
        for worker in self.server.smembers(self.keys.workers()):
            worker = worker.decode()
            if worker == self.worker:
                continue
            n = self.scripts["requeue"](keys=[self.keys.inflight(worker), self.keys.requests(), self.keys.workers(),
                                              self.keys.alive(worker)], args=[worker])
            if n > 0:
                logger.warning("worker %s is gone: %d of its requests are back in the queue", worker, n)
                moved += n
            elif n == 0:
                logger.warning("worker %s is gone", worker)
        return moved

    def busy_elsewhere(self) -> bool:
        """Requests queued, in flight at a live worker, or seeds still being queued by one."""
        if self.server.zcard(self.keys.requests()):
            return True
        for worker in self.server.smembers(self.keys.workers()):
            worker = worker.decode()
            if worker != self.worker and self.is_alive(worker) and self.server.hlen(self.keys.inflight(worker)):
                return True
        seeder = self.server.get(self.keys.seeder())
        return not self.server.exists(self.keys.seeded()) and seeder is not None and self.is_alive(seeder.decode())

    def forget_own_in_flight(self) -> int:
        """With the engine idle nothing of this worker is in flight: entries left (a callback that raised) go."""
        key = self.keys.inflight(self.worker)
        left = self.server.hlen(key)
        if left:
            self.server.delete(key)
        self.open_outputs.clear()
        return left

    def leave(self) -> int:
        """Unregister; the last worker out of a drained run deletes its keys (returns how many)."""
        return self.scripts["leave"](keys=[self.keys.inflight(self.worker), self.keys.requests(), self.keys.workers(),
                                           self.keys.alive(self.worker)],
                                     args=[self.worker, self.keys.prefix, self.keys.pattern()])

    # --- the queue ------------------------------------------------------------------------------------------

    def push(self, fingerprint: str, dont_filter: bool, priority: int, data: bytes, parent: str | None) -> bool:
        return bool(self.scripts["push"](keys=[self.keys.dupefilter(), self.keys.requests(),
                                               self.keys.inflight(self.worker)],
                                         args=[fingerprint, int(dont_filter), -priority, data, parent or ""]))

    def pop(self) -> tuple[str, bytes] | None:
        popped = self.scripts["pop"](keys=[self.keys.requests(), self.keys.inflight(self.worker), self.keys.sequence()])
        return (popped[0].decode() if isinstance(popped[0], bytes) else str(popped[0]), popped[1]) if popped else None

    def done(self, request) -> None:
        key = request.meta.get(FRONTIER_KEY)
        if key:
            self.server.hdel(self.keys.inflight(self.worker), key)

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
            self.server.hdel(self.keys.inflight(self.worker), key)

    def queued(self) -> int:
        return self.server.zcard(self.keys.requests())

    # --- seeds and claims -----------------------------------------------------------------------------------

    def take_seeding(self, starting: bool = True) -> bool:
        """Whether this worker queues the seeds: the run is new, or its seeder died before it was done. A worker
        `starting` also finds a run that is over but was never deleted (its last worker died): it is deleted
        and begins again."""
        taken = self.scripts["seed"](keys=[self.keys.seeder(), self.keys.seeded()],
                                     args=[self.worker, self.keys.prefix, self.keys.pattern(), int(starting)])
        if taken == 2:
            logger.warning("%s: a finished run's keys were left in Redis: deleted, the story is crawled afresh",
                           self.keys.prefix)
            self.heartbeat()
            return self.take_seeding()
        return bool(taken)

    def seeding_done(self) -> None:
        self.server.set(self.keys.seeded(), self.worker)

    def claim(self, identity: str, claimant: str) -> bool:
        if identity in self.own_claims:
            return False
        granted = bool(self.scripts["claim"](keys=[self.keys.claims()],
                                             args=[identity, claimant, self.worker, self.keys.alive_prefix()]))
        if granted:
            self.own_claims.add(identity)
        return granted

    def mark_cleaned(self, identities) -> None:
        identities = list(identities)
        if identities:
            self.server.hset(self.keys.cleaned(), mapping=dict.fromkeys(identities, self.worker))

    def was_cleaned(self, identity: str) -> bool:
        """Cleaned by this worker or a live one: a dead worker's page may never have reached the corpus."""
        owner = self.server.hget(self.keys.cleaned(), identity)
        return owner is not None and self.is_alive(owner.decode())

    def add_aliases(self, identity: str, urls: list[str]) -> None:
        if urls:
            self.server.rpush(self.keys.aliases(identity), *urls)

    def pop_aliases(self, identity: str) -> list[str]:
        pipe = self.server.pipeline()
        pipe.lrange(self.keys.aliases(identity), 0, -1)
        pipe.delete(self.keys.aliases(identity))
        return [url.decode() for url in pipe.execute()[0]]

    # --- the pipelines' indexes -----------------------------------------------------------------------------

    def lock(self):
        """Around an index lookup and the claims it leads to; freed by Redis if its holder dies."""
        # Its time-out is a third of a worker's: a worker waiting on a dead holder (its thread blocked) is not
        # taken for dead itself. A lookup and its claims take milliseconds.
        return self.server.lock(self.keys.lock(), timeout=self.timeout / 3, blocking_timeout=None)

    def kept_index(self) -> RedisKeptIndex:
        return RedisKeptIndex(self)

    def path_claims(self) -> RedisPathClaims:
        return RedisPathClaims(self)

    def near_duplicate_index(self, threshold: float) -> RedisNearDuplicateIndex:
        return RedisNearDuplicateIndex(self, threshold)

    def site_memory(self, folder=None) -> RedisSiteMemory:
        """Shared by the workers for the run; not kept in `folder` (a distributed run starts afresh)."""
        return RedisSiteMemory(self)

