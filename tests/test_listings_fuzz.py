"""The listing parsers under hostile input: whatever the bytes, they return listings or raise `ListingError`,
never anything else (a crash would lose the listing without a reason in the report).

Generated documents mix what the parsers act on (sitemap, feed and JSON Feed structure, namespace prefixes
declared or not, raw ampersands, entities, CDATA, DOCTYPEs, dates, gzip, cuts at any byte) with random text."""

from __future__ import annotations

import gzip
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crawler.discovery import ListingError, SitemapContent, parse_feed, parse_gdelt, parse_sitemap, robots_sitemaps

BASE = "http://127.0.0.1:1/listing.xml"
TAGS = ["urlset", "sitemapindex", "url", "sitemap", "loc", "lastmod", "news:news", "news:publication_date",
        "news:title", "image:image", "rss", "channel", "item", "link", "guid", "pubDate", "title", "feed", "entry",
        "published", "updated", "dcterms:issued", "itunes:subtitle", "rdf:RDF", "image", "enclosure", "id"]
ATTRIBUTES = ['', ' xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"', ' xmlns="http://www.w3.org/2005/Atom"',
              ' xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"', ' rel="self" href="/s"',
              ' rel="alternate" href="a?b=1&c=2"', ' href="http://[bad"', ' isPermaLink="false"', ' version="2.0"',
              ' xml:base="http://other.example/x/"', ' xml:base="::"', ' href="javascript:alert(1)"']
TEXTS = ["http://127.0.0.1:1/a?id=1&page=2", "/relative/path", "http://[::1", "&eacute;", "&amp;", "&#0;", "&#x110000;",
         "&undefined;", "<![CDATA[ a & b ]]>", "Fri, 25 Oct 2024 09:44:00 +0200", "25 октября 2024", "2024-13-45",
         "9999-12-31T23:59:59-23:59", "0000-00-00", "<!-- c -->", "<?php echo 1 ?>", "javascript:x", "mailto:a@b"]
DOCTYPES = ["", '<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" "http://x/rss.dtd">',
            '<!DOCTYPE u [<!ENTITY x "y">]>', '<!DOCTYPE u [<!ENTITY % p SYSTEM "http://127.0.0.1:9/p">%p;]>']

text = st.one_of(st.text(max_size=60), st.sampled_from(TEXTS))


def element(depth: int = 0):
    leaf = text
    if depth >= 4:
        return leaf
    return st.one_of(leaf, st.builds(lambda tag, attrs, children, close: f"<{tag}{attrs}>{''.join(children)}"
                                     + (f"</{tag}>" if close else ""),
                                     st.sampled_from(TAGS), st.sampled_from(ATTRIBUTES),
                                     st.lists(st.deferred(lambda: element(depth + 1)), max_size=4), st.booleans()))


SKELETONS = {  # root, entry element, the entry's fields
    "sitemap": ('<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"{ns}>', "</urlset>", "url",
                ["loc", "lastmod", "news:news", "news:publication_date", "news:title", "image:image"]),
    "index": ('<sitemapindex{ns}>', "</sitemapindex>", "sitemap", ["loc", "lastmod"]),
    "rss": ('<rss version="2.0"{ns}><channel><title>t</title>', "</channel></rss>", "item",
            ["link", "guid", "pubDate", "title", "image", "dcterms:issued", "itunes:subtitle", "enclosure"]),
    "atom": ('<feed xmlns="http://www.w3.org/2005/Atom"{ns}>', "</feed>", "entry",
             ["link", "id", "published", "updated", "title", "issued", "modified"]),
}
NAMESPACES = ["", ' xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"', ' xml:base="http://other.example/x/"',
              ' xmlns:dcterms="http://purl.org/dc/terms/"']


@st.composite
def fields(draw, names: list[str]) -> str:
    parts = []
    for _ in range(draw(st.integers(0, 5))):
        if draw(st.integers(0, 4)) == 0:
            parts.append(draw(element(2)))
            continue
        name = draw(st.sampled_from(names))
        parts.append(f"<{name}{draw(st.sampled_from(ATTRIBUTES))}>{draw(text)}</{name}>")
    return "".join(parts)


@st.composite
def xml_documents(draw) -> bytes:
    declaration = draw(st.sampled_from(["", "", "", '<?xml version="1.0" encoding="UTF-8"?>', '<?xml version="1.0" encoding="koi8-r"?>',
                                        '<?xml version="1.0" encoding="nonsense"?>', '<?xml version="1.0" encoding="UTF-16"?>']))
    if draw(st.integers(0, 4)) == 0:
        document = draw(element())
    else:
        start, end, entry, names = SKELETONS[draw(st.sampled_from(sorted(SKELETONS)))]
        entries = draw(st.lists(fields(names), max_size=6))
        document = (start.format(ns=draw(st.sampled_from(NAMESPACES))) + "".join(f"<{entry}>{e}</{entry}>" for e in entries)
                    + end + draw(st.sampled_from(["", "\n<!-- cached -->", "<b>Warning</b>: x on line 3"])))
    doctype = draw(st.sampled_from(DOCTYPES)) if draw(st.integers(0, 4)) == 0 else ""
    body = (declaration + doctype + document).encode("utf-8", "surrogatepass")
    cut = draw(st.one_of(st.none(), st.none(), st.integers(0, max(len(body), 1))))
    body = body if cut is None else body[:cut]
    return gzip.compress(body) if draw(st.integers(0, 9)) == 0 else body


json_values = st.recursive(st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=30), st.sampled_from(TEXTS)),
                           lambda children: st.one_of(st.lists(children, max_size=4),
                                                      st.dictionaries(st.sampled_from(["version", "items", "url", "id",
                                                                                       "date_published", "title", "articles",
                                                                                       "seendate"]), children, max_size=5)),
                           max_leaves=20)


@st.composite
def json_documents(draw) -> bytes:
    value = draw(json_values)
    if isinstance(value, dict) and draw(st.booleans()):
        value["version"] = "https://jsonfeed.org/version/1.1"
    return json.dumps(value).encode()


def is_web_or_other_scheme(url: str) -> bool:
    """An http(s) URL, or one written with another scheme (`file:`), left for the spider to refuse (`bad_url`)."""
    return url.startswith(("http://", "https://")) or url.split(":", 1)[0].lower() not in ("http", "https", url)


listings = st.one_of(xml_documents(), json_documents(), st.binary(max_size=300),
                     st.text(max_size=300).map(lambda t: t.encode("utf-8", "surrogatepass")))
fuzz = settings(max_examples=300, deadline=5000, suppress_health_check=[HealthCheck.too_slow])


@fuzz
@given(listings)
def test_a_sitemap_parser_raises_nothing_but_listing_error(body):
    try:
        content = parse_sitemap(body, BASE, max_size=1 << 20)
    except ListingError:
        return
    assert isinstance(content, SitemapContent)
    assert all(is_web_or_other_scheme(entry.url) for entry in content.entries)


@fuzz
@given(listings)
def test_the_feed_parser_raises_nothing_but_listing_error(body):
    try:
        entries = parse_feed(body, BASE, max_size=1 << 20)
    except ListingError:
        return
    assert all(is_web_or_other_scheme(entry.url) for entry in entries)


@fuzz
@given(listings)
def test_the_gdelt_parser_raises_nothing_but_listing_error(body):
    try:
        parse_gdelt(body)
    except ListingError:
        pass


@fuzz
@given(listings)
def test_robots_txt_never_raises(body):
    assert all(is_web_or_other_scheme(url) for url in robots_sitemaps(body, BASE))
