"""A page's <meta> refresh ruled out from its bytes, when reading its text would cost a decode or a charset detection.

Scrapy's MetaRefreshMiddleware, and MetaRefreshGuardMiddleware before it, read the first 4,096 characters of every
HTML page (`get_meta_refresh`, over `response.text`). That decodes the whole body on the reactor (0.06 ms for a real
UTF-8 page of 66 KB), and a page whose charset is declared nowhere (no BOM, no charset in its Content-Type or in a
<meta>) is decoded with the encoding Scrapy detects: for a page neither ASCII nor UTF-8 that is charset_normalizer
over the whole body, about 2.5 ms, for one real page in 25 of the benchmark's. The cleaning worker decodes every page
itself (`decode_html`) for the cleaners and the listing test, so the crawl's process reads a page for a refresh in
its bytes whenever they can rule one out: in the encoding the page declares, or, where it declares none, in whatever
encoding the detection would pick.

Why the bytes can tell. w3lib reads a refresh only from a <meta> tag whose attributes contain "refresh" (every other
tag is skipped before entities are read), in ASCII letters of any case (`str.lower` turns no other character into
one of those letters). A page is decoded with the encoding it declares (its BOM's first), or, undeclared, with one
of `detectable_encodings()`; in each kind of encoding the word is visible in the bytes:

- the ASCII-compatible encodings (UTF-8, the ISO, Windows, DOS and Mac code pages, the CJK multi-byte encodings)
  write an ASCII letter as its own byte, and no byte between two characters decodes to nothing: the word is in the
  bytes, in ASCII;
- a single-byte code page that puts letters elsewhere (EBCDIC) shows the word in its first 4,096 bytes read
  through its table;
- UTF-16 and UTF-32 write an ASCII letter with a zero byte;
- ISO-2022 and HZ read each byte as one character (an ASCII byte as itself) until an escape or shift (ESC, SO, SI,
  "~"): a page with none in its first 4,096 bytes is an ASCII-compatible one there.

A page whose bytes may spell the word is read as before. So is a page declaring an encoding of none of these kinds,
and every undeclared page if the detection could pick one (an encoding a library upgrade brings):
tests/test_meta_refresh.py checks each kind's claim.
"""

from __future__ import annotations

import codecs
import functools
import string
import sys
from dataclasses import dataclass

from charset_normalizer.constant import IANA_SUPPORTED
from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware
from scrapy.http import HtmlResponse, TextResponse
from w3lib.encoding import resolve_encoding

HEAD_CHARACTERS = 4096  # what Scrapy's get_meta_refresh reads of a page's text: response.text[0:4096]
WORD = b"refresh"
WIDE = frozenset({"utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"})
SHIFTING = frozenset({"hz", "iso2022_jp", "iso2022_jp_1", "iso2022_jp_2", "iso2022_jp_2004", "iso2022_jp_3",
                      "iso2022_jp_ext", "iso2022_kr"})
SHIFTS = (b"\x1b", b"\x0e", b"\x0f", b"~")  # ESC, SO, SI, and HZ's "~{" "~}" "~\n"
# Multi-byte encodings writing ASCII as its own bytes, which no other byte sequence decodes to
MULTI_BYTE = frozenset({"utf-8", "big5hkscs", "cp932", "cp949", "cp950", "euc_jis_2004", "euc_jisx0213", "euc_jp",
                        "gb18030", "johab", "shift_jis_2004", "shift_jisx0213"})
ASCII_LETTERS = frozenset(string.ascii_letters)


def detectable_encodings() -> frozenset[str]:
    """Every encoding Scrapy may decode an HTML page with when its charset is declared nowhere: its default
    (ascii), and whatever its detection (ASCII, UTF-8, then charset_normalizer) answers, named as w3lib's
    `resolve_encoding` names it; UTF-16 and UTF-32 without a BOM in either byte order."""
    names = {resolve_encoding(name) or "ascii" for name in (*IANA_SUPPORTED, "ascii", "utf-8")} | {"ascii"}
    return frozenset(wide for name in names
                     for wide in ((f"{name}-le", f"{name}-be") if name in ("utf-16", "utf-32") else (name,)))


def single_byte_table(encoding: str) -> str | None:
    """The 256 characters a single-byte code page decodes each byte to (ASCII, Latin-1 and Python's charmap codecs),
    or None for any other encoding."""
    if codecs.lookup(encoding).name in ("ascii", "iso8859-1"):
        return bytes(range(256)).decode(encoding, "replace")
    decoder = codecs.lookup(encoding).decode
    table = getattr(sys.modules.get(getattr(decoder, "__module__", "") or ""), "decoding_table", None)
    return table if isinstance(table, str) and len(table) == 256 else None


@dataclass(frozen=True)
class ByteReading:
    """How the bytes of a page show the word in each of some encodings (the one it declares, or every one the
    detection may pick): `tables` translate the first bytes of a page for the code pages that put ASCII letters
    elsewhere; `wide` and `shifting`: some encoding is UTF-16/32, or ISO-2022/HZ; `complete` is False when some
    encoding is of no known kind (then no page is read from its bytes)."""

    tables: tuple[bytes, ...]
    complete: bool
    wide: bool
    shifting: bool

    def may_spell_refresh(self, body: bytes) -> bool:
        if not self.complete:
            return True
        head = body[:HEAD_CHARACTERS]  # in a single-byte or shift-free encoding, one character a byte
        return (WORD in body.lower()  # ASCII-compatible encodings
                or (self.wide and b"\0" in body)  # UTF-16, UTF-32
                or (self.shifting and any(shift in head for shift in SHIFTS))  # ISO-2022, HZ
                or any(WORD in head.translate(table) for table in self.tables))


@functools.cache
def byte_reading() -> ByteReading:
    """The reading of a page of undeclared charset: in every encoding the detection may pick, for the installed
    charset_normalizer and w3lib (computed once a process)."""
    return reading_in(detectable_encodings())


@functools.cache
def reading_in(encodings: frozenset[str]) -> ByteReading:
    """The reading in these encodings (w3lib's names; computed once a process for each set)."""
    tables: set[bytes] = set()
    complete = True
    for encoding in encodings:
        if encoding in WIDE or encoding in SHIFTING or encoding in MULTI_BYTE:
            continue
        table = single_byte_table(encoding)
        if table is None:
            complete = False
            continue
        letters = bytes(ord(character.lower()) if character in ASCII_LETTERS else 0 for character in table)
        if any(letter and letter != ord(chr(byte).lower()) for byte, letter in enumerate(letters)):
            tables.add(letters)  # some ASCII letter is another byte than its own
    return ByteReading(tuple(sorted(tables)), complete, wide=bool(encodings & WIDE),
                       shifting=bool(encodings & SHIFTING))


def declared_encoding(response: TextResponse) -> str | None:
    """The encoding a text response declares (a BOM, its Content-Type's charset, a <meta> or XML declaration), read
    as Scrapy reads it before detecting one: reading it costs no detection."""
    return response._declared_encoding()


def refresh_ruled_out(response) -> bool:
    """An HTML page whose bytes show it declares no <meta> refresh in the encoding Scrapy reads it in (the one it
    declares; where it declares none, whatever encoding Scrapy would detect): its text need not be read (nor its
    encoding detected) for one."""
    if not isinstance(response, HtmlResponse):
        return False
    declared = declared_encoding(response)
    reading = byte_reading() if declared is None else reading_in(frozenset({declared}))
    return not reading.may_spell_refresh(response.body)


class BytesFirstMetaRefreshMiddleware(MetaRefreshMiddleware):
    """Scrapy's MetaRefreshMiddleware (580), which reads no page whose bytes rule a refresh out (`refresh_ruled_out`):
    it would find none in its text, and return the response as it is."""

    def process_response(self, request, response, spider=None):
        if refresh_ruled_out(response):
            return response
        return super().process_response(request, response)
