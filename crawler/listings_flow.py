"""Discovery: the story's seeds, the listings they lead to (robots.txt, sitemaps and their indexes, feeds, GDELT
answers, start pages) and the links followed from pages that list articles, newest first, with the paging of a
listing stopped once what it lists is older than the story's window."""

from __future__ import annotations

from urllib.parse import urlsplit

from scrapy.http import HtmlResponse, Response
from scrapy.linkextractors import LinkExtractor

from cleaners.dates import parse_day

from .bounds import bounded_links, bounded_page
from .candidates import LISTED_DEPTH, SEED_CLAIMANT, Callbacks, Candidates
from .discovery import (
    Listing,
    ListingError,
    gdelt_request_url,
    parse_feed,
    parse_gdelt,
    parse_sitemap,
    robots_sitemaps,
)
from .report import source_failed, utc_now
from .run import StoryRun
from .story import Source
from .urls import on_domains
from .verdicts import NotAnArticle
from .windowing import PagingByArticles, PendingPage, Skip, pagination, time_dates

FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+json", "application/rdf+xml")


class ListingsFlow:
    """The spider's listing callbacks, and the link-following of pages that are listings. `logger`: the spider's."""

    def __init__(self, crawler, run: StoryRun, candidates: Candidates, callbacks: Callbacks, logger):
        settings = crawler.settings
        self.crawler = crawler
        self.run = run
        self.windowing = run.windowing
        self.candidates = candidates
        self.callbacks = callbacks
        self.logger = logger
        self.gdelt_endpoint = settings.get("GDELT_ENDPOINT")
        self.sitemap_max_depth = settings.getint("SITEMAP_MAX_DEPTH")
        self.max_listing_bytes = settings.getint("LISTING_MAXSIZE")
        self.max_links, self.max_link_bytes = settings.getint("FOLLOW_MAX_LINKS"), settings.getint("CLEAN_MAX_CHARS")
        self.link_extractors: dict[str, LinkExtractor] = {}
        self.paging = PagingByArticles()

    def seed_requests(self, source: Source):
        story, seed, listing_request = self.run.story, SEED_CLAIMANT, self.candidates.listing_request
        for url in source.sitemaps:
            robots = urlsplit(url).path.endswith("/robots.txt")
            yield from listing_request(url, self.callbacks.robots if robots else self.callbacks.sitemap, source, seed)
        for url in source.feeds:
            yield from listing_request(url, self.callbacks.feed, source, seed)
        for url in source.start_urls:
            yield from listing_request(url, self.callbacks.start_page, source, seed, follow_depth=0)
        for url in source.urls:
            yield from self.candidates.candidate(Listing(url), source, {"kind": "list", "url": story.path},
                                                 follow_depth=LISTED_DEPTH, claimant=seed)
        if source.gdelt:
            endpoint = source.gdelt.endpoint or self.gdelt_endpoint
            url = gdelt_request_url(endpoint, source.gdelt.query, story.since, story.until, source.gdelt.max_records)
            yield from listing_request(url, self.callbacks.gdelt, source, seed, keep_query=True)

    # --- listings ----------------------------------------------------------------------------------------------

    def parse_robots(self, response: Response):
        for url in robots_sitemaps(response.body, response.url):
            yield from self.candidates.listing_request(url, self.callbacks.sitemap, self.source_of(response),
                                                       response.url, sitemap_depth=0)

    def parse_sitemap(self, response: Response):
        source = self.source_of(response)
        content = self.read_listing(response, lambda: parse_sitemap(response.body, response.url, self.max_listing_bytes))
        if content is None:
            return
        if content.truncated:  # recorded as a listing error; the complete entries before the cut still count
            self.candidates.report_listing_error(response.url, source, f"truncated XML: cut off before its end; its "
                                                                       f"{len(content.entries)} complete entries are read")
        if content.is_index:
            depth = response.meta.get("sitemap_depth", 0) + 1
            if depth > self.sitemap_max_depth:
                self.candidates.report_listing_error(response.url, source,
                                                     f"sitemap index nested deeper than {self.sitemap_max_depth}")
                return
            for entry in self.windowing.newest_first(content.entries, source):
                yield from self.sitemap_child(entry, source, response.url, depth)
            return
        via = {"kind": "sitemap", "url": response.url}
        for entry in self.windowing.newest_first(content.entries, source):
            yield from self.candidates.candidate(entry, source, via, follow_depth=LISTED_DEPTH)

    def sitemap_child(self, entry: Listing, source: Source, index_url: str, depth: int):
        """A sitemap index's child, unless its lastmod or the date its URL names rules it out: in-window ones first."""
        skip = self.windowing.sitemap_child_skip(entry, source)
        if skip is not None:
            self.candidates.skip_listing(skip, source, index_url)
            return
        day = self.windowing.newest_day(self.windowing.span_of(entry.url, source))
        yield from self.candidates.listing_request(entry.url, self.callbacks.sitemap, source, index_url,
                                                   sitemap_depth=depth, priority=self.windowing.priority(day, listing=True))

    def parse_feed(self, response: Response):
        entries = self.read_listing(response, lambda: parse_feed(response.body, response.url, self.max_listing_bytes))
        via = {"kind": "feed", "url": response.url}
        for entry in entries or []:
            yield from self.candidates.candidate(entry, self.source_of(response), via, follow_depth=LISTED_DEPTH)

    def parse_gdelt(self, response: Response):
        entries = self.read_listing(response, lambda: parse_gdelt(response.body))
        via = {"kind": "gdelt", "url": response.url}
        for entry in entries or []:
            yield from self.candidates.candidate(entry, self.source_of(response), via, follow_depth=LISTED_DEPTH)

    def parse_start_page(self, response: Response):
        if not isinstance(response, HtmlResponse):
            self.candidates.report_listing_error(response.url, self.source_of(response), "start page is not HTML")
            return
        yield from self.follow(response, self.source_of(response), depth=0)

    def read_listing(self, response: Response, parse):
        try:
            return parse()
        except ListingError as exc:
            self.candidates.report_listing_error(response.url, self.source_of(response), str(exc))
            return None

    def source_of(self, response: Response) -> Source:
        return self.candidates.source_of(response)

    # --- link following ---------------------------------------------------------------------------------------

    def follow(self, response: HtmlResponse, source: Source, depth: int):
        """Links of a start page (depth 0) or of a page `depth` hops from a listing (a listing's entry or a start
        page's link is 1), while the source's depth allows."""
        if depth >= source.follow.depth:
            return
        page, cut = bounded_page(response, self.max_link_bytes)  # a page of megabytes is not parsed whole
        for feed in self.announced_feeds(page):
            yield from self.candidates.listing_request(feed, self.callbacks.feed, source, response.url)
        via = {"kind": "link", "url": response.url}
        allowed = list(source.allowed_domains) or [urlsplit(response.url).hostname or ""]
        found, capped = bounded_links(self.link_extractor(source), page, self.max_links)
        if cut or capped:  # recorded with the listings' problems: what the page lists is not all followed
            detail = (f"links taken from it capped (FOLLOW_MAX_LINKS {self.max_links}, CLEAN_MAX_CHARS "
                      f"{self.max_link_bytes}): {len(found)} followed")
            self.logger.warning("%s: %s", response.url, detail)
            self.crawler.signals.send_catch_log(source_failed, record={"url": response.url, "source": source.name,
                                                                       "detail": detail, "at": utc_now()})
        links = [link.url for link in found
                 if on_domains(urlsplit(link.url).hostname, allowed) and not self.windowing.is_service_link(link.url)]
        dates = time_dates(page)
        days = self.windowing.listed_days(links, dates, source)
        following, jumps = pagination(response.url, links)  # jumps ahead ("last", page 912) are never followed
        fetched = []
        for entry in self.windowing.newest_first([Listing(url, published=dates.get(url)) for url in links], source):
            if entry.url != following and entry.url not in jumps:
                for request in self.candidates.candidate(entry, source, via, follow_depth=depth + 1):
                    fetched.append(request.meta["candidate"]["url"])
                    yield request
        if following is None:
            return
        if self.windowing.stale(days):
            self.candidates.skip_listing(Skip(following, "paging stopped", f"every dated item of {response.url} is "
                                                                           f"older than {self.windowing.since}"),
                                         source, response.url)
        elif not days and fetched:  # nothing dated on the page: the articles it led to will tell
            self.paging.hold(response.url, PendingPage(following, source.name, depth, order=fetched))
        else:
            yield from self.candidates.candidate(Listing(following), source, via, follow_depth=depth + 1)

    def next_page(self, page_url: str, page: PendingPage):
        """A held page's next page, unless the articles the page led to are all older than the window."""
        source = self.run.sources[page.source]
        if self.windowing.articles_stale(page.article_days):
            self.candidates.skip_listing(Skip(page.next_url, "paging stopped", f"the articles {page_url} led to are "
                                                                               f"all older than {self.windowing.since}"),
                                         source, page_url)
            return
        yield from self.candidates.candidate(Listing(page.next_url), source, {"kind": "link", "url": page_url},
                                             follow_depth=page.depth + 1)

    def article_led_from(self, candidate: dict, verdict) -> list:
        """Tells a held listing page what one of its links turned out to be (None: not fetched); its next page,
        once all are done."""
        if candidate["via"].get("kind") != "link":
            return []
        page_url, url = candidate["via"]["url"], candidate["url"]
        if isinstance(verdict, NotAnArticle) or verdict is None:
            done = self.paging.article_done(page_url, url, None, article=False)
        else:
            done = self.paging.article_done(page_url, url, parse_day(verdict.published) if verdict.published else None)
        return list(self.next_page(*done)) if done else []

    def held_pages_released(self) -> list:
        """Pages still held (a link whose outcome never came back) go on paging: the requests of their next pages."""
        return [request for url, page in self.paging.release_all() for request in self.next_page(url, page)]

    def announced_feeds(self, response: HtmlResponse) -> list[str]:
        hrefs = []
        for link in response.xpath("//head/link[@rel='alternate'][@href]"):
            if (link.attrib.get("type") or "").lower() in FEED_TYPES:
                hrefs.append(response.urljoin(link.attrib["href"]))
        return hrefs

    def link_extractor(self, source: Source) -> LinkExtractor:
        if source.name not in self.link_extractors:
            self.link_extractors[source.name] = LinkExtractor(allow=source.follow.allow, deny=source.follow.deny,
                                                              unique=True)
        return self.link_extractors[source.name]
