"""What a fetched page is: an article (cleaners' Article, which may be behind a wall) or `NotAnArticle` with the
reason, the detail of its `not_article` decision."""

from __future__ import annotations

from dataclasses import dataclass

from scrapy.http import HtmlResponse, Response

from cleaners import Article, Draft, SiteMemory, finish_article
from cleaners.metadata import ARTICLE_TYPES

from .cleaning import CleaningPool
from .windowing import pagination, time_dates

LISTING_DATED_LINKS = 5  # an untyped page with this many links dated by their own <time> is a listing, not an article


@dataclass(frozen=True)
class NotAnArticle:
    """A page that is no article, and why ("only 12 words", "a listing page: ...")."""

    reason: str


class PageJudge:
    """Drafts a page off the reactor (the cleaning pool), finishes it with site memory and decides whether the
    result is an article. `logger`: the spider's."""

    def __init__(self, cleaning: CleaningPool, site_memory: SiteMemory | None, min_words: int, untyped_min_words: int,
                 logger):
        self.cleaning = cleaning
        self.site_memory = site_memory
        self.min_words = min_words  # MIN_ARTICLE_WORDS
        self.untyped_min_words = untyped_min_words  # UNTYPED_ARTICLE_WORDS
        self.logger = logger

    @classmethod
    def from_run(cls, run, settings, logger) -> PageJudge:
        return cls(run.cleaning, run.site_memory, settings.getint("MIN_ARTICLE_WORDS"),
                   settings.getint("UNTYPED_ARTICLE_WORDS"), logger)

    async def draft(self, response: Response) -> Draft | NotAnArticle | None:
        """The page's Draft from the cleaning pool, None if it holds no text, or why it is no article."""
        if not isinstance(response, HtmlResponse):
            return NotAnArticle(f"not HTML ({(response.headers.get('Content-Type') or b'?').decode('latin-1')})")
        content_type = response.headers.get("Content-Type")
        try:
            return await self.cleaning.draft(response.body, content_type.decode("latin-1") if content_type else None,
                                             response.url)
        except Exception as exc:  # a cleaner bug must cost one page, not the crawl
            self.logger.exception("cleaning %s failed", response.url)
            return NotAnArticle(f"the cleaners failed: {type(exc).__name__}: {exc}")

    def article_from(self, draft: Draft | NotAnArticle | None) -> Article | NotAnArticle:
        """The finished Article, or why the page is not one."""
        if isinstance(draft, NotAnArticle):
            return draft
        article = finish_article(draft, self.site_memory)
        if article is None:
            return NotAnArticle("no text")
        if article.wall:
            return article
        words = article.word_count
        typed = (article.page_type or "").lower() in ARTICLE_TYPES
        if words < self.min_words:
            return NotAnArticle(f"only {words} words")
        if not typed and not (article.published and words >= self.untyped_min_words):
            return NotAnArticle(f"no article type, {'no date' if not article.published else f'only {words} words'}")
        return article

    @staticmethod
    def listing_or(verdict: Article | NotAnArticle, response: Response) -> Article | NotAnArticle:
        """An untyped page listing dated entries (an archive day, a section page), or one page of a paginated listing,
        is no article, however many words its headlines and teasers make."""
        if isinstance(verdict, NotAnArticle) or not isinstance(response, HtmlResponse):
            return verdict
        if (verdict.page_type or "").lower() in ARTICLE_TYPES:
            return verdict
        dated = len(time_dates(response))
        if dated >= LISTING_DATED_LINKS:
            return NotAnArticle(f"a listing page: {dated} dated links")
        following, _jumps = pagination(response.url, [response.urljoin(href) for href in response.xpath("//a/@href").getall()])
        return NotAnArticle(f"a listing page: its next page is {following}") if following else verdict
