"""Decoding a page's bytes (`cleaners.decode.decode_html`): declared, undeclared and wrongly declared charsets.

The pages of `fixtures/charsets/` are real-sized articles stored in their own encodings; `pages.toml`
says how each is served and what it really is.
"""

from __future__ import annotations

import codecs
import time
import tomllib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaners import decode
from cleaners.decode import decode_html
from conftest import FIXTURES

CHARSETS = FIXTURES / "charsets"
PAGES = tomllib.loads((CHARSETS / "pages.toml").read_text(encoding="utf-8"))["page"]
FRENCH = "<html><head><title>Été</title></head><body><p>Hélène a payé 20 € – “enfin”, dit-elle.</p></body></html>"


def body_of(page: dict) -> bytes:
    return (CHARSETS / page["file"]).read_bytes()


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p["file"])
def test_each_charset_page_decodes_to_its_own_text(page):
    text = decode_html(body_of(page), page.get("content_type"))
    assert text == body_of(page).decode(page["encoding"])
    assert [w for w in page["words"] if w not in text] == []
    assert "\ufffd" not in text


def test_the_fixtures_cover_every_case_of_the_issue():
    cases = {(p["encoding"], p["declared"].split(":")[0], p["language"]) for p in PAGES}
    assert {("cp1251", "header", "uk"), ("koi8-r", "meta", "ru"), ("cp1252", "none", "fr"),
            ("shift_jis", "meta (http-equiv)", "ja"), ("cp1251", "header and meta", "ru"),
            ("cp1251", "none", "ru"), ("koi8-r", "none", "ru")} <= cases
    assert all((CHARSETS / p["file"]).exists() for p in PAGES)


@pytest.mark.parametrize("content_type", [None, "text/html", "text/html; charset=utf-8", "text/html; charset=UTF8"])
def test_valid_utf8_stays_as_it_is(content_type):
    assert decode_html(FRENCH.encode("utf-8"), content_type) == FRENCH
    with_meta = FRENCH.replace("<head>", '<head><meta charset="utf-8">')
    assert decode_html(with_meta.encode("utf-8"), content_type) == with_meta


def test_declared_valid_utf8_never_reaches_detection(monkeypatch):
    """The common case costs a strict decode: detection is not even called."""
    def no_detection(*args, **kwargs):
        raise AssertionError("detection ran")
    monkeypatch.setattr(decode, "from_bytes", no_detection)
    assert decode_html(FRENCH.encode("utf-8"), "text/html; charset=utf-8") == FRENCH
    assert decode_html(FRENCH.encode("utf-8")) == FRENCH


def test_valid_utf8_wins_over_a_legacy_declaration():
    """A server's default "ISO-8859-1" in front of a UTF-8 page: the bytes are valid UTF-8, so they are UTF-8."""
    for declared in ["text/html; charset=iso-8859-1", "text/html; charset=windows-1251"]:
        assert decode_html(FRENCH.encode("utf-8"), declared) == FRENCH


def test_a_bom_wins_over_a_wrong_header():
    assert decode_html(codecs.BOM_UTF8 + FRENCH.encode("utf-8"), "text/html; charset=windows-1251") == FRENCH
    assert decode_html(codecs.BOM_UTF16_LE + FRENCH.encode("utf-16-le"), "text/html; charset=utf-8") == FRENCH


def test_a_utf16_header_without_bom_is_little_endian_and_needs_utf16_bytes():
    assert decode_html(FRENCH.encode("utf-16-le"), "text/html; charset=utf-16") == FRENCH
    assert decode_html(FRENCH.encode("utf-8"), "text/html; charset=utf-16") == FRENCH  # no NUL: not UTF-16


def test_a_wrong_single_byte_declaration_yields_to_clear_evidence():
    """cp1251 bytes declared koi8-r or iso-8859-1 decode "strictly" (every byte is a character in both),
    but read that way the Russian text is garbled: detection overrides the declaration."""
    page = next(p for p in PAGES if p["file"] == "cp1251-undeclared-ru.html")
    for declared in ["text/html; charset=koi8-r", "text/html; charset=iso-8859-1"]:
        assert decode_html(body_of(page), declared) == body_of(page).decode("cp1251")


def test_a_single_byte_declaration_is_kept_where_detection_cannot_tell():
    """Icelandic text scores the same in windows-1250 and -1252 (no model knows "ð" from "đ"): a coin toss
    for detection, so the declaration decides, whichever of the two it names."""
    page = next(p for p in PAGES if p["file"] == "cp1252-undeclared-is.html")
    for declared, codec in [("windows-1252", "cp1252"), ("windows-1250", "cp1250")]:
        assert decode_html(body_of(page), f"text/html; charset={declared}") == body_of(page).decode(codec)


def test_a_utf8_page_with_a_few_stray_legacy_bytes_stays_utf8():
    body = FRENCH.encode("utf-8").replace(b"</body>", b"<footer>\xa9 2025 Journal</footer></body>")
    text = decode_html(body, "text/html; charset=utf-8")
    assert "Hélène" in text and "“enfin”" in text and text.count("\ufffd") == 1


def test_an_undeclared_page_with_few_accents_is_read_as_windows_1252_not_mac_roman():
    """A German page whose only letters beyond ASCII are the "ä" of "März", beside bytes no code page reads (a
    binary blob in a comment): Mac Roman scored as well as windows-1252 there and read "M‰rz"."""
    blob = bytes(range(0x80, 0x100)) * 12
    text = "".join(f"<li>{day}. März 2025: Meldung {day}</li>" for day in range(10, 16))
    body = f"<html><head><title>Archiv</title></head><body><ul>{text}</ul><!-- ".encode("cp1252") + blob + b" --></body></html>"
    assert "10. März 2025" in decode_html(body, "text/html")


def test_detection_reads_the_text_not_the_scripts():
    """A real page is mostly scripts and styles: ASCII in every encoding, so they must not drown the text."""
    script = "<script>" + "".join(f"var x{i} = function (a) {{ return a * {i}; }};\n" for i in range(5000)) + "</script>"
    for name in ["koi8r-undeclared-ru.html", "cp1251-undeclared-ru.html", "cp1252-undeclared-fr.html"]:
        page = next(p for p in PAGES if p["file"] == name)
        body = body_of(page).replace(b"</head>", script.encode() + b"</head>") + script.encode()
        assert decode_html(body) == body.decode(page["encoding"])


def test_detection_on_a_hostile_page_takes_linear_time():
    """Unclosed scripts and comments by the thousand, then cp1251 text: the text sample is cut in one pass."""
    page = next(p for p in PAGES if p["file"] == "cp1251-undeclared-ru.html")
    body = b"<script>x" * 20000 + b"<!-- a" * 20000 + b"<" * 100000 + body_of(page)
    started = time.perf_counter()
    assert isinstance(decode_html(body), str)
    assert time.perf_counter() - started < 5


def test_nothing_at_all():
    assert decode_html(b"") == "" and decode_html(b"", "text/html; charset=koi8-r") == ""


@settings(max_examples=300, deadline=2000)
@given(body=st.binary(max_size=3000),
       content_type=st.one_of(st.none(), st.sampled_from([
           "text/html", "text/html; charset=utf-8", "text/html; charset=windows-1251", "text/html; charset=koi8-r",
           "text/html; charset=shift_jis", "text/html; charset=utf-16", "text/html; charset=utf-7",
           "text/html; charset=nonsense", 'text/html; charset="utf-8"', "charset=", ";;;"]), st.text(max_size=60)))
def test_garbage_bytes_never_raise(body, content_type):
    assert isinstance(decode_html(body, content_type), str)


@settings(max_examples=100, deadline=2000)
@given(prefix=st.sampled_from([b"", b"<meta charset=utf-16>", b"<meta charset=iso-2022-jp>", b"<meta charset=koi8-r>",
                               b"<?xml version='1.0' encoding='cp1251'?>", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"]),
       body=st.binary(max_size=2000))
def test_garbage_after_a_declaration_or_bom_never_raises(prefix, body):
    assert isinstance(decode_html(prefix + body), str)
