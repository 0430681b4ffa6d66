"""The near-duplicate clusters of all workers (crawler/clusters.py's NearDuplicateIndex) in Redis."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import numpy as np
from datasketch import MinHashLSH

from ..clusters import NUM_PERM, NearDuplicateIndex

if TYPE_CHECKING:
    from .frontier import RedisFrontier


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
        storage = {"type": "redis", "basename": frontier.keys.lsh_basename().encode(),
                   "redis": {"connection_pool": frontier.server.connection_pool}}  # TLS, sockets, time-outs alike
        lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM, storage_config=storage)
        super().__init__(threshold, lsh=lsh, members=RedisMembers(frontier.server, frontier.keys.clusters()))
        self.frontier = frontier

    def locked(self):
        return self.frontier.lock()
