"""Page facts: what the cleaning worker reads beside a draft is what the crawl's process would have computed."""

from __future__ import annotations

from pathlib import Path

from scrapy.http import HtmlResponse, Request
from scrapy.utils.response import get_base_url

from cleaners import draft_article, finish_article, parse_page
from cleaners.dates import parse_day
from cleaners.decode import decode_html
from crawler.cleaning import draft_page
from crawler.clusters import minhash
from crawler.page_facts import (
    LISTING_DATED_LINKS,
    PageReader,
    listing_reason,
    listing_verdict,
    page_base_url,
    read_listing_links,
    text_key,
)
from crawler.relevance import RelevanceMatcher
from crawler.verdicts import NotAnArticle, PageJudge
from crawler.windowing import pagination

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
WEB = FIXTURES / "web" / "northpost"
LISTING_TEST = FIXTURES / "listing-test"
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


def response_at(path: Path, url: str) -> HtmlResponse:
    return HtmlResponse(url=url, body=path.read_bytes(), headers={"Content-Type": "text/html"})


def test_an_untyped_page_short_of_an_untyped_articles_words_is_not_tested_in_the_worker_but_by_the_judge():
    url = ORIGIN + "world/"
    reader = PageReader(RelevanceMatcher(GROUPS), 0, min_words=40, untyped_min_words=100_000)
    draft, facts = draft_page(SECTION.read_bytes(), "text/html", url, 0, reader)
    assert not facts.listing_read and facts.listing is None
    response = HtmlResponse(url=url, body=SECTION.read_bytes(), headers={"Content-Type": "text/html"},
                            request=Request(url, meta={"page_facts": facts}))
    verdict = PageJudge.listing_or(finish_article(draft), response)
    assert verdict == NotAnArticle(f"a listing page: its next page is {ORIGIN}world/page/2/")


def test_an_untyped_page_with_an_untyped_articles_words_and_date_is_tested_in_the_worker():
    reader = PageReader(RelevanceMatcher(GROUPS), 0, min_words=40, untyped_min_words=120)
    _draft, facts = draft_page((LISTING_TEST / "archive-day.html").read_bytes(), "text/html", ORIGIN + "day/", 0, reader)
    assert facts.listing_read is (facts.word_count >= 120)


def test_a_page_of_entries_each_dated_by_its_own_time_is_a_listing():
    assert listing_reason(response_at(LISTING_TEST / "archive-day.html", ORIGIN + "news/2025/03/14/")) == \
        "a listing page: 6 dated links"


def test_times_that_date_no_single_link_do_not_make_a_listing():
    response = response_at(LISTING_TEST / "shared-times.html", ORIGIN + "weekend/")
    assert len(response.xpath("//time")) > LISTING_DATED_LINKS
    assert listing_reason(response) is None


def test_a_next_page_named_relative_to_the_pages_base_is_found():
    response = response_at(LISTING_TEST / "based-section.html", ORIGIN + "world/")
    assert listing_reason(response) == f"a listing page: its next page is {ORIGIN}world/page/2/"


def test_the_nearest_of_relative_next_pages_is_found():
    response = response_at(LISTING_TEST / "relative-next.html", ORIGIN + "coast/")
    assert listing_reason(response) == f"a listing page: its next page is {ORIGIN}coast/page/2/"


def listing_read_through_selectors(response) -> str | None:
    """The listing test as Scrapy's selectors read it: every link joined, every entry a Selector."""
    dates: dict = {}
    for item in response.xpath("//li[.//time] | //article[.//time] | //tr[.//time]"):
        times = [time.attrib.get("datetime") or " ".join(time.xpath("string()").get().split()) for time in item.xpath(".//time")]
        hrefs = {response.urljoin(href) for href in item.xpath(".//a/@href").getall()}
        day = parse_day(times[0]) if len(times) == 1 and len(hrefs) == 1 else None
        if day is not None:
            dates.setdefault(hrefs.pop(), day)
    if len(dates) >= LISTING_DATED_LINKS:
        return f"a listing page: {len(dates)} dated links"
    following, _jumps = pagination(response.url, [response.urljoin(href) for href in response.xpath("//a/@href").getall()])
    return f"a listing page: its next page is {following}" if following else None


def test_every_fixture_page_gets_the_verdict_a_reading_through_selectors_gives():
    urls = (ORIGIN + "coast/", ORIGIN + "world/page/1/", ORIGIN + "a/story.html?id=7")
    kinds = set()
    for path in sorted(FIXTURES.rglob("*.html")):
        for url in urls:
            verdict = listing_reason(response_at(path, url))
            assert verdict == listing_read_through_selectors(response_at(path, url)), (path, url)
            kinds.add("article" if verdict is None else "dated" if verdict.endswith("dated links") else "next page")
    assert kinds == {"article", "dated", "next page"}  # the fixtures hold every verdict


def listing_read_from_the_cleaners_tree(path: Path, url: str) -> str | None:
    """The listing test as the cleaning worker runs it: on the tree the cleaners parse, before they prune it."""
    html = decode_html(path.read_bytes(), "text/html")
    return listing_verdict(read_listing_links(parse_page(html), url, page_base_url(html, url)))


def test_the_workers_reading_of_the_cleaners_tree_gives_every_fixture_page_the_responses_verdict():
    urls = (ORIGIN + "coast/", ORIGIN + "world/page/1/", ORIGIN + "a/story.html?id=7")
    for path in sorted(FIXTURES.rglob("*.html")):
        for url in urls:
            assert listing_read_from_the_cleaners_tree(path, url) == listing_reason(response_at(path, url)), (path, url)


def test_a_pages_base_is_read_from_its_text_as_from_its_response():
    html = (LISTING_TEST / "based-section.html").read_text(encoding="utf-8")
    assert page_base_url(html, ORIGIN + "world/") == get_base_url(response_at(LISTING_TEST / "based-section.html",
                                                                              ORIGIN + "world/"))
    assert page_base_url(html, ORIGIN + "world/") != ORIGIN + "world/"


def test_a_page_drafted_from_its_parsed_tree_is_drafted_as_from_its_html():
    html = ARTICLE.read_text(encoding="utf-8")
    assert draft_article(html, ORIGIN + "world/a.html", tree=parse_page(html)) == draft_article(html, ORIGIN + "world/a.html")
