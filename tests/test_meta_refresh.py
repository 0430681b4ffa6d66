"""A page whose charset is declared nowhere is read for a <meta> refresh from its bytes when they rule one out in
every encoding Scrapy's detection could pick (crawler/meta_refresh.py): what Scrapy would find is found, no more
and no less; the cleaning worker decodes and reads the page itself."""

from __future__ import annotations

import itertools
import string
from pathlib import Path

import numpy as np
import pytest
from conftest import DEMO_STORY
from scrapy import Request
from scrapy.http import HtmlResponse
from scrapy.utils.response import get_meta_refresh
from scrapy.utils.test import get_crawler

from crawler.cleaning import draft_page
from crawler.meta_refresh import (
    HEAD_CHARACTERS,
    MULTI_BYTE,
    SHIFTING,
    SHIFTS,
    WIDE,
    BytesFirstMetaRefreshMiddleware,
    byte_reading,
    detectable_encodings,
    refresh_ruled_out,
)
from crawler.middlewares import MetaRefreshGuardMiddleware, RedirectLoop
from crawler.page_facts import PageReader
from crawler.relevance import RelevanceMatcher
from crawler.spiders.story import StorySpider

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SECTION = FIXTURES / "web" / "northpost" / "world" / "index.html"  # an untyped page with a next page
URL = "http://www.example.test/world/"
REFRESH = '<meta http-equiv="refresh" content="0; url=/elsewhere">'
RUSSIAN = "<p>Новости мира: переговоры продолжаются, стороны обменялись заявлениями.</p>"


def page(head: str = "", body: str = RUSSIAN) -> str:
    return f"<html><head><title>Мир</title>{head}</head><body>{body}</body></html>"


def response(body: bytes, content_type: str = "text/html") -> HtmlResponse:
    return HtmlResponse(url=URL, body=body, headers={"Content-Type": content_type}, request=Request(URL))


def refresh_followed(body: bytes, content_type: str = "text/html"):
    """What the crawl's meta refresh middleware makes of the page: the response, or the redirected request."""
    return refresh_followed_response(response(body, content_type))


def refresh_followed_response(answer: HtmlResponse):
    middleware = BytesFirstMetaRefreshMiddleware.from_crawler(get_crawler())
    return middleware.process_response(answer.request, answer)


# --- what is ruled out, and what is read -------------------------------------------------------------------------

def test_a_legacy_page_of_undeclared_charset_without_a_refresh_is_ruled_out_from_its_bytes():
    legacy = response(page().encode("cp1251"))
    assert refresh_ruled_out(legacy)
    assert refresh_followed(page().encode("cp1251")).url == URL  # the response itself


def test_a_legacy_page_of_undeclared_charset_with_a_refresh_is_read_and_followed():
    body = page(REFRESH).encode("cp1251")
    assert not refresh_ruled_out(response(body))
    followed = refresh_followed(body)
    assert isinstance(followed, Request) and followed.url == "http://www.example.test/elsewhere"


def test_a_page_declaring_its_charset_without_a_refresh_in_its_bytes_is_ruled_out_and_not_decoded():
    declared_in_header = response(page().encode("cp1251"), "text/html; charset=windows-1251")
    declared_in_meta = response(page('<meta charset="utf-8">').encode())
    for quiet in (declared_in_header, declared_in_meta):
        assert refresh_ruled_out(quiet)
        assert refresh_followed_response(quiet) is quiet
        assert quiet._cached_ubody is None  # its text was never read


def test_a_page_declaring_its_charset_with_a_refresh_is_read_and_followed():
    for body, content_type in ((page(REFRESH).encode("cp1251"), "text/html; charset=windows-1251"),
                               (page(f'<meta charset="utf-8">{REFRESH}').encode(), "text/html")):
        assert not refresh_ruled_out(response(body, content_type))
        followed = refresh_followed(body, content_type)
        assert isinstance(followed, Request) and followed.url == "http://www.example.test/elsewhere"


def test_a_declared_ascii_compatible_page_is_not_read_for_the_zero_bytes_and_shifts_of_other_encodings():
    """A tilde or a NUL byte would mean a shift or a wide encoding only in a page whose encoding is unknown."""
    body = page('<meta charset="utf-8">', '<p><a href="/~editor/">Editor</a></p>').encode() + b"\0"
    assert refresh_ruled_out(response(body))


@pytest.mark.parametrize("content_type", ["text/html; charset=cp500", "text/html; charset=utf-16"])
def test_a_page_declaring_an_encoding_that_writes_letters_apart_from_their_ascii_bytes_is_read(content_type):
    """EBCDIC's table shows the word; an encoding of no known kind (a header's bare "utf-16") is always read."""
    encoding = content_type.rpartition("=")[2]
    body = page(REFRESH).encode(encoding, "xmlcharrefreplace")
    assert b"refresh" not in body.lower()
    assert not refresh_ruled_out(response(body, content_type))
    followed = refresh_followed(body, content_type)
    assert isinstance(followed, Request) and followed.url == "http://www.example.test/elsewhere"


@pytest.mark.parametrize("encoding", ["cp500", "utf-16-le", "utf-32-be", "iso2022_jp", "hz"])
def test_a_refresh_in_an_encoding_that_writes_letters_apart_from_their_ascii_bytes_is_not_ruled_out(encoding):
    body = page(REFRESH, "<p>refresh</p>".replace("refresh", "news")).encode(encoding, "xmlcharrefreplace")
    assert b"refresh" not in body.lower() or encoding in SHIFTING
    assert not refresh_ruled_out(response(body))


def test_a_refresh_split_by_a_shift_that_decodes_to_nothing_is_not_ruled_out():
    for body in (b"<html><head><meta http-equiv='refre\x1b(Bsh' content='0; url=/b'></head></html>\x8e",
                 b"<html><head><meta http-equiv='refre~\nsh' content='0; url=/b'></head></html>\x8e"):
        assert not refresh_ruled_out(response(body))


def test_the_guard_reads_no_page_the_bytes_rule_out_and_still_refuses_a_refresh_loop():
    guard = MetaRefreshGuardMiddleware.from_crawler(crawler_with_story())
    quiet = response(page().encode("cp1251"))
    assert guard.process_response(quiet.request, quiet) is quiet
    looping = response(page(REFRESH.replace("/elsewhere", "/world/")).encode("cp1251"))
    with pytest.raises(RedirectLoop):
        guard.process_response(looping.request, looping)


def crawler_with_story():
    """A crawler whose StoryRun the redirect guards read (the demo story)."""
    return get_crawler(StorySpider, {"STORY": str(DEMO_STORY), "ADDONS": {"crawler.addon.StoryCrawlAddon": 0}})


# --- the claims the bytes rest on (crawler/meta_refresh.py) ------------------------------------------------------

def test_every_encoding_the_detection_may_pick_is_of_a_kind_whose_bytes_are_read():
    assert byte_reading().complete
    assert {"cp1251", "utf-8", "gb18030", "cp500", "utf-16-le", "iso2022_jp", "ascii"} <= detectable_encodings()


def test_no_character_but_an_ascii_letter_lowers_to_a_letter_of_refresh():
    letters = set("refresh")
    found = [character for code in range(0x110000) if not (character := chr(code)).isascii()
             and letters & set(character.lower())]
    assert found == []


def test_scrapy_reads_a_refresh_in_the_first_4096_characters_only():
    late = page(body="x" * HEAD_CHARACTERS + REFRESH).encode()
    early = page(REFRESH).encode()
    assert get_meta_refresh(response(late)) == (None, None)
    assert get_meta_refresh(response(early)) != (None, None)


@pytest.mark.parametrize("encoding", sorted(MULTI_BYTE))
def test_a_multi_byte_encoding_writes_an_ascii_letter_only_as_its_own_byte(encoding):
    """Every sequence of two bytes, one of them not ASCII, decodes to no letter but the ASCII byte's own, and to
    something: no byte is dropped. GB18030's four-byte and EUC's three-byte sequences too."""
    letters = set(string.ascii_letters)
    sequences = [bytes(pair) for pair in itertools.product(range(256), repeat=2) if max(pair) >= 0x80]
    if encoding == "gb18030":
        sequences += [bytes((a, b, c, d)) for a in range(0x81, 0xFF) for b in range(0x30, 0x3A)
                      for c in range(0x81, 0xFF, 5) for d in range(0x30, 0x3A)]
    if encoding.startswith("euc"):
        sequences += [bytes((0x8F, b, c)) for b in range(0x80, 0x100) for c in range(256)]
    for sequence in sequences:
        text = sequence.decode(encoding, "replace")
        assert text and set(text) & letters <= {chr(byte) for byte in sequence}, (sequence, text)


@pytest.mark.parametrize("encoding", sorted(SHIFTING))
def test_an_escaping_encoding_reads_each_byte_as_one_character_until_a_shift(encoding):
    shifts = {shift[0] for shift in SHIFTS}
    for byte in range(256):
        if byte in shifts:
            continue
        expected = chr(byte) if byte < 0x80 else "\ufffd"
        assert bytes([0x61, byte, 0x62]).decode(encoding, "replace") == f"a{expected}b", (encoding, byte)


@pytest.mark.parametrize("encoding", sorted(WIDE))
def test_a_wide_encoding_writes_every_ascii_letter_with_a_zero_byte(encoding):
    assert all(b"\0" in letter.encode(encoding) for letter in string.ascii_letters)


# --- the worker reads a page of undeclared charset itself ------------------------------------------------------------

def listing_page_of_undeclared_charset() -> bytes:
    html = SECTION.read_text(encoding="utf-8").replace('<meta charset="utf-8">', "")
    return html.replace("</body>", f"{RUSSIAN}</body>").encode("cp1251", "xmlcharrefreplace")


def test_a_page_of_undeclared_charset_is_tested_as_a_listing_in_the_worker_not_decoded_by_the_crawls_process():
    body = listing_page_of_undeclared_charset()
    reader = PageReader(RelevanceMatcher((("Musk",), ("Putin*",))), 0)
    assert refresh_ruled_out(response(body))  # so the crawl's process detects nothing
    _draft, facts = draft_page(body, "text/html", URL, 0, reader)
    assert facts.listing_read and facts.listing == f"a listing page: its next page is {URL}page/2/"


def archive_page_no_detection_reads() -> bytes:
    """An archive day in Windows-1252 (its dates say "März") with a comment of bytes no code page makes sense of:
    Scrapy's detection finds no charset, and its response reads the page as ASCII."""
    junk = bytes(np.random.default_rng(7).integers(0x80, 0x100, 3000, dtype=np.uint8))
    entries = "".join(f'<li><time>{day} März 2025</time> <a href="/news/{day}.html">Meldung {day}</a></li>'
                      for day in range(10, 16))
    html = ('<html><head><title>Archiv</title><meta property="article:published_time" content="2025-03-16">'
            f"</head><body><p>{'Die Meldungen des Tages aus der Region. ' * 20}</p><ul>{entries}</ul><!-- ")
    return html.encode("cp1252") + junk + b" --></body></html>"


def test_a_page_scrapys_detection_cannot_read_has_its_dated_entries_read_in_the_worker():
    """The worker's listing test reads the tree the cleaners parse, decoded by `decode_html`: its "März" dates
    count, whatever the crawl's response would have made of the page."""
    body = archive_page_no_detection_reads()
    assert response(body).encoding == "ascii" and refresh_ruled_out(response(body))
    _draft, facts = draft_page(body, "text/html", URL, 0, PageReader(RelevanceMatcher((("Meldung",),)), 0))
    assert facts.listing == "a listing page: 6 dated links"
