"""Shared test plumbing: the fixture web on loopback, story files pointing at it, real crawl runs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest

from crawler.fixture_web import DEMO_PORT, FIXTURE_ROOT, FixtureWeb

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
EXPECTED = FIXTURES / "expected"
DEMO_STORY = ROOT / "stories" / "demo.toml"
STORYCRAWL = Path(sys.executable).parent / "storycrawl"
SCRAPY = Path(sys.executable).parent / "scrapy"
# Politeness stays on (robots.txt, AutoThrottle); only the start delay shrinks, so a test crawl takes seconds.
FAST = ["-s", "AUTOTHROTTLE_START_DELAY=0.05", "-s", "DOWNLOAD_DELAY=0.05", "-s", "PROGRESS_INTERVAL=0"]


def system_package_missing(message: str) -> None:
    """Something the machine must provide is missing: a Debian package (`make setup` installs it where it can)
    or root's right to mount a tmpfs (CI runs as root). Under CI that is a broken set-up and fails; elsewhere
    the test is skipped, saying why."""
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def mount_tmpfs(directory: Path, options: str) -> None:
    """A tmpfs mounted on `directory` (`options` as for mount -o), for a full or read-only disk; see
    `system_package_missing` for a machine that cannot."""
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(directory)],
                             capture_output=True, text=True)
    if mounted.returncode:
        system_package_missing(f"cannot mount a tmpfs ({options}) here: {mounted.stderr.strip()}")


def story_for(web: FixtureWeb, directory: Path, template: Path = DEMO_STORY) -> Path:
    """The demo story, pointed at a fixture web that may run on another port than the demo's."""
    path = directory / template.name
    path.write_text(template.read_text(encoding="utf-8").replace(f":{DEMO_PORT}/", f":{web.port}/"), encoding="utf-8")
    return path


def run_storycrawl(*args: str, timeout: float = 240) -> subprocess.CompletedProcess:
    return subprocess.run([str(STORYCRAWL), *args], capture_output=True, text=True, timeout=timeout, cwd=ROOT)


def fixture_pages() -> list[dict]:
    """Every page the fixture web's authors listed in `_pages.toml`, with its outlet."""
    pages = []
    for listing in sorted(FIXTURE_ROOT.glob("*/_pages.toml")):
        for page in tomllib.loads(listing.read_text(encoding="utf-8"))["page"]:
            pages.append({**page, "outlet": listing.parent.name})
    return pages


ORIGIN = "http://127.0.0.1:1"  # fixture pages read from disk, not served: links point nowhere


def page_file(page: dict) -> Path:
    base = FIXTURE_ROOT / page["outlet"] / page["path"].lstrip("/")
    return base / "index.html" if page["path"].endswith("/") else base.with_name(base.name + ".html")


def page_html(page: dict) -> str:
    return page_file(page).read_text(encoding="utf-8").replace("{{origin}}", ORIGIN)


def normalise(text: str) -> str:
    return " ".join(text.split())


@dataclass
class CrawlRun:
    corpus: Path
    result: subprocess.CompletedProcess
    requests: list[dict]
    web: FixtureWeb

    @property
    def manifest(self) -> list[dict]:
        return [json.loads(line) for line in (self.corpus / "manifest.jsonl").read_text().splitlines()]

    @property
    def written(self) -> list[dict]:
        """Manifest records of articles with a text file (a duplicate's record has none)."""
        return [record for record in self.manifest if record["path"]]

    @property
    def report(self) -> dict:
        return json.loads((self.corpus / "report.json").read_text())

    @property
    def decisions(self) -> list[dict]:
        return [json.loads(line) for line in (self.corpus / "decisions.jsonl").read_text().splitlines()]

    def text_files(self) -> set[str]:
        return {p.relative_to(self.corpus).as_posix() for p in self.corpus.rglob("*.txt")}


@pytest.fixture(scope="session")
def fixture_web():
    with FixtureWeb(port=0) as web:
        yield web


@pytest.fixture(scope="session")
def demo_crawl(fixture_web, tmp_path_factory) -> CrawlRun:
    """One real crawl of the whole fixture web by the `storycrawl` command, shared by the end-to-end tests."""
    work = tmp_path_factory.mktemp("demo-crawl")
    return crawl_of(fixture_web, story_for(fixture_web, work), work)


def crawl_of(web: FixtureWeb, story: Path, work: Path) -> CrawlRun:
    """`storycrawl crawl STORY --out WORK/corpus` against the fixture web, with the requests it made."""
    already = len(web.requests)
    result = run_storycrawl("crawl", str(story), "--out", str(work / "corpus"), *FAST)
    assert result.returncode == 0, result.stderr[-3000:]
    return CrawlRun(corpus=work / "corpus", result=result, requests=web.requests[already:], web=web)


@pytest.fixture(scope="session")
def warc_crawl(fixture_web, tmp_path_factory) -> CrawlRun:
    """A second crawl of the fixture web, recording every fetch in a WARC file, run as `scrapy crawl` with
    WARC_DIR: what `storycrawl crawl --warc` sets."""
    work = tmp_path_factory.mktemp("warc-crawl")
    story = story_for(fixture_web, work)
    already = len(fixture_web.requests)
    result = subprocess.run([str(SCRAPY), "crawl", "story", "-a", f"story={story}", "-s", f"CORPUS_DIR={work / 'corpus'}",
                             "-s", f"WARC_DIR={work / 'warc'}", "-s", "LOG_LEVEL=WARNING", *FAST],
                            capture_output=True, text=True, cwd=ROOT, timeout=240)
    assert result.returncode == 0, result.stderr[-3000:]
    return CrawlRun(corpus=work / "corpus", result=result, requests=fixture_web.requests[already:], web=fixture_web)


@pytest.fixture(scope="session")
def recleaned(warc_crawl, tmp_path_factory) -> CrawlRun:
    """`storycrawl reclean` of the WARC crawl's corpus into a new directory (the fixture web still up)."""
    out = tmp_path_factory.mktemp("reclean") / "corpus"
    web = warc_crawl.web
    already = len(web.requests)
    result = run_storycrawl("reclean", str(warc_crawl.corpus), "--out", str(out), "-s", "PROGRESS_INTERVAL=0")
    assert result.returncode == 0, result.stderr[-3000:]
    return CrawlRun(corpus=out, result=result, requests=web.requests[already:], web=web)
