"""Story files (`stories/*.toml`): what to look for, where, and in which time window.

`load_story` rejects unknown keys and bad values with a `StoryError` that names the key, so a typo in a
scheduled crawl's story file fails loudly instead of silently crawling the wrong thing.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from cleaners.dates import overlaps_window

NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")
URL_KEYS = ("sitemaps", "feeds", "start_urls", "urls")
LANGUAGE_RE = re.compile(r"^[a-z]{2,3}$")


class StoryError(ValueError):
    """A story file that cannot be used; `key` is the dotted path of the offending key."""

    def __init__(self, key: str, message: str):
        self.key = key
        super().__init__(f"{key}: {message}")


@dataclass(frozen=True)
class FollowRules:
    depth: int = 1
    allow: tuple[str, ...] = ()
    deny: tuple[str, ...] = ()


@dataclass(frozen=True)
class GdeltQuery:
    query: str
    endpoint: str | None = None  # None: the GDELT_ENDPOINT setting
    max_records: int = 250


@dataclass(frozen=True)
class Source:
    name: str
    sitemaps: tuple[str, ...] = ()
    feeds: tuple[str, ...] = ()
    start_urls: tuple[str, ...] = ()
    urls: tuple[str, ...] = ()
    gdelt: GdeltQuery | None = None
    allowed_domains: tuple[str, ...] = ()
    follow: FollowRules = field(default_factory=FollowRules)
    url_dates: bool | None = None  # read dates in this outlet's URLs; None: the URL_DATES_ENABLED setting
    max_requests: int | None = None  # this outlet's request budget; None: the MAX_REQUESTS_PER_SOURCE setting
    max_articles: int | None = None  # at most this many of the outlet's articles in the corpus

    def hosts(self) -> set[str]:
        """The hosts this source's own URLs name: articles there belong to this outlet."""
        listed = [*self.sitemaps, *self.feeds, *self.start_urls, *self.urls]
        return {host for u in listed if (host := urlsplit(u).hostname)} | set(self.allowed_domains)


@dataclass(frozen=True)
class Story:
    id: str
    title: str
    groups: tuple[tuple[str, ...], ...]
    sources: tuple[Source, ...]
    since: dt.date | None = None
    until: dt.date | None = None
    user_agent: str | None = None
    path: str | None = None
    max_requests: int | None = None  # the crawl's request budget; None: the MAX_REQUESTS setting
    languages: tuple[str, ...] = ()  # only articles in these languages (detected from the body); () any
    max_articles: int | None = None  # at most this many articles in the corpus, all outlets together

    def in_window(self, day: dt.date | None) -> bool:
        """Undated items are in the window: we keep them and mark them undated."""
        return day is None or overlaps_window(day, day, self.since, self.until)


def load_story(path: str | Path) -> Story:
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise StoryError("story", f"no such file: {path}") from None
    except OSError as exc:  # a directory, no permission
        raise StoryError("story", f"cannot read {path}: {exc.strerror}") from None
    except UnicodeDecodeError as exc:
        raise StoryError("story", f"not UTF-8 (byte {exc.start}): TOML files are UTF-8") from None
    except tomllib.TOMLDecodeError as exc:
        raise StoryError("story", f"not valid TOML: {exc}") from None
    return parse_story(data, path=str(path))


def parse_story(data: dict, path: str | None = None) -> Story:
    _reject_unknown(data, {"id", "title", "since", "until", "match", "sources", "user_agent", "max_requests",
                           "languages", "max_articles"}, "")
    story_id = _required(data, "id", str, "")
    if not NAME_RE.match(story_id):
        raise StoryError("id", "use lowercase letters, digits, '-' and '_' (it names files)")
    since, until = _date(data, "since"), _date(data, "until")
    if since and until and since > until:
        raise StoryError("until", f"{until} is before since = {since}")
    sources = tuple(_source(s, i) for i, s in enumerate(_list(data, "sources", "", required=True)))
    if not sources:
        raise StoryError("sources", "is empty: give at least one [[sources]] table (a story with no outlet crawls nothing)")
    names = [s.name for s in sources]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise StoryError("sources", f"source names must be unique: {', '.join(duplicates)}")
    return Story(
        id=story_id,
        title=_optional(data, "title", str, "", story_id),
        groups=_groups(data),
        sources=sources,
        since=since,
        until=until,
        user_agent=_optional(data, "user_agent", str, "", None),
        path=path,
        max_requests=_budget(data, ""),
        languages=_languages(data),
        max_articles=_max_articles(data, ""),
    )


def _groups(data: dict) -> tuple[tuple[str, ...], ...]:
    match = data.get("match")
    if not isinstance(match, dict):
        raise StoryError("match", "a [match] table with `groups` is required")
    _reject_unknown(match, {"groups"}, "match.")
    groups = match.get("groups")
    if not isinstance(groups, list) or not groups:
        raise StoryError("match.groups", "a non-empty list of term lists is required")
    for i, group in enumerate(groups):
        if not isinstance(group, list) or not group or not all(isinstance(t, str) and t.strip("* ") for t in group):
            raise StoryError(f"match.groups[{i}]", "each group is a non-empty list of terms")
    return tuple(tuple(t.strip() for t in group) for group in groups)


def _source(raw, index: int) -> Source:
    where = f"sources[{index}]."
    if not isinstance(raw, dict):
        raise StoryError(f"sources[{index}]", "each source is a table ([[sources]])")
    _reject_unknown(raw, {"name", *URL_KEYS, "gdelt", "allowed_domains", "follow", "url_dates", "max_requests",
                          "max_articles"}, where)
    name = _required(raw, "name", str, where)
    if not NAME_RE.match(name):
        raise StoryError(f"{where}name", "use lowercase letters, digits, '-' and '_' (it names folders)")
    where = f"sources.{name}."
    urls = {key: tuple(_url(u, f"{where}{key}") for u in _list(raw, key, where)) for key in URL_KEYS}
    gdelt = _gdelt(raw.get("gdelt"), f"{where}gdelt")
    if not any(urls.values()) and gdelt is None:
        raise StoryError(f"sources.{name}", "give at least one of sitemaps, feeds, start_urls, urls, gdelt")
    domains = tuple(_list(raw, "allowed_domains", where))
    if not all(isinstance(d, str) and d for d in domains):
        raise StoryError(f"{where}allowed_domains", "a list of host names")
    url_dates = raw.get("url_dates")
    if url_dates is not None and not isinstance(url_dates, bool):
        raise StoryError(f"{where}url_dates", "true or false (false: this outlet's URL dates are not to be trusted)")
    return Source(name=name, gdelt=gdelt, allowed_domains=domains, follow=_follow(raw.get("follow"), where),
                  url_dates=url_dates, max_requests=_budget(raw, where), max_articles=_max_articles(raw, where),
                  **urls)


def _budget(data: dict, where: str) -> int | None:
    value = data.get("max_requests")
    if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 1):
        raise StoryError(f"{where}max_requests", "a whole number of requests, 1 or more")
    return value


def _languages(data: dict) -> tuple[str, ...]:
    codes = _list(data, "languages", "")
    if "languages" in data and not codes:
        raise StoryError("languages", "is empty: list language codes like [\"en\", \"ru\"], or leave it out for any language")
    for code in codes:
        if not isinstance(code, str) or not LANGUAGE_RE.match(code):
            raise StoryError("languages", f"expected ISO 639 codes like \"en\" or \"ru\" (lowercase), got {code!r}")
    return tuple(dict.fromkeys(codes))


def _max_articles(data: dict, where: str) -> int | None:
    value = data.get("max_articles")
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise StoryError(f"{where}max_articles", f"a whole number of at least 1, got {value!r}")
    return value


def _follow(raw, where: str) -> FollowRules:
    if raw is None:
        return FollowRules()
    if not isinstance(raw, dict):
        raise StoryError(f"{where}follow", "a table like {depth = 2, allow = [...], deny = [...]}")
    _reject_unknown(raw, {"depth", "allow", "deny"}, f"{where}follow.")
    depth = raw.get("depth", 1)
    if not isinstance(depth, int) or isinstance(depth, bool) or not 0 <= depth <= 10:
        raise StoryError(f"{where}follow.depth", "a whole number from 0 to 10")
    patterns = {}
    for key in ("allow", "deny"):
        patterns[key] = tuple(_list(raw, key, f"{where}follow."))
        for pattern in patterns[key]:
            try:
                re.compile(pattern)
            except (re.error, TypeError) as exc:
                raise StoryError(f"{where}follow.{key}", f"not a regular expression: {pattern!r} ({exc})") from None
    return FollowRules(depth=depth, **patterns)


def _gdelt(raw, key: str) -> GdeltQuery | None:
    if raw is None:
        return None
    if isinstance(raw, str) and raw.strip():
        return GdeltQuery(query=raw.strip())
    if not isinstance(raw, dict):
        raise StoryError(key, 'a query string, or a table {query = "...", endpoint = "...", max_records = 250}')
    _reject_unknown(raw, {"query", "endpoint", "max_records"}, f"{key}.")
    query = _required(raw, "query", str, f"{key}.")
    endpoint = raw.get("endpoint")
    if endpoint is not None:
        endpoint = _url(endpoint, f"{key}.endpoint")
    max_records = raw.get("max_records", 250)
    if not isinstance(max_records, int) or isinstance(max_records, bool) or not 1 <= max_records <= 250:
        raise StoryError(f"{key}.max_records", "a whole number from 1 to 250 (the API's limit)")
    return GdeltQuery(query=query, endpoint=endpoint, max_records=max_records)


def _url(value, key: str) -> str:
    if not isinstance(value, str):
        raise StoryError(key, f"expected a URL string, got {value!r}")
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise StoryError(key, f"not an absolute http(s) URL: {value!r}")
    try:
        parts.port  # noqa: B018 - raises on a bad port
    except ValueError:
        raise StoryError(key, f"bad port in {value!r}") from None
    return value


def _date(data: dict, key: str) -> dt.date | None:
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise StoryError(key, f"expected a date like 2024-10-20, got {value!r}")


def _list(data: dict, key: str, where: str, required: bool = False) -> list:
    value = data.get(key)
    if value is None:
        if required:
            raise StoryError(f"{where}{key}", "is required")
        return []
    if not isinstance(value, list):
        raise StoryError(f"{where}{key}", f"expected a list, got {type(value).__name__}")
    return value


def _required(data: dict, key: str, kind: type, where: str):
    if key not in data:
        raise StoryError(f"{where}{key}", "is required")
    return _optional(data, key, kind, where, None)


def _optional(data: dict, key: str, kind: type, where: str, default):
    value = data.get(key, default)
    if value is not None and (not isinstance(value, kind) or (isinstance(value, str) and not value.strip())):
        raise StoryError(f"{where}{key}", f"expected a non-empty {kind.__name__}, got {value!r}")
    return value


def _reject_unknown(data: dict, known: set[str], where: str) -> None:
    unknown = sorted(set(data) - known)
    if unknown:
        raise StoryError(f"{where}{unknown[0]}", f"unknown key (known keys: {', '.join(sorted(known))})")
