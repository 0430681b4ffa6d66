"""URL identity: one article, one URL, whatever tracking parameters or fragments it was found with."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from w3lib.url import canonicalize_url


class UrlCleaner:
    """Drops tracking parameters (exact names, or prefixes written `utm_*`) and fragments."""

    def __init__(self, tracking_parameters: list[str]):
        self.exact = {p.lower() for p in tracking_parameters if not p.endswith("*")}
        self.prefixes = tuple(p[:-1].lower() for p in tracking_parameters if p.endswith("*"))

    def is_tracking(self, name: str) -> bool:
        name = name.lower()
        return name in self.exact or name.startswith(self.prefixes)

    def clean(self, url: str) -> str:
        """The URL to fetch: tracking parameters and fragment gone, the rest as the site wrote it."""
        parts = urlsplit(url.strip())
        query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not self.is_tracking(k)]
        return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", urlencode(query), ""))

    def identity(self, url: str) -> str:
        """The form two URLs of one page share: cleaned, then canonicalised (sorted query, case, escapes)."""
        return canonicalize_url(self.clean(url), keep_fragments=False)


def on_domains(host: str | None, domains) -> bool:
    """The host is one of the domains or below one, IP hosts too (which LinkExtractor's own check misses);
    `www.` is ignored on both sides: x.org and www.x.org are one site. Link following and the redirect guard
    both ask it what an outlet's site is."""
    bare = lambda name: name.lower().removeprefix("www.")  # noqa: E731
    return bool(host) and any(bare(host) == bare(d) or bare(host).endswith("." + bare(d)) for d in domains)
