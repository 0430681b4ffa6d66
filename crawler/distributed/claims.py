"""Which worker's article stands for a URL, a text and a file path: the pipelines' claims (crawler/frontier.py's
KeptIndex and PathClaims) in Redis, shared by the workers."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from ..frontier import KeptIndex, PathClaims

if TYPE_CHECKING:
    from .frontier import RedisFrontier


class RedisKeptIndex(KeptIndex):
    """KeptIndex in two Redis hashes, each claim with its owner. A claim is good if its article is in a corpus
    (committed), or its owner lives: a dead worker's uncommitted claim is taken over."""

    def __init__(self, frontier: RedisFrontier):
        self.frontier = frontier
        self.server = frontier.server

    def locked(self):
        return self.frontier.lock()

    def url(self, identity: str) -> str | None:
        return self.valid(self.server.hget(self.frontier.keys.kept_urls(), identity))

    def text(self, key: str) -> str | None:
        return self.valid(self.server.hget(self.frontier.keys.kept_texts(), key))

    def keep(self, identities: list[str], key: str | None, kept: str) -> None:
        claim = json.dumps({"url": kept, "worker": self.frontier.worker})
        keys = self.frontier.keys
        for hash_key, fields in ((keys.kept_urls(), identities), (keys.kept_texts(), [key] if key else [])):
            if not fields:
                continue
            current = self.server.hmget(hash_key, fields)
            free = {field: claim for field, value in zip(fields, current) if self.valid(value) is None}
            if free:
                self.server.hset(hash_key, mapping=free)

    def commit(self, url: str) -> None:
        self.server.sadd(self.frontier.keys.committed(), url)

    def valid(self, raw: bytes | None) -> str | None:
        if raw is None:
            return None
        claim = json.loads(raw)
        committed = self.frontier.keys.committed()
        if self.frontier.is_alive(claim["worker"]) or self.server.sismember(committed, claim["url"]):
            return claim["url"]
        return None


class RedisPathClaims(PathClaims):
    def __init__(self, frontier: RedisFrontier):
        self.frontier = frontier

    def claim(self, path: str, owner: str) -> bool:
        server, key = self.frontier.server, self.frontier.keys.paths()
        return bool(server.hsetnx(key, path, owner)) or server.hget(key, path).decode() == owner
