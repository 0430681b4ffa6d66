"""Dates read from URLs (crawler/url_dates.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from crawler.url_dates import Span, outside, url_span

D = dt.date


@pytest.mark.parametrize("url, first, last", [
    ("https://x.test/sitemap-2024-10.xml", D(2024, 10, 1), D(2024, 10, 31)),
    ("https://x.test/sitemaps/2024/10/25.xml", D(2024, 10, 25), D(2024, 10, 25)),
    ("https://x.test/sitemap.xml?yyyy=2024&mm=10", D(2024, 10, 1), D(2024, 10, 31)),
    ("https://x.test/sitemap.php?year=2023&month=2&day=9", D(2023, 2, 9), D(2023, 2, 9)),
    ("https://x.test/archive/2019/", D(2019, 1, 1), D(2019, 12, 31)),
    ("https://x.test/sitemap-2019.xml", D(2019, 1, 1), D(2019, 12, 31)),
    ("https://x.test/archive/2024/02/", D(2024, 2, 1), D(2024, 2, 29)),
    ("https://x.test/news/2024/10/25/some-slug/", D(2024, 10, 25), D(2024, 10, 25)),
    ("https://x.test/politics/2024-10-25-some-slug.html", D(2024, 10, 25), D(2024, 10, 25)),
    ("https://x.test/news/20241025/some-slug.html", D(2024, 10, 25), D(2024, 10, 25)),
    ("https://x.test/archive?date=2024-10-03", D(2024, 10, 3), D(2024, 10, 3)),
    ("https://x.test/sitemap-2024-w43.xml", D(2024, 10, 21), D(2024, 10, 27)),
    ("https://x.test/archive/2024/week/43/", D(2024, 10, 21), D(2024, 10, 27)),
    ("https://x.test/sitemap-202410.xml", D(2024, 10, 1), D(2024, 10, 31)),
    ("https://x.test/sitemap.xml?yyyymm=202410", D(2024, 10, 1), D(2024, 10, 31)),
])
def test_a_url_naming_a_date_is_read_for_it(url, first, last):
    assert url_span(url, today=D(2024, 11, 3)) == Span(first, last)


@pytest.mark.parametrize("url", [
    "https://x.test/world/14558/tunnel-opened",  # an id, not a year
    "https://x.test/top-2000-songs",  # a number in a slug
    "https://x.test/a/18183-brennvik",
    "https://x.test/news/202410/slug",  # six digits run together outside a sitemap or archive name: an id
    "https://x.test/archive/2041/",  # after next year: no date
])
def test_a_url_without_a_credible_date_has_none(url):
    assert url_span(url, today=D(2024, 11, 3)) is None


def test_the_most_precise_date_wins():
    assert url_span("https://x.test/2024/10/25/sitemap-2024.xml", today=D(2024, 11, 3)) == Span(D(2024, 10, 25), D(2024, 10, 25))


def test_a_span_is_outside_only_when_wholly_before_or_after_the_window():
    october = Span(D(2024, 10, 1), D(2024, 10, 31))
    assert not outside(october, D(2024, 10, 20), D(2024, 11, 5))
    assert outside(october, D(2024, 11, 1), None)
    assert outside(october, None, D(2024, 9, 30))
    assert not outside(october, None, None)
