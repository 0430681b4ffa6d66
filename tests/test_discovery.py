"""Discovery parsers, on the fixture web's own sitemaps and feeds."""

from __future__ import annotations

import datetime as dt
import gzip

import pytest

from conftest import FIXTURES
from crawler.discovery import (ListingError, gdelt_request_url, parse_date, parse_feed, parse_gdelt, parse_sitemap,
                               robots_sitemaps)

WEB = FIXTURES / "web"


def served(path: str, origin: str = "http://127.0.0.1:1") -> bytes:
    return WEB.joinpath(path).read_text(encoding="utf-8").replace("{{origin}}", origin).encode()


def test_robots_txt_sitemap_lines():
    assert robots_sitemaps(served("landsfrettir/robots.txt"), "http://127.0.0.1:1/robots.txt") == [
        "http://127.0.0.1:1/sitemap.xml"]


def test_a_sitemap_index_lists_child_sitemaps():
    index = parse_sitemap(served("kyivwire/sitemap.xml"), "http://127.0.0.1:1/sitemap.xml")
    assert index.is_index and len(index.entries) == 3


def test_a_news_sitemap_gives_publication_dates_and_titles():
    news = parse_sitemap(served("landsfrettir/sitemap-news.xml"), "http://127.0.0.1:1/")
    assert not news.is_index and all(e.published and e.published.year == 2024 for e in news.entries)
    assert all(e.title for e in news.entries)


def test_a_gzipped_sitemap_reads_like_the_plain_one():
    plain = served("landsfrettir/sitemap-archive.xml")
    assert parse_sitemap(gzip.compress(plain), "http://x/") == parse_sitemap(plain, "http://x/")


def test_rss_items_with_dates():
    items = parse_feed(served("vestnik/rss.xml"), "http://127.0.0.1:1/rss.xml")
    assert len(items) >= 3 and all(i.published for i in items)


def test_atom_entries_with_dates():
    entries = parse_feed(served("fjordposten/atom.xml"), "http://127.0.0.1:1/atom.xml")
    assert len(entries) >= 3 and all(e.url.startswith("http://127.0.0.1:1/nyheter/") and e.published for e in entries)


def test_gdelt_artlist_with_seen_dates():
    articles = parse_gdelt(served("gdelt/api/v2/doc/doc.json"))
    assert {a.published.year for a in articles} == {2022, 2024}


def test_gdelt_query_carries_the_story_window():
    url = gdelt_request_url("http://g/api", "Musk Putin", dt.date(2024, 10, 20), dt.date(2024, 12, 31), 250)
    assert "startdatetime=20241020000000" in url and "enddatetime=20241231235959" in url and "mode=artlist" in url


@pytest.mark.parametrize("value, day", [
    ("2024-10-25T09:44:00+00:00", dt.date(2024, 10, 25)), ("2024-10-25", dt.date(2024, 10, 25)),
    ("Fri, 25 Oct 2024 09:44:00 +0000", dt.date(2024, 10, 25)), ("20241025T134500Z", dt.date(2024, 10, 25)),
    ("2024-10-25T23:30:00Z", dt.date(2024, 10, 25)), ("yesterday", None), ("", None),
])
def test_listing_dates_in_every_format_listings_use(value, day):
    assert parse_date(value) == day


def test_an_external_entity_is_never_resolved(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    body = (f'<?xml version="1.0"?><!DOCTYPE u [<!ENTITY x SYSTEM "file://{secret}">]>'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>http://a/&x;</loc></url></urlset>').encode()
    entries = parse_sitemap(body, "http://a/").entries
    assert all("TOP-SECRET" not in e.url for e in entries)


@pytest.mark.parametrize("body", [b"", b"<html><body>not xml", b"<rss><channel>", b"\x1f\x8bnot gzip"])
def test_unreadable_listings_raise_a_listing_error(body):
    with pytest.raises(ListingError):
        parse_sitemap(body, "http://a/")
