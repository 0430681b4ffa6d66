"""Dates that URLs name: `/2024/10/25/`, `sitemap-2024-10.xml`, `/archive/2024/`, `?yyyy=2024&mm=10`.

A URL that names a day, an ISO week, a month or a year says its page (an article, a daily sitemap, a date archive)
belongs to that span: `url_span` reads it, and the spider leaves unfetched what lies wholly outside the
story's window. Only spans that cannot be something else are read: four-digit years from 1990 up to next
year, months 1-12, real days, in date order (year first), separated by `/`, `-`, `_` or `.`, or given as
query parameters named for them. Where a URL names several, the most precise wins (a day over a month).
Some outlets' URLs lie (a date that is the URL scheme's, not the article's): URL_DATES_ENABLED, or a
source's `url_dates = false` in the story file, turns reading them off.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit

from cleaners.dates import overlaps_window, parse_day

SEP = r"[/_.-]"
# Year, then optionally month, then optionally day, each a whole path token (not inside a longer number).
PATH_DATE = re.compile(rf"(?<![0-9])((?:19|20)\d\d)(?:{SEP}(0?[1-9]|1[0-2])(?:{SEP}(0?[1-9]|[12]\d|3[01]))?)?(?![0-9])")
# A year and month run together only where a listing names its span: sitemap-202410.xml, /archive/202410/.
COMPACT_MONTH = re.compile(r"(?:sitemap|archive|archives)[^/]*?[/_.-]?((?:19|20)\d\d)(0[1-9]|1[0-2])(?![0-9])", re.I)
ISO_WEEK = re.compile(r"(?<![0-9])((?:19|20)\d\d)[/_.-]?w(?:eek)?[/_.-]?(0?[1-9]|[1-4]\d|5[0-3])(?![0-9])", re.I)
COMPACT_DAY = re.compile(r"(?<![0-9])((?:19|20)\d\d)(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?![0-9])")
YEAR_PARAMS, MONTH_PARAMS, DAY_PARAMS = ("yyyy", "year", "y", "yr"), ("mm", "month", "m", "mon"), ("dd", "day", "d")
DATE_PARAMS = ("date", "day", "d")
MONTH_RUN_PARAMS = ("yyyymm", "ym", "yearmonth", "month")


@dataclass(frozen=True)
class Span:
    """The days a URL's date covers: one day, a month or a year."""
    first: dt.date
    last: dt.date

    @property
    def precision(self) -> int:
        return (self.last - self.first).days

    def __str__(self) -> str:
        if self.first == self.last:
            return self.first.isoformat()
        if self.precision == 6 and self.first.isoweekday() == 1:
            year, week, _day = self.first.isocalendar()
            return f"{year}-W{week:02d}"
        if self.first.month == self.last.month:
            return self.first.strftime("%Y-%m")
        return str(self.first.year)


def url_span(url: str, today: dt.date | None = None) -> Span | None:
    """The most precise date span the URL's path or query names, or None."""
    latest_year = (today or dt.date.today()).year + 1
    parts = urlsplit(url)
    spans = [span for span in (*path_spans(parts.path), query_span(parts.query))
             if span is not None and 1990 <= span.first.year <= latest_year]
    return min(spans, key=lambda span: span.precision, default=None)


def path_spans(path: str) -> list[Span | None]:
    spans: list[Span | None] = []
    for match in PATH_DATE.finditer(path):
        year, month, day = match.groups()
        # A lone year is read only as a path segment of its own (`/2024/`, `sitemap-2024.xml`): "top-2000" is no year.
        if month or is_lone_year_token(path, match.start(), match.end()):
            spans.append(make_span(year, month, day))
    spans += [make_span(*match.groups()) for match in COMPACT_DAY.finditer(path)]
    spans += [week_span(*match.groups()) for match in ISO_WEEK.finditer(path)]
    spans += [make_span(*match.groups()) for match in COMPACT_MONTH.finditer(path)]
    return spans


def week_span(year: str, week: str) -> Span | None:
    """An ISO week (`sitemap-2024-w43.xml`, `/2024/week/43/`): Monday to Sunday."""
    try:
        return Span(dt.date.fromisocalendar(int(year), int(week), 1), dt.date.fromisocalendar(int(year), int(week), 7))
    except ValueError:
        return None


def is_lone_year_token(path: str, start: int, end: int) -> bool:
    before, after = path[:start], path[end:]
    return (before.endswith("/") or re.search(r"sitemap[-_]?$", before) is not None) and (
        after == "" or after.startswith("/") or after.startswith(".xml"))


def query_span(query: str) -> Span | None:
    params = {name.lower(): value.strip() for name, value in parse_qsl(query)}
    for name in DATE_PARAMS:
        day = parse_day(params.get(name)) if len(params.get(name, "")) >= 8 else None
        if day:
            return Span(day, day)
    for name in MONTH_RUN_PARAMS:  # ?yyyymm=202410
        value = params.get(name, "")
        if len(value) == 6 and value.isdigit():
            return make_span(value[:4], value[4:])
    year = next((params[n] for n in YEAR_PARAMS if params.get(n, "").isdigit() and len(params[n]) == 4), None)
    if year is None:
        return None
    month = next((params[n] for n in MONTH_PARAMS if params.get(n, "").isdigit()), None)
    day_number = next((params[n] for n in DAY_PARAMS if params.get(n, "").isdigit()), None) if month else None
    return make_span(year, month, day_number)


def make_span(year: str, month: str | None = None, day: str | None = None) -> Span | None:
    try:
        y = int(year)
        if day and month:
            first = dt.date(y, int(month), int(day))
            return Span(first, first)
        if month:
            m = int(month)
            return Span(dt.date(y, m, 1), dt.date(y, m, calendar.monthrange(y, m)[1]))
        return Span(dt.date(y, 1, 1), dt.date(y, 12, 31))
    except ValueError:
        return None


def outside(span: Span, since: dt.date | None, until: dt.date | None) -> bool:
    """The span lies wholly before `since` or wholly after `until`."""
    return not overlaps_window(span.first, span.last, since, until)
