"""URL identity: tracking parameters and fragments never make a second article."""

from __future__ import annotations

from crawler.settings import TRACKING_PARAMETERS
from crawler.urls import UrlCleaner, is_web_url

urls = UrlCleaner(TRACKING_PARAMETERS)


def test_tracking_parameters_and_fragment_are_dropped():
    assert urls.clean("https://a.example/x?utm_source=rss&id=7&fbclid=abc#top") == "https://a.example/x?id=7"


def test_other_parameters_stay_in_their_order_for_fetching():
    assert urls.clean("https://a.example/x?b=2&a=1") == "https://a.example/x?b=2&a=1"


def test_identity_is_shared_by_variants_of_one_url():
    assert urls.identity("https://a.example/x?b=2&a=1&utm_medium=feed") == urls.identity("https://a.example/x?a=1&b=2#c")


def test_identity_tells_different_articles_apart():
    assert urls.identity("https://a.example/x?id=1") != urls.identity("https://a.example/x?id=2")


def test_a_query_without_a_value_is_fetched_as_written():
    assert urls.clean("https://a.example/story.php?12345") == "https://a.example/story.php?12345"


def test_a_path_in_the_query_is_not_reencoded():
    assert urls.clean("https://a.example/index.php?/archives/77") == "https://a.example/index.php?/archives/77"


def test_tracking_parameters_go_and_the_rest_stays_byte_for_byte():
    cleaned = urls.clean("https://a.example/x?q=a%20b;c&utm_campaign=z&tag=1&tag=2&UTM_Source=y")
    assert cleaned == "https://a.example/x?q=a%20b;c&tag=1&tag=2"


def test_a_huge_inline_data_uri_is_emptied_before_cleaning():
    from crawler.bounds import bounded_html

    page = '<p>before</p><img src="data:image/png;base64,' + "QUJD" * 1000 + '"><p>after</p>'
    assert bounded_html(page, 0) == '<p>before</p><img src="data:image/png;base64,"><p>after</p>'


def test_only_absolute_http_urls_with_a_host_are_web_urls():
    assert is_web_url("https://example.org/news/1") and is_web_url("http://127.0.0.1:8950/")
    assert not is_web_url("file:///etc/passwd") and not is_web_url("/news/1") and not is_web_url("https:///news")
    assert not is_web_url("mailto:desk@example.org") and not is_web_url("data:text/html,hi")
