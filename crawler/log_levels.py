"""Log records that no handler keeps are not built, in the cleaning workers and in the crawl's own process.

Scrapy leaves the root logger at NOTSET, sets its own `scrapy` logger to DEBUG (so that its records reach the
root's handlers whatever the root's level) and filters by level in the handlers. Every debug call therefore builds
a LogRecord, looks for handlers and is dropped by each of them. In a cleaning worker those are the calls of
trafilatura, htmldate and charset_normalizer, about 50 a real page; in the crawl's process, two a page from
Scrapy's LogFormatter ("Crawled (200)", "Scraped from" or a rejection, at DEBUG) and about 90 a page that
charset_normalizer reads. Raising those loggers to the least level any handler keeps drops only what every
handler would have dropped: `storycrawl crawl -v -s LOG_LEVEL=DEBUG` still logs every debug line.
"""

from __future__ import annotations

import logging

from scrapy import signals


def drop_unheard_records() -> dict[logging.Logger, int]:
    """Raises to the least level any handler of this process keeps: the root logger if at NOTSET (a level set on
    it is its user's), and any other logger whose own level is below that least level (Scrapy's `scrapy`, at
    DEBUG). Returns the loggers raised, each with its former level. A library's NullHandler keeps nothing; Python's
    last resort (stderr, WARNING) keeps what meets no other handler."""
    root = logging.getLogger()
    loggers = [root, *(logger for logger in logging.Logger.manager.loggerDict.values() if isinstance(logger, logging.Logger))]
    levels = [handler.level for logger in loggers for handler in logger.handlers
              if not isinstance(handler, logging.NullHandler)]
    if levels and logging.lastResort is not None:  # what a record that meets no handler on its way is given to
        levels.append(logging.lastResort.level)
    least = min(levels, default=logging.NOTSET)
    if least == logging.NOTSET:  # no handler, or one that keeps everything
        return {}
    raised = {logger: logger.level for logger in loggers
              if (logger.level == logging.NOTSET if logger is root else logging.NOTSET < logger.level < least)}
    for logger in raised:
        logger.setLevel(least)
    return raised


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
