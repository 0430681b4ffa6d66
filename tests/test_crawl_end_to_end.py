"""A real Scrapy crawl of the fixture web over loopback, read back from the corpus it wrote."""

from __future__ import annotations

import hashlib
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from conftest import EXPECTED, CrawlRun, crawl_of, fixture_pages, normalise
from crawler.fixture_web import FixtureWeb

pytestmark = pytest.mark.slow

EXPECTED_FILES = {p.relative_to(EXPECTED).as_posix() for p in EXPECTED.rglob("*.txt")}
REASON_OF_KIND = {"on-topic": {"written", "duplicate"}, "off-topic": {"off_topic"},
                  "out-of-window": {"out_of_window"}, "disallowed": {"robots"}, "not-article": {"not_article"},
                  "paywall": {"wall"}}


def test_every_on_topic_article_in_the_window_is_written(demo_crawl):
    missing = EXPECTED_FILES - demo_crawl.text_files()
    assert not missing, f"recall below 1.0: {sorted(missing)}"


def test_nothing_but_the_expected_articles_is_written(demo_crawl):
    assert demo_crawl.text_files() - EXPECTED_FILES == set()


@pytest.mark.parametrize("relative", sorted(EXPECTED_FILES))
def test_each_text_file_equals_its_expected_text(demo_crawl, relative):
    written = (demo_crawl.corpus / relative).read_text(encoding="utf-8")
    assert normalise(written) == normalise((EXPECTED / relative).read_text(encoding="utf-8"))


def test_text_files_are_title_blank_line_then_paragraphs(demo_crawl):
    for relative in demo_crawl.text_files():
        text = (demo_crawl.corpus / relative).read_text(encoding="utf-8")
        title, blank, *_ = text.split("\n")
        assert title and blank == "" and text.endswith("\n") and "\n\n\n" not in text, relative


def test_manifest_has_one_complete_record_per_text_file(demo_crawl):
    manifest = demo_crawl.written
    assert sorted(r["path"] for r in manifest) == sorted(demo_crawl.text_files())
    for record in manifest:
        data = (demo_crawl.corpus / record["path"]).read_bytes()
        assert record["sha256"] == hashlib.sha256(data).hexdigest()
        assert record["word_count"] > 100
        assert record["published"] and record["fetched_at"] and record["language"] == record["path"].split("/")[0]
        assert record["discovered_via"]["kind"] in {"sitemap", "feed", "link", "list", "gdelt"}
        assert record["matched_terms"] and 0 < record["relevance"] <= 1


def test_every_discovery_path_contributed(demo_crawl):
    kinds = {r["discovered_via"]["kind"] for r in demo_crawl.written}
    assert kinds == {"sitemap", "feed", "link", "list", "gdelt"}


def test_report_counts_equal_the_manifest_per_outlet(demo_crawl):
    report = demo_crawl.report
    for outlet, counts in report["outlets"].items():
        assert counts["written"] == sum(r["outlet"] == outlet for r in demo_crawl.written), outlet
    assert report["totals"]["written"] == len(demo_crawl.written)


def test_every_candidate_gets_exactly_one_decision(demo_crawl):
    report = demo_crawl.report
    assert report["totals"]["undecided"] == 0
    urls = [d["url"] for d in demo_crawl.decisions]
    assert len(urls) == len(set(urls)) == report["totals"]["found"]


def test_each_fixture_page_met_gets_the_decision_its_kind_calls_for(demo_crawl):
    decided = {urlsplit(d["url"]).path: d["reason"] for d in demo_crawl.decisions}
    checked = 0
    for page in fixture_pages():
        if page["path"] in decided and page["kind"] in REASON_OF_KIND:
            assert decided[page["path"]] in REASON_OF_KIND[page["kind"]], page
            checked += 1
    assert checked >= 30


def test_pages_listed_outside_the_window_are_not_fetched(demo_crawl):
    listed_old = [d for d in demo_crawl.decisions if d["reason"] == "out_of_window" and d["detail"].startswith("listed")]
    fetched = {r["path"] for r in demo_crawl.requests}
    assert listed_old, "the fixture web lists old articles in sitemaps and GDELT"
    for decision in listed_old:
        assert urlsplit(decision["url"]).path not in fetched


def test_robots_txt_is_obeyed(demo_crawl):
    fetched = {(r["outlet"], r["path"]) for r in demo_crawl.requests}
    disallowed = [p for p in fixture_pages() if p["kind"] == "disallowed"]
    assert all((p["outlet"], p["path"]) not in fetched for p in disallowed)
    assert any(d["reason"] == "robots" for d in demo_crawl.decisions)


def test_requests_identify_the_crawler(demo_crawl):
    agents = {r["user_agent"] for r in demo_crawl.requests}
    assert len(agents) == 1 and agents.pop().startswith("storycrawler/")


def test_tracking_parameters_are_never_fetched(demo_crawl):
    assert not [r for r in demo_crawl.requests if "utm_" in r["path"]]


def test_an_amp_copy_yields_the_canonical_article_once(demo_crawl):
    amp = [d for d in demo_crawl.decisions if "/amp/" in d["url"]]
    assert amp and all(d["reason"] == "duplicate" for d in amp)
    canonical = amp[0]["detail"].split()[-1]
    assert sum(r["url"] == canonical for r in demo_crawl.written) == 1


WIRE_COPIES = {"northpost", "openfield"}  # one Associated Wire story, republished by both


def test_a_wire_copy_republished_by_two_outlets_lands_in_one_cluster(demo_crawl):
    clusters = {}
    for record in demo_crawl.written:
        clusters.setdefault(record["cluster_id"], []).append(record)
    shared = [members for members in clusters.values() if len(members) > 1]
    assert [sorted(r["outlet"] for r in members) for members in shared] == [sorted(WIRE_COPIES)]


def test_later_copies_name_the_first_and_both_are_kept_by_default(demo_crawl):
    wire = [r for r in demo_crawl.written if r["outlet"] in WIRE_COPIES and "musk" in r["url"] and
            r["cluster_id"] == next(x["cluster_id"] for x in demo_crawl.manifest if x["near_duplicate_of"])]
    first, later = sorted(wire, key=lambda r: r["near_duplicate_of"] is not None)
    assert first["near_duplicate_of"] is None and later["near_duplicate_of"] == first["url"]
    assert (demo_crawl.corpus / first["path"]).is_file() and (demo_crawl.corpus / later["path"]).is_file()


def test_a_translation_is_not_a_near_duplicate(demo_crawl):
    kyivwire = [r for r in demo_crawl.written if r["outlet"] == "kyivwire"]
    assert len({r["cluster_id"] for r in kyivwire}) == len(kyivwire)


def test_a_translation_is_its_own_article(demo_crawl):
    kyivwire = {r["language"] for r in demo_crawl.written if r["outlet"] == "kyivwire"}
    assert kyivwire == {"en", "uk"}


def test_files_are_routed_by_detected_language_and_the_declared_one_is_kept(demo_crawl):
    misdeclared = [r for r in demo_crawl.written if r["declared_language"] != r["language"]]
    assert [(r["outlet"], r["declared_language"], r["language"]) for r in misdeclared] == [("kyivwire", "uk", "en")]
    assert misdeclared[0]["path"].startswith("en/kyivwire/")


def test_the_run_ends_with_a_human_summary(demo_crawl):
    assert "articles written to" in demo_crawl.result.stderr
    assert "kyivwire" in demo_crawl.result.stderr


# --- Following: a feed's entry is one hop from its feed, as a start page's link is from its page ---------------

FEED_ONLY_STORY = """
id = "northpost-feed"
title = "Musk and Putin, northpost's feed alone"
since = 2024-10-20
until = 2024-12-31

[match]
groups = [["Musk"], ["Putin*"]]

[[sources]]
name = "northpost"
feeds = ["{{origin}}/rss.xml"]
follow = { depth = DEPTH, allow = ["/world/"] }
"""
FEED_ARTICLE = "/world/2024/oct/25/musk-and-putin-have-spoken-regularly-wsj-reports"  # of the story, in the feed
ITS_TAG_PAGES = {"/world/russia", "/world/donald-trump", "/world/us-national-security"}  # no other on-topic page links them
OFF_TOPIC_TAG_PAGES = {"/world/georgia", "/world/europe", "/world/elections"}  # linked by the feed's off-topic article


def feed_only_crawl(web: FixtureWeb, work: Path, depth: int) -> CrawlRun:
    story = work / "story.toml"
    story.write_text(web.render("northpost", FEED_ONLY_STORY.replace("DEPTH", str(depth))), encoding="utf-8")
    return crawl_of(web, story, work)


@pytest.fixture(scope="module")
def feed_depth_2(fixture_web, tmp_path_factory) -> CrawlRun:
    return feed_only_crawl(fixture_web, tmp_path_factory.mktemp("feed-depth-2"), depth=2)


@pytest.fixture(scope="module")
def feed_depth_1(fixture_web, tmp_path_factory) -> CrawlRun:
    return feed_only_crawl(fixture_web, tmp_path_factory.mktemp("feed-depth-1"), depth=1)


def requested_paths(crawl: CrawlRun) -> set[str]:
    return {r["path"] for r in crawl.requests if r["outlet"] == "northpost"}


def feed_article(crawl: CrawlRun) -> dict:
    return next(r for r in crawl.written if urlsplit(r["url"]).path == FEED_ARTICLE)


def test_at_follow_depth_2_a_feed_found_article_of_the_story_leads_to_its_links(feed_depth_2):
    led = [d for d in feed_depth_2.decisions if urlsplit(d["url"]).path in ITS_TAG_PAGES]
    assert ITS_TAG_PAGES <= requested_paths(feed_depth_2)
    assert [d["via"] for d in led] == [{"kind": "link", "url": feed_article(feed_depth_2)["url"]}] * len(ITS_TAG_PAGES)


def test_at_follow_depth_2_an_off_topic_feed_article_leads_nowhere(feed_depth_2):
    assert not OFF_TOPIC_TAG_PAGES & requested_paths(feed_depth_2)


def test_at_follow_depth_1_the_feed_found_article_is_written_as_at_depth_2(feed_depth_1):
    assert feed_article(feed_depth_1)["discovered_via"]["kind"] == "feed"  # the control of the next test


def test_at_follow_depth_1_a_feed_found_article_of_the_story_leads_nowhere(feed_depth_1):
    assert not ITS_TAG_PAGES & requested_paths(feed_depth_1)
