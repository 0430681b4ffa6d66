"""Per-site rules as data (`cleaners/sites/*.toml`), loaded by one small engine.

A profile names its site by domain (host suffix of the page or canonical URL) or by the site name the
page declares (og:site_name), and may list CSS selectors of the article's own parts to keep (the rest of
the page is then ignored), selectors to drop before extraction, and text cues that end the article.
A new outlet is a data file and a fixture page, not a new code path.
"""

from __future__ import annotations

import tomllib
from copy import deepcopy
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from lxml.html import HtmlElement, fromstring

from .data import package_folder, toml_files
from .hosts import on_domains
from .lexicon import normalise_key

SITES_DIR = package_folder("sites")
PROFILE_KEYS = {"name", "domains", "site_names", "keep", "drop", "tail_cues"}


@dataclass(frozen=True)
class SiteProfile:
    name: str
    domains: tuple[str, ...] = ()
    site_names: tuple[str, ...] = ()
    keep: tuple[str, ...] = ()
    drop: tuple[str, ...] = ()
    tail_cues: frozenset[str] = frozenset()

    def matches(self, urls: tuple[str | None, ...], sitename: str | None) -> bool:
        hosts = {urlsplit(u).hostname for u in urls if u}
        if any(on_domains(host, self.domains) for host in hosts):
            return True
        return bool(sitename and sitename.casefold() in {s.casefold() for s in self.site_names})


NO_PROFILE = SiteProfile(name="")


def parse_profile(data: dict, source: str) -> SiteProfile:
    unknown = set(data) - PROFILE_KEYS
    if unknown:
        raise ValueError(f"{source}: unknown key {sorted(unknown)[0]!r} (known: {', '.join(sorted(PROFILE_KEYS))})")
    return SiteProfile(
        name=data.get("name", Path(source).stem),
        domains=tuple(d.lower() for d in data.get("domains", [])),
        site_names=tuple(data.get("site_names", [])),
        keep=tuple(data.get("keep", [])),
        drop=tuple(data.get("drop", [])),
        tail_cues=frozenset(normalise_key(c) for c in data.get("tail_cues", [])),
    )


@lru_cache(maxsize=4)
def load_profiles(folder=SITES_DIR) -> tuple[SiteProfile, ...]:
    """Immutable, so one cached copy per folder is safe to share."""
    return tuple(parse_profile(tomllib.loads(f.read_text(encoding="utf-8")), str(f)) for f in toml_files(folder))


def find_profile(profiles: tuple[SiteProfile, ...], urls: tuple[str | None, ...], sitename: str | None) -> SiteProfile:
    return next((p for p in profiles if p.matches(urls, sitename)), NO_PROFILE)


def keep_only(tree: HtmlElement, selectors: tuple[str, ...]) -> HtmlElement:
    """A new page holding only the elements the selectors name, in page order; the page itself when none match.

    A page outside the outlet's article template (a gallery, a live blog) then still gets the generic cleaners.
    """
    chosen = {el for selector in selectors for el in tree.cssselect(selector)}
    if not chosen:
        return tree
    outermost = [el for el in tree.iter() if el in chosen and not any(a in chosen for a in el.iterancestors())]
    page = fromstring("<html><body><article></article></body></html>")
    body = page.find(".//article")
    for el in outermost:
        part = deepcopy(el)
        part.attrib.clear()  # else trafilatura would pick one part (itemprop="articleBody") over the others
        part.tail = None
        body.append(part)
    return page
