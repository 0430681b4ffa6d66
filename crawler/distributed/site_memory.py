"""Template learning (cleaners/site_memory.py) in Redis: the pages of all workers teach a site's template."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cleaners import SiteMemory

if TYPE_CHECKING:
    from .frontier import RedisFrontier


class RedisSiteState:
    """One site's template learning (cleaners/site_memory.py SiteState's methods) in Redis: every worker's
    pages count, so a template is learnt as fast as in one process."""

    dirty = False  # nothing for SiteMemory.save to write

    def __init__(self, frontier: RedisFrontier, site: str):
        self.frontier = frontier
        self.pages_key = frontier.keys.site_pages(site)
        self.blocks_key = frontier.keys.site_blocks(site)

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
