"""A full disk stops a crawl with one clear message, not hundreds of tracebacks.

Every writer of a crawl (text files, manifest and decision records, the crawl state's SQLite, Scrapy's queue
files, the WARC) meets a full disk on its own and raises; each would be logged with its traceback, and the
crawl would go on failing page after page (its scheduler, unable to write its queue, even loops forever).
`DiskFullGuard` watches the log instead of every writer: the first error caused by a full disk (ENOSPC,
EDQUOT, SQLite's "database or disk is full") is said once, naming the path, and closes the spider
(finish reason `disk_full`, exit status 1); later ones are not repeated. What was written is whole (text files
are renamed into place, records are appended whole or not at all), so the next run, once there is room,
goes on from there.
"""

from __future__ import annotations

import errno
import logging
import sqlite3
import sys

from scrapy import signals
from scrapy.utils.defer import deferred_from_coro

DISK_FULL_ERRNOS = {errno.ENOSPC, errno.EDQUOT}
DISK_FULL_WORDS = ("No space left on device", "Disk quota exceeded", "database or disk is full")
DISK_FULL_REASON = "disk_full"
DISK_FULL_STAT = "storycrawl/disk_full"


def disk_full_error(exc: BaseException | None) -> BaseException | None:
    """The exception in `exc`'s chain (cause or context) that a full disk raised, if any."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, OSError) and exc.errno in DISK_FULL_ERRNOS:
            return exc
        if isinstance(exc, sqlite3.OperationalError) and "disk is full" in str(exc):
            return exc
        exc = exc.__cause__ or exc.__context__
    return None


class DiskFullGuard(logging.Filter):
    """An extension, and a filter on the log's handlers (see the module's docstring)."""

    def __init__(self, crawler):
        super().__init__()
        self.crawler = crawler
        self.corpus_dir = crawler.settings.get("CORPUS_DIR")
        self.tripped = False

    @classmethod
    def from_crawler(cls, crawler):
        guard = cls(crawler)
        # On the handlers Scrapy has installed by the time the engine starts (it replaces its own on the way).
        crawler.signals.connect(guard.install, signals.engine_started)
        crawler.signals.connect(guard.remove, signals.engine_stopped)
        return guard

    def install(self) -> None:
        for handler in logging.root.handlers:
            handler.addFilter(self)

    def remove(self) -> None:
        for handler in logging.root.handlers:
            handler.removeFilter(self)

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        cause = disk_full_error(exc)
        if cause is None and not any(words in record.getMessage() for words in DISK_FULL_WORDS):
            return True
        if not self.tripped:
            self.tripped = True
            # The exit status is 1 even when the disk fills as the crawl closes (its last state batch), too late to
            # change the finish reason
            self.crawler.stats.set_value(DISK_FULL_STAT, True)
            self.say(cause)
            self.stop()
        return False

    def say(self, cause: BaseException | None) -> None:
        path = getattr(cause, "filename", None) or self.corpus_dir
        print(f"storycrawl: no space left on the disk holding {path} ({cause or 'disk full'}): the crawl stops. "
              "What is written is complete; run the same command again once there is room.", file=sys.stderr)

    def stop(self) -> None:
        engine = self.crawler.engine
        if engine is not None and engine.spider is not None and engine._slot is not None and engine._slot.closing is None:
            from twisted.internet import reactor

            # zope's interface declares callLater without `self`, which mypy reads as a first argument
            reactor.callLater(0, lambda: deferred_from_coro(engine.close_spider_async(  # type: ignore[arg-type]
                reason=DISK_FULL_REASON)))
