"""The `story` spider: discover a story's coverage, fetch it, hand cleaned articles to the pipelines.

Discovery: robots.txt `Sitemap:` lines, sitemap indexes (also gzipped), news sitemaps, RSS/Atom feeds
(also announced by `<link rel=alternate>` on start pages), start pages with bounded link-following,
explicit URL lists, and the GDELT DOC API. A listing that dates an entry outside the story window
saves the fetch; otherwise the page's own date decides in the pipelines.

Following: a page's links are followed while it is fewer hops from a listing than the source's
`follow.depth`, and it is no article or an article of the story (in the window, on topic). An entry of a feed,
sitemap or GDELT answer, a URL of the story's `urls` and a start page's link are all one hop from their
listing: with the default depth 1 only start pages' links are followed; with depth 2 an article of the story
leads to its links however it was found.

Replay (WARC_REPLAY, set by `storycrawl reclean`): the spider requests, in their recorded order, the
article candidates a crawl fetched into its WARC files (the WARC middleware answers), cleans them again
and follows nothing: no listing, no link, no canonical page that was not fetched then.

The spider is the crawl's entry points and callbacks; the work is done by its parts, made when it opens from the
crawl's StoryRun (crawler/run.py): `candidates` (what is requested, crawler/candidates.py), `listings` (discovery
and link following, crawler/listings_flow.py), `judge` (what a page is, crawler/verdicts.py) and `articles`
(articles and their copies, crawler/article_flow.py). A subclass changes one by overriding its `make_` method.
"""

from __future__ import annotations

import scrapy
from scrapy import signals
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Response

from ..article_flow import ArticleFlow
from ..candidates import Callbacks, Candidates
from ..listings_flow import ListingsFlow
from ..report import candidate_found
from ..run import StoryRun, story_run
from ..verdicts import PageJudge


class StorySpider(scrapy.Spider):
    name = "story"
    run: StoryRun  # the crawl's shared state, from the moment the spider opens

    def __init__(self, story: str | None = None, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.story_path = story

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        if spider.story_path:  # the StoryRun extension loads it (`-a story=PATH` wins over `-s STORY=PATH`)
            crawler.settings.set("STORY", spider.story_path, priority="cmdline")
        # Connected before any other component's handlers: the parts exist before anything asks the spider.
        crawler.signals.connect(spider.open_parts, signals.spider_opened)
        crawler.signals.connect(spider.release_held_pages, signals.spider_idle)
        return spider

    # --- parts: override a `make_` method to change one ------------------------------------------------------

    def open_parts(self, spider=None) -> None:
        self.run = story_run(self.crawler)
        self.candidates = self.make_candidates()
        self.listings = self.make_listings()
        self.judge = self.make_judge()
        self.articles = self.make_articles()

    def callbacks(self) -> Callbacks:
        return Callbacks(robots=self.parse_robots, sitemap=self.parse_sitemap, feed=self.parse_feed,
                         gdelt=self.parse_gdelt, start_page=self.parse_start_page, article=self.parse_article,
                         article_failed=self.article_failed, listing_failed=self.listing_failed)

    def make_candidates(self) -> Candidates:
        return Candidates(self.crawler, self.run, self.callbacks(), self.logger)

    def make_listings(self) -> ListingsFlow:
        return ListingsFlow(self.crawler, self.run, self.candidates, self.callbacks(), self.logger)

    def make_judge(self) -> PageJudge:
        return PageJudge.from_run(self.run, self.crawler.settings, self.logger)

    def make_articles(self) -> ArticleFlow:
        return ArticleFlow(self.crawler, self.run, self.candidates, self.listings, self.judge, self.logger)

    def closed(self, reason: str) -> None:
        story_run(self.crawler).close(reason)  # also when the crawl stopped before the spider opened

    # --- seeds -----------------------------------------------------------------------------------------------

    async def start(self):
        if self.run.replay is not None:
            for candidate in self.run.replay:
                self.crawler.signals.send_catch_log(candidate_found, outlet=candidate["outlet"], url=candidate["url"])
                yield self.article_request(candidate)
            return
        if not self.run.frontier.take_seeding():  # another worker of a distributed crawl queues them
            return
        for request in self.seed_requests_of_story():
            yield request
        self.run.frontier.seeding_done()

    def seed_requests_of_story(self):
        """The requests of the story file's own listings and URLs (also asked by crawler/distributed/worker.py)."""
        for source in self.run.story.sources:
            yield from self.listings.seed_requests(source)

    def article_request(self, candidate: dict, priority: int = 0) -> scrapy.Request:
        """The request of an article candidate (also asked by crawler/story_memory.py)."""
        return self.candidates.article_request(candidate, priority)

    # --- callbacks: a queued request names them (JOBDIR), so they are the spider's ----------------------------

    def parse_robots(self, response: Response):
        return self.listings.parse_robots(response)

    def parse_sitemap(self, response: Response):
        return self.listings.parse_sitemap(response)

    def parse_feed(self, response: Response):
        return self.listings.parse_feed(response)

    def parse_gdelt(self, response: Response):
        return self.listings.parse_gdelt(response)

    def parse_start_page(self, response: Response):
        return self.listings.parse_start_page(response)

    async def parse_article(self, response: Response) -> list:
        return await self.articles.parse(response)

    def article_failed(self, failure):
        return self.articles.failed(failure)

    def listing_failed(self, failure):
        self.candidates.listing_failed(failure)

    def release_held_pages(self):
        """At idle, pages still held (a link whose outcome never came back) go on paging: recall first."""
        requests = self.listings.held_pages_released()
        for request in requests:
            self.crawler.engine.crawl(request)
        if requests:
            raise DontCloseSpider
