"""Listings the way real publishers write them (fixtures/listings/, its README has the table): no article URL
lost or corrupted, and the date each entry gives read as stated."""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import FIXTURES
from crawler.discovery import ListingError, parse_feed, parse_sitemap, robots_sitemaps

LISTINGS = FIXTURES / "listings"
ORIGIN = "http://127.0.0.1:1"


def listing(name: str) -> bytes:
    return LISTINGS.joinpath(name).read_text(encoding="utf-8").replace("{{origin}}", ORIGIN).encode()


def feed(name: str) -> dict:
    """URL -> entry of the feed, served from the listing folder's origin."""
    return {entry.url: entry for entry in parse_feed(listing(name), f"{ORIGIN}/{name}")}


# --- sitemaps --------------------------------------------------------------------------------------------------

def test_a_news_sitemap_with_undeclared_prefixes_keeps_its_entries_dates_and_titles():
    content = parse_sitemap(listing("news-sitemap-undeclared-prefix.xml"), ORIGIN + "/")
    assert [(e.url, e.published, e.title) for e in content.entries] == [
        (f"{ORIGIN}/news/2024/10/25/harbour-ferry-timetable", dt.date(2024, 10, 25), "Ferry timetable changes for the winter"),
        (f"{ORIGIN}/news/2024/10/26/council-votes-on-pier", dt.date(2024, 10, 26), "Council votes on the new pier")]


def test_an_image_location_inside_a_sitemap_entry_is_not_an_entry():
    urls = [e.url for e in parse_sitemap(listing("news-sitemap-undeclared-prefix.xml"), ORIGIN + "/").entries]
    assert f"{ORIGIN}/img/ferry.jpg" not in urls


def test_a_raw_ampersand_in_a_sitemap_location_is_kept_as_an_ampersand():
    urls = [e.url for e in parse_sitemap(listing("sitemap-raw-ampersand.xml"), ORIGIN + "/").entries]
    assert urls == [f"{ORIGIN}/article.php?id=1042&section=port&lang=en", f"{ORIGIN}/article.php?id=1043&page=2"]


def test_an_html_entity_in_a_news_title_does_not_cut_it():
    first = parse_sitemap(listing("sitemap-raw-ampersand.xml"), ORIGIN + "/").entries[0]
    assert first.title == "Café owners on the quay & the new rules"


def test_robots_txt_names_sitemaps_also_as_site_map():
    assert robots_sitemaps(listing("robots-site-map.txt"), f"{ORIGIN}/robots.txt") == [
        f"{ORIGIN}/sitemap-news.xml", f"{ORIGIN}/sitemap-archive.xml"]


def test_a_byte_order_mark_does_not_hide_the_first_robots_line():
    assert robots_sitemaps(b"\xef\xbb\xbfSitemap: /news.xml\r\n", f"{ORIGIN}/robots.txt") == [f"{ORIGIN}/news.xml"]


def test_a_text_sitemap_lists_one_url_a_line():
    content = parse_sitemap(listing("sitemap.txt"), f"{ORIGIN}/sitemap.txt")
    assert not content.is_index and [e.url for e in content.entries] == [
        f"{ORIGIN}/news/2024/10/25/harbour-ferry-timetable", f"{ORIGIN}/news/2024/10/26/council-votes-on-pier",
        f"{ORIGIN}/news/2024/10/27/storm-closes-the-bridge"]


def test_a_text_that_lists_no_url_is_no_sitemap():
    with pytest.raises(ListingError, match="no line is a URL"):
        parse_sitemap(b"Service temporarily unavailable", f"{ORIGIN}/sitemap.txt")


def test_a_feed_named_as_a_sitemap_is_read_as_one():
    content = parse_sitemap(listing("rss-guid-permalink.xml"), f"{ORIGIN}/rss.xml")
    assert not content.is_index and len(content.entries) == 2


def test_a_truncated_sitemap_keeps_its_complete_entries_and_says_it_was_cut():
    content = parse_sitemap(listing("sitemap-truncated.xml"), ORIGIN + "/")
    assert content.truncated
    assert [e.url for e in content.entries] == [f"{ORIGIN}/news/2024/10/25/harbour-ferry-timetable",
                                                f"{ORIGIN}/news/2024/10/26/council-votes-on-pier"]


def test_a_whole_sitemap_is_not_marked_truncated():
    assert not parse_sitemap(listing("news-sitemap-undeclared-prefix.xml"), ORIGIN + "/").truncated


def test_a_sitemap_cut_before_its_first_complete_entry_is_a_listing_error():
    with pytest.raises(ListingError, match="truncated"):
        parse_sitemap(b'<urlset><url><loc>http://a/1', "http://a/")


# --- feeds -----------------------------------------------------------------------------------------------------

def test_rss_items_with_a_permalink_guid_and_no_link_are_kept():
    assert sorted(feed("rss-guid-permalink.xml")) == [f"{ORIGIN}/news/2024/10/25/harbour-ferry-timetable",
                                                      f"{ORIGIN}/news/2024/10/26/council-votes-on-pier"]


def test_an_empty_link_does_not_hide_a_permalink_guid():
    body = (b'<rss version="2.0"><channel><item><link></link><guid>http://127.0.0.1:1/news/only-the-guid</guid>'
            b'</item></channel></rss>')
    assert [e.url for e in parse_feed(body, ORIGIN + "/rss.xml")] == [f"{ORIGIN}/news/only-the-guid"]


def test_an_image_link_inside_an_item_does_not_replace_the_items_link():
    assert list(feed("rss-image-in-item.xml")) == [f"{ORIGIN}/news/2024/10/27/storm-closes-the-bridge"]


def test_undeclared_itunes_elements_and_a_raw_ampersand_keep_the_item_and_its_url():
    entries = feed("rss-itunes-undeclared.xml")
    assert list(entries) == [f"{ORIGIN}/listen.php?show=port&episode=12"]
    assert entries[f"{ORIGIN}/listen.php?show=port&episode=12"].published == dt.date(2024, 10, 26)


def test_atom_self_and_enclosure_links_are_not_the_article_and_xml_base_is_honoured():
    assert sorted(feed("atom-links.xml")) == [f"{ORIGIN}/en/news/ferry-timetable", f"{ORIGIN}/en/news/storm-closes-the-bridge",
                                             f"{ORIGIN}/en/opinion/why-the-pier-matters"]


def test_of_two_alternate_links_the_first_names_the_article():
    body = (b'<feed xmlns="http://www.w3.org/2005/Atom"><entry><link href="http://127.0.0.1:1/news/1"/>'
            b'<link rel="alternate" type="text/html" href="http://127.0.0.1:1/news/1?alt"/></entry></feed>')
    assert [e.url for e in parse_feed(body, ORIGIN + "/atom.xml")] == [f"{ORIGIN}/news/1"]


def test_json_feed_items_by_url_or_by_an_id_that_is_a_url():
    entries = feed("feed.json")
    assert list(entries) == [f"{ORIGIN}/news/2024/10/25/harbour-ferry-timetable",
                             f"{ORIGIN}/news/2024/10/26/council-votes-on-pier", f"{ORIGIN}/news/2024/10/27/storm-closes-the-bridge"]
    assert [e.published for e in entries.values()] == [dt.date(2024, 10, 25), dt.date(2024, 10, 26), None]


def test_json_that_is_no_json_feed_is_a_listing_error():
    with pytest.raises(ListingError, match="not a JSON Feed"):
        parse_feed(b'{"articles": []}', ORIGIN + "/feed.json")


@pytest.mark.parametrize("path, day", [
    ("rfc822", dt.date(2024, 10, 25)), ("no-weekday-two-digit-year", dt.date(2024, 10, 25)),
    ("full-names-zone-name", dt.date(2024, 10, 25)), ("no-comma-no-seconds", dt.date(2024, 10, 25)),
    ("german", dt.date(2024, 10, 25)), ("russian", dt.date(2024, 10, 25)), ("dcterms-issued", dt.date(2024, 10, 25)),
    ("dcterms-modified", dt.date(2024, 10, 25)), ("dc-date", dt.date(2024, 10, 25)),
    ("after-midnight-in-oslo", dt.date(2024, 10, 26)), ("undated", None),
])
def test_feed_dates_are_read_in_the_feeds_own_zone(path, day):
    assert feed("rss-dates.xml")[f"{ORIGIN}/a/{path}"].published == day


def test_atom_0_3_issued_and_modified_date_the_entries():
    entries = feed("atom03-dates.xml")
    assert entries[f"{ORIGIN}/a/issued"].published == dt.date(2024, 10, 25)
    assert entries[f"{ORIGIN}/a/modified"].published == dt.date(2024, 10, 26)


def test_feed_titles_have_their_entities_decoded():
    assert feed("rss-guid-permalink.xml")[f"{ORIGIN}/news/2024/10/25/harbour-ferry-timetable"].title == (
        "Ferry timetable changes for the winter")


@pytest.mark.parametrize("name", ["rss-xxe.xml", "rss-billion-laughs.xml"])
def test_a_feed_declaring_entities_is_refused_before_feedparser_reads_it(name):
    with pytest.raises(ListingError, match="declares XML entities") as error:
        parse_feed(listing(name), ORIGIN + "/rss.xml")
    assert "root:" not in str(error.value)


def test_a_feed_body_naming_a_local_file_is_not_opened(tmp_path):
    secret = tmp_path / "feed.xml"
    secret.write_text(f"<rss><channel><item><link>{ORIGIN}/from-the-file</link></item></channel></rss>")
    with pytest.raises(ListingError):
        parse_feed(str(secret).encode(), ORIGIN + "/rss.xml")


def test_a_feed_over_the_size_limit_is_a_listing_error():
    with pytest.raises(ListingError, match="larger than the limit"):
        parse_feed(listing("rss-guid-permalink.xml"), ORIGIN + "/rss.xml", max_size=100)
