"""Site template learning: a text block that recurs on many pages of one site is template, not article.

Works for any language without a lexicon: an author box, a "support our journalism" appeal or a
newsletter pitch that slipped past pruning shows up, word for word, under every article of its site.
`SiteMemory` counts on how many distinct pages of each site a block was seen; once a block has been seen
on `min_pages` other pages it is dropped. The state persists per site as one JSON file in a folder, so a
scheduled crawl starts with what the previous ones learned.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from .atomic import write_atomic
from .hosts import bare_host
from .lexicon import normalise_key

MIN_PAGES = 3  # seen on this many other pages of the site: template
MIN_BLOCK_CHARS = 15  # shorter lines ("Reuters", "Background") recur in articles too
MAX_TEMPLATE_SHARE = 0.5  # a page losing more than this is a republished article, not template
MAX_BLOCKS = 20_000  # per site; past it, blocks seen on one page only are forgotten
MAX_PAGE_KEYS = 50_000  # per site; the oldest page keys are forgotten first


def site_key(url: str | None) -> str | None:
    host = (urlsplit(url).hostname or "") if url else ""
    return bare_host(host) or None


def fingerprint(text: str) -> str:
    return hashlib.blake2b(normalise_key(text).encode("utf-8"), digest_size=8).hexdigest()


@dataclass
class SiteState:
    """What one site's pages have shown so far."""

    blocks: dict[str, int] = field(default_factory=dict)  # block fingerprint -> pages it was seen on
    pages: dict[str, None] = field(default_factory=dict)  # fingerprints of pages seen, oldest first
    dirty: bool = False

    def seen(self, page: str) -> bool:
        return page in self.pages

    def pages_with(self, blocks: list[str]) -> list[int]:
        """On how many pages seen so far each block was."""
        return [self.blocks.get(block, 0) for block in blocks]

    def observe(self, page: str, blocks: set[str]) -> None:
        self.pages[page] = None
        for block in blocks:
            self.blocks[block] = self.blocks.get(block, 0) + 1
        self.dirty = True
        self.forget_excess()

    def forget_excess(self) -> None:
        if len(self.blocks) > MAX_BLOCKS:
            self.blocks = {b: n for b, n in self.blocks.items() if n > 1}
        while len(self.pages) > MAX_PAGE_KEYS:
            del self.pages[next(iter(self.pages))]

    def to_json(self) -> dict:
        return {"pages": list(self.pages), "blocks": self.blocks}

    @classmethod
    def from_json(cls, data: dict) -> SiteState:
        return cls(blocks={str(b): int(n) for b, n in data.get("blocks", {}).items()},
                   pages=dict.fromkeys(map(str, data.get("pages", []))))


class SiteMemory:
    """Template blocks per site, learned from the pages cleaned so far; optionally kept in `folder`.

    A subclass may keep the sites' states elsewhere: `load(site)` gives an object with SiteState's `seen`,
    `pages_with` and `observe` (a distributed crawl keeps them in Redis, shared by its workers)."""

    def __init__(self, folder: Path | str | None = None, *, min_pages: int = MIN_PAGES):
        self.folder = Path(folder) if folder else None
        self.min_pages = min_pages
        self.sites: dict[str, SiteState] = {}

    def state(self, site: str) -> SiteState:
        if site not in self.sites:
            self.sites[site] = self.load(site)
        return self.sites[site]

    def strip_template(self, url: str | None, paragraphs: list[str], page_id: str | None = None) -> list[str]:
        """The page's paragraphs without its site's template blocks; the page is remembered too.

        `page_id` (the canonical URL) keeps an AMP copy or a re-fetch from counting as another page.
        """
        site, page = site_key(url), fingerprint(page_id or url or "")
        if site is None:
            return paragraphs
        state = self.state(site)
        page_seen = state.seen(page)
        blocks = [fingerprint(p) if len(p) >= MIN_BLOCK_CHARS else None for p in paragraphs]
        seen_on = dict(zip(filter(None, blocks), state.pages_with([b for b in blocks if b])))
        other_pages = lambda block: seen_on[block] - (1 if page_seen else 0)  # noqa: E731
        kept = [p for p, b in zip(paragraphs, blocks) if b is None or other_pages(b) < self.min_pages]
        if not page_seen:
            state.observe(page, {b for b in blocks if b})
        if sum(map(len, kept)) < (1 - MAX_TEMPLATE_SHARE) * sum(map(len, paragraphs)):
            return paragraphs
        return kept

    def pages_seen(self, url: str) -> int:
        site = site_key(url)
        return len(self.state(site).pages) if site else 0

    # --- persistence -------------------------------------------------------------------------------------

    def path(self, site: str) -> Path | None:
        return self.folder / f"{site}.json" if self.folder else None

    def load(self, site: str) -> SiteState:
        path = self.path(site)
        if path is None or not path.exists():
            return SiteState()
        try:
            return SiteState.from_json(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, AttributeError, TypeError):
            return SiteState()  # a damaged state file costs what it learned, not the crawl

    def save(self) -> list[Path]:
        """Write each changed site's state atomically; returns the files written."""
        written = []
        for site, state in self.sites.items():
            path = self.path(site)
            if path is None or not state.dirty:
                continue
            write_json_atomic(path, state.to_json())
            state.dirty = False
            written.append(path)
        return written


def write_json_atomic(path: Path, data: dict) -> None:
    # The same state, the same bytes; a killed crawl's next run has the memory it last saved whole.
    write_atomic(path, json.dumps(data, separators=(",", ":"), sort_keys=True).encode("utf-8"), sync=False)
