"""A page's own publication date: read in whatever form its metadata states it, looked for in the page by
htmldate when that cannot be read, and an undated page kept or dropped as KEEP_UNDATED_ARTICLES says."""

from __future__ import annotations

import pytest
from lxml import html as lxml_html
from scrapy.settings import Settings

from conftest import DEMO_STORY, FIXTURES
from cleaners.metadata import read_metadata
from crawler.items import ArticleItem
from crawler.pipelines import WindowPipeline
from crawler.report import Rejected
from crawler.story import load_story

PAGES = FIXTURES / "listings" / "web" / "harbour"


def metadata_of(path: str):
    page = PAGES / path
    return read_metadata(lxml_html.fromstring(page.read_text(encoding="utf-8")), f"http://127.0.0.1:1/{path}")


@pytest.mark.parametrize("path, published", [
    ("news/ferry-timetable.html", "2024-10-25"),  # "October 25, 2024"
    ("story.html", "2024-10-25T09:44:00"),  # "25.10.2024 09:44"
    ("news/quay-cafe-reopens.html", "2024-10-27T09:00:00+01:00"),  # RFC 822
])
def test_a_declared_date_in_another_form_than_iso_is_read_and_given_as_iso(path, published):
    meta = metadata_of(path)
    assert (meta.published, meta.published_from) == (published, "metadata")


def test_a_declared_iso_date_is_kept_as_written():
    assert metadata_of("news/harbour-master-retires.html").published == "2024-10-26T10:00:00+02:00"


def test_an_unreadable_declared_date_is_looked_for_in_the_page():
    meta = metadata_of("news/bridge-closed.html")  # declares "Saturday afternoon"; its text says the day
    assert (meta.published, meta.published_from) == ("2024-10-26", "page")


def test_a_page_without_any_date_is_recorded_as_unknown():
    meta = metadata_of("news/harbour-notes.html")
    assert (meta.published, meta.published_from) == (None, "unknown")


def window(**overrides) -> WindowPipeline:
    """The project's window stage, its settings the project's own (with these overrides), on the demo story."""
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    settings.setdict(overrides, priority="cmdline")
    return WindowPipeline(load_story(DEMO_STORY), settings.getbool("KEEP_UNDATED_ARTICLES"))


def article(published: str | None) -> ArticleItem:
    return ArticleItem(url="http://127.0.0.1:1/a", canonical_url=None, outlet="o", title="t", text="x", language="en",
                       declared_language="en", authors=[], published=published, modified=None, description=None,
                       sitename=None, discovered_via={"kind": "list", "url": "story"}, fetched_at="2024-10-26T00:00:00+00:00",
                       published_from="metadata" if published else "unknown")


def test_an_undated_article_is_kept_by_default():
    item = article(None)
    assert window().process_item(item) is item


def test_an_undated_article_is_dropped_when_undated_articles_are_not_kept():
    with pytest.raises(Rejected) as rejected:
        window(KEEP_UNDATED_ARTICLES=False).process_item(article(None))
    assert rejected.value.reason == "undated"


def test_a_dated_article_in_the_window_is_kept_either_way():
    item = article("2024-10-25")
    assert window(KEEP_UNDATED_ARTICLES=False).process_item(item) is item


def test_the_window_reads_a_date_in_words():
    with pytest.raises(Rejected, match="published 2022-10-25"):
        window().process_item(article("October 25, 2022"))
