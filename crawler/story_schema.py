"""The story file's declared schema (pydantic): its keys, their types and limits, and the sentence each mistake
gets. `crawler/story.py` turns a validated file into the `Story` the crawl reads."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    Field,
    StrictBool,
    StrictInt,
    StrictStr,
    field_validator,
    model_validator,
)

from cleaners.schema import Invalid, Pattern, Schema, Text

NAME_RE = r"^[a-z0-9][a-z0-9_-]{0,62}$"
LANGUAGE_RE = r"^[a-z]{2,3}$"
URL_KEYS = ("sitemaps", "feeds", "start_urls", "urls")


def absolute_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Invalid(f"not an absolute http(s) URL: {value!r}")
    try:
        parts.port  # noqa: B018 - raises on a bad port
    except ValueError:
        raise Invalid(f"bad port in {value!r}") from None
    return value


def day(value: Any) -> Any:
    """TOML's dates (a datetime's day), or ISO text as Python callers give it."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise Invalid(f"expected a date like 2024-10-20, got {value!r}")


def query_table(value: Any) -> Any:
    """`gdelt = "query"` is short for `gdelt = {query = "query"}`."""
    return {"query": value.strip()} if isinstance(value, str) and value.strip() else value


Name = Annotated[StrictStr, Field(pattern=NAME_RE)]  # it names files and folders
Url = Annotated[StrictStr, AfterValidator(absolute_url)]
Count = Annotated[StrictInt, Field(ge=1)]
Day = Annotated[dt.date, BeforeValidator(day)]
Term = Annotated[StrictStr, Field(pattern=r"[^* ]")]  # a term is more than its wildcards


class FollowTable(Schema):
    depth: Annotated[StrictInt, Field(ge=0, le=10)] = 1
    allow: list[Pattern] = []
    deny: list[Pattern] = []


class GdeltTable(Schema):
    query: Text
    endpoint: Url | None = None
    max_records: Annotated[StrictInt, Field(ge=1, le=250)] = 250


class SourceTable(Schema):
    name: Name
    sitemaps: list[Url] = []
    feeds: list[Url] = []
    start_urls: list[Url] = []
    urls: list[Url] = []
    gdelt: Annotated[GdeltTable | None, BeforeValidator(query_table)] = None
    allowed_domains: list[Text] = []
    follow: FollowTable = FollowTable()
    url_dates: StrictBool | None = None
    max_requests: Count | None = None
    max_articles: Count | None = None

    @model_validator(mode="after")
    def _lists_something(self) -> SourceTable:
        if not any(getattr(self, key) for key in URL_KEYS) and self.gdelt is None:
            raise Invalid("give at least one of sitemaps, feeds, start_urls, urls, gdelt")
        return self


class MatchTable(Schema):
    groups: Annotated[list[Annotated[list[Term], Field(min_length=1)]], Field(min_length=1)]


class StoryFile(Schema):
    id: Annotated[StrictStr, Field(pattern=NAME_RE)]
    title: Text | None = None  # None: the id
    since: Day | None = None
    until: Day | None = None
    match: MatchTable
    sources: Annotated[list[SourceTable], Field(min_length=1)]
    outlets: list[Text] = []  # outlets of the site profiles ("is/visir"), crawled besides `sources`
    user_agent: Text | None = None
    max_requests: Count | None = None
    languages: Annotated[list[Annotated[StrictStr, Field(pattern=LANGUAGE_RE)]], Field(min_length=1)] = []
    max_articles: Count | None = None

    @field_validator("sources")
    @classmethod
    def _unique_names(cls, sources: list[SourceTable]) -> list[SourceTable]:
        names = [source.name for source in sources]
        duplicates = sorted({name for name in names if names.count(name) > 1})
        if duplicates:
            raise Invalid(f"source names must be unique: {', '.join(duplicates)}")
        return sources

    @model_validator(mode="after")
    def _window_in_order(self) -> StoryFile:
        if self.since and self.until and self.since > self.until:
            raise Invalid(f"{self.until} is before since = {self.since}", key="until")
        return self


# Tables by the key that holds them: their known keys are listed when an unknown one is met.
TABLES: dict[str, type[BaseModel]] = {"": StoryFile, "match": MatchTable, "sources": SourceTable, "follow": FollowTable,
                                      "gdelt": GdeltTable}

WHOLE_NUMBER = "a whole number of at least 1, got {value!r}"
MESSAGES = {  # str.format templates: {value!r} is the value given; other braces are doubled
    "id": {"string_pattern_mismatch": "use lowercase letters, digits, '-' and '_' (it names files)"},
    "name": {"string_pattern_mismatch": "use lowercase letters, digits, '-' and '_' (it names folders)"},
    "match": {"*": "a [match] table with `groups` is required"},
    "groups": {"*": "a non-empty list of term lists is required"},
    "groups[]": {"*": "each group is a non-empty list of terms"},
    "sources": {"too_short": "is empty: give at least one [[sources]] table (a story with no outlet crawls nothing)"},
    "sources[]": {"model_type": "each source is a table ([[sources]])"},
    "languages": {"too_short": 'is empty: list language codes like ["en", "ru"], or leave it out for any language'},
    "languages[]": {"*": 'expected ISO 639 codes like "en" or "ru" (lowercase), got {value!r}'},
    "max_requests": {"*": "a whole number of requests, 1 or more"},
    "max_articles": {"*": WHOLE_NUMBER},
    **{f"{key}[]": {"string_type": "expected a URL string, got {value!r}"} for key in URL_KEYS},
    "endpoint": {"string_type": "expected a URL string, got {value!r}"},
    "gdelt": {"*": 'a query string, or a table {{query = "...", endpoint = "...", max_records = 250}}'},
    "max_records": {"*": "a whole number from 1 to 250 (the API's limit)"},
    "allowed_domains[]": {"*": "a list of host names"},
    "url_dates": {"*": "true or false (false: this outlet's URL dates are not to be trusted)"},
    "follow": {"*": "a table like {{depth = 2, allow = [...], deny = [...]}}"},
    "depth": {"*": "a whole number from 0 to 10"},
    "allow[]": {"string_type": "not a regular expression: {value!r} (a pattern is a string)"},
    "deny[]": {"string_type": "not a regular expression: {value!r} (a pattern is a string)"},
}


def story_key(data: dict, loc: tuple, kind: str) -> str:
    """The dotted key of a problem at pydantic's `loc`: a source is named by its name (sources.NAME.feeds), except
    in the problems of a source's own keys (sources[0].name, an unknown sources[0].sitemap) or before it has a
    valid name; a term group by its index (match.groups[0]); other lists' elements by the list."""
    parts: list[str] = []
    for position, part in enumerate(loc):
        if isinstance(part, str):
            parts.append(part)
        elif loc[position - 1] == "sources":
            parts[-1] = source_label(data, part, loc[position + 1:], kind)
        elif loc[position - 1] == "groups":
            parts[-1] += f"[{part}]"
    return ".".join(parts)


def source_label(data: dict, index: int, rest: tuple, kind: str) -> str:
    sources = data.get("sources")
    raw = sources[index] if isinstance(sources, list) and index < len(sources) else None
    name = raw.get("name") if isinstance(raw, dict) else None
    own_key = len(rest) == 1 and (rest[0] == "name" or kind == "extra_forbidden")
    if own_key or not isinstance(name, str) or not re.match(NAME_RE, name):
        return f"sources[{index}]"
    return f"sources.{name}"
