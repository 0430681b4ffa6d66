"""Scheduled runs (issue 5/7): a re-run fetches only what is new, and adds it without doubling anything."""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

import pytest

from conftest import FAST, FIXTURES, story_for, run_storycrawl
from crawler.corpus import read_jsonl
from crawler.fixture_web import FIXTURE_ROOT, FixtureWeb
from crawler.state import CrawlState

NEW = tomllib.loads((FIXTURES / "incremental" / "listings.toml").read_text(encoding="utf-8"))["new"]
LISTINGS = ("/robots.txt", ".xml", ".xml.gz")
GDELT_API = "/api/v2/doc/doc"  # the fixture GDELT's article list, asked again by every run


def publish_new_articles(root: Path) -> set[str]:
    """Copies the new pages into the fixture web at `root` and lists them; returns their URL paths."""
    paths = set()
    for new in NEW:
        page = root / new["page"]
        page.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(FIXTURES / "incremental" / new["page"], page)
        listing = root / new["listing"]
        text = listing.read_text(encoding="utf-8")
        at = text.rindex(new["before"])
        listing.write_text(text[:at] + new["entry"] + text[at:], encoding="utf-8")
        paths.add("/" + new["page"].split("/", 1)[1].removesuffix(".html"))
    return paths


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory):
    """The demo story crawled, two new articles published in a feed and a sitemap, the story crawled again."""
    work = tmp_path_factory.mktemp("incremental")
    root = work / "web"
    shutil.copytree(FIXTURE_ROOT, root)
    corpus = work / "corpus"
    with FixtureWeb(root=root) as web:
        story = story_for(web, work)
        first = run_storycrawl("crawl", str(story), "--out", str(corpus), *FAST)
        first_requests = list(web.requests)
        first_manifest = read_jsonl(corpus / "manifest.jsonl")
        new_paths = publish_new_articles(root)
        second = run_storycrawl("crawl", str(story), "--out", str(corpus), *FAST)
        second_requests = web.requests[len(first_requests):]
    assert first.returncode == 0, first.stderr[-3000:]
    assert second.returncode == 0, second.stderr[-3000:]
    return {"corpus": corpus, "first": first_requests, "second": second_requests, "new_paths": new_paths,
            "first_manifest": first_manifest}


def article_requests(requests: list[dict], hubs: set[str]) -> set[str]:
    """Requested paths that are neither listings nor section pages (start pages and the pages they paginate to)."""
    return {r["path"] for r in requests
            if not r["path"].endswith(LISTINGS) and not r["path"].startswith(GDELT_API) and r["path"] not in hubs}


def hub_paths(corpus: Path) -> set[str]:
    """Pages the crawl decided are no article: section pages, fetched again by every run."""
    from urllib.parse import urlsplit
    return {urlsplit(d["url"]).path for d in read_jsonl(corpus / "decisions.jsonl") if d["reason"] == "not_article"}


@pytest.mark.slow
def test_a_rerun_fetches_only_the_new_articles(two_runs):
    hubs = hub_paths(two_runs["corpus"]) | {"/world/", "/nyheter/"}
    assert article_requests(two_runs["second"], hubs) == two_runs["new_paths"]


@pytest.mark.slow
def test_the_first_run_fetched_the_articles_the_second_skips(two_runs):
    hubs = hub_paths(two_runs["corpus"]) | {"/world/", "/nyheter/"}
    assert len(article_requests(two_runs["first"], hubs)) > 10


@pytest.mark.slow
def test_a_rerun_appends_the_new_articles_to_the_manifest_and_nothing_else(two_runs):
    manifest = read_jsonl(two_runs["corpus"] / "manifest.jsonl")
    first = two_runs["first_manifest"]
    assert manifest[:len(first)] == first
    added = {record["url"].split(":", 2)[2].split("/", 1)[1] for record in manifest[len(first):]}
    assert {"/" + path for path in added} == two_runs["new_paths"]


@pytest.mark.slow
def test_the_state_counts_two_finished_runs_and_every_article(two_runs):
    state = CrawlState.for_corpus(two_runs["corpus"])
    try:
        assert [run["finish_reason"] for run in state.runs()] == ["finished", "finished"]
        in_corpus = sum(outlet["articles"] for outlet in state.outlets())
    finally:
        state.close()
    written = [record for record in read_jsonl(two_runs["corpus"] / "manifest.jsonl") if record["path"]]
    assert in_corpus >= len(written)


@pytest.mark.slow
def test_status_prints_each_outlet_with_its_articles(two_runs):
    result = run_storycrawl("status", str(two_runs["corpus"]))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("runs: 2; last started")
    vestnik = next(line for line in result.stdout.splitlines() if line.startswith("vestnik"))
    written = [r for r in read_jsonl(two_runs["corpus"] / "manifest.jsonl") if r["path"] and r["outlet"] == "vestnik"]
    assert int(vestnik.split()[2]) == len(written)


def test_status_of_a_directory_without_state_exits_2(tmp_path):
    result = run_storycrawl("status", str(tmp_path))
    assert result.returncode == 2 and "no crawl state" in result.stderr
