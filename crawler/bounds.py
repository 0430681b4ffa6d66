"""Bounded cost per page: what one page may cost the crawl to clean, sign and follow, whatever it weighs.

The download limits (DOWNLOAD_MAXSIZE, LISTING_MAXSIZE) say what is fetched; these say what is worked on:
- `bounded_html`: inline `data:` URIs (a 10 MB base64 image takes lxml and trafilatura most of a minute) are
  emptied, and what is cleaned stops at CLEAN_MAX_CHARS characters of HTML (lxml closes what the cut leaves
  open); the page is still written if its article is in that part;
- `bounded_links`: the links taken from one followed page stop at FOLLOW_MAX_LINKS, read from at most its first
  CLEAN_MAX_CHARS bytes (a section page of 600,000 links would otherwise become 600,000 objects);
- the near-duplicate signature reads at most NEAR_DUPLICATE_MAX_WORDS words (crawler/clusters.py).
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

from scrapy.link import Link
from scrapy.utils.response import get_base_url
from w3lib.url import safe_url_string

# A data: URI in an attribute or a CSS url(): its payload of 256 characters or more is emptied.
DATA_URI = re.compile(r"""(data:[\w.+/-]*(?:;[\w.+=-]*)*,)[^"'\s)<>]{256,}""", re.IGNORECASE)


def bounded_html(html: str, max_chars: int) -> str:
    """The page with its inline data URIs emptied, cut at `max_chars` characters (0: no cut)."""
    if "data:" in html or "DATA:" in html:
        html = DATA_URI.sub(r"\1", html)
    return html[:max_chars] if max_chars and len(html) > max_chars else html


def bounded_page(response, max_bytes: int):
    """The response, or its first `max_bytes` (0: all) as a response of its own: what its links are read from."""
    if max_bytes and len(response.body) > max_bytes:
        return response.replace(body=response.body[:max_bytes]), True
    return response, False


def bounded_links(extractor, page, max_links: int) -> tuple[list[Link], bool]:
    """The page's links the extractor allows, in page order, unique, at most `max_links` of them (0: all);
    and whether some were left out."""
    links, seen, base = [], set(), get_base_url(page)
    for anchor in page.selector.root.iter("a", "area"):
        href = (anchor.get("href") or "").strip()
        if not href:
            continue
        link = Link(safe_url_string(urljoin(base, href), encoding=page.encoding), text=(anchor.text or "").strip())
        if link.url in seen or not extractor._link_allowed(link):  # allow, deny, deny_extensions, scheme
            continue
        seen.add(link.url)
        links.append(link)
        if max_links and len(links) >= max_links:
            return links, True
    return links, False
