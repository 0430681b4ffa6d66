"""Page facts: what the cleaning worker reads beside a draft is what the crawl's process would have computed."""

from __future__ import annotations

from pathlib import Path

from scrapy.http import HtmlResponse

from cleaners import finish_article
from crawler.cleaning import draft_page
from crawler.clusters import minhash
from crawler.page_facts import PageReader, listing_reason, text_key
from crawler.relevance import RelevanceMatcher

WEB = Path(__file__).resolve().parent.parent / "fixtures" / "web" / "northpost"
ARTICLE = WEB / "world/2024/oct/25/musk-and-putin-have-spoken-regularly-wsj-reports.html"
SECTION = WEB / "world/index.html"  # an untyped page whose links include the section's next page
GROUPS = (("Musk",), ("Putin*",))
ORIGIN = "http://127.0.0.1:1/"


def read(path: Path, url: str, max_words: int = 0):
    reader = PageReader(RelevanceMatcher(GROUPS), max_words)
    return draft_page(path.read_bytes(), "text/html", url, 0, reader)


def test_an_articles_facts_are_its_relevance_signature_key_and_words():
    draft, facts = read(ARTICLE, ORIGIN + "world/a.html")
    article = finish_article(draft)
    assert facts.describes(article.title, article.text)
    assert facts.relevance == RelevanceMatcher(GROUPS).match(article.title, article.text)
    assert (facts.signature == minhash(article.text).hashvalues).all()
    assert facts.text_key == text_key(article.title, article.text)
    assert facts.word_count == article.word_count


def test_the_signature_reads_no_further_than_its_word_limit():
    draft, facts = read(ARTICLE, ORIGIN + "world/a.html", max_words=40)
    text = finish_article(draft).text
    assert facts.signature_words == 40
    assert (facts.signature == minhash(text, 40).hashvalues).all()
    assert not (facts.signature == minhash(text).hashvalues).all()


def test_an_untyped_page_is_tested_as_a_listing_in_the_worker_as_the_spider_would():
    url = ORIGIN + "world/"
    _draft, facts = read(SECTION, url)
    response = HtmlResponse(url=url, body=SECTION.read_bytes(), headers={"Content-Type": "text/html"})
    assert facts.listing == listing_reason(response) == f"a listing page: its next page is {ORIGIN}world/page/2/"


def test_a_typed_article_is_not_tested_as_a_listing():
    draft, facts = read(ARTICLE, ORIGIN + "world/a.html")
    assert draft.meta.page_type == "NewsArticle" and facts.listing is None


def test_facts_do_not_describe_a_text_site_memory_trimmed():
    draft, facts = read(ARTICLE, ORIGIN + "world/a.html")
    article = finish_article(draft)
    trimmed = "\n".join(article.text.split("\n")[1:])
    assert not facts.describes(article.title, trimmed)
