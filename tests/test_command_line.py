"""The two ways to run a crawl, the demo, and per-story settings."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FAST, ROOT, run_storycrawl, story_for
from crawler.corpus import read_jsonl

pytestmark = pytest.mark.slow
SCRAPY = Path(sys.executable).parent / "scrapy"


def corpus_texts(corpus: Path) -> dict[str, str]:
    return {p.relative_to(corpus).as_posix(): p.read_text(encoding="utf-8") for p in corpus.rglob("*.txt")}


def test_scrapy_crawl_writes_the_same_corpus_as_storycrawl(demo_crawl, tmp_path):
    story = story_for(demo_crawl.web, tmp_path)
    result = subprocess.run([str(SCRAPY), "crawl", "story", "-a", f"story={story}", "-s", f"CORPUS_DIR={tmp_path / 'c'}",
                             "-s", "LOG_LEVEL=WARNING", *FAST], capture_output=True, text=True, cwd=ROOT, timeout=240)
    assert result.returncode == 0, result.stderr[-2000:]
    assert corpus_texts(tmp_path / "c") == corpus_texts(demo_crawl.corpus)


def test_a_story_user_agent_replaces_the_default(fixture_web, tmp_path):
    story = tmp_path / "ua.toml"
    story.write_text(
        'id = "ua"\nuser_agent = "research-bot/2.0 (+mailto:lab@example.org)"\n[match]\ngroups = [["Маск"]]\n'
        f'[[sources]]\nname = "vestnik"\nfeeds = ["{fixture_web.origin("vestnik")}/rss.xml"]\n')
    already = len(fixture_web.requests)
    result = run_storycrawl("crawl", str(story), "--out", str(tmp_path / "c"), *FAST)
    assert result.returncode == 0, result.stderr[-2000:]
    agents = {r["user_agent"] for r in fixture_web.requests[already:] if r["outlet"] == "vestnik"}
    assert agents == {"research-bot/2.0 (+mailto:lab@example.org)"}


def test_the_demo_crawls_the_fixture_web_offline(tmp_path):
    result = run_storycrawl("demo", "--out", str(tmp_path / "corpus"), *FAST)
    assert result.returncode == 0, result.stderr[-2000:]
    assert len(corpus_texts(tmp_path / "corpus")) == 16
    assert (tmp_path / "corpus" / "report.json").exists() and "articles written to" in result.stderr


def test_a_missing_story_file_exits_2(tmp_path):
    result = run_storycrawl("crawl", str(tmp_path / "nope.toml"), "--out", str(tmp_path / "c"))
    assert result.returncode == 2 and "no such file" in result.stderr



def test_dedup_drop_writes_one_copy_of_a_wire_story_and_says_why(demo_crawl, tmp_path):
    story = story_for(demo_crawl.web, tmp_path)
    result = run_storycrawl("crawl", str(story), "--out", str(tmp_path / "c"), "--dedup", "drop", *FAST)
    assert result.returncode == 0, result.stderr[-2000:]
    dropped = [d for d in read_jsonl(tmp_path / "c" / "decisions.jsonl") if d["reason"] == "near_duplicate"]
    assert len(dropped) == 1 and dropped[0]["outlet"] in {"northpost", "openfield"}
    assert len(corpus_texts(tmp_path / "c")) == len(corpus_texts(demo_crawl.corpus)) - 1


def test_a_verbose_crawl_at_log_level_debug_still_logs_scrapys_debug_lines(fixture_web, tmp_path):
    story = story_for(fixture_web, tmp_path)
    result = run_storycrawl("crawl", str(story), "--out", str(tmp_path / "c"), "-v", "-s", "LOG_LEVEL=DEBUG", *FAST)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "[scrapy.core.engine] DEBUG: Crawled (200)" in result.stderr
