"""Windowed discovery's rules (crawler/windowing.py): which listings and links a story crawl leaves unfetched."""

from __future__ import annotations

import datetime as dt

from scrapy.http import HtmlResponse

from crawler.discovery import Listing
from crawler.story import Source
from crawler.windowing import PagingByArticles, PendingPage, Windowing, pagination, time_dates

D = dt.date
SINCE, UNTIL = D(2024, 10, 20), D(2024, 10, 31)
SERVICE = [r"/(?:login|account|subscribe|search)(?:/|$)"]
OUTLET = Source(name="outlet", feeds=("https://x.test/rss.xml",))
LYING = Source(name="lying", feeds=("https://y.test/rss.xml",), url_dates=False)


def windowing(url_dates: bool = True) -> Windowing:
    return Windowing(SINCE, UNTIL, url_dates, SERVICE)


def test_a_sitemap_child_last_modified_before_the_window_is_skipped():
    skip = windowing().sitemap_child_skip(Listing("https://x.test/sitemap-posts-7.xml", D(2024, 10, 12)), OUTLET)
    assert skip.reason == "lastmod" and "2024-10-12" in skip.detail


def test_a_lastmod_the_day_before_the_window_gets_a_days_grace_for_time_zones():
    assert windowing().sitemap_child_skip(Listing("https://x.test/sitemap-posts-7.xml", D(2024, 10, 19)), OUTLET) is None


def test_a_sitemap_child_whose_url_names_a_day_outside_the_window_is_skipped_whatever_its_lastmod():
    child = Listing("https://x.test/sitemaps/2019/03/04.xml", D(2024, 10, 29))
    assert windowing().sitemap_child_skip(child, OUTLET).reason == "dated by URL"


def test_a_sitemap_child_whose_month_overlaps_the_window_is_fetched():
    assert windowing().sitemap_child_skip(Listing("https://x.test/sitemap-2024-10.xml"), OUTLET) is None


def test_a_sitemap_child_without_a_date_is_fetched():
    assert windowing().sitemap_child_skip(Listing("https://x.test/sitemap-posts-7.xml"), OUTLET) is None


def test_url_dates_are_not_read_for_a_source_whose_urls_lie():
    child = Listing("https://y.test/sitemaps/2019/03/04.xml")
    assert windowing().sitemap_child_skip(child, LYING) is None
    assert windowing(url_dates=False).span_of("https://x.test/2019/03/04/a", OUTLET) is None


def test_in_window_listings_come_first_newest_first_then_articles_then_the_undated():
    rules = windowing()
    newest_listing = rules.priority(D(2024, 10, 31), listing=True)
    older_listing = rules.priority(D(2024, 10, 21), listing=True)
    article = rules.priority(D(2024, 10, 31), listing=False)
    undated_listing = rules.priority(None, listing=True)
    undated_article = rules.priority(None, listing=False)
    assert newest_listing > older_listing > article > undated_listing > undated_article


def test_service_links_are_recognised_by_path_not_query():
    rules = windowing()
    assert rules.is_service_link("https://x.test/account/login?return=/world/1/a")
    assert not rules.is_service_link("https://x.test/world/1/a?from=/search/")


def test_a_page_is_stale_when_all_its_dated_items_are_older_than_since():
    rules = windowing()
    assert rules.stale([D(2024, 10, 19), D(2024, 9, 1)])
    assert not rules.stale([D(2024, 10, 19), D(2024, 10, 20)])
    assert not rules.stale([])


def test_the_next_page_is_the_least_page_ahead_and_the_others_are_jumps():
    links = ["https://x.test/section/world/?page=2", "https://x.test/section/world/?page=4",
             "https://x.test/section/world/?page=5", "https://x.test/section/world/?page=912",
             "https://x.test/section/sport/?page=4", "https://x.test/world/14558/a"]
    assert pagination("https://x.test/section/world/?page=3", links) == (
        "https://x.test/section/world/?page=4",
        {"https://x.test/section/world/?page=5", "https://x.test/section/world/?page=912"})


def test_the_first_page_of_a_listing_has_no_number_of_its_own():
    assert pagination("https://x.test/nyheter/", ["https://x.test/nyheter/page/2/"]) == ("https://x.test/nyheter/page/2/", set())


def test_offsets_paginate_like_page_numbers():
    links = ["https://x.test/latest?offset=20", "https://x.test/latest?offset=40", "https://x.test/latest?offset=980"]
    assert pagination("https://x.test/latest", links) == (
        "https://x.test/latest?offset=20", {"https://x.test/latest?offset=40", "https://x.test/latest?offset=980"})


def test_a_held_page_is_released_when_its_last_article_is_done():
    paging = PagingByArticles()
    order = ["https://x.test/p/2", "https://x.test/p/1", "https://x.test/about"]
    paging.hold("https://x.test/blog/", PendingPage("https://x.test/blog/page/2/", "outlet", 0, order=order))
    assert paging.article_done("https://x.test/blog/", "https://x.test/p/1", D(2024, 10, 3)) is None
    assert paging.article_done("https://x.test/blog/", "https://x.test/about", None, article=False) is None
    url, page = paging.article_done("https://x.test/blog/", "https://x.test/p/2", None)
    assert url == "https://x.test/blog/" and page.article_days == [None, D(2024, 10, 3)]
    assert paging.release_all() == []


def test_a_page_listing_newest_first_is_stale_once_its_last_item_is_older():
    rules = windowing()
    assert rules.stale([D(2024, 10, 25), D(2024, 10, 21), D(2024, 10, 19)])
    assert not rules.stale([D(2024, 10, 19), D(2024, 10, 25), D(2024, 10, 21)])  # not in order: all must be older
    assert not rules.stale([D(2024, 10, 25), D(2024, 10, 19)])  # too few to tell an order
    assert not rules.articles_stale([D(2024, 10, 25), D(2024, 10, 21), D(2024, 10, 19), None])


def test_a_link_is_dated_by_the_one_time_element_of_its_list_item():
    body = b"""<html><body><ul>
      <li><a href="/a/1">One</a> <time datetime="2024-10-25T08:00:00Z">25 Oct</time></li>
      <li><a href="/a/2">Two</a></li>
      <li><a href="/a/3">Three</a> <time datetime="2024-10-01">1 Oct</time> <time datetime="2024-10-02">2 Oct</time></li>
    </ul></body></html>"""
    response = HtmlResponse("https://x.test/section/", body=body, encoding="utf-8")
    assert time_dates(response) == {"https://x.test/a/1": D(2024, 10, 25)}


def test_entries_are_taken_newest_first_then_the_undated_as_listed():
    entries = [Listing("https://x.test/about"), Listing("https://x.test/2024/10/21/a"),
               Listing("https://x.test/b", D(2024, 10, 30)), Listing("https://x.test/contact")]
    ordered = windowing().newest_first(entries, OUTLET)
    assert [e.url for e in ordered] == ["https://x.test/b", "https://x.test/2024/10/21/a", "https://x.test/about",
                                        "https://x.test/contact"]


def test_an_article_pages_own_time_does_not_date_the_links_inside_it():
    body = b"""<html><body><article><h1>Story</h1><time datetime="2024-10-29">29 Oct</time>
      <p>Text with <a href="/2022/10/04/older">an older piece</a> and <a href="/about">about us</a>.</p></article>
      <article class="card"><a href="/a/9"><img src="x.jpg"></a><a href="/a/9">Nine</a><time datetime="2024-10-27">27</time></article>
    </body></html>"""
    response = HtmlResponse("https://x.test/story", body=body, encoding="utf-8")
    assert time_dates(response) == {"https://x.test/a/9": D(2024, 10, 27)}


def test_a_long_windows_days_share_a_bounded_number_of_priority_levels():
    year = Windowing(D(2024, 1, 1), D(2024, 12, 31), True, SERVICE)
    levels = {year.priority(D(2024, 1, 1) + dt.timedelta(days=n), listing=False) for n in range(366)}
    assert len(levels) <= 64 and year.priority(D(2024, 12, 31), False) > year.priority(D(2024, 1, 1), False)


def test_a_time_element_without_datetime_is_read_from_its_text():
    body = b"""<ul><li><a href="/a/1">One</a> <time>2024-10-25</time></li></ul>"""
    response = HtmlResponse("https://x.test/section/", body=body, encoding="utf-8")
    assert time_dates(response) == {"https://x.test/a/1": D(2024, 10, 25)}


def test_a_listed_date_after_the_window_on_a_url_naming_a_day_in_it_is_a_later_change():
    rules = windowing()
    assert rules.modified_later(Listing("https://x.test/2024/10/25/a", D(2024, 11, 2)), "https://x.test/2024/10/25/a", OUTLET)
    assert not rules.modified_later(Listing("https://x.test/a", D(2024, 11, 2)), "https://x.test/a", OUTLET)
    assert not rules.modified_later(Listing("https://x.test/2024/10/a", D(2024, 11, 2)), "https://x.test/2024/10/a", OUTLET)
    assert not rules.modified_later(Listing("https://x.test/2024/10/25/a", D(2024, 10, 2)), "https://x.test/2024/10/25/a", OUTLET)


def test_a_url_dated_after_the_window_but_before_today_is_outside_it():
    child = Listing(f"https://x.test/sitemaps/{dt.date.today():%Y/%m/%d}.xml")
    assert windowing().sitemap_child_skip(child, OUTLET).reason == "dated by URL"
