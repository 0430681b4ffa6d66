"""Optional dependencies are extras: a crawl that does not use one runs without it, and one that does says which
extra to install (pyproject.toml: `redis`, `scrapyd`, `export`)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import FAST, ROOT, story_for

# Runs the command line with scrapy-redis and redis made unimportable, as on an install without the `redis` extra.
WITHOUT_REDIS = ("import sys; sys.modules['scrapy_redis'] = sys.modules['redis'] = None; "
                 "from crawler.cli import main; sys.exit(main(sys.argv[1:]))")


def storycrawl_without_redis(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", WITHOUT_REDIS, *args], capture_output=True, text=True, timeout=240,
                          cwd=ROOT)


def test_the_distributed_module_without_the_redis_extra_names_the_extra():
    result = subprocess.run([sys.executable, "-c", "import sys; sys.modules['scrapy_redis'] = None; "
                             "import crawler.distributed"], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode != 0
    assert "pip install 'storycrawler[redis]'" in result.stderr


def test_crawl_with_redis_but_without_the_extra_is_a_one_line_usage_error(tmp_path, fixture_web):
    story = story_for(fixture_web, tmp_path)
    result = storycrawl_without_redis("crawl", str(story), "--out", str(tmp_path / "corpus"),
                                      "--redis", "redis://127.0.0.1:9/0")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        line for line in result.stderr.strip().splitlines() if "storycrawler[redis]" in line]
    assert not (tmp_path / "corpus" / "manifest.jsonl").exists()


@pytest.mark.slow
def test_a_single_process_crawl_needs_no_redis_extra(tmp_path, fixture_web):
    story = story_for(fixture_web, tmp_path)
    result = storycrawl_without_redis("crawl", str(story), "--out", str(tmp_path / "corpus"), *FAST)
    assert result.returncode == 0, result.stderr[-3000:]
    assert (tmp_path / "corpus" / "manifest.jsonl").read_text(encoding="utf-8").strip()
