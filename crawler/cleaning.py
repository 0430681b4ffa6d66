"""Cleaning off the reactor: pages are drafted on all cores by a process pool, finished in arrival order.

The cleaners' page-local work (parse, prune, trafilatura, post-cleaning) is `cleaners.draft_article`,
plain CPU work that would stall every download while it runs on the Twisted reactor. It runs in worker
processes here. What depends on the pages cleaned before (site template learning) is
`cleaners.finish_article`: the spider runs it in the main process, one page at a time in the order the
responses arrived (`ArrivalOrder`), so a crawl's corpus does not depend on which worker finished first
and `storycrawl reclean` reproduces it.

Back-pressure is Scrapy's own: a response stays in the scraper until its callback is done, and the
engine stops taking downloads while the scraper holds more than SCRAPER_SLOT_MAX_ACTIVE_SIZE bytes, so
memory stays flat however far the downloads run ahead of the cleaners.

The workers are forked from the crawl (see `CleaningPool.start`) and run only this module's `draft_page`.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from cleaners import Draft, draft_article, parse_page
from cleaners.decode import decode_html

from .bounds import bounded_html
from .log_levels import drop_unheard_records
from .page_facts import ListingLinks, PageFacts, PageReader, page_base_url, read_listing_links

logger = logging.getLogger(__name__)
PARENT_CHECK_SECONDS = 1.0


def draft_page(body: bytes, content_type: str | None, url: str, max_chars: int = 0,
               reader: PageReader | None = None) -> tuple[Draft | None, PageFacts | None]:
    """Decode and draft one page, at most `max_chars` of its HTML (crawler/bounds.py), and read its facts
    (crawler/page_facts.py) with `reader`: what a worker runs. The page is parsed once: its links are read
    from the tree before the cleaners prune it."""
    html = bounded_html(decode_html(body, content_type), max_chars)
    tree = parse_page(html)
    links = listing_links(tree, html, url) if reader is not None else None
    draft = draft_article(html, url=url, tree=tree) if tree is not None else None  # no page: not parsed twice
    try:
        facts = reader.facts(draft, links) if reader is not None else None
    except Exception:  # the crawl's process computes what the facts would have told, and meets the error itself
        facts = None
    return draft, facts


def listing_links(tree, html: str, url: str) -> ListingLinks | None:
    """What the listing test reads of the page's tree, or None where it cannot be read (the crawl's process then
    tests the response itself)."""
    if tree is None:
        return None
    try:
        return read_listing_links(tree, url, page_base_url(html, url))
    except Exception:
        return None


def _start_worker() -> None:
    """Each worker: leaves with its crawl, and loads the lexicon and site profiles now, not on its first page."""
    threading.Thread(target=_exit_with_parent, args=(os.getppid(),), daemon=True).start()
    drop_unheard_records()
    draft_article("<html><body><p>warm up</p></body></html>")
    decode_html("<p>Прогрев</p>".encode("cp1251"))  # the charset detector's first call is its slowest


def _exit_with_parent(parent: int) -> None:
    """A crawl killed with SIGKILL cannot stop its pool, and a forked worker holds the pool's pipes open itself,
    so it would wait for work forever: it leaves once its parent is gone (it is then adopted by another)."""
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK_SECONDS)
    os._exit(0)


class CleaningPool:
    """`processes` workers drafting pages and reading their facts with `reader`; 0 drafts them in the calling
    thread (no pool)."""

    def __init__(self, processes: int, max_chars: int = 0, reader: PageReader | None = None):
        self.processes = processes
        self.max_chars = max_chars  # CLEAN_MAX_CHARS
        self.reader = reader
        self._executor: ProcessPoolExecutor | None = None

    @classmethod
    def from_settings(cls, settings, reader: PageReader | None = None) -> CleaningPool:
        configured = settings.get("CLEANING_PROCESSES")
        return cls((os.cpu_count() or 1) if configured is None else int(configured), settings.getint("CLEAN_MAX_CHARS"),
                   reader)

    async def draft(self, body: bytes, content_type: str | None, url: str) -> tuple[Draft | None, PageFacts | None]:
        if not self.processes:
            return draft_page(body, content_type, url, self.max_chars, self.reader)
        try:
            executor = self.start()._executor
            assert executor is not None, "processes > 0: start() made it"
            return await asyncio.wrap_future(executor.submit(draft_page, body, content_type, url, self.max_chars,
                                                             self.reader))
        except BrokenProcessPool:
            # A worker died (killed, out of memory). A new pool would be forked from a process that now has
            # threads (see start), so this page and the rest of the crawl are cleaned in the crawl's process.
            logger.warning("a cleaning process died: the crawl cleans in its own process from %s on", url)
            self.close()
            self.processes = 0
            return draft_page(body, content_type, url, self.max_chars, self.reader)

    def start(self) -> CleaningPool:
        """Forks the workers now: call it before the reactor runs. Forked, not spawned, so a worker starts
        in milliseconds and shares the crawl's loaded modules; forked early, while the crawl's process has no
        other thread, because a fork copies any lock another thread holds. Forked children are the crawl's
        own, so their CPU time counts in its resource usage when the pool is shut down."""
        if self.processes and self._executor is None:
            self._executor = ProcessPoolExecutor(self.processes, mp_context=multiprocessing.get_context("fork"),
                                                 initializer=_start_worker)
            self._executor.submit(int)  # with fork, the first task starts every worker
        return self

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None


class ArrivalOrder:
    """Turns in arrival order: a page takes its turn synchronously when it arrives, `wait()`s until every
    earlier turn is `done()`, and must call `done()` itself whatever happens (try/finally)."""

    def __init__(self):
        self._last: asyncio.Future | None = None

    def turn(self) -> Turn:
        previous, self._last = self._last, asyncio.get_event_loop().create_future()
        return Turn(previous, self._last)


class Turn:
    def __init__(self, previous: asyncio.Future | None, mine: asyncio.Future):
        self.previous, self.mine = previous, mine

    async def wait(self) -> None:
        if self.previous is not None:
            await asyncio.shield(self.previous)

    def done(self) -> None:
        if not self.mine.done():
            self.mine.set_result(None)
