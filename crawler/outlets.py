"""Real outlets by id: a story's `outlets = ["is/visir", "uk/guardian"]` becomes `[[sources]]` tables.

Each id names a site profile in a country folder (`cleaners/sites/<country>/<name>.toml`) that declares the
outlet's sources (robots.txt, news sitemaps, sitemaps, feeds) and domains, the way Fundus declares its
publishers. The tables built here are the ones a story writer would have written by hand, so the story file's
own validation reads them like any other source.
"""

from __future__ import annotations

import difflib

from cleaners.sites import Outlet, SiteProfile, load_profiles, outlets

KEY = "outlets"


class OutletError(ValueError):
    """A story's `outlets` value that names no known outlet; `key` is the story file's key."""

    def __init__(self, key: str, message: str):
        self.key = key
        self.reason = message
        super().__init__(f"{key}: {message}")


def outlet_tables(ids, profiles: tuple[SiteProfile, ...] | None = None) -> list[dict]:
    """One `[[sources]]` table per outlet id, in the story's order; `ids` is the story's raw value (None: none)."""
    if ids is None:
        return []
    if not isinstance(ids, list) or not ids:
        raise OutletError(KEY, 'a non-empty list of outlet ids like ["uk/guardian", "is/visir"]')
    known = outlets(profiles if profiles is not None else load_profiles())
    tables = []
    for index, outlet_id in enumerate(ids):
        if not isinstance(outlet_id, str):
            raise OutletError(f"{KEY}[{index}]", f"an outlet id like \"uk/guardian\", got {outlet_id!r}")
        if outlet_id not in known:
            raise OutletError(f"{KEY}[{index}]", _unknown(outlet_id, sorted(known)))
        tables.append(source_table(known[outlet_id]))
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise OutletError(KEY, f"named twice: {', '.join(duplicates)}")
    return tables


def source_table(outlet: Outlet) -> dict:
    """The outlet as a story's source: named `<country>-<name>`, its articles only on its own domains."""
    sources = outlet.sources
    sitemaps = [*sources.news_sitemaps, *sources.sitemaps, *([sources.robots] if sources.robots else [])]
    table: dict = {"name": outlet.id.replace("/", "-"), "allowed_domains": list(outlet.domains)}
    if sitemaps:
        table["sitemaps"] = sitemaps
    if sources.feeds:
        table["feeds"] = list(sources.feeds)
    return table


def _unknown(outlet_id: str, known: list[str]) -> str:
    # Compare the name part too: "guardian" or "uk/gaurdian" should both suggest "uk/guardian".
    names = sorted({k.split("/", 1)[1] for k in known})
    close = difflib.get_close_matches(outlet_id, known, n=3, cutoff=0.6)
    for name in difflib.get_close_matches(outlet_id.rsplit("/", 1)[-1], names, n=3):
        close += [k for k in known if k.endswith("/" + name) and k not in close]
    hint = f"close matches: {', '.join(close[:3])}" if close else f"known outlets: {', '.join(known)}"
    return f"unknown outlet {outlet_id!r} ({hint}; each is a file cleaners/sites/<country>/<name>.toml)"
