"""Story files (`stories/*.toml`): what to look for, where, and in which time window.

`load_story` rejects unknown keys and bad values with a `StoryError` that names the key, so a typo in a
scheduled crawl's story file fails loudly instead of silently crawling the wrong thing. The keys, their types and
the sentence each mistake gets are declared in `crawler/story_schema.py`.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import ValidationError

from cleaners.dates import overlaps_window
from cleaners.schema import first_problem

from .outlets import OutletError, outlet_tables
from .story_schema import MESSAGES, TABLES, SourceTable, StoryFile, story_key


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
    outlets: tuple[str, ...] = ()  # outlets of the site profiles ("is/visir"), crawled besides `sources`

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
    try:  # `outlets = ["uk/guardian"]`: the outlets' own sources (crawler/outlets.py), after the written ones
        from_outlets = outlet_tables(data.get("outlets"))
    except OutletError as exc:
        raise StoryError(exc.key, exc.reason) from None
    written = data.get("sources", [])
    if from_outlets and isinstance(written, list):
        data = {**data, "sources": [*written, *from_outlets]}
    try:
        story = StoryFile.model_validate(data)
    except ValidationError as error:
        raise StoryError(*first_problem(error, MESSAGES, TABLES, partial(story_key, data))) from None
    return Story(
        id=story.id,
        title=story.title or story.id,
        groups=tuple(tuple(term.strip() for term in group) for group in story.match.groups),
        sources=tuple(map(to_source, story.sources)),
        since=story.since,
        until=story.until,
        user_agent=story.user_agent,
        path=path,
        max_requests=story.max_requests,
        languages=tuple(dict.fromkeys(story.languages)),
        max_articles=story.max_articles,
        outlets=tuple(story.outlets),
    )


def to_source(table: SourceTable) -> Source:
    follow, gdelt = table.follow, table.gdelt
    return Source(name=table.name, sitemaps=tuple(table.sitemaps), feeds=tuple(table.feeds),
                  start_urls=tuple(table.start_urls), urls=tuple(table.urls),
                  gdelt=GdeltQuery(gdelt.query, gdelt.endpoint, gdelt.max_records) if gdelt else None,
                  allowed_domains=tuple(table.allowed_domains),
                  follow=FollowRules(follow.depth, tuple(follow.allow), tuple(follow.deny)),
                  url_dates=table.url_dates, max_requests=table.max_requests, max_articles=table.max_articles)
