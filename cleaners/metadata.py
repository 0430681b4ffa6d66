"""Page metadata from JSON-LD, OpenGraph and meta tags, with htmldate as the date fallback.

The published date is read by cleaners/dates.py (the one date reader of the cleaners and the crawl) and given
as ISO 8601: "October 25, 2022" in a meta tag is 2022-10-25.

Read before pruning: pruning removes the `<script>` and `<meta>` elements this needs.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from urllib.parse import urljoin

from htmldate import find_date
from lxml.etree import XPath
from lxml.html import HtmlElement

from .dates import iso_date
from .language import filed_language

ARTICLE_TYPES = {"article", "newsarticle", "reportagenewsarticle", "analysisnewsarticle", "blogposting",
                 "opinionnewsarticle", "backgroundnewsarticle", "socialmediaposting", "liveblogposting"}
# Short text lines naming a year: "Published on 26 October 2024." (scripts and styles aside).
DATE_LINES = XPath("//text()[not(parent::script or parent::style)][string-length(normalize-space(.)) <= 80]"
                   "[contains(., '19') or contains(., '20')]", smart_strings=False)
TITLE_SEPARATORS = re.compile(r"\s+[|–—·:-]\s+")


@dataclass
class PageMetadata:
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    published: str | None = None  # ISO 8601
    published_from: str = "unknown"  # "metadata" (declared by the page), "page" (htmldate found it), "unknown"
    modified: str | None = None
    language: str | None = None
    sitename: str | None = None
    description: str | None = None
    descriptions: list[str] = field(default_factory=list)  # every declared description: a dek may repeat any
    canonical_url: str | None = None
    amp_url: str | None = None  # the page's declared AMP copy (<link rel="amphtml">)
    page_type: str | None = None
    credited: list[str] = field(default_factory=list)  # the authors and JSON-LD's creators: names a byline may show
    headlines: list[str] = field(default_factory=list)  # every declared headline and the <h1>s: the body may repeat any


def read_metadata(tree: HtmlElement, url: str | None) -> PageMetadata:
    meta = _meta_tags(tree)
    ld = _json_ld_article(tree)
    sitename = _first(meta.get("og:site_name"), _name(ld.get("publisher")))
    declared = (_first(_text(ld.get("datePublished")), meta.get("article:published_time"),
                       meta.get("datepublished"), meta.get("pubdate"), meta.get("date"))
                or _attr(tree, "//@itemprop[.='datePublished']/../@content|//@itemprop[.='datePublished']/../@datetime")
                or _attr(tree, "//article//time/@datetime|//time[@pubdate]/@datetime"))  # whole-page scans: last
    descriptions = list(dict.fromkeys(d for d in (meta.get("og:description"), meta.get("description"),
                                                  _text(ld.get("description"))) if d))
    authors = _authors(ld.get("author")) or _split_authors(meta.get("author") or meta.get("article:author"))
    published, published_from = _published(tree, url, declared)
    return PageMetadata(
        title=_title(tree, meta, ld, sitename),
        authors=authors,
        credited=list(dict.fromkeys(authors + _authors(ld.get("creator")))),
        published=published,
        published_from=published_from,
        modified=_first(_text(ld.get("dateModified")), meta.get("article:modified_time"), meta.get("og:updated_time")),
        language=_language(tree, meta, ld),
        sitename=sitename,
        description=descriptions[0] if descriptions else None,
        descriptions=descriptions,
        canonical_url=_canonical(tree, meta, url),
        amp_url=_amp(tree, url),
        page_type=_first(_type_name(ld.get("@type")), meta.get("og:type")),
        headlines=_headlines(tree, meta, ld),
    )


def _published(tree: HtmlElement, url: str | None, declared: str | None) -> tuple[str | None, str]:
    """The page's publication date (ISO 8601) and where it was found. A date the page does not declare, or
    declares in a form not even cleaners/dates.py reads, is looked for by htmldate's quick search of the
    markup and URL; where the page declares a date that neither reads, in its short lines of text too (not
    by htmldate's extensive search: it sends candidates to dateparser, which costs seconds to load)."""
    published = iso_date(declared)
    if published:
        return published, "metadata"
    found = find_date(tree, url=url, original_date=True, extensive_search=False)
    if not found and declared:
        found = next(filter(None, map(iso_date, DATE_LINES(tree))), None)
    return (found, "page") if found else (None, "unknown")


def primary_language(tag: str | None) -> str | None:
    if not tag:
        return None
    primary = re.split(r"[-_]", tag.strip().lower())[0]
    if not re.fullmatch(r"[a-z]{2,3}", primary):
        return None
    return filed_language(primary)


def _meta_tags(tree: HtmlElement) -> dict[str, str]:
    found: dict[str, str] = {}
    for el in tree.iterfind(".//meta"):
        key = (el.get("property") or el.get("name") or el.get("itemprop") or el.get("http-equiv") or "").strip().lower()
        content = (el.get("content") or "").strip()
        if key and content and key not in found:
            found[key] = content
    return found


def _json_ld_article(tree: HtmlElement) -> dict:
    for script in tree.iterfind(".//script[@type='application/ld+json']"):
        try:
            data = json.loads(script.text_content() or "")
        except (ValueError, TypeError):
            continue  # broken JSON-LD is common; the other sources still count
        for obj in _ld_objects(data):
            if _type_name(obj.get("@type"), lower=True) in ARTICLE_TYPES:
                return obj
    return {}


def _ld_objects(data):
    if isinstance(data, list):
        for item in data:
            yield from _ld_objects(item)
    elif isinstance(data, dict):
        yield data
        yield from _ld_objects(data.get("@graph", []))


def _type_name(value, lower: bool = False) -> str | None:
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str)), None)
    if not isinstance(value, str):
        return None
    return value.lower() if lower else value


def _title(tree: HtmlElement, meta: dict, ld: dict, sitename: str | None) -> str | None:
    """The headline as the page shows it: the <h1> when the metadata agrees with it and it is not the site's
    name (`_names_site`); else the part of the declared title the page shows as a heading (`_shown_span`); else
    the declared title without its site suffix."""
    h1 = _h1(tree)
    declared = [t for t in (_text(ld.get("headline")), meta.get("og:title"), meta.get("twitter:title"),
                            _text(tree.find(".//title"))) if t]
    if h1 and (not declared or any(_agrees(h1, d) for d in declared)) and not _names_site(h1, declared):
        return h1
    if declared:
        return _shown_span(declared[0], tree) or _strip_site_suffix(declared[0], sitename)
    return h1


def _shown_span(title: str, tree: HtmlElement) -> str | None:
    """The longest run of the title's separated parts that the page shows as a heading: "Covic turns up heat on
    Schwarzer - Football - Sport" over an <h2> of the headline alone, not the section trail; a heading of a
    section's name ("CTV Toronto") loses to a longer one holding the headline. The site's part of the title
    (`_site_part`) is no headline, though a blog shows its name as its top heading."""
    title = " ".join(title.split())
    parts = _title_parts(title)
    if len(parts) < 2:
        return None
    headings = {" ".join(h.text_content().split()).casefold() for h in tree.iter("h1", "h2", "h3")}
    site = _site_part(title, parts)
    spans = (title[start:end] for i, (start, _) in enumerate(parts) for _, end in parts[i:])
    shown = [span for span in spans if span.casefold() in headings and span != site]
    return max(shown, key=len, default=None)


def _title_parts(title: str) -> list[tuple[int, int]]:
    """(start, end) of each part of the title between its separators."""
    separators = list(TITLE_SEPARATORS.finditer(title))
    return list(zip([0] + [s.end() for s in separators], [s.start() for s in separators] + [len(title)]))


def _site_part(title: str, parts: list[tuple[int, int]]) -> str | None:
    """The title's last part when it is shorter than the part before it: where a title names its site
    ("Headline | Blog name"); a last part longer than that is the headline after a site's or section's name."""
    if len(parts) < 2:
        return None
    (start, end), (before_start, before_end) = parts[-1], parts[-2]
    return title[start:end] if end - start < before_end - before_start else None


def _names_site(h1: str, declared: list[str]) -> bool:
    """The <h1> is the site's part of a declared title: a blog's name over every post."""
    titles = (" ".join(d.split()) for d in declared)
    return any(h1.casefold() == (_site_part(t, _title_parts(t)) or "").casefold() for t in titles)


def _headlines(tree: HtmlElement, meta: dict, ld: dict) -> list[str]:
    """Every headline the page declares (JSON-LD, OpenGraph, Twitter) and shows (its <h1>s): a site may set
    another wording over the body than its metadata carries.

    JSON-LD's alternativeHeadline counts unless a description repeats it: then it is an image caption or a
    dek, which the body may hold.
    """
    found = [_text(ld.get("headline")), meta.get("og:title"), meta.get("twitter:title")]
    found += [" ".join(h.text_content().split()) for h in tree.iterfind(".//h1")]
    alternative = _text(ld.get("alternativeHeadline"))
    if alternative:
        described = " ".join(d for d in (meta.get("og:description"), meta.get("description"),
                                         meta.get("twitter:description"), _text(ld.get("description"))) if d)
        if alternative.casefold() not in " ".join(described.split()).casefold():
            found.append(alternative)
    return list(dict.fromkeys(h for h in found if h))


def _h1(tree: HtmlElement) -> str | None:
    for path in (".//article//h1", ".//main//h1", ".//h1"):
        el = tree.find(path)
        if el is not None:
            text = " ".join(el.text_content().split())
            if text:
                return text
    return None


def _agrees(h1: str, declared: str) -> bool:
    a, b = h1.casefold(), " ".join(declared.split()).casefold()
    return a == b or b.startswith(a) or a.startswith(b) or a in b


def _strip_site_suffix(title: str, sitename: str | None) -> str:
    """"Headline | Outlet" -> "Headline", when the last part names the site (or no site name is known)."""
    separators = list(TITLE_SEPARATORS.finditer(title))
    if not separators:
        return title
    last = separators[-1]
    suffix = title[last.end():].casefold()
    if not sitename or sitename.casefold() in suffix or suffix in sitename.casefold():
        return title[:last.start()]
    return title


def _authors(value) -> list[str]:
    items = value if isinstance(value, list) else [value]
    names = [_name(v) for v in items]
    return [n for n in names if n]


def _split_authors(value: str | None) -> list[str]:
    if not value or value.startswith("http"):
        return []
    return [a.strip() for a in re.split(r"\s*(?:;|,| and | og | und | и | і )\s*", value) if a.strip()]


def _name(value) -> str | None:
    if isinstance(value, dict):
        value = value.get("name")
    return _text(value)


def _language(tree: HtmlElement, meta: dict, ld: dict) -> str | None:
    for tag in (tree.get("lang"), tree.get("{http://www.w3.org/XML/1998/namespace}lang"),
                meta.get("content-language"), _text(ld.get("inLanguage")), meta.get("og:locale")):
        lang = primary_language(tag)
        if lang:
            return lang
    return None


def _canonical(tree: HtmlElement, meta: dict, url: str | None) -> str | None:
    href = (_attr(tree, "/html/head/link[@rel='canonical']/@href") or meta.get("og:url")
            or _attr(tree, "//link[@rel='canonical']/@href"))  # a canonical link misplaced in the body: rare, costly
    if not href:
        return url
    return urljoin(url or "", href.strip())


def _amp(tree: HtmlElement, url: str | None) -> str | None:
    href = _attr(tree, "/html/head/link[@rel='amphtml']/@href")
    return urljoin(url or "", href) if href else None


def _attr(tree: HtmlElement, xpath: str) -> str | None:
    values = _compiled(xpath)(tree)
    return values[0].strip() if values and values[0].strip() else None


@cache
def _compiled(xpath: str) -> XPath:
    """`_attr`'s few expressions, compiled once: compiling costs as much as a small page's scan."""
    return XPath(xpath, smart_strings=False)


def _text(value) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        value = value.text_content() if hasattr(value, "text_content") else None
    if not isinstance(value, str):
        return None
    value = " ".join(value.split())
    return value or None


def _first(*values):
    return next((v for v in values if v), None)
