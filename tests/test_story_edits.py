"""A corpus remembers the story it was built with; an edited story is noticed, and --rejudge applies it."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest

from conftest import FAST, CrawlRun, run_storycrawl, story_for
from crawler.corpus import read

pytestmark = pytest.mark.slow


def narrow_then_wide(web, directory: Path) -> tuple[Path, str]:
    """The demo story with its window cut to its first day; returns its path and the full story's text."""
    story = story_for(web, directory)
    wide = story.read_text()
    story.write_text(wide.replace("until = 2024-12-31", "until = 2024-10-25"))
    return story, wide


def same_articles(corpus: Path, fresh: Path) -> bool:
    """The same texts as a fresh crawl of the story (which URL of a same-text pair is kept depends on the order)."""
    return sorted(r["sha256"] for r in read(corpus)) == sorted(r["sha256"] for r in read(fresh))


def crawl(web, story: Path, corpus: Path, *options: str) -> CrawlRun:
    already = len(web.requests)
    result = run_storycrawl("crawl", str(story), "--out", str(corpus), *options, *FAST)
    assert result.returncode == 0, result.stderr[-3000:]
    return CrawlRun(corpus=corpus, result=result, requests=web.requests[already:], web=web)


@pytest.fixture(scope="module")
def edited(fixture_web, tmp_path_factory):
    """A corpus crawled with the narrow window (no WARC), then with the full story, first without --rejudge."""
    work = tmp_path_factory.mktemp("edited")
    story, wide = narrow_then_wide(fixture_web, work)
    first = crawl(fixture_web, story, work / "corpus")
    first_articles = len(list(read(work / "corpus")))
    remembered = (work / "corpus" / "state" / "story.toml").read_text()
    story.write_text(wide)
    unjudged = crawl(fixture_web, story, work / "corpus")
    unjudged_written = [r["url"] for r in unjudged.written]
    return first_articles, remembered, unjudged, story, unjudged_written


def test_the_corpus_remembers_the_story_it_was_built_with(edited):
    _, remembered, _, _, _ = edited
    assert "until = 2024-10-25" in remembered


def test_an_edited_story_is_said_in_one_line_and_earlier_decisions_stand(edited):
    first_articles, _, unjudged, _, _ = edited
    said = [line for line in unjudged.result.stderr.splitlines() if "the story changed" in line]
    assert len(said) == 1 and "window" in said[0] and "--rejudge" in said[0]
    assert unjudged.report["totals"]["written"] == 0
    assert first_articles > 0 and len(list(read(unjudged.corpus))) == first_articles


def test_a_dry_run_with_rejudge_lists_the_urls_it_would_decide_again(edited, fixture_web):
    _, _, unjudged, story, _ = edited
    result = run_storycrawl("crawl", str(story), "--out", str(unjudged.corpus), "--rejudge", "--dry-run", *FAST)
    assert result.returncode == 0, result.stderr[-3000:]
    again = [line for line in result.stdout.splitlines() if "decided again (--rejudge)" in line]
    rejected_before = [d for d in unjudged.decisions if d["reason"] in ("off_topic", "out_of_window")]
    assert again and len(again) <= len(rejected_before)
    assert unjudged.report["totals"]["written"] == 0  # the corpus's own report is untouched


def test_rejudge_decides_earlier_rejections_again_by_fetching_them(edited, demo_crawl, fixture_web):
    _, _, unjudged, story, earlier = edited
    rejudged = crawl(fixture_web, story, unjudged.corpus, "--rejudge")
    assert same_articles(rejudged.corpus, demo_crawl.corpus)
    new = {urlsplit(r["url"]).path for r in rejudged.written if r["url"] not in earlier}
    assert new and new <= {r["path"] for r in rejudged.requests}  # no WARC: fetched again
    assert "the story changed" in rejudged.result.stderr
    again = crawl(fixture_web, story, unjudged.corpus)
    assert "the story changed" not in again.result.stderr  # the corpus's decisions are the new story's now


def test_rejudge_reads_pages_from_the_corpus_warc_files_instead_of_fetching_them(fixture_web, demo_crawl, tmp_path):
    """A page the first crawl fetched (off-topic or out of window by its own date) comes from its WARC record; one
    a listing had dated out of the window was never fetched, and is fetched now."""
    story, wide = narrow_then_wide(fixture_web, tmp_path)
    # URL dating off: the first crawl fetches the later days' pages and rejects them by their own dates, so
    # their WARC records are there to be read again (with it on they are never fetched at all)
    first = crawl(fixture_web, story, tmp_path / "corpus", "--warc", str(tmp_path / "warc"), "-s", "URL_DATES_ENABLED=False")
    fetched_first = {r["path"] for r in first.requests}
    first_urls = {r["url"] for r in read(tmp_path / "corpus")}
    story.write_text(wide)
    rejudged = crawl(fixture_web, story, tmp_path / "corpus", "--rejudge")
    assert same_articles(rejudged.corpus, demo_crawl.corpus)
    new = [r for r in read(rejudged.corpus) if r["url"] not in first_urls]
    recorded = [r for r in new if urlsplit(r["url"]).path in fetched_first]
    assert recorded and len(recorded) < len(new)
    assert all(Path(r["warc"]["file"]).parent == tmp_path / "warc" for r in recorded)
    fetched_now = {r["path"] for r in rejudged.requests}
    assert not {urlsplit(r["url"]).path for r in recorded} & fetched_now
    assert {urlsplit(r["url"]).path for r in new if r not in recorded} <= fetched_now
