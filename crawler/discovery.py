"""Parsers for the places articles are listed: robots.txt, sitemaps (XML and text), news sitemaps, RSS/Atom/RDF
feeds (feedparser), JSON Feed, GDELT.

Pure functions from bytes to `Listing`s; the spider decides what to fetch. They raise nothing but `ListingError`.
XML is parsed without resolving entities or touching the network, and a document declaring entities (an XXE, a
"billion laughs") is refused before any parser reads it. Dates are read by cleaners/dates.py.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from dataclasses import dataclass
from html.entities import html5 as html5_entities
from urllib.parse import urldefrag, urlencode, urljoin

import feedparser
from lxml import etree
from scrapy.utils.gz import gunzip

from cleaners.dates import parse_day

from .urls import WEB_SCHEMES, is_web_url


@dataclass(frozen=True)
class Listing:
    url: str
    published: dt.date | None = None  # the date the listing gives, if any: used to skip out-of-window entries
    title: str | None = None


@dataclass(frozen=True)
class SitemapContent:
    is_index: bool
    entries: list[Listing]
    truncated: bool = False  # the document was cut off: `entries` are its complete ones


class ListingError(ValueError):
    """A sitemap, feed or API answer that could not be read."""


FEED_ROOTS = ("rss", "rdf", "feed", "channel")
SITEMAP_ROOTS = ("urlset", "sitemapindex")
HTML_TYPES = ("text/html", "application/xhtml+xml")
# What feedparser needs of an item or entry: its links (`guid`/`id` for a permalink), dates (RSS, Atom 0.3 and 1.0,
# Dublin Core and DC terms by local name) and title.
ENTRY_FIELDS = {"link", "guid", "id", "title", "pubdate", "published", "updated", "issued", "modified", "created",
                "date"}
SITEMAP_LINE = re.compile(r"^[ \t]*site-?maps?[ \t]*:[ \t]*(\S+)", re.I | re.M)  # "Sitemap:", also "Site-map:"
# A reference that is no XML reference (a raw `&` in a URL: `?id=1&page=2`), or one to an HTML entity XML does not
# define (`&eacute;`): the parser's recovery would drop it and the text after it. CDATA sections stay as they are.
REFERENCE = re.compile(rb"<!\[CDATA\[.*?(?:\]\]>|$)|&(#[0-9]+;|#[xX][0-9a-fA-F]+;|[A-Za-z_][\w.-]{0,40};)?", re.S)
XML_ENTITIES = {b"amp;", b"lt;", b"gt;", b"quot;", b"apos;"}


def _unzipped(body: bytes, max_size: int) -> bytes:
    """The body, gunzipped if gzipped, within the size limit (a gzip bomb stops at it)."""
    if body[:2] == b"\x1f\x8b":
        try:
            body = gunzip(body, max_size=max_size)
        except Exception as exc:  # scrapy raises several kinds for bad or oversized gzip
            raise ListingError(f"bad or oversized gzip: {exc}") from None
    if max_size and len(body) > max_size:
        raise ListingError(f"larger than the limit of {max_size} bytes")
    return body


def _escaped_references(body: bytes) -> bytes:
    """A raw `&` becomes `&amp;` and an HTML entity its character reference, so no URL or title is cut. Declared
    entities are not touched here: a document declaring any is refused after parsing (see _xml_root)."""
    if b"&" not in body or b"\x00" in body[:4] or body[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return body  # UTF-16 and -32 are left to the parser: a byte-wise rewrite would break them

    def fix(match: re.Match) -> bytes:
        whole, reference = match.group(0), match.group(1)
        if whole[:1] == b"<" or (reference and reference in XML_ENTITIES):
            return whole
        if reference and reference[:1] == b"#":  # a character reference to no character is text, as written
            return whole if _xml_character(reference) else b"&amp;" + reference
        if reference is None:
            return b"&amp;"
        character = html5_entities.get(reference.decode("ascii", "replace"))
        if character is None:
            return b"&amp;" + reference  # unknown: kept as written
        return "".join(f"&#{ord(c)};" for c in character).encode("ascii")

    return REFERENCE.sub(fix, body)


def _xml_character(reference: bytes) -> bool:
    """`#233;` or `#xE9;` names a character XML allows."""
    digits = reference[1:-1]
    code = int(digits[1:], 16) if digits[:1] in (b"x", b"X") else int(digits)
    return code in (0x9, 0xA, 0xD) or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD or 0x10000 <= code <= 0x10FFFF


def _xml_root(body: bytes) -> tuple[etree._Element, bool]:
    """The root element and whether the document was cut off before its end."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, recover=True, huge_tree=False,
                             remove_comments=True, load_dtd=False)
    try:
        root = etree.fromstring(_escaped_references(body.strip()), parser=parser)
    except etree.XMLSyntaxError as exc:
        raise ListingError(f"not XML: {exc}") from None
    except ValueError as exc:  # lxml refuses some inputs before parsing (an encoding declaration it cannot use)
        raise ListingError(f"not XML: {exc}") from None
    if root is None:
        html = re.match(rb"\s*(?:<!doctype html|<html)", body[:512], re.I)
        raise ListingError("an HTML page, not XML" if html else "empty or unreadable XML")
    dtd = root.getroottree().docinfo.internalDTD
    entities = [entity.name for entity in dtd.iterentities()] if dtd is not None else []
    if entities:  # no sitemap or feed needs its own entities; an XXE or "billion laughs" does: none is read
        raise ListingError(f"declares XML entities ({', '.join(map(str, entities))}): refused unread")
    return root, _truncated(body, root)


def _text_of(body: bytes, root) -> str:
    encoding = root.getroottree().docinfo.encoding or "utf-8"
    try:
        return body.decode(encoding, "replace")
    except LookupError:
        return body.decode("utf-8", "replace")


def _truncated(body: bytes, root) -> bool:
    """The document ends before its root element's end tag: cut off in transit or by the server. (The parser
    recovers such a document silently, as it recovers a PHP warning after the root, which real listings have and
    which is kept.)"""
    tail = _text_of(body[-65536:], root)
    return not re.search(rf"</(?:[\w.-]+:)?{re.escape(_name(root.tag))}\s*>", tail)


def _complete_count(body: bytes, root, names: tuple[str, ...]) -> int:
    """How many elements of these names a cut-off document closes: the complete ones (they come first)."""
    return len(re.findall(rf"</(?:[\w.-]+:)?(?:{'|'.join(names)})\s*>", _text_of(body, root), re.I))


def _name(tag) -> str:
    """An element's local name, also when its prefix was never declared (`news:news`, `itunes:subtitle`: the
    parser keeps such a name whole)."""
    return tag.rpartition("}")[2].rpartition(":")[2] if isinstance(tag, str) else ""


def _local(tag) -> str:
    return _name(tag).lower()


def _child_text(el, *names: str) -> str | None:
    """Text of the first descendant with one of these local names (namespaces ignored)."""
    for node in el.iter():
        if _local(node.tag) in names and node.text and node.text.strip():
            return node.text.strip()
    return None


def _web_url(base_url: str, href) -> str | None:
    """`href` made absolute against `base_url`, if that is an http(s) URL (a `mailto:`, `javascript:` or broken
    URL is no article)."""
    if not isinstance(href, str) or not href.strip():
        return None
    href = href.strip()
    try:
        url = href if href[:8].lower().startswith(("http://", "https://")) else urljoin(base_url, href)
        return url if is_web_url(url) else None
    except ValueError:  # e.g. a broken IPv6 host: "http://[x/"
        return None


def _listed_url(base_url: str, href) -> str | None:
    """An entry's URL as `_web_url` gives it, or, written with another scheme (`file:`, `data:`, `ftp:`), as
    written: the spider decides such an entry (`bad_url`, with its reason) rather than the listing losing it."""
    url = _web_url(base_url, href)
    if url or not isinstance(href, str):
        return url
    scheme = href.strip().split(":", 1)[0].lower() if ":" in href else ""
    return href.strip() if scheme.isalpha() and scheme not in WEB_SCHEMES and len(scheme) > 1 else None


def _title(value) -> str | None:
    if not isinstance(value, str):
        return None
    return " ".join(value.split()) or None


def robots_sitemaps(body: bytes, base_url: str) -> list[str]:
    """The `Sitemap:` lines of a robots.txt (also spelled `Site-map:`), as absolute URLs (another scheme as
    written: the spider records it as a source error)."""
    text = body.decode("utf-8-sig", "replace")  # a byte order mark would hide the first line
    urls = (_listed_url(base_url, match.group(1)) for match in SITEMAP_LINE.finditer(text))
    return list(dict.fromkeys(url for url in urls if url))


def parse_sitemap(body: bytes, base_url: str, max_size: int = 0) -> SitemapContent:
    """An XML sitemap or sitemap index (also gzipped, also with undeclared namespace prefixes), or a plain-text
    sitemap (one URL a line). A cut-off XML sitemap gives its complete entries, marked `truncated`."""
    body = _unzipped(body, max_size)
    start = body.lstrip(b"\xef\xbb\xbf \t\r\n")
    if start and not start.startswith(b"<") and b"\x00" not in start[:4]:
        return _text_sitemap(body, base_url)
    root, truncated = _xml_root(body)
    kind = _local(root.tag)
    if kind in FEED_ROOTS:  # a feed named as a sitemap (search engines accept RSS and Atom as sitemaps)
        return SitemapContent(is_index=False, entries=_xml_feed(root, truncated, base_url))
    if kind not in SITEMAP_ROOTS:
        raise ListingError(f"not a sitemap (root element <{kind}>)")
    elements = [entry for entry in root if _local(entry.tag) in ("url", "sitemap")]
    if truncated:
        elements = elements[:_complete_count(body, root, ("url", "sitemap"))]
        if not elements:
            raise ListingError(f"truncated XML: no </{_name(root.tag)}> at the end, and no complete entry")
    entries = [entry for entry in map(lambda element: _sitemap_entry(element, base_url), elements) if entry]
    if kind == "sitemapindex":
        others = [entry for entry in entries if urldefrag(entry.url)[0] != urldefrag(base_url)[0]]
        if entries and not others:
            raise ListingError("sitemap index lists only itself")
        entries = others
    return SitemapContent(is_index=kind == "sitemapindex", entries=entries, truncated=truncated)


def _sitemap_entry(element, base_url: str) -> Listing | None:
    loc = next((c.text for c in element if _local(c.tag) == "loc" and c.text and c.text.strip()), None)
    url = _listed_url(base_url, loc)
    if not url:
        return None
    date = _child_text(element, "publication_date") or _child_text(element, "lastmod")
    return Listing(url=url, published=parse_day(date), title=_title(_child_text(element, "title")))


def _text_sitemap(body: bytes, base_url: str) -> SitemapContent:
    """The sitemaps protocol's text form: one absolute URL a line, UTF-8."""
    lines = body.decode("utf-8", "replace").splitlines()
    urls = [url for url in (_web_url(base_url, line) for line in lines if re.match(r"\s*https?://\S+\s*$", line, re.I))
            if url]
    if not urls:
        raise ListingError("unreadable XML, and no line is a URL (as in a text sitemap)")
    return SitemapContent(is_index=False, entries=[Listing(url) for url in dict.fromkeys(urls)])


def parse_feed(body: bytes, base_url: str, max_size: int = 0) -> list[Listing]:
    """RSS (0.9x, 1.0, 2.0), Atom (0.3, 1.0) through feedparser, and JSON Feed.

    The project's guards go first: size limit, gzip bomb, declared entities (XXE, "billion laughs") refused
    unread, a cut-off document refused. feedparser gets the body as a stream: given a string or bytes it may take
    them for a file name or a URL and open that."""
    body = _unzipped(body, max_size)
    if body.lstrip(b"\xef\xbb\xbf \t\r\n").startswith((b"{", b"[")):
        return _json_feed(body, base_url)
    root, truncated = _xml_root(body)
    return _xml_feed(root, truncated, base_url)


def _xml_feed(root, truncated: bool, base_url: str) -> list[Listing]:
    kind = _local(root.tag)
    if kind not in FEED_ROOTS:
        raise ListingError(f"not an RSS or Atom feed (root element <{kind}>)")
    if truncated:
        raise ListingError(f"truncated XML: no </{_name(root.tag)}> at the end")
    elsewhere = _other_scheme_entries(root, base_url)
    try:
        # No base URL given to feedparser (with one it joins a URL at every element: most of its time); its links
        # are absolute or relative to the feed's own xml:base, and made absolute against the feed's URL here.
        parsed = feedparser.parse(io.BytesIO(_entries_skeleton(root)), sanitize_html=False, resolve_relative_uris=False)
    except Exception as exc:  # a bug of the library on one feed must cost that feed only
        raise ListingError(f"feedparser failed: {type(exc).__name__}: {exc}") from None
    return [listing for listing in map(lambda entry: _feed_entry(entry, base_url), parsed.entries) if listing] + elsewhere


def _other_scheme_entries(root, base_url: str) -> list[Listing]:
    """Items linking with another scheme (`file:`, `data:`): feedparser drops such links as unsafe, and the item
    with them; they are kept here for the spider to decide, with its reason (`bad_url`)."""
    hrefs = (link.get("href") or link.text for entry in root.iter("{*}item", "{*}entry") for link in entry
             if isinstance(link.tag, str) and _local(link.tag) == "link")
    return [Listing(url) for url in (_listed_url(base_url, href) for href in hrefs)
            if url and not url.lower().startswith(("http://", "https://"))]


def _entries_skeleton(root) -> bytes:
    """The feed with each item or entry reduced to the elements that say where, when and what it is. A feed's
    descriptions, full texts, categories and media are most of its bytes and of feedparser's time (per element),
    and none of them locates an article: without them a 2,000-item feed is read about twice as fast. (Each item's
    own `<image>` goes too, so its link cannot be taken for the item's.)"""
    for entry in list(root.iter("{*}item", "{*}entry")):
        children = [(child, _local(child.tag)) for child in entry]
        links = [child for child, name in children if name == "link" and _says_where(child)]
        for child, name in children:
            # feedparser's time goes by element: a <guid> or <id> counts only as the permalink of an unlinked item.
            # An empty <link> goes too: feedparser would take it over the permalink.
            if (name not in ENTRY_FIELDS or (links and name in ("guid", "id"))
                    or (name == "link" and child not in links)):
                entry.remove(child)
    return etree.tostring(root, encoding="utf-8", xml_declaration=True)  # the element: no DOCTYPE reaches feedparser


def _says_where(link) -> bool:
    return bool((link.text or "").strip() or link.get("href"))


def _first_alternate(entry) -> str | None:
    """The first of an Atom entry's alternate HTML links (feedparser's `link` is the last: an entry with two,
    one without `rel`, the other `rel="alternate"` with a query, names its article by the first)."""
    for link in dict.get(entry, "links", ()):  # dict.get: feedparser's own get costs a key mapping every call
        if link.get("rel", "alternate") == "alternate" and link.get("type", "text/html") in HTML_TYPES and link.get("href"):
            return link["href"]
    return None


def _feed_entry(entry, base_url: str) -> Listing | None:
    """feedparser's `link`: the item's own `<link>` (never an `<image>`'s), an Atom entry's alternate link (never
    `self` or an enclosure), else an RSS `<guid>` that is a permalink; resolved against xml:base."""
    url = _listed_url(base_url, _first_alternate(entry) or dict.get(entry, "link"))
    if not url:
        return None
    # The stated string, not feedparser's UTC struct: the entry's day is the day in the feed's own zone.
    # dict.get: feedparser's own get maps a missing `updated` to `published`, with a deprecation warning.
    stated = dict.get(entry, "published") or dict.get(entry, "updated") or dict.get(entry, "created")
    return Listing(url=url, published=parse_day(stated), title=_title(dict.get(entry, "title")))


def _json_feed(body: bytes, base_url: str) -> list[Listing]:
    """JSON Feed 1.0/1.1 (jsonfeed.org): each item's `url`, else an `id` that is a URL."""
    try:
        data = json.loads(body.decode("utf-8-sig", "replace"))
    except (ValueError, RecursionError) as exc:
        raise ListingError(f"JSON feed is not JSON: {exc}") from None
    if not isinstance(data, dict) or not str(data.get("version", "")).startswith("https://jsonfeed.org/version/"):
        raise ListingError("JSON, but not a JSON Feed (no jsonfeed.org version)")
    items = data.get("items")
    if not isinstance(items, list):
        raise ListingError("JSON Feed has no `items` list")
    entries = []
    for item in items:
        if not isinstance(item, dict):
            continue
        url = _listed_url(base_url, item.get("url")) or _web_url(base_url, item.get("id"))
        if url:
            stated = item.get("date_published") or item.get("date_modified")
            entries.append(Listing(url=url, published=parse_day(stated), title=_title(item.get("title"))))
    return entries


def gdelt_request_url(endpoint: str, query: str, since: dt.date | None, until: dt.date | None, max_records: int) -> str:
    params = {"query": query, "mode": "artlist", "format": "json", "maxrecords": str(max_records), "sort": "datedesc"}
    if since:
        params["startdatetime"] = since.strftime("%Y%m%d000000")
    if until:
        params["enddatetime"] = until.strftime("%Y%m%d235959")
    return f"{endpoint}?{urlencode(params)}"


def parse_gdelt(body: bytes) -> list[Listing]:
    try:
        data = json.loads(body.decode("utf-8", "replace") or "{}")
    except (ValueError, RecursionError) as exc:
        raise ListingError(f"GDELT answer is not JSON: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("articles", []), list):
        raise ListingError("GDELT answer has no `articles` list")
    return [Listing(url=a["url"], published=parse_day(a.get("seendate")), title=_title(a.get("title")))
            for a in data.get("articles", []) if isinstance(a, dict) and isinstance(a.get("url"), str)]
