"""A generated web of outlets with ten-year archives, for measuring what windowed discovery costs.

Nothing is stored: every page is built from (outlet, path) when asked for, so an archive of tens of
thousands of articles costs no disk. Each outlet listens on its own 127.0.0.N address (one port for all)
and has the shapes real archives have:

    dailymap   robots.txt -> sitemap index of daily sitemaps /sitemaps/YYYY/MM/DD.xml with <lastmod>
               (some old days modified lately; some in-window stories corrected after the window), and a
               two-day news sitemap
    monthmap   robots.txt -> sitemap index of /sitemap-YYYY-MM.xml, dated only by the URL; a 30-item RSS feed
    querymap   a sitemap index of /sitemap.xml?yyyy=YYYY&mm=MM children (no <lastmod>), whose entries are
               undated but whose article URLs carry the day; a two-day news sitemap
    archive    HTML date archives /archive/ -> /archive/YYYY/MM/ -> /archive/YYYY/MM/DD/ -> articles
    sections   a section paginated hundreds of pages deep (?page=N, "next", "last" and numbered links, items
               with <time>); a 30-item RSS feed
    blog       a front page paginated hundreds of pages deep (/blog/page/N/, "older posts" and "last" links),
               with no date anywhere on it: only the articles it links to are dated

Articles are JSON-LD NewsArticles with a byline, related links and login/service links (which answer 404).
A few articles of the window are about the story; most of the archive is off-window or off-topic.

`ArchiveWeb.minimal_crawl()` is the careful crawl: robots.txt and the seeds of every outlet, the listings
that can hold in-window entries, and the in-window articles. `requests` logs every request served.

    python -m crawler.archive_web WORKDIR [--days-per-outlet 3650] [--per-day 4]

writes WORKDIR/story.toml and serves until interrupted.
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import json
import random
import re
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

STORY_ID = "brennvik-tunnel"
STORY_GROUPS = (("Brennvik",), ("tunnel*",))
SINCE, UNTIL = dt.date(2024, 10, 20), dt.date(2024, 10, 31)
TODAY = dt.date(2024, 11, 3)  # the web's "now": feeds and news sitemaps show the days after the window
FEED_ITEMS = 30
NEWS_SITEMAP_DAYS = 2
SECTION_PAGE_ITEMS = 20
SERVICE_PATHS = ("/account/login", "/account/register", "/subscribe/", "/search")
SHAPES = ("dailymap", "monthmap", "querymap", "archive", "sections", "blog")
ARTICLE_ID = {"dailymap": re.compile(r"^/news/\d{4}/\d\d/\d\d/[a-z-]+-(\d+)\.html$"),
              "querymap": re.compile(r"^/news/\d{4}/\d\d/\d\d/[a-z-]+-(\d+)\.html$"),
              "monthmap": re.compile(r"^/story/[a-z-]+-(\d+)$"), "archive": re.compile(r"^/a/(\d+)-"),
              "sections": re.compile(r"^/world/(\d+)/"), "blog": re.compile(r"^/p/(\d+)-")}

WORDS = ("council harbour budget schools ferry weather farmers museum election river bridge festival hospital "
         "rail fishing market teachers housing library football energy wind storm forest police court mayor "
         "village airport students orchestra cyclists bakery ministry harvest coastline lighthouse bus route "
         "plan report survey vote debate repair season visitors prices wages contract").split()
VERBS = "approved delayed discussed announced reviewed opened closed expanded questioned praised".split()


@dataclass(frozen=True)
class Article:
    outlet: str
    id: int
    day: dt.date
    on_topic: bool
    title: str

    @property
    def in_window(self) -> bool:
        return SINCE <= self.day <= UNTIL


@dataclass(frozen=True)
class Outlet:
    name: str
    shape: str
    address: str
    first_day: dt.date
    per_day: int

    def path_of(self, article: Article) -> str:
        slug = "-".join(article.title.lower().replace(",", "").split()[:6])
        d = article.day
        if self.shape in ("dailymap", "querymap"):
            return f"/news/{d:%Y/%m/%d}/{slug}-{article.id}.html"
        if self.shape == "monthmap":
            return f"/story/{slug}-{article.id}"
        if self.shape == "archive":
            return f"/a/{article.id}-{slug}"
        if self.shape == "blog":
            return f"/p/{article.id}-{slug}/"
        return f"/world/{article.id}/{slug}"


class ArchiveWeb:
    """Outlets of SHAPES with `days` days of archive each, `per_day` articles a day. Same seed, same web."""

    def __init__(self, days: int = 3650, per_day: int = 4, seed: int = 17, first_address: int = 101, port: int = 0,
                 copies: int = 1):
        """`copies` outlets of each shape (`dailymap-gazette`, `dailymap-gazette-2`, ...), one address each."""
        self.port = port
        self.outlets = {}
        for i in range(copies * len(SHAPES)):
            shape = SHAPES[i % len(SHAPES)]
            name = f"{shape}-gazette" + (f"-{i // len(SHAPES) + 1}" if i >= len(SHAPES) else "")
            self.outlets[name] = Outlet(name, shape, f"127.0.0.{first_address + i}", TODAY - dt.timedelta(days=days),
                                        per_day + i % 2)
        self.seed = seed
        self.on_topic = self._choose_on_topic()
        self.requests: list[dict] = []
        self._lock = threading.Lock()
        self._servers: list[ThreadingHTTPServer] = []

    # --- the archive -----------------------------------------------------------------------------------------

    def _choose_on_topic(self) -> dict[str, set[int]]:
        """Per outlet: the ids of articles about the story: a few in the window, a few years earlier."""
        chosen = {}
        for name, outlet in self.outlets.items():
            rng = random.Random(f"{self.seed}-{name}")
            in_window = [self.first_id(outlet, SINCE + dt.timedelta(days=d)) + rng.randrange(outlet.per_day)
                         for d in rng.sample(range((UNTIL - SINCE).days + 1), 4)]
            earlier = [rng.randrange(self.first_id(outlet, SINCE)) for _ in range(3)]
            chosen[name] = set(in_window) | set(earlier)
        return chosen

    def first_id(self, outlet: Outlet, day: dt.date) -> int:
        return (day - outlet.first_day).days * outlet.per_day

    def article_count(self, outlet: Outlet) -> int:
        return self.first_id(outlet, TODAY + dt.timedelta(days=1))

    def articles(self, outlet: Outlet, ids: range) -> list[Article]:
        return [article for i in ids if (article := self.article(outlet, i)) is not None]

    def article(self, outlet: Outlet, article_id: int) -> Article | None:
        if not 0 <= article_id < self.article_count(outlet):
            return None
        day = outlet.first_day + dt.timedelta(days=article_id // outlet.per_day)
        on_topic = article_id in self.on_topic[outlet.name]
        rng = random.Random(f"{self.seed}-{outlet.name}-{article_id}")
        if on_topic:
            title = f"Brennvik tunnel {rng.choice(VERBS)} as {rng.choice(WORDS)} {rng.choice(WORDS)} waits"
        else:
            title = f"{rng.choice(WORDS).capitalize()} {rng.choice(WORDS)} {rng.choice(VERBS)} by {rng.choice(WORDS)} board"
        return Article(outlet.name, article_id, day, on_topic, title)

    def articles_of_day(self, outlet: Outlet, day: dt.date) -> list[Article]:
        start = self.first_id(outlet, day)
        return [a for a in (self.article(outlet, i) for i in range(start, start + outlet.per_day)) if a]

    def days(self, outlet: Outlet):
        day = outlet.first_day
        while day <= TODAY:
            yield day
            day += dt.timedelta(days=1)

    def months(self, outlet: Outlet) -> list[tuple[int, int]]:
        return sorted({(d.year, d.month) for d in self.days(outlet)})

    def article_by_path(self, outlet: Outlet, path: str) -> Article | None:
        match = ARTICLE_ID[outlet.shape].search(path)
        article = self.article(outlet, int(match.group(1))) if match else None
        return article if article and outlet.path_of(article) == path else None

    def origin(self, outlet: Outlet) -> str:
        return f"http://{outlet.address}:{self.port}"

    # --- what a careful crawl fetches ------------------------------------------------------------------------

    def seeds(self, outlet: Outlet) -> list[str]:
        """The story file's URLs for the outlet."""
        origin = self.origin(outlet)
        return {"dailymap": [f"{origin}/robots.txt"], "monthmap": [f"{origin}/robots.txt", f"{origin}/rss.xml"],
                "querymap": [f"{origin}/sitemap.xml", f"{origin}/news-sitemap.xml"],
                "archive": [f"{origin}/archive/", f"{origin}/rss.xml"],
                "sections": [f"{origin}/section/world/", f"{origin}/rss.xml"],
                "blog": [f"{origin}/blog/"]}[outlet.shape]

    def minimal_crawl(self) -> dict[str, set[str]]:
        """Per outlet, the paths a careful crawl requests: robots.txt, seeds and the listings they name that can
        hold in-window entries, and the in-window articles."""
        minimal = {}
        window_days = [SINCE + dt.timedelta(days=d) for d in range((UNTIL - SINCE).days + 1)]
        for name, outlet in self.outlets.items():
            paths = {"/robots.txt", *(urlsplit(url).path + (f"?{urlsplit(url).query}" if urlsplit(url).query else "")
                                      for url in self.seeds(outlet))}
            if outlet.shape == "dailymap":
                paths |= {"/sitemap_index.xml", "/news-sitemap.xml"} | {f"/sitemaps/{d:%Y/%m/%d}.xml" for d in window_days}
            elif outlet.shape == "monthmap":
                paths |= {"/sitemap.xml"} | {f"/sitemap-{y}-{m:02d}.xml" for y, m in {(d.year, d.month) for d in window_days}}
            elif outlet.shape == "querymap":
                paths |= {f"/sitemap.xml?yyyy={y}&mm={m:02d}" for y, m in {(d.year, d.month) for d in window_days}}
            elif outlet.shape == "archive":
                paths |= {f"/archive/{y}/{m:02d}/" for y, m in {(d.year, d.month) for d in window_days}}
                paths |= {f"/archive/{d:%Y/%m/%d}/" for d in window_days}
            else:
                newest = self.article_count(outlet) - 1
                last_in_window = self.first_id(outlet, SINCE)
                pages = (newest - last_in_window) // SECTION_PAGE_ITEMS + 1
                paths |= {self.page_path(outlet, n) for n in range(1, pages + 1)}
            for day in window_days:
                paths |= {outlet.path_of(a) for a in self.articles_of_day(outlet, day)}
            minimal[name] = paths
        return minimal

    def in_window_on_topic(self) -> set[str]:
        """The URLs a crawl of the story must write."""
        return {self.origin(self.outlets[name]) + self.outlets[name].path_of(article)
                for name, ids in self.on_topic.items()
                for article in (self.article(self.outlets[name], i) for i in ids) if article and article.in_window}

    def story_toml(self) -> str:
        lines = [f'id = "{STORY_ID}"', 'title = "The Brennvik tunnel (generated archive web)"',
                 f"since = {SINCE}", f"until = {UNTIL}", "", "[match]",
                 "groups = " + json.dumps([list(g) for g in STORY_GROUPS]), ""]
        for name, outlet in self.outlets.items():
            seeds = self.seeds(outlet)
            lines += ["[[sources]]", f'name = "{name}"']
            sitemaps = [u for u in seeds if u.endswith(("robots.txt", ".xml")) and "rss" not in u]
            feeds = [u for u in seeds if u.endswith("rss.xml")]
            pages = [u for u in seeds if u.endswith("/")]
            if sitemaps:
                lines.append("sitemaps = " + json.dumps(sitemaps))
            if feeds:
                lines.append("feeds = " + json.dumps(feeds))
            if pages:
                lines.append("start_urls = " + json.dumps(pages))
                depth = 3 if outlet.shape == "archive" else 8
                lines.append(f'follow = {{ depth = {depth}, allow = ["/archive/", "/a/", "/section/", "/world/", "/blog/", "/p/"] }}')
            lines.append("")
        return "\n".join(lines)

    # --- pages -----------------------------------------------------------------------------------------------

    def answer(self, outlet: Outlet, target: str) -> tuple[int, str, str]:
        """(status, content type, body) for a request target (path and query)."""
        parts = urlsplit(target)
        path, query = parts.path, {k: v[0] for k, v in parse_qs(parts.query).items()}
        xml, page = "application/xml; charset=utf-8", "text/html; charset=utf-8"
        if path == "/robots.txt":
            return 200, "text/plain; charset=utf-8", self.robots(outlet)
        if path == "/rss.xml" and outlet.shape in ("monthmap", "archive", "sections"):
            return 200, xml, self.rss(outlet)
        if path == "/news-sitemap.xml" and outlet.shape in ("dailymap", "querymap"):
            return 200, xml, self.news_sitemap(outlet)
        body = self.listing(outlet, path, query)
        if body is not None:
            return 200, xml if body.startswith("<?xml") else page, body
        article = self.article_by_path(outlet, path)
        if article is not None:
            return 200, page, self.article_page(outlet, article)
        return 404, page, "<html><body><h1>Not found</h1></body></html>"

    def robots(self, outlet: Outlet) -> str:
        lines = ["User-agent: *", "Disallow: /private/", ""]
        if outlet.shape == "dailymap":
            lines += [f"Sitemap: {self.origin(outlet)}/sitemap_index.xml", f"Sitemap: {self.origin(outlet)}/news-sitemap.xml"]
        if outlet.shape == "monthmap":
            lines += [f"Sitemap: {self.origin(outlet)}/sitemap.xml"]
        return "\n".join(lines) + "\n"

    def listing(self, outlet: Outlet, path: str, query: dict) -> str | None:
        shape, origin = outlet.shape, self.origin(outlet)
        if shape == "dailymap" and path == "/sitemap_index.xml":
            children = [(f"{origin}/sitemaps/{d:%Y/%m/%d}.xml", self.lastmod(outlet, d)) for d in self.days(outlet)]
            return sitemap_index(children)
        if shape == "dailymap" and path.startswith("/sitemaps/"):
            day = parse_day(path.removeprefix("/sitemaps/").removesuffix(".xml"), "/")
            return None if day is None else urlset([(origin + outlet.path_of(a), self.entry_lastmod(a))
                                                    for a in self.articles_of_day(outlet, day)])
        if shape == "monthmap" and path == "/sitemap.xml":
            return sitemap_index([(f"{origin}/sitemap-{y}-{m:02d}.xml", None) for y, m in self.months(outlet)])
        if shape == "monthmap" and path.startswith("/sitemap-"):
            month = parse_month(path.removeprefix("/sitemap-").removesuffix(".xml"))
            return None if month is None else urlset([(origin + outlet.path_of(a), a.day) for a in self.month_articles(outlet, month)])
        if shape == "querymap" and path == "/sitemap.xml":
            if "yyyy" not in query:
                return sitemap_index([(f"{origin}/sitemap.xml?yyyy={y}&amp;mm={m:02d}", None) for y, m in self.months(outlet)])
            month = parse_month(f"{query.get('yyyy')}-{query.get('mm')}")
            return None if month is None else urlset([(origin + outlet.path_of(a), None) for a in self.month_articles(outlet, month)])
        if shape == "archive" and path.startswith("/archive/"):
            return self.archive_page(outlet, path.removeprefix("/archive/").strip("/"))
        if shape == "sections" and path == "/section/world/":
            return self.section_page(outlet, query.get("page", "1"))
        if shape == "blog" and (path == "/blog/" or path.startswith("/blog/page/")):
            return self.section_page(outlet, path.removeprefix("/blog/page/").strip("/") if path != "/blog/" else "1")
        return None

    def page_path(self, outlet: Outlet, number: int) -> str:
        if outlet.shape == "blog":
            return "/blog/" if number == 1 else f"/blog/page/{number}/"
        return "/section/world/" if number == 1 else f"/section/world/?page={number}"

    def lastmod(self, outlet: Outlet, day: dt.date) -> dt.date:
        """A day's sitemap changes when its articles do: a few old days had an article corrected lately."""
        if random.Random(f"{self.seed}-{outlet.name}-{day}").random() < 0.03:
            return TODAY - dt.timedelta(days=5)
        return day

    def entry_lastmod(self, article: Article) -> dt.date:
        """An article's lastmod in a daily sitemap: its day, or later for a story corrected after the window."""
        return TODAY - dt.timedelta(days=1) if article.on_topic and article.in_window and article.id % 2 else article.day

    def month_articles(self, outlet: Outlet, month: tuple[int, int]) -> list[Article]:
        day = dt.date(*month, 1)
        found = []
        while day.month == month[1]:
            found += self.articles_of_day(outlet, day)
            day += dt.timedelta(days=1)
        return found

    def rss(self, outlet: Outlet) -> str:
        newest = self.article_count(outlet) - 1
        items = self.articles(outlet, range(newest, max(-1, newest - FEED_ITEMS), -1))
        entries = "".join(f"<item><title>{html.escape(a.title)}</title><link>{self.origin(outlet)}{outlet.path_of(a)}</link>"
                          f"<pubDate>{a.day:%a, %d %b %Y} 08:00:00 +0000</pubDate></item>" for a in items)
        return f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{outlet.name}</title>{entries}</channel></rss>'

    def news_sitemap(self, outlet: Outlet) -> str:
        articles = [a for d in range(NEWS_SITEMAP_DAYS) for a in self.articles_of_day(outlet, TODAY - dt.timedelta(days=d))]
        entries = "".join(f"<url><loc>{self.origin(outlet)}{outlet.path_of(a)}</loc><news:news><news:publication_date>"
                          f"{a.day}T08:00:00Z</news:publication_date><news:title>{html.escape(a.title)}</news:title>"
                          f"</news:news></url>" for a in articles)
        return ('<?xml version="1.0" encoding="utf-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
                f'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">{entries}</urlset>')

    def archive_page(self, outlet: Outlet, rest: str) -> str | None:
        parts = rest.split("/") if rest else []
        if not parts:
            links = [(f"/archive/{y}/{m:02d}/", f"{y}-{m:02d}") for y, m in reversed(self.months(outlet))]
            return html_page("Archive", link_list(links))
        if len(parts) == 2 and (month := parse_month("-".join(parts))):
            days = sorted({a.day for a in self.month_articles(outlet, month)}, reverse=True)
            return html_page(f"Archive {rest}", link_list([(f"/archive/{d:%Y/%m/%d}/", str(d)) for d in days]))
        if len(parts) == 3 and (day := parse_day(rest, "/")) and outlet.first_day <= day <= TODAY:
            items = [(outlet.path_of(a), a.title, a.day) for a in self.articles_of_day(outlet, day)]
            return html_page(f"Archive {day}", dated_list(items))
        return None

    def section_page(self, outlet: Outlet, page: str) -> str | None:
        if not page.isdigit() or int(page) < 1:
            return None
        number, newest = int(page), self.article_count(outlet) - 1
        pages = newest // SECTION_PAGE_ITEMS + 1
        if number > pages:
            return None
        first = newest - (number - 1) * SECTION_PAGE_ITEMS
        articles = self.articles(outlet, range(first, max(-1, first - SECTION_PAGE_ITEMS), -1))
        if outlet.shape == "blog":  # headlines and teasers, no date
            items = "".join(f'<div class="post"><h2><a href="{outlet.path_of(a)}">{html.escape(a.title)}</a></h2>'
                            f'<p>A short teaser of the post.</p></div>' for a in articles)
        else:
            items = dated_list([(outlet.path_of(a), a.title, a.day) for a in articles])

        def href(n: int) -> str:
            return self.page_path(outlet, n)
        numbers = "".join(f'<a href="{href(n)}">{n}</a> ' for n in range(max(1, number - 2), min(pages, number + 3) + 1))
        nav = (f'<nav class="pagination">{numbers}'
               + (f'<a rel="next" class="next" href="{href(number + 1)}">Older</a> ' if number < pages else "")
               + f'<a class="last" href="{href(pages)}">Last page</a></nav>')
        return html_page(f"World, page {number}", items + nav)

    def article_page(self, outlet: Outlet, article: Article) -> str:
        rng = random.Random(f"{self.seed}-{outlet.name}-{article.id}-text")
        sentences = []
        for _ in range(14):
            subject = "The Brennvik tunnel" if article.on_topic and rng.random() < 0.4 else f"The {rng.choice(WORDS)} {rng.choice(WORDS)}"
            sentences.append(f"{subject} was {rng.choice(VERBS)} by the {rng.choice(WORDS)} committee after "
                             f"{rng.randint(2, 90)} {rng.choice(WORDS)} meetings in the {rng.choice(WORDS)} district.")
        paragraphs = "".join(f"<p>{' '.join(sentences[i:i + 3])}</p>" for i in range(0, len(sentences), 3))
        related = [self.article(outlet, i) for i in self.related_ids(outlet, article, rng)]
        related_html = link_list([(outlet.path_of(a), a.title) for a in related if a])
        service = "".join(f'<a href="{p}?return={outlet.path_of(article)}">{p.strip("/").split("/")[-1]}</a> '
                          for p in SERVICE_PATHS)
        ld = json.dumps({"@context": "https://schema.org", "@type": "NewsArticle", "headline": article.title,
                         "datePublished": f"{article.day}T08:00:00Z", "author": {"@type": "Person", "name": "Ada Lund"}})
        return (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(article.title)}</title>'
                f'<link rel="canonical" href="{self.origin(outlet)}{outlet.path_of(article)}">'
                f'<script type="application/ld+json">{ld}</script></head><body><header>{service}</header>'
                f'<article><h1>{html.escape(article.title)}</h1><p class="byline">By Ada Lund, '
                f'<time datetime="{article.day}T08:00:00Z">{article.day}</time></p>{paragraphs}</article>'
                f'<aside><h2>Related</h2>{related_html}</aside></body></html>')

    def related_ids(self, outlet: Outlet, article: Article, rng: random.Random) -> list[int]:
        """Coverage of the same story for an on-topic article, older pieces of its day's neighbours otherwise."""
        if article.on_topic:
            return sorted(i for i in self.on_topic[outlet.name] if i != article.id)[:3]
        return [max(0, article.id - rng.randint(1, 30)) for _ in range(2)]

    # --- serving ---------------------------------------------------------------------------------------------

    def start(self) -> ArchiveWeb:
        for _attempt in range(20):
            port = self.port
            try:
                for outlet in self.outlets.values():
                    server = _Server((outlet.address, port), _Handler, self, outlet)
                    port = server.server_address[1]
                    self._servers.append(server)
                self.port = port
                break
            except OSError:
                for started in self._servers:
                    started.server_close()
                self._servers = []
        else:
            raise OSError("no free port on every archive-web address")
        for running in self._servers:
            threading.Thread(target=running.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        for server in self._servers:
            server.shutdown()
            server.server_close()
        self._servers = []

    def __enter__(self) -> ArchiveWeb:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def log(self, record: dict) -> None:
        with self._lock:
            self.requests.append(record)


def sitemap_index(children: Sequence[tuple[str, dt.date | None]]) -> str:
    entries = "".join(f"<sitemap><loc>{loc}</loc>" + (f"<lastmod>{lastmod}</lastmod>" if lastmod else "") + "</sitemap>"
                      for loc, lastmod in children)
    return f'<?xml version="1.0" encoding="utf-8"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</sitemapindex>'


def urlset(entries: list[tuple[str, dt.date | None]]) -> str:
    body = "".join(f"<url><loc>{loc}</loc>" + (f"<lastmod>{day}</lastmod>" if day else "") + "</url>" for loc, day in entries)
    return f'<?xml version="1.0" encoding="utf-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{body}</urlset>'


def html_page(title: str, body: str) -> str:
    """A listing page: archives and sections declare themselves schema.org CollectionPages, as real ones do."""
    ld = json.dumps({"@context": "https://schema.org", "@type": "CollectionPage", "name": title})
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
            f'<script type="application/ld+json">{ld}</script></head>'
            f"<body><h1>{html.escape(title)}</h1>{body}</body></html>")


def link_list(links: list[tuple[str, str]]) -> str:
    return "<ul>" + "".join(f'<li><a href="{href}">{html.escape(text)}</a></li>' for href, text in links) + "</ul>"


def dated_list(items: list[tuple[str, str, dt.date]]) -> str:
    return "<ul class=\"items\">" + "".join(f'<li><a href="{href}">{html.escape(title)}</a> <time datetime="{day}">{day}</time></li>'
                                           for href, title, day in items) + "</ul>"


def parse_day(text: str, separator: str) -> dt.date | None:
    try:
        return dt.date(*(int(part) for part in text.split(separator)))
    except (TypeError, ValueError):
        return None


def parse_month(text: str) -> tuple[int, int] | None:
    try:
        year, month = (int(part) for part in text.split("-"))
        dt.date(year, month, 1)
        return year, month
    except (TypeError, ValueError):
        return None


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address, handler, web: ArchiveWeb, outlet: Outlet):
        self.web = web
        self.outlet = outlet
        super().__init__(address, handler)


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):
        pass

    def do_GET(self):
        web, outlet = self.server.web, self.server.outlet
        status, content_type, text = web.answer(outlet, self.path)
        body = text.encode("utf-8")
        web.log({"outlet": outlet.name, "path": self.path, "status": status, "bytes": len(body), "at": time.time()})
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("workdir", type=Path)
    parser.add_argument("--days-per-outlet", type=int, default=3650)
    parser.add_argument("--per-day", type=int, default=4)
    args = parser.parse_args()
    web = ArchiveWeb(days=args.days_per_outlet, per_day=args.per_day).start()
    args.workdir.mkdir(parents=True, exist_ok=True)
    (args.workdir / "story.toml").write_text(web.story_toml(), encoding="utf-8")
    print(json.dumps({"port": web.port, "story": str(args.workdir / "story.toml")}), flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        web.stop()


if __name__ == "__main__":
    main()
