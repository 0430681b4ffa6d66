"""A story crawl of ten-year archives (the generated archive web): it finds the story without walking them.

Recall 1.0 at no more than 1.3 times the requests of the minimal crawl (robots.txt, seeds, the listings that can
hold in-window entries, the in-window articles), and every listing left unfetched accounted for in the report.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import FAST, run_storycrawl
from test_provenance import warc_records
from crawler.archive_web import SERVICE_PATHS, ArchiveWeb

pytestmark = pytest.mark.slow

DAYS = 1500  # about four years: 40,000 articles over six outlets


class ArchiveCrawl:
    def __init__(self, web: ArchiveWeb, corpus: Path, result, requests: list[dict]):
        self.web, self.corpus, self.result, self.requests = web, corpus, result, requests

    @property
    def report(self) -> dict:
        return json.loads((self.corpus / "report.json").read_text())

    @property
    def decisions(self) -> list[dict]:
        return [json.loads(line) for line in (self.corpus / "decisions.jsonl").read_text().splitlines()]

    @property
    def written(self) -> set[str]:
        lines = (self.corpus / "manifest.jsonl").read_text().splitlines()
        return {record["url"] for record in map(json.loads, lines) if record["path"]}

    def paths(self, outlet: str) -> list[str]:
        return [r["path"] for r in self.requests if r["outlet"] == outlet]


def crawl(web: ArchiveWeb, work: Path, *settings: str) -> ArchiveCrawl:
    story = work / "story.toml"
    story.write_text(web.story_toml(), encoding="utf-8")
    already = len(web.requests)
    result = run_storycrawl("crawl", str(story), "--out", str(work / "corpus"), *FAST, *settings)
    assert result.returncode == 0, result.stderr[-3000:]
    return ArchiveCrawl(web, work / "corpus", result, web.requests[already:])


@pytest.fixture(scope="module")
def web():
    with ArchiveWeb(days=DAYS) as served:
        yield served


@pytest.fixture(scope="module")
def archive_crawl(web, tmp_path_factory) -> ArchiveCrawl:
    return crawl(web, tmp_path_factory.mktemp("archive-crawl"))


def test_every_on_topic_article_of_the_window_is_written_and_nothing_else(archive_crawl, web):
    assert archive_crawl.written == web.in_window_on_topic()


def test_requests_stay_within_a_third_more_than_the_minimal_crawl(archive_crawl, web):
    minimal = sum(len(paths) for paths in web.minimal_crawl().values())
    assert len(archive_crawl.requests) <= 1.3 * minimal, (len(archive_crawl.requests), minimal)


def test_every_listing_and_article_of_the_minimal_crawl_is_fetched(archive_crawl, web):
    for outlet, paths in web.minimal_crawl().items():
        assert paths <= set(archive_crawl.paths(outlet)), outlet


def test_every_sitemap_left_unfetched_is_in_the_report_with_its_reason(archive_crawl, web):
    skipped = {s["url"]: s for s in archive_crawl.report["skipped_listings"]}
    for name in ("dailymap-gazette", "monthmap-gazette", "querymap-gazette"):
        outlet = web.outlets[name]
        origin, fetched = web.origin(outlet), set(archive_crawl.paths(name))
        children = {"dailymap-gazette": [f"/sitemaps/{d:%Y/%m/%d}.xml" for d in web.days(outlet)],
                    "monthmap-gazette": [f"/sitemap-{y}-{m:02d}.xml" for y, m in web.months(outlet)],
                    "querymap-gazette": [f"/sitemap.xml?yyyy={y}&mm={m:02d}" for y, m in web.months(outlet)]}[name]
        unfetched = [path for path in children if path not in fetched]
        assert len(unfetched) > len(children) * 0.9
        for path in unfetched:
            assert skipped[origin + path]["reason"] in {"lastmod", "dated by URL"}, path


def test_every_date_archive_page_left_unfetched_has_a_decision(archive_crawl, web):
    outlet = web.outlets["archive-gazette"]
    fetched = set(archive_crawl.paths(outlet.name))
    decided = {d["url"]: d for d in archive_crawl.decisions}
    linked = [f"/archive/{y}/{m:02d}/" for y, m in web.months(outlet)]
    linked += [f"/archive/{d:%Y/%m/%d}/" for d in web.days(outlet) if f"/archive/{d:%Y/%m}/" in fetched]
    for path in (p for p in linked if p not in fetched):
        decision = decided[web.origin(outlet) + path]
        assert decision["reason"] == "out_of_window" and decision["detail"].startswith("dated by URL"), path


def test_paging_stops_after_the_window_and_never_jumps_to_the_last_page(archive_crawl, web):
    pages = [p for p in archive_crawl.paths("sections-gazette") if p.startswith("/section/")]
    in_window_pages = [p for p in web.minimal_crawl()["sections-gazette"] if p.startswith("/section/")]
    assert len(pages) == len(set(pages)) <= len(in_window_pages) + 1
    assert any(s["reason"] == "paging stopped" for s in archive_crawl.report["skipped_listings"])


def test_a_listing_without_dates_pages_on_until_the_articles_it_led_to_are_older(archive_crawl, web):
    pages = [p for p in archive_crawl.paths("blog-gazette") if p.startswith("/blog/")]
    in_window_pages = [p for p in web.minimal_crawl()["blog-gazette"] if p.startswith("/blog/")]
    assert set(in_window_pages) <= set(pages) and len(pages) <= len(in_window_pages) + 1
    stops = [s for s in archive_crawl.report["skipped_listings"] if s["source"] == "blog-gazette"]
    assert [s["reason"] for s in stops] == ["paging stopped"] and "led to are all older" in stops[0]["detail"]


def test_robots_txt_is_fetched_once_per_outlet(archive_crawl, web):
    for outlet in web.outlets:
        assert archive_crawl.paths(outlet).count("/robots.txt") == 1, outlet


def test_service_links_inside_articles_are_not_followed(archive_crawl):
    assert not [r["path"] for r in archive_crawl.requests if r["path"].startswith(SERVICE_PATHS)]


def test_the_report_counts_every_request_by_kind_and_outlet(archive_crawl, web):
    cost = archive_crawl.report["fetch_cost"]
    assert cost["total"]["requests"] == len(archive_crawl.requests)
    for outlet in web.outlets:
        counts = cost["outlets"][outlet]
        assert counts["requests"] == len(archive_crawl.paths(outlet)) == sum(
            counts[kind] for kind in ("robots", "sitemap", "feed", "api", "page", "article"))
        assert counts["robots"] == 1 and counts["bytes"] > 0
    assert cost["outlets"]["dailymap-gazette"]["listings_skipped_by_date"] > 1000
    assert cost["outlets"]["archive-gazette"]["links_skipped_by_url_date"] > 40


def test_the_console_summary_and_report_html_show_the_fetch_cost(archive_crawl):
    assert "fetch cost: " in archive_crawl.result.stderr and "skipped by date" in archive_crawl.result.stderr
    page = (archive_crawl.corpus / "report.html").read_text()
    assert '<section id="fetch-cost">' in page and 'data-cost="wasted"' in page


@pytest.fixture(scope="module")
def budgeted(web, tmp_path_factory) -> ArchiveCrawl:
    return crawl(web, tmp_path_factory.mktemp("budgeted"), "-s", "MAX_REQUESTS_PER_SOURCE=12")


def test_a_per_source_request_budget_stops_each_outlet_and_is_reported(web, budgeted):
    for outlet in web.outlets:
        assert len(budgeted.paths(outlet)) <= 12 + 1, outlet  # robots.txt is the crawl's, no source's
    reached = {b["scope"] for b in budgeted.report["budget"]}
    assert reached == set(web.outlets)
    assert "request budget reached" in budgeted.result.stderr
    refused = [d for d in budgeted.decisions if "request budget reached" in d["detail"]]
    assert refused and all(d["reason"] == "fetch_error" for d in refused)


def test_a_crawl_cut_short_by_its_budget_has_fetched_the_newest_in_window_listings(budgeted):
    days = {p for p in budgeted.paths("dailymap-gazette") if p.startswith("/sitemaps/")}
    window = sorted((p for p in budgeted.web.minimal_crawl()["dailymap-gazette"] if p.startswith("/sitemaps/")), reverse=True)
    assert days and days == set(window[:len(days)]) and len(days) < len(window)


def test_robots_txt_is_fetched_once_on_the_fixture_web_too(demo_crawl):
    """landsfrettir's story entry is its robots.txt (for the Sitemap: lines), which robots.txt obedience reads too."""
    for outlet in {r["outlet"] for r in demo_crawl.requests}:
        paths = [r["path"] for r in demo_crawl.requests if r["outlet"] == outlet]
        assert paths.count("/robots.txt") <= 1, outlet
    assert [r["path"] for r in demo_crawl.requests if r["outlet"] == "landsfrettir"].count("/robots.txt") == 1


def test_the_story_files_crawl_budget_caps_every_request(web, tmp_path):
    story = tmp_path / "story.toml"
    story.write_text("max_requests = 30\n" + web.story_toml(), encoding="utf-8")
    already = len(web.requests)
    result = run_storycrawl("crawl", str(story), "--out", str(tmp_path / "corpus"), *FAST)
    assert result.returncode == 0, result.stderr[-3000:]
    assert len(web.requests) - already <= 30
    report = json.loads((tmp_path / "corpus" / "report.json").read_text())
    assert [(b["scope"], b["max_requests"]) for b in report["budget"]] == [("crawl", 30)]


def test_a_source_whose_urls_lie_is_not_dated_by_them(web, tmp_path):
    """querymap's month sitemaps are dated only by their URL: with url_dates = false they are all fetched."""
    story = tmp_path / "story.toml"
    toml = web.story_toml().replace('name = "querymap-gazette"', 'name = "querymap-gazette"\nurl_dates = false\nmax_requests = 20')
    story.write_text(toml, encoding="utf-8")
    already = len(web.requests)
    result = run_storycrawl("crawl", str(story), "--out", str(tmp_path / "corpus"), *FAST)
    assert result.returncode == 0, result.stderr[-3000:]
    paths = [r["path"] for r in web.requests[already:] if r["outlet"] == "querymap-gazette"]
    assert [p for p in paths if p.startswith("/sitemap.xml?yyyy=") and "yyyy=2024&mm=10" not in p]
    report = json.loads((tmp_path / "corpus" / "report.json").read_text())
    assert not [s for s in report["skipped_listings"] if s["source"] == "querymap-gazette"]


def test_the_progress_line_runs_beside_the_fetch_cost(web, tmp_path):
    story = tmp_path / "story.toml"
    story.write_text("max_requests = 60\n" + web.story_toml(), encoding="utf-8")
    result = run_storycrawl("crawl", str(story), "--out", str(tmp_path / "corpus"), *FAST, "-s", "PROGRESS_INTERVAL=0.2")
    assert result.returncode == 0, result.stderr[-3000:]
    assert "  requests " in result.stderr and "fetch cost: " in result.stderr


def test_a_story_corrected_after_the_window_is_still_fetched_by_its_dated_url(archive_crawl, web):
    outlet = web.outlets["dailymap-gazette"]
    corrected = [web.article(outlet, i) for i in web.on_topic[outlet.name]]
    corrected = [a for a in corrected if a.in_window and web.entry_lastmod(a) > a.day]
    assert corrected
    assert {web.origin(outlet) + outlet.path_of(a) for a in corrected} <= archive_crawl.written


def test_the_warc_records_each_robots_txt_once(warc_crawl):
    """The robots.txt the spider reads for its Sitemap: lines is the robots middleware's, recorded when fetched."""
    robots = [uri for kind, uri, _status, _headers in warc_records(warc_crawl)
              if kind == "response" and uri.endswith("/robots.txt")]
    assert robots and len(robots) == len(set(robots))
