"""What a fetched page is: an article (cleaners' Article, which may be behind a wall) or `NotAnArticle` with the
reason, the detail of its `not_article` decision."""

from __future__ import annotations

from dataclasses import dataclass

from scrapy.http import HtmlResponse, Response

from cleaners import Article, Draft, SiteMemory, finish_article

from .cleaning import CleaningPool
from .meta_refresh import declared_encoding
from .page_facts import PageFacts, is_typed_article, listing_reason, word_shortfall


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
        # A declared encoding costs nothing to read and spares the worker reading it again. An undeclared one takes a
        # detection, which this process runs only when a <meta> refresh may need the text (crawler/meta_refresh.py):
        # the worker runs its own if its listing test reads the text.
        encoding = declared_encoding(response)
        try:
            draft, response.meta["page_facts"] = await self.cleaning.draft(
                response.body, content_type.decode("latin-1") if content_type else None, response.url, encoding)
            return draft
        except Exception as exc:  # a cleaner bug must cost one page, not the crawl
            self.logger.exception("cleaning %s failed", response.url)
            return NotAnArticle(f"the cleaners failed: {type(exc).__name__}: {exc}")

    def article_from(self, draft: Draft | NotAnArticle | None, facts: PageFacts | None = None) -> Article | NotAnArticle:
        """The finished Article, or why the page is not one. `facts`: what the cleaning worker read of the page,
        used while it still describes the article's text (site memory may have trimmed it since)."""
        if isinstance(draft, NotAnArticle):
            return draft
        article = finish_article(draft, self.site_memory)
        if article is None:
            return NotAnArticle("no text")
        if article.wall:
            return article
        described = facts is not None and facts.describes(article.title, article.text)
        words = facts.word_count if facts is not None and described else article.word_count
        reason = word_shortfall(words, is_typed_article(article.page_type), article.published, self.min_words,
                                self.untyped_min_words)
        return NotAnArticle(reason) if reason else article

    @staticmethod
    def listing_or(verdict: Article | NotAnArticle, response: Response) -> Article | NotAnArticle:
        """An untyped page listing dated entries (an archive day, a section page), or one page of a paginated listing,
        is no article, however many words its headlines and teasers make."""
        if isinstance(verdict, NotAnArticle) or not isinstance(response, HtmlResponse):
            return verdict
        if is_typed_article(verdict.page_type):
            return verdict
        facts = page_facts(response)  # the worker read the page already; it reads the response, not the text
        reason = facts.listing if facts is not None and facts.listing_read else listing_reason(response)
        return NotAnArticle(reason) if reason else verdict


def page_facts(response: Response) -> PageFacts | None:
    """What the cleaning worker read of the page beside its draft (crawler/page_facts.py), if anything."""
    return response.meta.get("page_facts")
