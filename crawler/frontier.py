"""What the processes crawling one story share: which URLs are taken, which pages were cleaned, which articles
and text files are kept. One process keeps it in memory (`LocalFrontier`, the default); workers of a
distributed crawl keep it in Redis (`crawler/distributed/`, `RedisFrontier`), with the same methods.

The spider asks the frontier before it requests or decides a URL (`claim`), the pipelines ask its indexes
before they keep an article (`kept_index`, `near_duplicate_index`) or a file name (`path_claims`).
"""

from __future__ import annotations

from contextlib import nullcontext

from cleaners import SiteMemory


class KeptIndex:
    """URL identity or text key -> URL of the kept article it leads to; the first article to claim one keeps it."""

    def __init__(self):
        self.urls: dict[str, str] = {}
        self.texts: dict[str, str] = {}

    def locked(self):
        """Held around a lookup and the claims it leads to: nothing to share in one process."""
        return nullcontext()

    def url(self, identity: str) -> str | None:
        return self.urls.get(identity)

    def text(self, key: str) -> str | None:
        return self.texts.get(key)

    def keep(self, identities: list[str], key: str | None, kept: str) -> None:
        for identity in identities:
            self.urls.setdefault(identity, kept)
        if key:
            self.texts.setdefault(key, kept)

    def commit(self, url: str) -> None:
        """The article kept as `url` is in the corpus now (the manifest names it)."""


class PathClaims:
    """Text file paths and the URL identity each belongs to: two articles never share a file."""

    def __init__(self):
        self.owners: dict[str, str] = {}

    def claim(self, path: str, owner: str) -> bool:
        """True if the path is free or already this owner's."""
        return self.owners.setdefault(path, owner) == owner


class LocalFrontier:
    """The frontier of a crawl in one process: sets and dicts."""

    distributed = False

    def __init__(self):
        self.claims: set[str] = set()  # URL identities already requested or decided, listings and candidates alike
        self.cleaned: set[str] = set()  # URL identities of the pages cleaned (redirect hops included)
        self.aliases: dict[str, list[str]] = {}  # canonical page's identity -> URLs of AMP/alternate copies of it

    def claim(self, identity: str, claimant: str) -> bool:
        """True for the first claim of a URL: the caller requests or decides it. `claimant` (the page listing
        it) matters only where a claimant can die before its requests are queued (distributed)."""
        if identity in self.claims:
            return False
        self.claims.add(identity)
        return True

    def mark_cleaned(self, identities) -> None:
        self.cleaned.update(identities)

    def was_cleaned(self, identity: str) -> bool:
        return identity in self.cleaned

    def add_aliases(self, identity: str, urls: list[str]) -> None:
        self.aliases.setdefault(identity, []).extend(urls)

    def pop_aliases(self, identity: str) -> list[str]:
        return self.aliases.pop(identity, [])

    def take_seeding(self) -> bool:
        """Whether this process pushes the story's seed requests: one process always does."""
        return True

    def seeding_done(self) -> None:
        pass

    def done(self, request) -> None:
        """A request's outcome is recorded: nothing to release in one process."""

    def kept_index(self) -> KeptIndex:
        return KeptIndex()

    def path_claims(self) -> PathClaims:
        return PathClaims()

    def near_duplicate_index(self, threshold: float):
        from .clusters import NearDuplicateIndex  # datasketch takes most of a second to import

        return NearDuplicateIndex(threshold)

    def site_memory(self, folder) -> SiteMemory:
        return SiteMemory(folder)
