"""bench/crawl.py reads the crawl's steady pace from the crawl's own progress lines (crawler/report.py): the two
stay in step. Functional only: speed is measured by bench/crawl.py, never here."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest
from scrapy.statscollectors import DummyStatsCollector

from crawler.report import ProgressLine

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))  # crawl.py imports its siblings as the script does
bench_crawl = pytest.importorskip("crawl")


class Counts(DummyStatsCollector):
    def __init__(self, values: dict):
        self.values = values

    def get_value(self, key, default=None, spider=None):
        return self.values.get(key, default)


def progress_line(capsys, seconds: float, **decided: int) -> str:
    line = ProgressLine(Counts({f"storycrawl/{reason}": n for reason, n in decided.items()}), 5.0)
    line.started = time.monotonic() - seconds
    line.print_line()
    return capsys.readouterr().err


def test_the_steady_pace_counts_every_page_decided_between_the_first_and_last_progress_lines(capsys):
    log = "".join([progress_line(capsys, 5, written=40, not_article=10),
                   "2026-12-07 06:44:15 [trafilatura.core] WARNING: discarding data: http://a.test/1\n",
                   progress_line(capsys, 10, written=300, off_topic=20, not_article=30),
                   progress_line(capsys, 15, written=560, off_topic=30, out_of_window=10, duplicate=10, not_article=40)])
    assert bench_crawl.steady_rate(log) == (5, 15, (650 - 50) / 10)


def test_a_crawl_shorter_than_two_progress_lines_has_no_steady_pace(capsys):
    assert bench_crawl.steady_rate(progress_line(capsys, 5, written=40)) is None
