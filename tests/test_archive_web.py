"""The generated archive web (crawler/archive_web.py): the shapes of real ten-year archives, served on loopback."""

from __future__ import annotations

import datetime as dt
import urllib.error
import urllib.request

import pytest

from crawler.archive_web import SINCE, TODAY, UNTIL, ArchiveWeb
from crawler.discovery import parse_feed, parse_sitemap, robots_sitemaps


@pytest.fixture(scope="module")
def web():
    with ArchiveWeb(days=400) as served:
        yield served


def get(web: ArchiveWeb, outlet: str, path: str) -> bytes:
    with urllib.request.urlopen(web.origin(web.outlets[outlet]) + path, timeout=10) as answer:
        return answer.read()


def test_the_daily_sitemap_index_dates_each_child_by_lastmod(web):
    robots = get(web, "dailymap-gazette", "/robots.txt")
    index_url = robots_sitemaps(robots, "http://x/robots.txt")[0]
    index = parse_sitemap(get(web, "dailymap-gazette", "/sitemap_index.xml"), index_url)
    assert index.is_index and len(index.entries) == 401
    assert all(e.published for e in index.entries)
    assert any(e.url.endswith("/sitemaps/2024/10/25.xml") for e in index.entries)


def test_monthly_sitemaps_are_dated_only_by_their_url(web):
    index = parse_sitemap(get(web, "monthmap-gazette", "/sitemap.xml"), "http://x/")
    assert all(e.published is None for e in index.entries)
    month = parse_sitemap(get(web, "monthmap-gazette", "/sitemap-2024-10.xml"), "http://x/")
    assert {e.published.month for e in month.entries} == {10}


def test_query_dated_sitemaps_list_undated_entries_with_dated_urls(web):
    index = parse_sitemap(get(web, "querymap-gazette", "/sitemap.xml"), "http://x/")
    assert any(e.url.endswith("?yyyy=2024&mm=10") for e in index.entries)
    month = parse_sitemap(get(web, "querymap-gazette", "/sitemap.xml?yyyy=2024&mm=10"), "http://x/")
    assert month.entries and all(e.published is None and "/2024/10/" in e.url for e in month.entries)


def test_feeds_hold_thirty_items_and_news_sitemaps_two_days(web):
    assert len(parse_feed(get(web, "sections-gazette", "/rss.xml"), "http://x/")) == 30
    news = parse_sitemap(get(web, "dailymap-gazette", "/news-sitemap.xml"), "http://x/")
    assert {e.published for e in news.entries} == {TODAY, TODAY - dt.timedelta(days=1)}


def test_the_date_archive_goes_from_months_to_days_to_articles(web):
    months = get(web, "archive-gazette", "/archive/").decode()
    assert 'href="/archive/2024/10/"' in months and 'href="/archive/2023/10/"' in months
    assert 'href="/archive/2024/10/25/"' in get(web, "archive-gazette", "/archive/2024/10/").decode()
    day = get(web, "archive-gazette", "/archive/2024/10/25/").decode()
    assert day.count('<time datetime="2024-10-25">') == web.outlets["archive-gazette"].per_day


def test_a_section_is_paginated_with_next_and_last_links(web):
    page = get(web, "sections-gazette", "/section/world/?page=3").decode()
    assert 'rel="next" class="next" href="/section/world/?page=4"' in page and 'class="last"' in page


def test_service_links_in_articles_answer_404(web):
    outlet = web.outlets["sections-gazette"]
    article = web.article(outlet, 10)
    page = get(web, "sections-gazette", outlet.path_of(article)).decode()
    assert 'href="/account/login?return=' in page
    with pytest.raises(urllib.error.HTTPError) as answer:
        get(web, "sections-gazette", "/account/login?return=/")
    assert answer.value.code == 404


def test_the_minimal_crawl_holds_every_in_window_article_and_no_older_listing(web):
    minimal = web.minimal_crawl()
    for name, outlet in web.outlets.items():
        for day in (SINCE, UNTIL):
            assert {outlet.path_of(a) for a in web.articles_of_day(outlet, day)} <= minimal[name]
        older = web.articles_of_day(outlet, SINCE - dt.timedelta(days=1))
        assert not {outlet.path_of(a) for a in older} & minimal[name]
    assert "/sitemaps/2024/10/19.xml" not in minimal["dailymap-gazette"]
    assert "/archive/2024/09/" not in minimal["archive-gazette"]


def test_a_few_in_window_articles_are_on_topic(web):
    wanted = web.in_window_on_topic()
    assert len(wanted) == 4 * len(web.outlets)


def test_every_request_is_logged(web):
    before = len(web.requests)
    get(web, "monthmap-gazette", "/robots.txt")
    (record,) = web.requests[before:]
    assert (record["outlet"], record["path"], record["status"]) == ("monthmap-gazette", "/robots.txt", 200)
