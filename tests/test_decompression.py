"""Decompression (crawler/decompression.py) gives the spider what Scrapy's own middleware gives, without
detecting a charset in the compressed bytes first."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from scrapy import Request
from scrapy.downloadermiddlewares.httpcompression import HttpCompressionMiddleware
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from crawler.decompression import PlainBodyDecompressionMiddleware

CHARSETS = Path(__file__).resolve().parent.parent / "fixtures" / "charsets"
URL = "http://127.0.0.1/page.html"


def gzipped_page(page: Path, content_type: bytes) -> tuple[Request, HtmlResponse]:
    request = Request(URL)
    response = HtmlResponse(URL, body=gzip.compress(page.read_bytes()), request=request,
                            headers={"Content-Type": content_type, "Content-Encoding": "gzip"})
    return request, response


def decompressed(middleware_class, page: Path, content_type: bytes):
    middleware = middleware_class.from_crawler(get_crawler())
    request, response = gzipped_page(page, content_type)
    return response, middleware.process_response(request, response)


@pytest.mark.parametrize("page, content_type", [("koi8r-meta-ru.html", b"text/html"),
                                                ("cp1252-undeclared-fr.html", b"text/html"),
                                                ("shift_jis-meta-ja.html", b"text/html; charset=shift_jis")])
def test_the_decompressed_page_is_the_one_scrapy_would_give(page, content_type):
    _, ours = decompressed(PlainBodyDecompressionMiddleware, CHARSETS / page, content_type)
    _, scrapys = decompressed(HttpCompressionMiddleware, CHARSETS / page, content_type)
    assert type(ours) is type(scrapys) is HtmlResponse
    assert ours.body == scrapys.body == (CHARSETS / page).read_bytes()
    assert ours.encoding == scrapys.encoding
    assert ours.text == scrapys.text
    assert ours.headers == scrapys.headers
    assert ours.request.url == scrapys.request.url == URL


def test_no_charset_is_inferred_from_the_compressed_bytes():
    """Scrapy caches an inferred encoding on the response (`_cached_benc`): the compressed one keeps none."""
    compressed, _ = decompressed(PlainBodyDecompressionMiddleware, CHARSETS / "koi8r-meta-ru.html", b"text/html")
    assert compressed._cached_benc is None


def test_an_uncompressed_page_passes_unchanged():
    middleware = PlainBodyDecompressionMiddleware.from_crawler(get_crawler())
    request = Request(URL)
    response = HtmlResponse(URL, body=(CHARSETS / "koi8r-meta-ru.html").read_bytes(), request=request,
                            headers={"Content-Type": b"text/html"})
    assert middleware.process_response(request, response) is response
