"""Which site a host belongs to, one rule for the crawl (an outlet's domains: link following, the redirect guard,
listings) and the cleaners (site profiles, site template learning)."""

from __future__ import annotations

from collections.abc import Iterable


def bare_host(host: str) -> str:
    """The host as a site: x.org and www.x.org are one site."""
    return host.lower().removeprefix("www.")


def on_domains(host: str | None, domains: Iterable[str]) -> bool:
    """The host is one of the domains or below one, IP hosts too (which LinkExtractor's own check misses);
    `www.` is ignored on both sides."""
    if not host:
        return False
    site = bare_host(host)
    return any(site == bare_host(d) or site.endswith("." + bare_host(d)) for d in domains)
