"""Windowed discovery: what of a ten-year archive a story crawl need not fetch, and what it fetches first.

A story has a window (`since`..`until`); an outlet's archive holds years around it. The spider asks this
module, for every listing and link it meets:

- a sitemap index's child: skipped when its `<lastmod>` is before `since` (nothing in it changed in the
  window) or when its URL names a day, week, month or year wholly outside the window (crawler/url_dates.py);
- a link or listing entry with no date of its own: dated by its URL, or by the one `<time>` element of
  the list item or `<article>` that holds it on an HTML listing;
- a paginated listing: paging stops at a page whose dated items are all older than `since` (or whose last
  is, on a page listing newest first); a page with no dated item waits for the articles it led to
  (PagingByArticles); a link to a page further on than the next one (a "last" or numbered jump) is never
  followed;
- service links (log-in, registration, subscription, search, sharing) are never followed;
- priority: in-window listings newest first, then in-window articles newest first, then the undated, so a
  crawl cut short by a budget or a kill has the best part.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from cleaners.dates import parse_day

from .discovery import Listing
from .url_dates import Span, outside, url_span

PAGE_PARAMS = ("page", "p", "pg", "paged", "seite", "pagina", "strona", "sida", "side", "pagenum")
OFFSET_PARAMS = ("offset", "start", "from", "skip")
NEWEST_FIRST_ITEMS = 3  # a page of this many dated items or more, newest first, is read as a chronological listing
PAGE_IN_PATH = re.compile(r"/(?:page|seite|pagina|side|sida|strona)/(\d{1,5})/?$")
PAGE_PATH_WORDS = ("/page/", "/seite/", "/pagina/", "/side/", "/sida/", "/strona/")  # what PAGE_IN_PATH needs
URL_CHARS_DROPPED = ("\t", "\r", "\n")  # urlsplit drops them from a URL
# What a link needs for page_number to read it (see paging_links): one search, not a substring test for each.
PAGING_TRIGGER = re.compile("|".join(map(re.escape, ("?", *(word[1:] for word in PAGE_PATH_WORDS), *URL_CHARS_DROPPED))))
LISTING_PRIORITY, ARTICLE_PRIORITY = 20000, 10000  # in the window, plus the day's offset in it: newest first
UNDATED_LISTING_PRIORITY = 5000
PRIORITY_LEVELS = 64


@dataclass(frozen=True)
class Skip:
    """A listing not fetched, and why (recorded in report.json's `skipped_listings`)."""
    url: str
    reason: str  # "lastmod" | "dated by URL" | "paging stopped"
    detail: str


class Windowing:
    def __init__(self, since: dt.date | None, until: dt.date | None, url_dates: bool, service_links: list[str]):
        self.since, self.until = since, until
        self.url_dates = url_dates
        self.service = re.compile("|".join(f"(?:{p})" for p in service_links), re.I) if service_links else None

    @classmethod
    def from_settings(cls, settings, story) -> Windowing:
        return cls(story.since, story.until, settings.getbool("URL_DATES_ENABLED"), settings.getlist("SERVICE_LINK_PATTERNS"))

    def reads_url_dates(self, source) -> bool:
        return self.url_dates if source.url_dates is None else source.url_dates

    def span_of(self, url: str, source) -> Span | None:
        """The dates the URL names (credible up to next year: the present's, not the window's)."""
        return url_span(url) if self.reads_url_dates(source) else None

    # --- sitemap indexes ---------------------------------------------------------------------------------

    def sitemap_child_skip(self, entry: Listing, source) -> Skip | None:
        # A day's grace: a lastmod is read as a date in its own time zone, which may be a day behind UTC's.
        if entry.published and self.since and entry.published < self.since - dt.timedelta(days=1):
            return Skip(entry.url, "lastmod", f"lastmod {entry.published.isoformat()} is before {self.since.isoformat()}")
        span = self.span_of(entry.url, source)
        if self.is_outside(span):
            return Skip(entry.url, "dated by URL", f"names {span}, outside the window")
        return None

    # --- links and entries -------------------------------------------------------------------------------

    def is_outside(self, span: Span | None) -> bool:
        return span is not None and outside(span, self.since, self.until)

    def modified_later(self, listing: Listing, url: str, source) -> bool:
        """A listing's date after the window, on an entry whose URL names a day in it: the date is a later change
        (a sitemap's lastmod), not the publication, which the URL gives."""
        if listing.published is None or self.until is None or listing.published <= self.until:
            return False
        span = self.span_of(url, source)
        return span is not None and span.precision == 0 and not outside(span, self.since, self.until)

    def newest_day(self, span: Span | None) -> dt.date | None:
        """The latest day of the span that can be in the window (its priority's day)."""
        if span is None:
            return None
        return min(span.last, self.until) if self.until else span.last

    def priority(self, day: dt.date | None, listing: bool) -> int:
        """Higher first: dated in the window, newest first; listings before articles; the undated last. A long
        window's days share PRIORITY_LEVELS levels (each level is a queue of its own on disk under JOBDIR)."""
        if day is None or self.since is None or not (self.since <= day <= (self.until or day)):
            return UNDATED_LISTING_PRIORITY if listing and day is None else 0
        span = max(PRIORITY_LEVELS, ((self.until or day) - self.since).days + 1)
        return (LISTING_PRIORITY if listing else ARTICLE_PRIORITY) + (day - self.since).days * PRIORITY_LEVELS // span

    def is_service_link(self, url: str) -> bool:
        return self.service is not None and self.service.search(urlsplit(url).path) is not None

    def newest_first(self, entries: list[Listing], source) -> list[Listing]:
        """Entries dated (by the listing or their URL) newest first, then the undated, as listed. Request priority
        alone would not do it: Scrapy hands the downloader up to CONCURRENT_REQUESTS requests in the order they came."""
        days = [entry.published or self.newest_day(self.span_of(entry.url, source)) for entry in entries]
        dated = sorted((pair for pair in zip(days, entries) if pair[0]), key=lambda pair: pair[0] or dt.date.min,
                       reverse=True)
        return [entry for _day, entry in dated] + [entry for day, entry in zip(days, entries) if not day]

    # --- HTML listings -----------------------------------------------------------------------------------

    def listed_days(self, links: list[str], dates: dict[str, dt.date], source) -> list[dt.date]:
        """The days a listing page's links are dated by: the <time> of their item, or their URL."""
        days = []
        for url in links:
            span = None if url in dates else self.span_of(url, source)
            day = dates.get(url) or (span.last if span else None)
            if day:
                days.append(day)
        return days

    def articles_stale(self, days: list[dt.date | None]) -> bool:
        """The articles a page led to (in the page's order) were all dated, and the page is stale by them."""
        dated = [day for day in days if day is not None]
        return len(dated) == len(days) and self.stale(dated)

    def stale(self, days: list[dt.date]) -> bool:
        """A listing page (its items' days in the page's order) whose next pages are older than `since`: all its
        dated items are older, or it lists newest first (three dated items or more) and its last is older."""
        if not days or self.since is None:
            return False
        if max(days) < self.since:
            return True
        newest_first = len(days) >= NEWEST_FIRST_ITEMS and all(a >= b for a, b in zip(days, days[1:]))
        return newest_first and days[-1] < self.since


def time_dates(response) -> dict[str, dt.date]:
    """Links of an HTML listing dated by their entry: a list item, table row or `<article>` holding one
    `<time>` (its `datetime`, or its text) and links to one URL only (a headline, maybe its picture too). A page's own `<article>`,
    whose one `<time>` is its own date, holds links to many URLs: it dates none of them."""
    return dated_entries(response.selector.root, response.urljoin)


def dated_entries(root, urljoin) -> dict[str, dt.date]:
    """time_dates on the page's lxml tree (`response.selector.root`), its links made absolute by `urljoin`:
    lxml's own XPath, without a parsel Selector around every node it returns."""
    dates: dict[str, dt.date] = {}
    for item in root.xpath("//li[.//time] | //article[.//time] | //tr[.//time]", smart_strings=False):
        times = [time.get("datetime") or " ".join(time.xpath("string()", smart_strings=False).split())
                 for time in item.xpath(".//time", smart_strings=False)]
        hrefs = {urljoin(href) for href in item.xpath(".//a/@href", smart_strings=False)}
        if len(times) != 1 or len(hrefs) != 1:
            continue
        day = parse_day(times[0])
        if day is not None:
            dates.setdefault(hrefs.pop(), day)
    return dates


def page_number(url: str) -> tuple[str, int] | None:
    """(the listing's URL without its page number or offset, the number) for a paginated listing's URL."""
    if "?" not in url and not any(word in url for word in PAGE_PATH_WORDS) and not any(c in url for c in URL_CHARS_DROPPED):
        return None  # no query, no page in the path (urlsplit drops tabs and newlines): most links, told unparsed
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    for i, (name, value) in enumerate(query):
        if name.lower() in (*PAGE_PARAMS, *OFFSET_PARAMS) and value.isdigit():
            rest = urlencode(query[:i] + query[i + 1:])
            return urlunsplit((parts.scheme, parts.netloc, parts.path, rest, "")), int(value)
    match = PAGE_IN_PATH.search(parts.path)
    if match:
        base = parts.path[:match.start()] + "/"
        return urlunsplit((parts.scheme, parts.netloc, base, parts.query, "")), int(match.group(1))
    return None


def paging_links(base_url: str, hrefs: list[str]) -> list[str]:
    """The links among a page's `hrefs` (made absolute against `base_url`) that may name a page of a listing, in
    the page's order: `pagination` of these is `pagination` of them all, without joining every link of the page.

    page_number reads a URL only if it holds a "?", a page word ("/page/") or a character urlsplit drops. A
    joined URL is made of the base's parts and the link's, and urljoin adds none of these: a query comes from
    one of them, and a path's "/page/" is either in the link ("page/", at its start or after a "/") or in the
    base (every segment it keeps from the base is followed by a "/" there). So when the base holds none, only
    the links that hold one are joined."""
    if PAGING_TRIGGER.search(base_url):
        return [urljoin(base_url, href) for href in hrefs]
    return [urljoin(base_url, href) for href in hrefs if PAGING_TRIGGER.search(href)]


def pagination(page_url: str, links: list[str]) -> tuple[str | None, set[str]]:
    """The next page among a listing page's links (the least page number or offset above this page's), and the
    links that jump further ahead ("last", page 912): those are never followed."""
    here = page_number(page_url)
    base, number = here if here else (urlunsplit(urlsplit(page_url)._replace(fragment="")), 0)
    ahead = []
    for url in links:
        link = page_number(url)
        if link is not None and link[0] == base and link[1] > number:
            ahead.append((link[1], url))
    if not ahead:
        return None, set()
    least = min(n for n, _url in ahead)
    following = next(url for n, url in ahead if n == least)
    return following, {url for n, url in ahead if n > least}


@dataclass
class PendingPage:
    """A listing page with no dated item: its next page waits until the articles it led to tell their dates."""
    next_url: str
    source: str
    depth: int
    order: list[str]  # the URLs the page led to, in its order
    days: dict = field(default_factory=dict)  # URL -> the article's day, None when it had none

    @property
    def waiting(self) -> int:
        return len(self.order) - len(self.done)

    @property
    def article_days(self) -> list:
        """The days of the articles among the pages it led to, in the page's order."""
        return [self.days[url] for url in self.order if url in self.days]

    done: set = field(default_factory=set)


class PagingByArticles:
    """Next pages held back until the articles of their page are cleaned (see PendingPage)."""

    def __init__(self):
        self.pending: dict[str, PendingPage] = {}

    def hold(self, page_url: str, page: PendingPage) -> None:
        self.pending[page_url] = page

    def article_done(self, page_url: str | None, url: str, day: dt.date | None, article: bool = True
                     ) -> tuple[str, PendingPage] | None:
        """One page the held page led to is done: an article (its day, None if undated) or a page that was no
        article (no evidence either way). The held page, once the last of them is done."""
        key = page_url or ""
        page = self.pending.get(key)
        if page is None or url not in page.order or url in page.done:
            return None
        page.done.add(url)
        if article:
            page.days[url] = day
        if page.waiting > 0:
            return None
        return key, self.pending.pop(key)

    def release_all(self) -> list[tuple[str, PendingPage]]:
        """Every page still held (an article whose outcome never came back): paging goes on, for recall."""
        held = list(self.pending.items())
        self.pending.clear()
        return held
