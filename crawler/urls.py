"""URL identity: one article, one URL, whatever tracking parameters or fragments it was found with."""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urlsplit

from w3lib.url import canonicalize_url, url_query_cleaner

from cleaners.hosts import on_domains  # link following and the redirect guard ask it what an outlet's site is

IDENTITY_CACHE_SIZE = 4096  # URLs in flight and just decided: a crawl's concurrency is far below this


class UrlCleaner:
    """Drops tracking parameters (exact names, or prefixes written `utm_*`) and fragments."""

    def __init__(self, tracking_parameters: list[str]):
        self.exact = {p.lower() for p in tracking_parameters if not p.endswith("*")}
        self.prefixes = tuple(p[:-1].lower() for p in tracking_parameters if p.endswith("*"))
        # An article's URL is asked for its identity a dozen times on its way through the spider and the
        # pipelines, and w3lib's canonicalisation is the costly part: the recent answers are remembered.
        self.identity = lru_cache(maxsize=IDENTITY_CACHE_SIZE)(self.canonical_identity)

    def is_tracking(self, name: str) -> bool:
        name = name.lower()
        return name in self.exact or name.startswith(self.prefixes)

    def clean(self, url: str) -> str:
        """The URL to fetch: tracking parameters and fragment gone (w3lib's `url_query_cleaner`), the rest byte
        for byte as the site wrote it: `story.php?12345` and `index.php?/archives/77` are not re-encoded."""
        url = url.strip()
        parts = urlsplit(url)
        names = {piece.split("=", 1)[0] for piece in parts.query.split("&") if piece}
        tracking = [name for name in names if self.is_tracking(name)]
        return url_query_cleaner(url, tracking, remove=True, unique=False, keep_fragments=False)

    def canonical_identity(self, url: str) -> str:
        """The form two URLs of one page share: cleaned, then canonicalised (sorted query, case, escapes).

        Ask `identity`, its remembering front."""
        return canonicalize_url(self.clean(url), keep_fragments=False)


WEB_SCHEMES = ("http", "https")  # the only schemes a listing's URL is fetched, or a report links, with


def is_web_url(url: str) -> bool:
    """An absolute http(s) URL with a host part (it raises ValueError where urlsplit does: a broken IPv6 host)."""
    parts = urlsplit(url)
    return parts.scheme in WEB_SCHEMES and bool(parts.netloc)


class UrlPolicy:
    """Which URLs a listing may send to the downloader: http(s) only, on the outlet's hosts, not too long.

    `refusal` says why a URL is not fetched, or None. A sitemap or feed naming `file:///etc/passwd`, a `data:`
    URI or an internal address on another host is thus recorded, never read (Scrapy's file, data and FTP
    download handlers are off as well: DOWNLOAD_HANDLERS). Scrapy's own UrlLengthMiddleware would drop a long
    URL without a word; here it is a decision."""

    def __init__(self, max_length: int):
        self.max_length = max_length

    def refusal(self, url: str, domains) -> tuple[str, str] | None:
        """(reason, detail) for a URL that is not fetched; `domains`: the outlet's, None for any host (GDELT)."""
        parts = urlsplit(url.strip())
        scheme = parts.scheme.lower()
        if scheme not in WEB_SCHEMES:
            return "bad_url", f"not an http(s) URL ({scheme + ':' if scheme else 'no scheme'}): never fetched"
        if not parts.hostname:
            return "bad_url", "no host in the URL: never fetched"
        if self.max_length and len(url) > self.max_length:
            return "fetch_error", f"URL too long ({len(url)} characters, URLLENGTH_LIMIT {self.max_length})"
        if domains is not None and not on_domains(parts.hostname, domains):
            return "offsite", f"on {parts.hostname}, off the outlet's hosts ({', '.join(sorted(domains))}): not fetched"
        return None
