"""A cleaning worker drops, before they are built, only the log records no handler of its process would keep."""

from __future__ import annotations

import io
import logging

import pytest

from crawler.cleaning import drop_unheard_records


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


def only(root: logging.Logger, *handlers: logging.Handler) -> None:
    root.handlers = list(handlers)


def handler_at(level: int) -> logging.Handler:
    handler = logging.StreamHandler(io.StringIO())
    handler.setLevel(level)
    return handler


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
