"""What a fetched page is: an Article, or NotAnArticle with the reason its `not_article` decision gives."""

from __future__ import annotations

import asyncio
import logging

from scrapy.http import Response

from conftest import FIXTURES
from cleaners import Article, draft_article
from crawler.verdicts import NotAnArticle, PageJudge

JUDGE = PageJudge(cleaning=None, site_memory=None, min_words=40, untyped_min_words=120,
                  logger=logging.getLogger(__name__))


def verdict_of(path: str):
    page = FIXTURES / path
    url = f"http://127.0.0.1:1/{path}"
    return JUDGE.article_from(draft_article(page.read_bytes(), url))


def test_a_page_of_few_words_is_not_an_article_and_says_how_many():
    assert verdict_of("web/northpost/world/page/2/index.html") == NotAnArticle("only 18 words")


def test_an_untyped_undated_page_is_not_an_article():
    assert verdict_of("web/northpost/about.html") == NotAnArticle("no article type, no date")


def test_a_dated_page_typed_as_an_article_is_an_article():
    verdict = verdict_of("listings/web/harbour/news/pier-vote.html")
    assert isinstance(verdict, Article)
    assert verdict.title == "Harbour pier vote postponed again"


def test_a_page_that_is_not_html_is_not_an_article_and_names_its_type():
    response = Response("http://127.0.0.1:1/report.pdf", body=b"%PDF-1.4", headers={"Content-Type": "application/pdf"})
    assert asyncio.run(JUDGE.draft(response)) == NotAnArticle("not HTML (application/pdf)")
