"""One real crawl of the listings web (fixtures/listings/web/) over loopback: every listing failure kind of
fixtures/listings/ at once, and articles dating themselves in the forms pages use. What each listing gives is
fetched, what it does not name (images, self links, enclosures, cut-off entries) is never asked for, and each
article's own date decides."""

from __future__ import annotations

import json

import pytest

from conftest import FAST, FIXTURES, run_storycrawl
from crawler.fixture_web import FixtureWeb

LISTINGS_WEB = FIXTURES / "listings" / "web"
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def crawl(tmp_path_factory):
    work = tmp_path_factory.mktemp("listings-web")
    with FixtureWeb(root=LISTINGS_WEB, port=0) as web:
        story = work / "story.toml"
        story.write_text(web.render("harbour", (LISTINGS_WEB / "story.toml").read_text(encoding="utf-8")), encoding="utf-8")
        result = run_storycrawl("crawl", str(story), "--out", str(work / "corpus"), *FAST)
    assert result.returncode == 0, result.stderr[-3000:]
    corpus = work / "corpus"
    return {"requested": [r["path"] for r in web.requests],
            "manifest": {path_of(r["url"]): r for r in map(json.loads, (corpus / "manifest.jsonl").read_text().splitlines())},
            "decisions": {path_of(d["url"]): d for d in map(json.loads, (corpus / "decisions.jsonl").read_text().splitlines())},
            "report": json.loads((corpus / "report.json").read_text())}


def path_of(url: str) -> str:
    return "/" + url.split("/", 3)[3]


@pytest.mark.parametrize("path", ["/news/ferry-timetable", "/story?id=1042&section=port", "/news/quay-cafe-reopens",
                                  "/news/storm-warning", "/news/harbour-master-retires", "/news/bridge-closed",
                                  "/news/harbour-notes"])
def test_every_article_a_listing_names_is_written(crawl, path):
    assert crawl["decisions"][path]["reason"] == "written"


@pytest.mark.parametrize("path", ["/gallery/harbour-master", "/entries/7.atom", "/audio/bridge.mp3",
                                  "/story?id=1042=port", "/news/never-compl"])
def test_what_no_listing_names_as_an_article_is_never_fetched(crawl, path):
    assert path not in crawl["requested"]


def test_a_page_dated_in_words_outside_the_window_is_out_of_window(crawl):
    decision = crawl["decisions"]["/news/pier-vote"]
    assert decision["reason"] == "out_of_window" and decision["detail"] == "published 2022-10-25"


@pytest.mark.parametrize("path, published, found_in", [
    ("/news/ferry-timetable", "2024-10-25", "metadata"), ("/story?id=1042&section=port", "2024-10-25T09:44:00", "metadata"),
    ("/news/quay-cafe-reopens", "2024-10-27T09:00:00+01:00", "metadata"), ("/news/bridge-closed", "2024-10-26", "page"),
    ("/news/harbour-notes", None, "unknown"),
])
def test_the_manifest_gives_each_pages_date_and_where_it_was_found(crawl, path, published, found_in):
    record = crawl["manifest"][path]
    assert (record["published"], record["published_from"]) == (published, found_in)


def test_the_report_counts_the_undated_article_and_the_cut_off_sitemap(crawl):
    assert crawl["report"]["dates"]["harbour"]["undated"] == 1
    errors = [e for e in crawl["report"]["source_errors"] if e["url"].endswith("/sitemap-cut.xml")]
    assert len(errors) == 1 and "truncated XML" in errors[0]["detail"] and "1 complete entries" in errors[0]["detail"]


def test_the_cut_off_sitemap_is_the_only_listing_error(crawl):
    assert [path_of(e["url"]) for e in crawl["report"]["source_errors"]] == ["/sitemap-cut.xml"]
