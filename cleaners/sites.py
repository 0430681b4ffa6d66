"""Per-site rules as data (`cleaners/sites/*.toml`), loaded by one small engine.

A profile names its site by domain (host suffix of the page or canonical URL) or by the site name the
page declares (og:site_name), and may list CSS selectors of the article's own parts to keep (the rest of
the page is then ignored), selectors to drop before extraction, and text cues that end the article.
A new outlet is a data file and a fixture page, not a new code path.

A profile in a country folder (`sites/<country>/<name>.toml`) is also a real outlet a story can name by
`<country>/<name>`: it declares the outlet's sources (robots.txt, news sitemaps, sitemaps, feeds), languages
and where and when those facts were learnt. The file schema is declared below (pydantic, unknown keys refused);
a bad file is refused with its path and the key.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from copy import deepcopy
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit

from cssselect import SelectorError
from lxml.cssselect import CSSSelector
from lxml.html import HtmlElement, fromstring
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, model_validator

from .data import package_folder, toml_files
from .hosts import on_domains
from .lexicon import normalise_key

SITES_DIR = package_folder("sites")
COUNTRY_RE = re.compile(r"^[a-z]{2,3}$")
OUTLET_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,40}$")


def _css(selector: str) -> str:
    try:
        CSSSelector(selector)
    except SelectorError as exc:
        raise ValueError(f"not a CSS selector: {selector!r} ({exc})") from None
    return selector


def _url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"not an absolute http(s) URL: {url!r}")
    return url


def _domain(domain: str) -> str:
    if not re.fullmatch(r"[a-z0-9-]+(\.[a-z0-9-]+)+", domain):
        raise ValueError(f"a lowercase host name like \"example.org\" (no scheme, no path), got {domain!r}")
    return domain


def _language(code: str) -> str:
    if not re.fullmatch(r"[a-z]{2,3}", code):
        raise ValueError(f"an ISO 639 code like \"en\" or \"nb\" (lowercase), got {code!r}")
    return code


Text = Annotated[str, Field(min_length=1)]
Selector = Annotated[str, AfterValidator(_css)]
Url = Annotated[str, AfterValidator(_url)]
Domain = Annotated[str, AfterValidator(_domain)]
Language = Annotated[str, AfterValidator(_language)]


class Declared(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class OutletSources(Declared):
    """Where an outlet lists its articles: the crawl's starting points when a story names the outlet."""
    robots: Url | None = None  # robots.txt, for its `Sitemap:` lines
    news_sitemaps: tuple[Url, ...] = ()  # Google News sitemaps: the last days' articles
    sitemaps: tuple[Url, ...] = ()  # sitemaps or sitemap indexes of the archive
    feeds: tuple[Url, ...] = ()  # RSS/Atom feeds

    def urls(self) -> tuple[str, ...]:
        return (*self.news_sitemaps, *self.sitemaps, *((self.robots,) if self.robots else ()), *self.feeds)


class Facts(Declared):
    """Where the outlet's URLs were learnt and when: they cannot be checked offline, and outlets move them."""
    checked: dt.date
    source: Text


class ProfileFile(Declared):
    """A site profile as written in its TOML file."""
    name: Text | None = None
    domains: tuple[Domain, ...] = ()
    site_names: tuple[Text, ...] = ()
    keep: tuple[Selector, ...] = ()
    drop: tuple[Selector, ...] = ()
    tail_cues: tuple[Text, ...] = ()
    languages: tuple[Language, ...] = ()
    sources: OutletSources | None = None
    facts: Facts | None = None

    @model_validator(mode="after")
    def _outlet_is_complete(self) -> ProfileFile:
        if self.sources is not None:
            missing = [k for k in ("domains", "languages", "facts") if not getattr(self, k)]
            if missing:
                raise ValueError(f"a profile with [sources] also needs {', '.join(missing)}")
            if not self.sources.urls():
                raise ValueError("[sources] lists no robots, news_sitemaps, sitemaps or feeds")
        if not self.domains and not self.site_names:
            raise ValueError("give domains or site_names (else the profile applies to no page)")
        return self


@dataclass(frozen=True)
class Outlet:
    """A real outlet a story may name (`outlets = ["uk/guardian"]`): its id is `<country>/<file name>`."""
    id: str
    domains: tuple[str, ...]
    languages: tuple[str, ...]
    sources: OutletSources
    facts: Facts


@dataclass(frozen=True)
class SiteProfile:
    name: str
    domains: tuple[str, ...] = ()
    site_names: tuple[str, ...] = ()
    keep: tuple[str, ...] = ()
    drop: tuple[str, ...] = ()
    tail_cues: frozenset[str] = frozenset()
    outlet: Outlet | None = None

    def matches(self, urls: tuple[str | None, ...], sitename: str | None) -> bool:
        hosts = {urlsplit(u).hostname for u in urls if u}
        if any(on_domains(host, self.domains) for host in hosts):
            return True
        return bool(sitename and sitename.casefold() in {s.casefold() for s in self.site_names})


NO_PROFILE = SiteProfile(name="")


def parse_profile(data: dict, source: str, outlet_id: str | None = None) -> SiteProfile:
    """`outlet_id` is given for the files in a country folder (`sites/<country>/<name>.toml`)."""
    try:
        declared = ProfileFile.model_validate(data)
    except ValidationError as exc:
        raise ValueError(f"{source}: {_first_error(exc)}") from None
    outlet = None
    if outlet_id is not None:
        if declared.sources is None or declared.facts is None:
            raise ValueError(f"{source}: a profile in a country folder is an outlet: give its [sources] and [facts]")
        outlet = Outlet(outlet_id, declared.domains, declared.languages, declared.sources, declared.facts)
    return SiteProfile(
        name=declared.name or Path(source).stem,
        domains=declared.domains,
        site_names=declared.site_names,
        keep=declared.keep,
        drop=declared.drop,
        tail_cues=frozenset(normalise_key(c) for c in declared.tail_cues),
        outlet=outlet,
    )


def _first_error(exc: ValidationError) -> str:
    """The first problem with its key (`sources.feeds[1]`), in the words a TOML writer uses."""
    error = exc.errors()[0]
    key = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in error["loc"]).lstrip(".")
    if error["type"] == "extra_forbidden":
        tables: dict[str, type[BaseModel]] = {"sources": OutletSources, "facts": Facts}
        model = tables.get(str(error["loc"][0]), ProfileFile)
        known = ", ".join(sorted(model.model_fields if len(error["loc"]) > 1 else ProfileFile.model_fields))
        return f"{key!r}: unknown key (known: {known})"
    expected = {"tuple_type": "a list", "string_type": "a string", "date_type": "a date like 2026-12-06",
                "date_from_datetime_parsing": "a date like 2026-12-06", "model_type": "a table"}.get(error["type"])
    message = f"expected {expected}, got {error['input']!r}" if expected else error["msg"].removeprefix("Value error, ")
    return f"{key!r}: {message}" if key else message


@lru_cache(maxsize=4)
def load_profiles(folder=SITES_DIR) -> tuple[SiteProfile, ...]:
    """The folder's own files (profiles of sites named by the page), then `<country>/<name>.toml` outlets.

    Immutable, so one cached copy per folder is safe to share.
    """
    folder = Path(folder) if isinstance(folder, str) else folder
    profiles = [_read(f, None) for f in toml_files(folder)]
    for country in sorted((d for d in folder.iterdir() if d.is_dir()), key=lambda d: d.name):
        if not COUNTRY_RE.match(country.name):
            continue  # not a country folder (__pycache__ and the like)
        for f in toml_files(country):
            name = f.name.removesuffix(".toml")
            if not OUTLET_NAME_RE.match(name):
                raise ValueError(f"{f}: an outlet file name is lowercase letters, digits, '-' and '_'")
            profiles.append(_read(f, f"{country.name}/{name}"))
    return tuple(profiles)


def _read(file, outlet_id: str | None) -> SiteProfile:
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{file}: not valid TOML: {exc}") from None
    return parse_profile(data, str(file), outlet_id)


def outlets(profiles: tuple[SiteProfile, ...]) -> dict[str, Outlet]:
    return {p.outlet.id: p.outlet for p in profiles if p.outlet is not None}


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
