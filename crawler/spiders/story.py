"""The `story` spider: discover a story's coverage, fetch it, hand cleaned articles to the pipelines.

Discovery: robots.txt `Sitemap:` lines, sitemap indexes (also gzipped), news sitemaps, RSS/Atom feeds
(also announced by `<link rel=alternate>` on start pages), start pages with bounded link-following,
explicit URL lists, and the GDELT DOC API. A listing that dates an entry outside the story window
saves the fetch; otherwise the page's own date decides in the pipelines.

Replay (WARC_REPLAY, set by `storycrawl reclean`): the spider requests, in their recorded order, the
article candidates a crawl fetched into its WARC files (the WARC middleware answers), cleans them again
and follows nothing: no listing, no link, no canonical page that was not fetched then.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from urllib.parse import urlsplit

import scrapy
from scrapy import signals
from scrapy.exceptions import DontCloseSpider, IgnoreRequest
from scrapy.http import HtmlResponse, Response
from scrapy.linkextractors import LinkExtractor
from scrapy.spidermiddlewares.httperror import HttpError

from cleaners import Draft, SiteMemory, finish_article
from cleaners.metadata import ARTICLE_TYPES

from ..bounds import bounded_links, bounded_page
from ..canonical import CanonicalPolicy
from ..cleaning import ArrivalOrder, CleaningPool
from ..frontier import LocalFrontier
from ..discovery import (Listing, ListingError, gdelt_request_url, parse_date, parse_feed, parse_gdelt, parse_sitemap,
                         robots_sitemaps)
from ..corpus import read_jsonl
from ..fetch_cost import fetched_listing_page, listing_skipped
from ..items import ArticleItem
from ..relevance import RelevanceMatcher
from ..report import candidate_found, decision_recorded, record_decision, source_failed, utc_now
from ..state import CrawlState, Known, parse_time
from ..story import Source, load_story
from ..story_gates import OverCap
from ..urls import UrlCleaner, UrlPolicy, on_domains
from ..warc import REPLAY_SETTINGS, WarcArchive
from ..page_facts import PageFacts, PageReader, listing_reason
from ..windowing import PagingByArticles, PendingPage, Skip, Windowing, pagination, time_dates

SEED_CLAIMANT = "seed"  # claims of the story file's own listings and URLs
FETCH_KINDS = {"parse_robots": "robots", "parse_sitemap": "sitemap", "parse_feed": "feed", "parse_gdelt": "api",
               "parse_start_page": "page"}  # a listing request's kind in the report's fetch cost
FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+json", "application/rdf+xml")


class StorySpider(scrapy.Spider):
    name = "story"

    def __init__(self, story: str | None = None, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.story_path = story

    @classmethod
    def update_settings(cls, settings):
        super().update_settings(settings)
        if settings.getlist("WARC_REPLAY"):
            settings.setdict(REPLAY_SETTINGS, priority="spider")
        if settings.get("REDIS_URL"):  # one worker of a distributed crawl: the frontier is in Redis
            settings.set("SCHEDULER", "crawler.distributed.RedisScheduler", priority="spider")

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        path = spider.story_path or settings.get("STORY")
        if not path:
            raise ValueError("no story file: give -a story=PATH or -s STORY=PATH")
        spider.story = load_story(path)
        if spider.story.user_agent:
            settings.set("USER_AGENT", spider.story.user_agent, priority="spider")
        spider.urls = UrlCleaner(settings.getlist("TRACKING_PARAMETERS"))
        spider.url_policy = UrlPolicy(settings.getint("URLLENGTH_LIMIT"))
        spider.canonicals = CanonicalPolicy(settings.getint("CANONICAL_SHARED_LIMIT"), spider.urls.identity)
        spider.waiting_copies = {}  # canonical page's identity -> [(response, article)] of copies waiting for it
        spider.min_words = settings.getint("MIN_ARTICLE_WORDS")
        spider.untyped_min_words = settings.getint("UNTYPED_ARTICLE_WORDS")
        spider.gdelt_endpoint = settings.get("GDELT_ENDPOINT")
        spider.sitemap_max_depth = settings.getint("SITEMAP_MAX_DEPTH")
        spider.max_listing_bytes = settings.getint("LISTING_MAXSIZE")
        spider.max_links, spider.max_link_bytes = settings.getint("FOLLOW_MAX_LINKS"), settings.getint("CLEAN_MAX_CHARS")
        spider.frontier = frontier_for(crawler, spider.story.id)  # what is taken, cleaned, kept: here or in Redis
        spider.last_cleaned_record = None  # (WARC file, offset) of the last page cleaned: see note_cleaning_order
        replayed = settings.getlist("WARC_REPLAY")
        spider.replay = WarcArchive(replayed).candidates if replayed else None
        spider.sources = {s.name: s for s in spider.story.sources}
        spider.outlet_hosts = {host: s.name for s in spider.story.sources for host in s.hosts() if host}
        spider.link_extractors = {}
        spider.site_memory = site_memory_from(settings, spider.frontier)
        spider.relevance = RelevanceMatcher(spider.story.groups)
        reader = PageReader(spider.relevance, settings.getint("NEAR_DUPLICATE_MAX_WORDS"))
        spider.cleaning = CleaningPool.from_settings(settings, reader).start()
        spider.arrival = ArrivalOrder()
        spider.crawl_state = spider.open_state(settings)
        spider.recheck_after = dt.timedelta(hours=settings.getfloat("RECHECK_AFTER_HOURS"))
        spider.retry_runs = settings.getint("RETRY_FAILED_RUNS")
        spider.windowing = Windowing.from_settings(settings, spider.story)
        spider.paging = PagingByArticles()
        crawler.signals.connect(spider.release_held_pages, signals.spider_idle)
        if spider.crawl_state is not None:  # a batch waits no longer than the work: a full disk is met while crawling
            crawler.signals.connect(spider.crawl_state.commit, signals.spider_idle)
        crawler.signals.connect(spider.decision_to_state, decision_recorded)
        return spider

    def open_state(self, settings) -> CrawlState | None:
        """The corpus's state, told about manifest records a killed run wrote but did not commit to it."""
        if not settings.getbool("STATE_ENABLED"):
            return None
        corpus = Path(settings.get("CORPUS_DIR"))
        state = CrawlState.for_corpus(corpus, settings.getfloat("STATE_COMMIT_SECONDS"))
        taken = state.reconcile(read_jsonl(corpus / "manifest.jsonl"), self.urls.identity)
        if taken:
            self.logger.warning("%d articles of the manifest were not in the crawl state (a killed run): taken in", taken)
        state.begin_run(utc_now())
        return state

    def closed(self, reason: str) -> None:
        self.cleaning.close()
        if self.crawl_state is not None:
            self.crawl_state.finish_run(utc_now(), reason)
            self.crawl_state.close()
        if self.site_memory is not None:
            self.site_memory.save()

    # --- seeds -----------------------------------------------------------------------------------------------

    async def start(self):
        if self.replay is not None:
            for candidate in self.replay:
                self.crawler.signals.send_catch_log(candidate_found, outlet=candidate["outlet"], url=candidate["url"])
                yield self.article_request(candidate)
            return
        if not self.frontier.take_seeding():  # another worker of a distributed crawl queues them
            return
        for request in self.seed_requests_of_story():
            yield request
        self.frontier.seeding_done()

    def seed_requests_of_story(self):
        for source in self.story.sources:
            yield from self.seed_requests(source)

    def seed_requests(self, source: Source):
        seed = SEED_CLAIMANT
        for url in source.sitemaps:
            callback = self.parse_robots if urlsplit(url).path.endswith("/robots.txt") else self.parse_sitemap
            yield from self.listing_request(url, callback, source, seed)
        for url in source.feeds:
            yield from self.listing_request(url, self.parse_feed, source, seed)
        for url in source.start_urls:
            yield from self.listing_request(url, self.parse_start_page, source, seed, follow_depth=0)
        for url in source.urls:
            yield from self.candidate(Listing(url), source, {"kind": "list", "url": self.story.path}, claimant=seed)
        if source.gdelt:
            endpoint = source.gdelt.endpoint or self.gdelt_endpoint
            url = gdelt_request_url(endpoint, source.gdelt.query, self.story.since, self.story.until,
                                    source.gdelt.max_records)
            yield from self.listing_request(url, self.parse_gdelt, source, seed, keep_query=True)

    def listing_request(self, url: str, callback, source: Source, claimant: str, keep_query: bool = False,
                        priority: int = 0, **meta):
        """`claimant`: the URL of the page that names this listing (SEED_CLAIMANT for the story's own)."""
        if self.replay is not None:  # a replay fetches nothing new
            return
        refused = self.url_policy.refusal(url, None if claimant == SEED_CLAIMANT else source.hosts())
        if refused:  # a sitemap index or robots.txt naming a local file or another host
            self.report_listing_error(url, source, f"{refused[0]}: {refused[1]}")
            return
        url = url if keep_query else self.urls.clean(url)
        if not self.frontier.claim(self.urls.identity(url), claimant):
            return
        yield scrapy.Request(url, callback=callback, errback=self.listing_failed, priority=priority,
                             meta={"source": source.name, "fetch_kind": FETCH_KINDS.get(callback.__name__, "page"),
                                   "download_maxsize": self.max_listing_bytes,
                                   "download_warnsize": self.max_listing_bytes,
                                   "on_outlet": claimant != SEED_CLAIMANT, **meta})  # redirects too: middlewares.py

    def candidate(self, listing: Listing, source: Source, via: dict, follow_depth: int | None = None,
                  claimant: str | None = None):
        """A URL that may be an article of the story: each gets exactly one decision. Claimed for the page
        that listed it (`via`), or `claimant`."""
        if self.replay is not None:  # a replay fetches nothing new
            return
        refused = self.url_policy.refusal(listing.url, None if via["kind"] == "gdelt" else source.hosts())
        url = listing.url.strip() if refused else self.urls.clean(listing.url)
        identity = url if refused else self.urls.identity(url)
        if not self.frontier.claim(identity, claimant or via["url"]):
            return
        outlet = self.outlet_for(url, source)
        self.crawler.signals.send_catch_log(candidate_found, outlet=outlet, url=url)
        if refused:
            record_decision(self.crawler, url=url, outlet=outlet, reason=refused[0], detail=refused[1], via=via)
            return
        if (listing.published and not self.story.in_window(listing.published)
                and not self.windowing.modified_later(listing, url, source)):
            record_decision(self.crawler, url=url, outlet=outlet, reason="out_of_window",
                            detail=f"listed as {listing.published.isoformat()}", via=via)
            return
        span = None if listing.published else self.windowing.span_of(url, source)
        if self.windowing.is_outside(span):
            record_decision(self.crawler, url=url, outlet=outlet, reason="out_of_window", detail=f"dated by URL: {span}",
                            via=via)
            return
        known = self.crawl_state.known(identity) if self.crawl_state is not None else None
        follows_links = follow_depth is not None and follow_depth < source.follow.depth
        if known is not None and not self.due_again(known, listing, follows_links):
            record_decision(self.crawler, url=url, outlet=outlet, reason="known", detail=known.outcome, via=via)
            return
        priority = self.windowing.priority(listing.published or self.windowing.newest_day(span), listing=follows_links)
        yield self.article_request({"url": url, "listed_url": listing.url if listing.url != url else None,
                                    "source": source.name, "outlet": outlet, "via": via, "follow_depth": follow_depth,
                                    "previous": recheck_of(known)}, priority)

    def due_again(self, known: Known, listing: Listing, follows_links: bool) -> bool:
        """Whether a URL an earlier run decided is fetched again:
        - a failed fetch, by the next RETRY_FAILED_RUNS runs;
        - a section page that is no article but whose links are followed, by every run (as start pages are);
        - an article in the corpus, when re-checking is due: its listing dates it after the last check (day
          resolution), or it is undated and was last checked RECHECK_AFTER_HOURS ago or more. A listing dated
          before the last run's start (the horizon) is thus never fetched again: that run checked it."""
        if not known.final:
            return known.failures < self.retry_runs
        if follows_links and known.outcome == "not_article":
            return True
        if not known.in_corpus:
            return False
        checked = parse_time(known.last_checked)
        if listing.published is not None:
            return checked is None or listing.published > checked.date()
        return bool(self.recheck_after) and (checked is None or dt.datetime.now(dt.timezone.utc) - checked >= self.recheck_after)

    def article_request(self, candidate: dict, priority: int = 0) -> scrapy.Request:
        """`candidate` (plain JSON) is all the spider knows of the URL; the WARC writer records it with the response.
        A re-check of an article in the corpus is a conditional request: 304 means unchanged."""
        previous = candidate.get("previous") or {}
        headers = {name: previous[key] for name, key in (("If-None-Match", "etag"), ("If-Modified-Since", "last_modified"))
                   if previous.get(key)}
        meta = {"source": candidate["source"], "candidate": candidate}
        if previous:
            meta["handle_httpstatus_list"] = [304]
        return scrapy.Request(candidate["url"], callback=self.parse_article, errback=self.article_failed,
                              headers=headers, meta=meta, priority=priority)

    def outlet_for(self, url: str, source: Source) -> str:
        return self.outlet_hosts.get(urlsplit(url).hostname, source.name)

    def source_of(self, response_or_request) -> Source:
        return self.sources[response_or_request.meta["source"]]

    # --- listings ----------------------------------------------------------------------------------------------

    def parse_robots(self, response: Response):
        for url in robots_sitemaps(response.body, response.url):
            yield from self.listing_request(url, self.parse_sitemap, self.source_of(response), response.url,
                                            sitemap_depth=0)

    def parse_sitemap(self, response: Response):
        source = self.source_of(response)
        content = self.read_listing(response, lambda: parse_sitemap(response.body, response.url, self.max_listing_bytes))
        if content is None:
            return
        if content.truncated:  # recorded as a listing error; the complete entries before the cut still count
            self.report_listing_error(response.url, source, f"truncated XML: cut off before its end; its "
                                                            f"{len(content.entries)} complete entries are read")
        if content.is_index:
            depth = response.meta.get("sitemap_depth", 0) + 1
            if depth > self.sitemap_max_depth:
                self.report_listing_error(response.url, source, f"sitemap index nested deeper than {self.sitemap_max_depth}")
                return
            for entry in self.windowing.newest_first(content.entries, source):
                yield from self.sitemap_child(entry, source, response.url, depth)
            return
        via = {"kind": "sitemap", "url": response.url}
        for entry in self.windowing.newest_first(content.entries, source):
            yield from self.candidate(entry, source, via)

    def sitemap_child(self, entry: Listing, source: Source, index_url: str, depth: int):
        """A sitemap index's child, unless its lastmod or the date its URL names rules it out: in-window ones first."""
        skip = self.windowing.sitemap_child_skip(entry, source)
        if skip is not None:
            self.skip_listing(skip, source, index_url)
            return
        day = self.windowing.newest_day(self.windowing.span_of(entry.url, source))
        yield from self.listing_request(entry.url, self.parse_sitemap, source, index_url, sitemap_depth=depth,
                                        priority=self.windowing.priority(day, listing=True))

    def skip_listing(self, skip: Skip, source: Source, listed_on: str) -> None:
        self.crawler.signals.send_catch_log(listing_skipped, record={
            "url": skip.url, "source": source.name, "reason": skip.reason, "detail": skip.detail, "listed_on": listed_on,
            "at": utc_now()})

    def parse_feed(self, response: Response):
        entries = self.read_listing(response, lambda: parse_feed(response.body, response.url, self.max_listing_bytes))
        via = {"kind": "feed", "url": response.url}
        for entry in entries or []:
            yield from self.candidate(entry, self.source_of(response), via)

    def parse_gdelt(self, response: Response):
        entries = self.read_listing(response, lambda: parse_gdelt(response.body))
        via = {"kind": "gdelt", "url": response.url}
        for entry in entries or []:
            yield from self.candidate(entry, self.source_of(response), via)

    def parse_start_page(self, response: Response):
        if not isinstance(response, HtmlResponse):
            self.report_listing_error(response.url, self.source_of(response), "start page is not HTML")
            return
        yield from self.follow(response, self.source_of(response), depth=0)

    def read_listing(self, response: Response, parse):
        try:
            return parse()
        except ListingError as exc:
            self.report_listing_error(response.url, self.source_of(response), str(exc))
            return None

    def report_listing_error(self, url: str, source: Source, detail: str) -> None:
        self.logger.warning("Listing %s unusable: %s", url, detail)
        self.crawler.signals.send_catch_log(source_failed, record={"url": url, "source": source.name,
                                                                   "detail": detail, "at": utc_now()})

    # --- link following ---------------------------------------------------------------------------------------

    def follow(self, response: HtmlResponse, source: Source, depth: int):
        """Links of a start page (depth 0) or a followed page, while the source's depth allows."""
        if depth >= source.follow.depth:
            return
        page, cut = bounded_page(response, self.max_link_bytes)  # a page of megabytes is not parsed whole
        for feed in self.announced_feeds(page):
            yield from self.listing_request(feed, self.parse_feed, source, response.url)
        via = {"kind": "link", "url": response.url}
        allowed = list(source.allowed_domains) or [urlsplit(response.url).hostname]
        links, capped = bounded_links(self.link_extractor(source), page, self.max_links)
        if cut or capped:  # recorded with the listings' problems: what the page lists is not all followed
            detail = (f"links taken from it capped (FOLLOW_MAX_LINKS {self.max_links}, CLEAN_MAX_CHARS "
                      f"{self.max_link_bytes}): {len(links)} followed")
            self.logger.warning("%s: %s", response.url, detail)
            self.crawler.signals.send_catch_log(source_failed, record={"url": response.url, "source": source.name,
                                                                       "detail": detail, "at": utc_now()})
        links = [link.url for link in links
                 if on_domains(urlsplit(link.url).hostname, allowed) and not self.windowing.is_service_link(link.url)]
        dates = time_dates(page)
        days = self.windowing.listed_days(links, dates, source)
        following, jumps = pagination(response.url, links)  # jumps ahead ("last", page 912) are never followed
        fetched = []
        for entry in self.windowing.newest_first([Listing(url, published=dates.get(url)) for url in links], source):
            if entry.url != following and entry.url not in jumps:
                for request in self.candidate(entry, source, via, follow_depth=depth + 1):
                    fetched.append(request.meta["candidate"]["url"])
                    yield request
        if following is None:
            return
        if self.windowing.stale(days):
            self.skip_listing(Skip(following, "paging stopped", f"every dated item of {response.url} is older than "
                                                                f"{self.windowing.since}"), source, response.url)
        elif not days and fetched:  # nothing dated on the page: the articles it led to will tell
            self.paging.hold(response.url, PendingPage(following, source.name, depth, order=fetched))
        else:
            yield from self.candidate(Listing(following), source, via, follow_depth=depth + 1)

    def next_page(self, page_url: str, page: PendingPage):
        """A held page's next page, unless the articles the page led to are all older than the window."""
        source = self.sources[page.source]
        if self.windowing.articles_stale(page.article_days):
            self.skip_listing(Skip(page.next_url, "paging stopped", f"the articles {page_url} led to are all older "
                                                                    f"than {self.windowing.since}"), source, page_url)
            return
        yield from self.candidate(Listing(page.next_url), source, {"kind": "link", "url": page_url},
                                  follow_depth=page.depth + 1)

    def article_led_from(self, candidate: dict, verdict) -> list:
        """Tells a held listing page what one of its links turned out to be; its next page, once all are done."""
        if candidate["via"].get("kind") != "link":
            return []
        page_url, url = candidate["via"]["url"], candidate["url"]
        if isinstance(verdict, str) or verdict is None:
            done = self.paging.article_done(page_url, url, None, article=False)
        else:
            done = self.paging.article_done(page_url, url, parse_date(verdict.published) if verdict.published else None)
        return list(self.next_page(*done)) if done else []

    def release_held_pages(self):
        """At idle, pages still held (a link whose outcome never came back) go on paging: recall first."""
        requests = [request for url, page in self.paging.release_all() for request in self.next_page(url, page)]
        for request in requests:
            self.crawler.engine.crawl(request)
        if requests:
            raise DontCloseSpider

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

    # --- articles ---------------------------------------------------------------------------------------------

    async def parse_article(self, response: Response) -> list:
        """The page is drafted off the reactor (crawler/cleaning.py), then finished, with site memory, in its
        turn: pages are finished in the order they were received (their WARC order), which site template
        learning depends on and `reclean` replays."""
        candidate = response.meta["candidate"]
        if response.status == 304:
            record_decision(self.crawler, url=response.url, outlet=candidate["outlet"], reason="unchanged",
                            detail="HTTP 304", via=candidate["via"])
            return []
        turn = self.arrival.turn()
        self.note_cleaning_order(response)
        try:
            draft = await self.draft(response)
            await turn.wait()
            if self.frontier.was_cleaned(self.urls.identity(response.url)):
                return self.fetched_again(response, draft)
            verdict = self.listing_or(self.article_from(draft, page_facts(response)), response)
            self.frontier.mark_cleaned(self.urls.identity(url) for url in reached_urls(response))
            outputs = self.article_outputs(response, verdict)
            if isinstance(verdict, str) and candidate["follow_depth"] is not None:  # a listing page, for the fetch cost
                self.crawler.signals.send_catch_log(fetched_listing_page, outlet=candidate["outlet"])
            if (isinstance(response, HtmlResponse) and candidate["follow_depth"] is not None
                    and self.leads_to_story(verdict, page_facts(response))):
                outputs.extend(self.follow(response, self.source_of(response), candidate["follow_depth"]))
            outputs.extend(self.article_led_from(candidate, verdict))
            return outputs
        finally:
            turn.done()

    def leads_to_story(self, verdict, facts: PageFacts | None = None) -> bool:
        """A page that is no article is a listing: its links are followed. An article's links are followed when it
        is of the story (in the window, on topic): its related links are likely coverage too; another article's
        lead to its neighbours in the archive, not to the story."""
        if isinstance(verdict, str) or verdict is None:
            return True
        if not self.story.in_window(parse_date(verdict.published) if verdict.published else None):
            return False
        if facts is not None and facts.describes(verdict.title, verdict.text):
            return facts.relevance.on_topic
        return self.relevance.match(verdict.title, verdict.text).on_topic

    def fetched_again(self, response: Response, draft: Draft | str | None) -> list:
        """A page this run cleaned already: a redirect's target also listed, an AMP copy its canonical page
        declared, or, after a resume, a pending request of the killed run that the new run found again. The
        first one cleaned is the article."""
        detail = "fetched again: cleaned once already in this run"
        canonical = draft.meta.canonical_url if isinstance(draft, Draft) else None
        copy = bool(canonical) and self.is_other_page_of_same_site(canonical, response.url)
        if copy:  # settled, like an alternate copy, by its canonical article's record
            detail += f", as a copy of {canonical}"
        record_decision(self.crawler, url=response.url, outlet=response.meta["candidate"]["outlet"], reason="duplicate",
                        detail=detail, via=response.meta["candidate"]["via"], kind="same_url", provisional=copy)
        return []

    def article_outputs(self, response: Response, verdict) -> list:
        candidate = response.meta["candidate"]
        if isinstance(verdict, str):
            record_decision(self.crawler, url=response.url, outlet=candidate["outlet"], reason="not_article",
                            detail=verdict, via=candidate["via"])
            return self.canonical_failed(reached_urls(response))
        if verdict.wall:
            record_decision(self.crawler, url=response.url, outlet=candidate["outlet"], reason="wall",
                            detail=verdict.wall, via=candidate["via"])
            return self.canonical_failed(reached_urls(response))
        canonical = verdict.canonical_url
        if canonical and self.is_other_page_of_same_site(canonical, response.url):
            doubt = self.canonicals.doubt(canonical, response.url)
            if doubt:  # copies still waiting for a canonical now named too widely are decided on their own too
                return self.on_own_merits(response, verdict, doubt) + self.release_copies(canonical, doubt)
            if not self.in_corpus_or_cleaned(canonical):
                return self.alternate_copy(response, verdict, canonical)
        for url in reached_urls(response):  # settled by this article: its copies are among its other URLs
            self.waiting_copies.pop(self.urls.identity(url), None)
        # A copy whose canonical page was cleaned already goes on as an article: the pipelines record it as
        # another URL of that page (duplicate_of), or decide what it is if that page was not kept.
        item = self.article_item(response, verdict)
        if verdict.amp_url and self.is_other_page_of_same_site(verdict.amp_url, response.url):
            self.take_declared_amp_copy(item, self.urls.clean(verdict.amp_url))
        return [item]

    def take_declared_amp_copy(self, item: ArticleItem, amp_url: str) -> None:
        """The AMP copy a page declares is another URL of its article, never fetched after it: so the corpus
        is the same whichever of the two pages a crawl met first. An AMP copy fetched already (met first)
        is among the item's other URLs by its alias; one still in flight is a page cleaned already."""
        identity = self.urls.identity(amp_url)
        if amp_url not in item.other_urls:
            item.other_urls.append(amp_url)
        self.frontier.mark_cleaned([identity])
        if self.frontier.claim(identity, item.url):
            record_decision(self.crawler, url=amp_url, outlet=item.outlet, reason="duplicate",
                            detail=f"declared AMP copy of {item.url}", via={"kind": "link", "url": item.url},
                            kind="same_url", provisional=True)

    def in_corpus_or_cleaned(self, url: str) -> bool:
        """Cleaned by this run, or in the corpus from an earlier one (a resumed or scheduled run)."""
        identity = self.urls.identity(url)
        if self.frontier.was_cleaned(identity):
            return True
        known = self.crawl_state.known(identity) if self.crawl_state is not None else None
        return known is not None and known.in_corpus

    def alternate_copy(self, response: Response, article, canonical: str) -> list:
        """An AMP or other copy of a canonical page not cleaned yet: that page is the article (fetched once,
        whichever way it came), and lists the URLs of this copy among its other URLs. The copy waits for it:
        if that page cannot be had (crawler/canonical.py), the copy is decided on its own merits."""
        candidate = response.meta["candidate"]
        requests = list(self.candidate(Listing(canonical), self.source_of(response), candidate["via"]))
        if not requests and self.canonical_unavailable(canonical):
            return self.on_own_merits(response, article, f"canonical {canonical} could not be had")
        identity = self.urls.identity(canonical)
        self.frontier.add_aliases(identity, reached_urls(response))
        record_decision(self.crawler, url=response.url, outlet=candidate["outlet"], reason="duplicate",
                        detail=f"alternate of canonical {canonical}", via=candidate["via"], kind="same_url",
                        provisional=True)
        self.waiting_copies.setdefault(identity, []).append((response, article))
        return requests

    def canonical_unavailable(self, canonical: str) -> bool:
        """Fetched without an article in this run, or decided so by an earlier one."""
        if self.canonicals.has_failed(canonical):
            return True
        known = self.crawl_state.known(self.urls.identity(canonical)) if self.crawl_state is not None else None
        return known is not None and known.final and not known.in_corpus

    def on_own_merits(self, response: Response, article, doubt: str) -> list:
        """The page as the article, its canonical not believed (`doubt` says why)."""
        self.logger.info("%s: %s: decided on its own merits", response.url, doubt)
        self.crawler.stats.inc_value("storycrawl/canonical_not_believed")
        item = self.article_item(response, article)
        item.canonical_url = response.url
        return [item]

    def release_copies(self, canonical: str, doubt: str) -> list:
        """The copies waiting for this canonical page, each decided on its own merits."""
        identity = self.urls.identity(canonical)
        copies = self.waiting_copies.pop(identity, [])
        if copies:
            self.frontier.pop_aliases(identity)
        return [item for response, article in copies for item in self.on_own_merits(response, article, doubt)]

    def canonical_failed(self, urls: list[str]) -> list:
        """A page fetched without an article (or not fetched): no copy waits for it any longer."""
        released = []
        for url in urls:
            self.canonicals.mark_failed(url)
            released.extend(self.release_copies(url, f"canonical {url} could not be had"))
        return released

    def article_item(self, response: Response, article) -> ArticleItem:
        candidate, meta = response.meta["candidate"], response.meta
        reached = reached_urls(response)
        copies = [url for reached_as in reached for url in self.frontier.pop_aliases(self.urls.identity(reached_as))]
        return ArticleItem(
            url=response.url, canonical_url=article.canonical_url, outlet=candidate["outlet"], title=article.title,
            text=article.text, language=article.language, declared_language=article.declared_language,
            authors=article.authors, published=article.published, modified=article.modified,
            published_from=article.published_from,
            description=article.description, sitename=article.sitename, discovered_via=candidate["via"],
            fetched_at=meta.get("fetched_at") or utc_now(), warc=meta.get("warc"),
            other_urls=[url for url in dict.fromkeys([*reached, *copies]) if url != response.url],
            etag=header(response, "ETag"), last_modified=header(response, "Last-Modified"),
            previous=candidate.get("previous"), facts=page_facts(response),
        )

    def note_cleaning_order(self, response: Response) -> None:
        """`reclean` replays pages in the order of their WARC records; warn if this crawl cleaned one out of it."""
        warc = response.meta.get("warc")
        if not warc:
            return
        position = (warc["file"], warc["offset"])
        last = self.last_cleaned_record
        if last and last[0] == position[0] and position[1] < last[1]:
            self.crawler.stats.inc_value("storycrawl/cleaned_out_of_warc_order")
            self.logger.warning("%s was cleaned after a page received later: reclean may not reproduce this "
                                "corpus byte for byte", response.url)
        self.last_cleaned_record = position

    async def draft(self, response: Response):
        """The page's Draft from the cleaning pool, None if it holds no text, or a string saying why it is
        no article."""
        if not isinstance(response, HtmlResponse):
            return f"not HTML ({response.headers.get('Content-Type', b'?').decode('latin-1')})"
        content_type = response.headers.get("Content-Type")
        try:
            draft, response.meta["page_facts"] = await self.cleaning.draft(
                response.body, content_type and content_type.decode("latin-1"), response.url)
            return draft
        except Exception as exc:  # a cleaner bug must cost one page, not the crawl
            self.logger.exception("cleaning %s failed", response.url)
            return f"the cleaners failed: {type(exc).__name__}: {exc}"

    def article_from(self, draft, facts: PageFacts | None = None):
        """The finished Article, or a string saying why the page is not one."""
        if isinstance(draft, str):
            return draft
        article = finish_article(draft, self.site_memory)
        if article is None:
            return "no text"
        if article.wall:
            return article
        words = facts.word_count if facts is not None and facts.describes(article.title, article.text) else article.word_count
        typed = (article.page_type or "").lower() in ARTICLE_TYPES
        if words < self.min_words:
            return f"only {words} words"
        if not typed and not (article.published and words >= self.untyped_min_words):
            return f"no article type, {'no date' if not article.published else f'only {words} words'}"
        return article

    def listing_or(self, verdict, response: Response):
        """An untyped page listing dated entries (an archive day, a section page), or one page of a paginated listing,
        is no article, however many words its headlines and teasers make."""
        if isinstance(verdict, str) or not isinstance(response, HtmlResponse):
            return verdict
        if (verdict.page_type or "").lower() in ARTICLE_TYPES:
            return verdict
        facts = page_facts(response)  # the worker read the page already; it reads the response, not the text
        reason = facts.listing if facts is not None else listing_reason(response)
        return reason or verdict

    def is_other_page_of_same_site(self, canonical: str, url: str) -> bool:
        same_site = urlsplit(canonical).hostname == urlsplit(url).hostname
        return same_site and self.urls.identity(canonical) != self.urls.identity(url)

    # --- state ------------------------------------------------------------------------------------------------

    def decision_to_state(self, decision: dict) -> None:
        """Every decision but `written` (the corpus writer records that, after the file and the manifest)."""
        if self.crawl_state is None or decision["reason"] == "written":
            return
        identity = self.urls.identity(decision["url"])
        if decision["reason"] == "known":
            self.crawl_state.touch(identity, decision["at"])
        else:
            self.crawl_state.record_decision(identity, url=decision["url"], outlet=decision["outlet"],
                                             reason=decision["reason"], detail=decision["detail"], at=decision["at"],
                                             final=not decision.get("provisional"))

    # --- failures ---------------------------------------------------------------------------------------------

    def article_failed(self, failure):
        request = failure.request
        reason, detail = failure_reason(failure)
        candidate = request.meta["candidate"]
        if request.url != candidate["url"]:  # failed after a redirect: the decision stays the candidate's
            detail = f"{detail} (at {request.url})"
        record_decision(self.crawler, url=candidate["url"], outlet=candidate["outlet"], reason=reason, detail=detail,
                        via=candidate["via"])
        self.frontier.done(request)
        return self.article_led_from(candidate, None) + self.canonical_failed([candidate["url"]])

    def listing_failed(self, failure):
        request = failure.request
        reason, detail = failure_reason(failure)
        self.report_listing_error(request.url, self.source_of(request), f"{reason}: {detail}")
        self.frontier.done(request)


def frontier_for(crawler, story_id: str):
    """In memory, or in Redis for a worker of a distributed crawl (REDIS_URL)."""
    if not crawler.settings.get("REDIS_URL"):
        return LocalFrontier()
    from ..distributed import RedisFrontier  # scrapy-redis and redis only where they are used

    return RedisFrontier.from_crawler(crawler, story_id)


def recheck_of(known: Known | None) -> dict | None:
    """What a re-check of an article in the corpus needs: its latest version and the validators it came with."""
    if known is None or not known.in_corpus:
        return None
    return {"version": known.version, "path": known.path, "etag": known.etag, "last_modified": known.last_modified}


def page_facts(response: Response) -> PageFacts | None:
    """What the cleaning worker read of the page beside its draft (crawler/page_facts.py), if anything."""
    return response.meta.get("page_facts")


def header(response: Response, name: str) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


def reached_urls(response: Response) -> list[str]:
    """The URLs this page was reached by, in order: as listed, each redirect hop, and its own."""
    listed = response.meta["candidate"].get("listed_url")
    return [url for url in (listed, *response.meta.get("redirect_urls", []), response.url) if url]


def site_memory_from(settings, frontier) -> SiteMemory | None:
    if not settings.getbool("SITE_MEMORY_ENABLED"):
        return None
    folder = settings.get("SITE_MEMORY_DIR") or Path(settings.get("CORPUS_DIR")) / "state" / "site-memory"
    return frontier.site_memory(folder)


def failure_reason(failure) -> tuple[str, str]:
    if failure.check(OverCap):
        return "over_cap", str(failure.value)
    if failure.check(HttpError):
        return "http_error", f"HTTP {failure.value.response.status}"
    if failure.check(IgnoreRequest) and "forbidden by robots.txt" in str(failure.value).lower():
        return "robots", str(failure.value)
    return "fetch_error", f"{failure.type.__name__}: {failure.getErrorMessage()}"
