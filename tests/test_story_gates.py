"""What a story file limits beyond terms and window (`languages`, `max_articles`), the dry run, `--version`."""

from __future__ import annotations

import hashlib
import shutil
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from conftest import FAST, CrawlRun, run_storycrawl, story_for
from crawler.corpus import read_jsonl
from crawler.fixture_web import FIXTURE_ROOT, FixtureWeb
from test_incremental import publish_new_articles


def tree_digest(directory: Path) -> dict[str, str]:
    return {p.relative_to(directory).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(directory.rglob("*")) if p.is_file()}


def test_version_prints_the_package_version():
    result = run_storycrawl("--version")
    assert result.returncode == 0 and result.stdout.startswith("storycrawl 0.")


@pytest.fixture(scope="module")
def limited_crawl(fixture_web, tmp_path_factory) -> CrawlRun:
    """The demo story asking for English and Russian only, at most one northpost article and five in all."""
    work = tmp_path_factory.mktemp("limited")
    story = story_for(fixture_web, work)
    text = story.read_text()
    text = text.replace('until = 2024-12-31\n', 'until = 2024-12-31\nlanguages = ["en", "ru"]\nmax_articles = 5\n')
    text = text.replace('name = "northpost"\n', 'name = "northpost"\nmax_articles = 1\n')
    story.write_text(text)
    already = len(fixture_web.requests)
    result = run_storycrawl("crawl", str(story), "--out", str(work / "corpus"), *FAST)
    assert result.returncode == 0, result.stderr[-3000:]
    return CrawlRun(corpus=work / "corpus", result=result, requests=fixture_web.requests[already:], web=fixture_web)


@pytest.mark.slow
def test_articles_in_other_languages_are_decided_off_language(limited_crawl, demo_crawl):
    assert {r["language"] for r in limited_crawl.written} <= {"en", "ru"}
    off = [d for d in limited_crawl.decisions if d["reason"] == "off_language"]
    other_languages = {r["url"] for r in demo_crawl.written if r["language"] not in ("en", "ru")}
    assert other_languages and {d["url"] for d in off} >= other_languages - {d["url"] for d in limited_crawl.decisions
                                                                              if d["reason"] == "over_cap"}
    assert all("the story wants en, ru" in d["detail"] for d in off)


@pytest.mark.slow
def test_a_source_cap_and_the_story_cap_bound_the_articles_written(limited_crawl):
    per_outlet = Counter(r["outlet"] for r in limited_crawl.written)
    assert per_outlet["northpost"] == 1
    assert sum(per_outlet.values()) == 5
    capped = [d for d in limited_crawl.decisions if d["reason"] == "over_cap"]
    assert capped and all("max_articles" in d["detail"] for d in capped)
    assert limited_crawl.report["totals"]["over_cap"] == len(capped)


@pytest.mark.slow
def test_new_candidates_of_a_corpus_at_its_cap_are_decided_over_cap_and_never_fetched(tmp_path):
    """The corpus holds as many articles as the story's cap when two new ones are published: the next run
    decides both over_cap before fetching them (a cap reached within one run may find the rest already in
    flight, and they are then not written: test_a_source_cap_and_the_story_cap_bound_the_articles_written)."""
    root, corpus = tmp_path / "web", tmp_path / "corpus"
    shutil.copytree(FIXTURE_ROOT, root)
    with FixtureWeb(root=root) as web:
        story = story_for(web, tmp_path)
        assert run_storycrawl("crawl", str(story), "--out", str(corpus), *FAST).returncode == 0
        written = len([r for r in read_jsonl(corpus / "manifest.jsonl") if r.get("path")])
        story.write_text(story.read_text().replace("until = 2024-12-31\n",
                                                   f"until = 2024-12-31\nmax_articles = {written}\n"))
        new_paths = publish_new_articles(root)
        already = len(web.requests)
        second = run_storycrawl("crawl", str(story), "--out", str(corpus), *FAST)
        requested = {r["path"] for r in web.requests[already:]}
    assert second.returncode == 0, second.stderr[-3000:]
    capped = {urlsplit(d["url"]).path for d in read_jsonl(corpus / "decisions.jsonl")
              if d["reason"] == "over_cap" and d["detail"].endswith("not fetched")}
    assert new_paths <= capped and not capped & requested  # capped: the section pages they would be found on, too


@pytest.mark.slow
def test_a_dry_run_lists_what_would_be_fetched_per_outlet_and_fetches_no_article(fixture_web, demo_crawl, tmp_path):
    story = story_for(fixture_web, tmp_path)
    already = len(fixture_web.requests)
    result = run_storycrawl("crawl", str(story), "--out", str(tmp_path / "corpus"), "--dry-run", *FAST)
    assert result.returncode == 0, result.stderr[-3000:]
    assert not (tmp_path / "corpus").exists()
    planned = [line.split()[0] for line in result.stdout.splitlines() if line.startswith("  http")]
    # every article a crawl wrote is planned, by the URL it was listed as (a redirect may end elsewhere)
    assert all({r["url"], *r["other_urls"]} & set(planned) for r in demo_crawl.written)
    assert all(" new (listed by " in line for line in result.stdout.splitlines() if line.startswith("  http"))
    assert not {urlsplit(url).path for url in planned} & {r["path"] for r in fixture_web.requests[already:]}
    assert "northpost: " in result.stdout and "would be fetched" in result.stdout


@pytest.mark.slow
def test_a_dry_run_on_a_crawled_corpus_fetches_nothing_new_and_leaves_it_as_it_was(fixture_web, demo_crawl, tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(demo_crawl.corpus, corpus)
    before = tree_digest(corpus)
    story = story_for(fixture_web, tmp_path)
    result = run_storycrawl("crawl", str(story), "--out", str(corpus), "--dry-run", *FAST)
    assert result.returncode == 0, result.stderr[-3000:]
    assert tree_digest(corpus) == before
    assert "not fetched: known" in result.stdout
    assert " new (listed by " not in result.stdout


def test_dry_run_set_on_a_corpus_itself_refuses_to_run(fixture_web, demo_crawl, tmp_path):
    """Its would_fetch decisions would go into the corpus's state and stand for the next real run."""
    corpus = tmp_path / "corpus"
    shutil.copytree(demo_crawl.corpus, corpus)
    result = run_storycrawl("crawl", str(story_for(fixture_web, tmp_path)), "--out", str(corpus), "-s", "DRY_RUN=True",
                            *FAST)
    assert "DRY_RUN is for `storycrawl crawl --dry-run`" in result.stderr
    assert not [line for line in (corpus / "decisions.jsonl").read_text().splitlines() if "would_fetch" in line]
