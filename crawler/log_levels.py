"""Log records that no handler keeps are not built, in the cleaning workers and in the crawl's own process.

Scrapy leaves the root logger at NOTSET, sets its own `scrapy` logger to DEBUG (so that its records reach the
root's handlers whatever the root's level) and filters by level in the handlers. Every debug call therefore builds
a LogRecord, looks for handlers and is dropped by each of them. In a cleaning worker those are the calls of
trafilatura, htmldate and charset_normalizer, about 50 a real page; in the crawl's process, two a page from
Scrapy's LogFormatter ("Crawled (200)", "Scraped from" or a rejection, at DEBUG) and about 90 a page that
charset_normalizer reads. Raising those loggers to the least level a handler their records can reach keeps drops
only what every such handler would have dropped: `storycrawl crawl -v -s LOG_LEVEL=DEBUG` still logs every debug
line.
"""

from __future__ import annotations

import logging

from scrapy import signals


def drop_unheard_records() -> dict[logging.Logger, int]:
    """Raises each logger whose level decides for records no handler keeps to the least level a handler they can
    reach keeps: the root logger if at NOTSET (a level set on it is its user's), and any other logger whose own
    level is below that (Scrapy's `scrapy`, at DEBUG). Returns the loggers raised, each with its former level.

    A logger's level decides for its own records and for those of its descendants at NOTSET; such a record reaches
    the handlers on its way up (until a logger that does not propagate), or Python's last resort (stderr, WARNING)
    if it meets none. A library's NullHandler keeps nothing, and a library's handler on its own logger at its own
    level (dill's) hears none of the others' records."""
    root = logging.getLogger()
    loggers = [logger for logger in logging.Logger.manager.loggerDict.values() if isinstance(logger, logging.Logger)]
    raised = {}
    for deciding in (root, *loggers):
        if (deciding.level != logging.NOTSET) if deciding is root else (deciding.level == logging.NOTSET):
            continue
        least = least_level_heard(deciding, [root, *loggers])
        if least is not None and least > deciding.level:
            raised[deciding] = deciding.level
            deciding.setLevel(least)
    return raised


def least_level_heard(deciding: logging.Logger, loggers: list[logging.Logger]) -> int | None:
    """The least level a handler keeps among those the records `deciding`'s level decides for can reach; None when
    no handler keeps anything of them."""
    levels = []
    for logger in loggers:
        if decided_by(logger) is not deciding:
            continue
        met: logging.Logger | None = logger
        handled = False
        while met is not None:
            handled = handled or bool(met.handlers)
            levels += [handler.level for handler in met.handlers if not isinstance(handler, logging.NullHandler)]
            met = met.parent if met.propagate else None
        if not handled and logging.lastResort is not None:
            levels.append(logging.lastResort.level)
    return min(levels) if levels else None


def decided_by(logger: logging.Logger) -> logging.Logger:
    """The logger whose level decides for `logger`'s records: itself or its nearest ancestor with a level, else the
    root."""
    deciding: logging.Logger = logger
    while deciding.level == logging.NOTSET and deciding.parent is not None:
        deciding = deciding.parent
    return deciding


class UnheardRecordsDropped:
    """The crawl's process drops the records no handler keeps (`drop_unheard_records`) while its engine runs:
    by the time the engine starts, Scrapy has installed its root handler with the crawl's LOG_LEVEL and its
    log counter (LogCount, at spider_opened). The levels are put back once the engine stops."""

    def __init__(self):
        self.raised: dict[logging.Logger, int] = {}

    @classmethod
    def from_crawler(cls, crawler):
        extension = cls()
        crawler.signals.connect(extension.engine_started, signals.engine_started)
        crawler.signals.connect(extension.engine_stopped, signals.engine_stopped)
        return extension

    def engine_started(self) -> None:
        self.raised = drop_unheard_records()

    def engine_stopped(self) -> None:
        for logger, level in self.raised.items():
            logger.setLevel(level)
        self.raised = {}
