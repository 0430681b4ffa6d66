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

Keys: REDIS_KEY_PREFIX with the story id, e.g. `storycrawl:{demo}:requests`, each named in keys.py. The scripts
(scripts/*.lua, package data) build key names from the prefix and SCAN for the run's keys: one Redis server (or a
primary with replicas), not Redis Cluster.

The package: keys.py (the key names), lua.py and scripts/ (the steps Redis takes at once), frontier.py (a
worker's frontier), claims.py, near_duplicates.py and site_memory.py (the indexes the workers share),
scheduler.py (the Scrapy scheduler), middleware.py (acknowledging requests), worker.py (heartbeat, idle stop).
Settings name the components here: `crawler.distributed.RedisScheduler` and the like.
"""

try:  # the `redis` extra; this package is loaded only for a worker of a distributed crawl (REDIS_URL)
    import redis  # noqa: F401
    import scrapy_redis  # noqa: F401
except ImportError as exc:
    raise ImportError(f"a distributed crawl (REDIS_URL, --redis) needs scrapy-redis and redis: "
                      f"pip install 'storycrawler[redis]' ({exc})") from exc

from .claims import RedisKeptIndex, RedisPathClaims
from .frontier import FRONTIER_KEY, OUTPUT_OF, RedisFrontier, worker_name
from .keys import RunKeys
from .middleware import FrontierAckMiddleware
from .near_duplicates import RedisMembers, RedisNearDuplicateIndex
from .scheduler import RedisScheduler
from .site_memory import RedisSiteMemory, RedisSiteState
from .worker import RedisWorker

__all__ = [
    "FRONTIER_KEY", "OUTPUT_OF", "FrontierAckMiddleware", "RedisFrontier", "RedisKeptIndex", "RedisMembers",
    "RedisNearDuplicateIndex", "RedisPathClaims", "RedisScheduler", "RedisSiteMemory", "RedisSiteState",
    "RedisWorker", "RunKeys", "worker_name",
]
