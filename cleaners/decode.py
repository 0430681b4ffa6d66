"""`decode_html(body, content_type) -> str`: a page's text, whatever charset it declares or sends.

In order:

1. A byte order mark: it cannot be there by accident, so it wins over any declaration.
2. The HTTP header's charset, then the page's own `<meta charset>` / `http-equiv` declaration, each only
   if the bytes decode strictly under it. A page declaring utf-8 but sending cp1251 fails that test and
   falls through to detection rather than becoming replacement characters. Two refinements, because a
   strict decode proves little for a legacy declaration:
   - bytes that are valid UTF-8 and not pure ASCII are UTF-8 whatever the declaration says (a server's
     default "ISO-8859-1" in front of a UTF-8 page is the commonest lie; legacy text is practically
     never valid UTF-8, see `_strict`);
   - a single-byte code page (cp1251, koi8-r, windows-1252...) decodes any byte, so "strictly" accepts
     every page: the declaration is kept unless detection finds its text clearly garbled (koi8-r bytes
     read as cp1251 turn Russian into "йТЛХФУЛПК ПВМБУФЙ").
3. Undeclared, or every declaration failed: UTF-8 if the bytes decode strictly; UTF-8 with replacement
   characters if most of the non-ASCII text is valid UTF-8 (a UTF-8 page with a few stray legacy bytes
   in a footer); otherwise detection (charset_normalizer) over the page's text without its markup.
4. UTF-8 with replacement characters: never an exception, whatever the bytes.

The common case costs one header parse and one strict decode: a page declared (or undeclared and valid)
UTF-8 never reaches detection, which runs only for legacy or broken pages.

Encoding names follow w3lib (and through it the WHATWG Encoding Standard): "latin-1" and "ascii" mean
windows-1252, "shift_jis" means cp932, "gb2312" means gb18030.
"""

from __future__ import annotations

import re
from functools import lru_cache

from charset_normalizer import from_bytes
from w3lib.encoding import (
    html_body_declared_encoding,
    http_content_type_encoding,
    read_bom,
    resolve_encoding,
    to_unicode,
)

from .markup import visible_markup, without_tags

# The encodings a browser can decode (the WHATWG Encoding Standard's), most used on the web first
# (W3Techs' charset survey). Detection chooses among these only: no page is served in cp037 or
# mac_iceland, and a shorter list is faster. Among near-equal candidates the earlier one wins: an
# Icelandic page scores the same in windows-1252, -1250 and -1257 (charset_normalizer has no Icelandic
# model to tell "ð" from "đ"), and windows-1252 is by far the likelier. Mac Roman is left out: it scores as
# well as windows-1252 on Western text whose only non-ASCII letters are a few accents and quotes, and reads them
# wrong ("März" as "M‰rz", "don’t" as "donít"); of 3,112 benchmark pages it was picked for 11, and windows-1252
# reads 9 of them right (the other two read wrong either way). A declared Mac Roman page is still read as declared.
WEB_ENCODINGS = (
    "utf_8", "cp1252", "cp1251", "shift_jis", "euc_jp", "euc_kr", "gb18030", "cp1250", "iso8859_2", "big5",
    "cp1254", "cp874", "iso8859_15", "cp1256", "koi8_r", "cp1253", "iso8859_7", "cp1255", "iso8859_8",
    "cp1257", "cp1258", "koi8_u", "cp866", "mac_cyrillic", "iso8859_5", "iso8859_4", "iso8859_13",
    "iso8859_16", "iso2022_jp",
)
# charset_normalizer's own margins for "as good as": mess ratios within half a percent, coherence
# (how well the letters' frequencies fit a language) within two percent.
NEAR_CHAOS = 0.005
NEAR_COHERENCE = 0.02
# A declared single-byte code page yields to detection only when its text is clearly messier than the
# best candidate's: coherence alone never overrides a declaration (it is noisy on short texts and knows
# no Icelandic), a garbled case pattern does (wrong Cyrillic code pages score 0.1 or more here).
CLEARLY_MESSIER = 0.01
# Detection reads at most this much of the page's text: enough for any article, and bounded time.
SAMPLE_BYTES = 64 * 1024
# Markup is ASCII in every candidate encoding, so it tells detection nothing and dilutes what does: a
# real page is often 90 % scripts and styles, and charset_normalizer samples only a few chunks of what it
# is given. Detection reads the text between tags (`markup.py`, which works on the bytes, so before any
# encoding is chosen).
SPACES = re.compile(rb"\s+")


def decode_html(body: bytes, content_type: str | None = None) -> str:
    """The page's text: see the module docstring for the order of evidence."""
    bom_encoding, bom = read_bom(body)
    if bom_encoding is not None and bom is not None:
        return to_unicode(body[len(bom):], bom_encoding)
    for encoding in _declared(body, content_type):
        if encoding != "utf-8" and not body.isascii() and _ascii_compatible(encoding):
            text = _strict(body, "utf-8")
            if text is not None:
                return text
        text = _strict(body, encoding)
        if text is None:
            continue
        if _single_byte(encoding) and not body.isascii():
            detected = _detect(body, declared=encoding)
            if detected is not None and detected != encoding:
                return _decode(body, detected)
        return text
    return _undeclared(body)


def _declared(body: bytes, content_type: str | None):
    """The header's encoding, then the page's: lazily, so a page whose header holds never has its <meta>
    scanned. UTF-16 follows the WHATWG rules: a header's "utf-16" is little-endian; a <meta> declaring
    UTF-16 in a page whose bytes were readable as ASCII is wrong by construction and means UTF-8. Any
    even number of bytes decodes "strictly" as UTF-16, so a UTF-16 header is believed only if the page
    has the NUL bytes its ASCII markup would have in UTF-16."""
    header = http_content_type_encoding(content_type)
    if header in ("utf-16", "utf-32"):
        header += "-le"
    if header is not None and header.startswith(("utf-16", "utf-32")) and b"\0" not in body[:1024]:
        header = None
    if header is not None:
        yield header
    meta = html_body_declared_encoding(body)
    if meta is not None and meta != header:
        yield "utf-8" if meta.startswith(("utf-16", "utf-32")) else meta


def _undeclared(body: bytes) -> str:
    text = _strict(body, "utf-8")
    if text is not None:
        return text
    replaced = body.decode("utf-8", "replace")
    invalid = replaced.count("\ufffd")
    valid = len(replaced) - len(replaced.encode("ascii", "ignore")) - invalid
    if valid > invalid:
        # Mostly UTF-8: in a legacy page nearly every non-ASCII byte is an invalid sequence, so valid ones
        # outnumbering invalid ones means stray bytes in a UTF-8 page, and only they are replaced.
        return replaced
    detected = _detect(body)
    if detected is not None:
        return _decode(body, detected)
    return replaced


def _strict(body: bytes, encoding: str) -> str | None:
    """The text if every byte is valid in `encoding`. UTF-8 is a strong test: a legacy letter (0xC0-0xFF in
    cp1251, cp1252, koi8-r) followed by another letter or by ASCII is an invalid sequence, so real legacy
    text fails at its first accented or Cyrillic word, which is also why a failure costs little."""
    try:
        return body.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _decode(body: bytes, encoding: str) -> str:
    text = _strict(body, encoding)
    return text if text is not None else to_unicode(body, encoding)


@lru_cache(maxsize=64)
def _ascii_compatible(encoding: str) -> bool:
    return "<p>".encode(encoding, "ignore") == b"<p>" if _known(encoding) else False


@lru_cache(maxsize=64)
def _single_byte(encoding: str) -> bool:
    """Every byte is a character of its own: cp1251, koi8-r, iso-8859-x, windows-125x, mac_*."""
    if not _known(encoding) or encoding == "utf-8":
        return False
    return len(bytes(range(128, 256)).decode(encoding, "replace")) == 128 and _ascii_compatible(encoding)


def _known(encoding: str) -> bool:
    try:
        "".encode(encoding)
    except LookupError:
        return False
    return True


def _detect(body: bytes, declared: str | None = None) -> str | None:
    """The encoding detection prefers (w3lib's name for it), or None when nothing fits.

    charset_normalizer decodes the text under each candidate encoding and ranks the results by "mess"
    (implausible character sequences) and then "coherence" (letter frequencies against its language
    models). That is what tells the two Cyrillic code pages apart, which share no byte order: cp1251 puts
    А-Я at 0xC0-0xDF and а-я at 0xE0-0xFF, koi8-r the lowercase at 0xC0-0xDF and the capitals above, in
    another order. Read in the wrong one, running Russian or Ukrainian text comes out in the other case, a
    capital in mid-word after a lowercase initial ("йТЛХФУЛПК"), which the mess detector counts: the wrong
    reading scores a mess of 0.1 or more, the right one 0.0, and the right one's letter frequencies also
    match Russian (о, е, а, и, н...) where the wrong one's do not. A few hundred words settle it; a page
    with only a few Cyrillic words may not.

    With `declared`, that encoding is kept unless it is clearly messier than the best candidate.
    """
    sample = SPACES.sub(b" ", without_tags(visible_markup(body)))[:SAMPLE_BYTES]
    if sample.isascii():  # the non-ASCII bytes are all in attributes or scripts: judge those
        sample = body[:4 * SAMPLE_BYTES]
    ranked = []
    candidates = [*WEB_ENCODINGS, declared] if declared is not None else list(WEB_ENCODINGS)
    for match in from_bytes(sample, cp_isolation=candidates, preemptive_behaviour=False):
        # charset_normalizer reports encodings that decode the sample alike as one match: the declared one may be
        # among them under another's name (windows-1252's curly quotes are windows-1250's too)
        for label in match.could_be_from_charset:
            name = resolve_encoding(label)
            if name is not None:
                ranked.append((name, match.chaos, match.coherence))
    if not ranked:
        return None
    _, best_chaos, best_coherence = ranked[0]
    if declared is not None:
        mine = next((r for r in ranked if r[0] == declared), None)
        if mine is not None and mine[1] - best_chaos < CLEARLY_MESSIER:
            return declared
    near = [r[0] for r in ranked
            if r[1] - best_chaos <= NEAR_CHAOS and best_coherence - r[2] <= NEAR_COHERENCE]
    return min(near, key=_preference)


@lru_cache(maxsize=1)
def _preference_ranks() -> dict[str, int]:
    ranks: dict[str, int] = {}
    for rank, label in enumerate(WEB_ENCODINGS):
        name = resolve_encoding(label)
        if name is not None:
            ranks.setdefault(name, rank)
    return ranks


def _preference(encoding: str) -> int:
    return _preference_ranks().get(encoding, len(WEB_ENCODINGS))
