"""Parsers for the places articles are listed: robots.txt, sitemaps, news sitemaps, RSS/Atom, GDELT.

Pure functions from bytes to `Listing`s; the spider decides what to fetch. XML is parsed without
resolving entities or touching the network (an XXE in a hostile sitemap stays text).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from urllib.parse import urldefrag, urlencode, urljoin

from lxml import etree
from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import sitemap_urls_from_robots


@dataclass(frozen=True)
class Listing:
    url: str
    published: dt.date | None = None  # the date the listing gives, if any: used to skip out-of-window entries
    title: str | None = None


@dataclass(frozen=True)
class SitemapContent:
    is_index: bool
    entries: list[Listing]


class ListingError(ValueError):
    """A sitemap, feed or API answer that could not be read."""


def _xml_root(body: bytes, max_size: int) -> etree._Element:
    if body[:2] == b"\x1f\x8b":
        try:
            body = gunzip(body, max_size=max_size)
        except Exception as exc:  # noqa: BLE001 - scrapy raises several kinds for bad or oversized gzip
            raise ListingError(f"bad or oversized gzip: {exc}") from None
    parser = etree.XMLParser(resolve_entities=False, no_network=True, recover=True, huge_tree=False,
                             remove_comments=True, load_dtd=False)
    try:
        root = etree.fromstring(body.strip(), parser=parser)
    except etree.XMLSyntaxError as exc:
        raise ListingError(f"not XML: {exc}") from None
    if root is None:
        html = re.match(rb"\s*(?:<!doctype html|<html)", body[:512], re.I)
        raise ListingError("an HTML page, not XML" if html else "empty or unreadable XML")
    dtd = root.getroottree().docinfo.internalDTD
    entities = [entity.name for entity in dtd.iterentities()] if dtd is not None else []
    if entities:  # no sitemap or feed needs its own entities; an XXE or "billion laughs" does: none is read
        raise ListingError(f"declares XML entities ({', '.join(entities)}): refused unread")
    if _truncated(body, root):
        raise ListingError(f"truncated XML: no </{etree.QName(root).localname}> at the end")
    return root


def _truncated(body: bytes, root) -> bool:
    """The document ends before its root element's end tag: cut off in transit or by the server. (The parser
    recovers such a document silently, as it recovers an unescaped `&` or a PHP warning after the root, which real
    listings have and which are kept.)"""
    encoding = root.getroottree().docinfo.encoding or "utf-8"
    try:
        tail = body[-65536:].decode(encoding, "replace")
    except LookupError:
        return False
    return not re.search(rf"</(?:[\w.-]+:)?{re.escape(etree.QName(root).localname)}\s*>", tail)


def _local(tag) -> str:
    return etree.QName(tag).localname.lower() if isinstance(tag, str) else ""


def _child_text(el, *names: str) -> str | None:
    """Text of the first descendant with one of these local names (namespaces ignored)."""
    for node in el.iter():
        if _local(node.tag) in names and node.text and node.text.strip():
            return node.text.strip()
    return None


def parse_date(value: str | None) -> dt.date | None:
    """ISO 8601 (also GDELT's 20241025T134500Z) or RFC 822 (RSS) to a date; None when unreadable."""
    if not value:
        return None
    value = value.strip()
    try:
        return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).date()
    except ValueError:
        pass
    try:
        return dt.datetime.strptime(value[:15], "%Y%m%dT%H%M%S").date()
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(value).date()
    except (TypeError, ValueError, IndexError):
        return None


def robots_sitemaps(body: bytes, base_url: str) -> list[str]:
    return list(sitemap_urls_from_robots(body, base_url=base_url))


def parse_sitemap(body: bytes, base_url: str, max_size: int = 0) -> SitemapContent:
    root = _xml_root(body, max_size)
    kind = _local(root.tag)
    if kind not in ("urlset", "sitemapindex"):
        raise ListingError(f"not a sitemap (root element <{kind}>)")
    entries = []
    for entry in root:
        if _local(entry.tag) not in ("url", "sitemap"):
            continue
        loc = next((c.text.strip() for c in entry if _local(c.tag) == "loc" and c.text and c.text.strip()), None)
        if not loc:
            continue
        date = _child_text(entry, "publication_date") or _child_text(entry, "lastmod")
        entries.append(Listing(url=urljoin(base_url, loc), published=parse_date(date), title=_child_text(entry, "title")))
    if kind == "sitemapindex":
        others = [entry for entry in entries if urldefrag(entry.url)[0] != urldefrag(base_url)[0]]
        if entries and not others:
            raise ListingError("sitemap index lists only itself")
        entries = others
    return SitemapContent(is_index=kind == "sitemapindex", entries=entries)


def parse_feed(body: bytes, base_url: str, max_size: int = 0) -> list[Listing]:
    root = _xml_root(body, max_size)
    kind = _local(root.tag)
    if kind == "rss" or kind == "rdf":
        items = [el for el in root.iter() if _local(el.tag) == "item"]
        return [_rss_item(item, base_url) for item in items if _child_text(item, "link")]
    if kind == "feed":
        return [entry for entry in (_atom_entry(e, base_url) for e in root if _local(e.tag) == "entry") if entry]
    raise ListingError(f"not an RSS or Atom feed (root element <{kind}>)")


def _rss_item(item, base_url: str) -> Listing:
    date = _child_text(item, "pubdate", "date", "published", "updated")
    return Listing(url=urljoin(base_url, _child_text(item, "link")), published=parse_date(date),
                   title=_child_text(item, "title"))


def _atom_entry(entry, base_url: str) -> Listing | None:
    links = [c for c in entry if _local(c.tag) == "link" and c.get("href")]
    link = next((c for c in links if c.get("rel", "alternate") == "alternate"), links[0] if links else None)
    if link is None:
        return None
    date = _child_text(entry, "published") or _child_text(entry, "updated")
    return Listing(url=urljoin(base_url, link.get("href")), published=parse_date(date), title=_child_text(entry, "title"))


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
    except ValueError as exc:
        raise ListingError(f"GDELT answer is not JSON: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("articles", []), list):
        raise ListingError("GDELT answer has no `articles` list")
    return [Listing(url=a["url"], published=parse_date(a.get("seendate")), title=a.get("title"))
            for a in data.get("articles", []) if isinstance(a, dict) and isinstance(a.get("url"), str)]
