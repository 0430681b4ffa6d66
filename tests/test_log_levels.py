"""Log records no handler of the process would keep are not built: in a cleaning worker (at its start), and in the
crawl's process while its engine runs. Nothing a handler keeps is dropped."""

from __future__ import annotations

import io
import logging

import pytest
from scrapy import Spider, signals
from scrapy.crawler import Crawler

from crawler.log_levels import UnheardRecordsDropped, drop_unheard_records


@pytest.fixture
def root_logger():
    """The root logger as Scrapy leaves it (NOTSET, filtering in its handlers), restored after the test. Its
    handlers are emptied in the test itself: pytest adds its own capturing ones (at NOTSET) once the test runs."""
    root = logging.getLogger()
    saved_level, saved_handlers = root.level, root.handlers[:]
    root.setLevel(logging.NOTSET)
    yield root
    root.handlers = saved_handlers
    root.setLevel(saved_level)


@pytest.fixture
def scrapy_logger():
    """Scrapy's own logger as its logging configuration leaves it: at DEBUG, so its records reach the root's
    handlers whatever the root's level."""
    scrapy = logging.getLogger("scrapy")
    saved_level = scrapy.level
    scrapy.setLevel(logging.DEBUG)
    yield scrapy
    scrapy.setLevel(saved_level)


@pytest.fixture
def records_built():
    """The (logger name, level) of every LogRecord built during the test."""
    built: list[tuple[str, int]] = []
    factory = logging.getLogRecordFactory()

    def counting_factory(name, level, *args, **kwargs):
        built.append((name, level))
        return factory(name, level, *args, **kwargs)

    logging.setLogRecordFactory(counting_factory)
    yield built
    logging.setLogRecordFactory(factory)


def only(root: logging.Logger, *handlers: logging.Handler) -> None:
    root.handlers = list(handlers)


def handler_at(level: int) -> logging.StreamHandler:
    handler = logging.StreamHandler(io.StringIO())
    handler.setLevel(level)
    return handler


@pytest.fixture
def crawler():
    """A crawler with the extension alone listening to its signals (held here: signals hold their receivers weakly,
    as Scrapy's extension manager holds its extensions)."""
    crawler = Crawler(Spider)
    extension = UnheardRecordsDropped.from_crawler(crawler)
    yield crawler
    del extension


# --- a cleaning worker ------------------------------------------------------------------------------------------

def test_the_root_logger_rises_to_the_least_level_its_handlers_keep(root_logger):
    only(root_logger, handler_at(logging.INFO), handler_at(logging.WARNING))
    drop_unheard_records()
    assert root_logger.level == logging.INFO
    assert not logging.getLogger("trafilatura.core").isEnabledFor(logging.DEBUG)


def test_a_handler_keeping_debug_records_anywhere_keeps_them_all(root_logger):
    only(root_logger, handler_at(logging.INFO))
    library = logging.getLogger("a_library_with_its_own_handler")
    library.addHandler(handler_at(logging.DEBUG))
    try:
        drop_unheard_records()
        assert library.isEnabledFor(logging.DEBUG)
    finally:
        library.handlers = []


def test_a_librarys_null_handler_keeps_nothing_and_counts_for_nothing(root_logger):
    only(root_logger, handler_at(logging.WARNING))
    logging.getLogger("a_quiet_library").addHandler(logging.NullHandler())
    drop_unheard_records()
    assert root_logger.level == logging.WARNING


def test_a_root_logger_set_by_its_user_is_left_alone(root_logger):
    root_logger.setLevel(logging.DEBUG)
    only(root_logger, handler_at(logging.ERROR))
    drop_unheard_records()
    assert root_logger.level == logging.DEBUG


def test_pythons_last_resort_keeps_the_warnings_of_a_logger_whose_records_meet_no_handler(root_logger):
    only(root_logger, handler_at(logging.ERROR))
    lonely = logging.getLogger("a_library_that_does_not_propagate")
    lonely.propagate = False
    try:
        drop_unheard_records()
        assert lonely.isEnabledFor(logging.WARNING)
    finally:
        lonely.propagate = True


def test_a_librarys_handler_under_its_own_level_keeps_none_of_the_other_loggers_records(root_logger):
    """dill logs to stderr itself: a handler at NOTSET on its own logger, at WARNING."""
    only(root_logger, handler_at(logging.INFO))
    library = logging.getLogger("a_library_logging_to_stderr_itself")
    library.setLevel(logging.WARNING)
    library.addHandler(handler_at(logging.NOTSET))
    try:
        drop_unheard_records()
        assert (root_logger.level, library.level) == (logging.INFO, logging.WARNING)
    finally:
        library.handlers = []
        library.setLevel(logging.NOTSET)


# --- the crawl's process ----------------------------------------------------------------------------------------

def test_once_the_engine_runs_scrapys_debug_lines_are_not_built_when_every_handler_keeps_info_and_above(
        crawler, root_logger, scrapy_logger, records_built):
    kept = handler_at(logging.INFO)
    only(root_logger, kept, handler_at(logging.WARNING))
    crawler.signals.send_catch_log(signals.engine_started)
    logging.getLogger("scrapy.core.engine").debug("Crawled (200) <GET http://example.test/a>")
    logging.getLogger("charset_normalizer").debug("a detector's trace")
    logging.getLogger("scrapy.core.engine").info("Spider opened")
    assert records_built == [("scrapy.core.engine", logging.INFO)]
    assert kept.stream.getvalue() == "Spider opened\n"


def test_a_handler_keeping_debug_lines_gets_them_all_while_the_engine_runs(crawler, root_logger, scrapy_logger):
    kept = handler_at(logging.DEBUG)  # LOG_LEVEL=DEBUG
    only(root_logger, kept, handler_at(logging.INFO))
    crawler.signals.send_catch_log(signals.engine_started)
    logging.getLogger("scrapy.core.engine").debug("Crawled (200) <GET http://example.test/a>")
    logging.getLogger("charset_normalizer").debug("a detector's trace")
    assert kept.stream.getvalue() == "Crawled (200) <GET http://example.test/a>\na detector's trace\n"


def test_the_levels_are_put_back_once_the_engine_stops(crawler, root_logger, scrapy_logger):
    only(root_logger, handler_at(logging.WARNING))
    crawler.signals.send_catch_log(signals.engine_started)
    assert (root_logger.level, scrapy_logger.level) == (logging.WARNING, logging.WARNING)
    crawler.signals.send_catch_log(signals.engine_stopped)
    assert (root_logger.level, scrapy_logger.level) == (logging.NOTSET, logging.DEBUG)
