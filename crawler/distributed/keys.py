"""The Redis keys of one story's run, one named builder per key, so each key can be found by its name.

Every key is the run's prefix (REDIS_KEY_PREFIX with the story id, e.g. `storycrawl:{demo}`), a colon and the
key's name. The Lua scripts (scripts/*.lua) build some of these names from the prefix too: `workers`,
`requests`, `alive:<worker>` and `inflight:<worker>` must keep the names they are given here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RunKeys:
    """The Redis keys of one story's run."""

    prefix: str

    @classmethod
    def for_story(cls, template: str, story_id: str) -> RunKeys:
        return cls(template.replace("%(story)s", story_id))

    def _key(self, *names: str) -> str:
        return ":".join((self.prefix, *names))

    # --- the queue and its workers --------------------------------------------------------------------------

    def requests(self) -> str:
        """Sorted set: the queued requests (scrapy-redis's serialised form), scored by minus their priority."""
        return self._key("requests")

    def dupefilter(self) -> str:
        """Set: the fingerprint of every request queued once (scrapy-redis's request filter)."""
        return self._key("dupefilter")

    def sequence(self) -> str:
        """Counter: the next field name of a request moved into an in-flight hash."""
        return self._key("sequence")

    def workers(self) -> str:
        """Set: the names of the workers that joined the run and have not left it."""
        return self._key("workers")

    def alive(self, worker: str) -> str:
        """String expiring after REDIS_WORKER_TIMEOUT, refreshed by `worker`'s heartbeat: gone, the worker is dead."""
        return self._key("alive", worker)

    def alive_prefix(self) -> str:
        """`alive(worker)` less the worker's name: the claim script appends the claiming worker's."""
        return self.alive("")

    def inflight(self, worker: str) -> str:
        """Hash: the requests `worker` took from the queue whose outcome is not recorded yet (sequence -> request)."""
        return self._key("inflight", worker)

    def seeder(self) -> str:
        """String: the worker queuing the story's seed requests."""
        return self._key("seeder")

    def seeded(self) -> str:
        """String: the worker that finished queuing the seeds; set once they are all queued."""
        return self._key("seeded")

    # --- what the spider claims and learns ------------------------------------------------------------------

    def claims(self) -> str:
        """Hash: URL identity -> `claimant|worker`, the page (or listing) that took the URL and its worker."""
        return self._key("claims")

    def cleaned(self) -> str:
        """Hash: URL identity -> the worker that cleaned the page."""
        return self._key("cleaned")

    def aliases(self, identity: str) -> str:
        """List: the URLs (AMP copies, redirects) that wait for the page of `identity` to be decided."""
        return self._key("aliases", identity)

    def site_pages(self, site: str) -> str:
        """Set: the pages of `site` whose blocks were counted (template learning, cleaners/site_memory.py)."""
        return self._key("site-pages", site)

    def site_blocks(self, site: str) -> str:
        """Hash: a block of `site`'s pages -> how many of its counted pages have it."""
        return self._key("site-blocks", site)

    # --- the pipelines' indexes: one file per article ---------------------------------------------------------

    def lock(self) -> str:
        """Lock (redis-py's): held around an index lookup and the claims it leads to."""
        return self._key("lock")

    def kept_urls(self) -> str:
        """Hash: URL identity -> the claim (JSON: the kept URL, its worker) of the article kept for it."""
        return self._key("kept-urls")

    def kept_texts(self) -> str:
        """Hash: text key -> the claim (JSON: the kept URL, its worker) of the article kept with that text."""
        return self._key("kept-texts")

    def committed(self) -> str:
        """Set: the URLs of the articles written to a corpus: their claims stand when their worker dies."""
        return self._key("committed")

    def paths(self) -> str:
        """Hash: text file path -> the URL identity of the article written there."""
        return self._key("paths")

    def clusters(self) -> str:
        """Hash: near-duplicate index member -> its cluster, URL and MinHash values (JSON)."""
        return self._key("clusters")

    def lsh_basename(self) -> str:
        """The prefix of the keys datasketch's MinHash LSH keeps its tables in (its Redis storage's basename)."""
        return self._key("lsh", "")

    # --- all of them ----------------------------------------------------------------------------------------

    def pattern(self) -> str:
        """SCAN's pattern for every key of the run (the prefix's glob characters escaped)."""
        escaped = "".join("\\" + c if c in "*?[]\\" else c for c in self.prefix)
        return escaped + ":*"
