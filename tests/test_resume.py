"""Crash safety (issue 5/7): a crawl killed with SIGKILL, then run again with the same command, ends with the
corpus an uninterrupted crawl writes: the same files, the same manifest records apart from timestamps."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from conftest import FAST, ROOT, STORYCRAWL, run_storycrawl, story_for
from crawler.corpus import read_jsonl
from crawler.settings import TRACKING_PARAMETERS
from crawler.urls import UrlCleaner

# Slower than FAST, alike for every run, so the kill lands while the crawl is busy.
SETTINGS = [*FAST, "-s", "DOWNLOAD_DELAY=0.2", "-s", "AUTOTHROTTLE_START_DELAY=0.2"]
KILL_AFTER = 5  # manifest records
# What differs between two uninterrupted crawls too, set by the time a page is fetched (timestamps, WARC place) or
# by which of two pages the crawl met first: which wire copy heads the cluster (clusters are compared as a
# partition); which of two URLs of one text is kept (the other is its duplicate: records are compared by text file,
# and every URL by the text file it leads to); whether an AMP copy came before its canonical page (then listed in its
# other_urls) or after it (then its own duplicate record). A URL's validators (ETag, Last-Modified) go with the URL
# kept, so they are compared by URL (`validators_by_url`).
VARYING = {"fetched_at", "warc", "cluster_id", "near_duplicate_of", "other_urls", "url", "canonical_url",
           "discovered_via", "etag", "last_modified"}


def corpus_files(corpus: Path) -> dict[str, bytes]:
    return {p.relative_to(corpus).as_posix(): p.read_bytes() for p in corpus.rglob("*.txt")}


def stable_records(corpus: Path) -> dict[str, dict]:
    """The written articles' records by text file, without what varies between two uninterrupted crawls."""
    return {r["path"]: {k: v for k, v in r.items() if k not in VARYING}
            for r in read_jsonl(corpus / "manifest.jsonl") if r["path"]}


def validators_by_url(corpus: Path) -> dict[str, tuple]:
    """The written articles' URLs -> the validators their server sent (for the next run's conditional request)."""
    return {r["url"]: (r["etag"], r["last_modified"]) for r in read_jsonl(corpus / "manifest.jsonl") if r["path"]}


def article_of_every_url(corpus: Path) -> dict[str, str]:
    """Every URL the manifest names (other URLs and duplicates' own records too) -> the text file it leads to.

    Without tracking parameters: a URL listed with them (a feed's `?utm_source=rss`) is named too when that
    listing was the first to name the article, which depends on which listing a crawl read first."""
    records = read_jsonl(corpus / "manifest.jsonl")
    path_of = {r["url"]: r["path"] for r in records if r["path"]}
    untracked = UrlCleaner(list(TRACKING_PARAMETERS)).clean
    leads = {}
    for record in records:
        path = record["path"] or path_of.get(record.get("duplicate_of"))
        for url in (record["url"], *record.get("other_urls", [])):
            leads[untracked(url)] = path
    return leads


def clusters(corpus: Path) -> set[frozenset]:
    """The near-duplicate clusters as sets of text files."""
    groups: dict[str, set] = {}
    for record in read_jsonl(corpus / "manifest.jsonl"):
        if record.get("cluster_id") and record["path"]:
            groups.setdefault(record["cluster_id"], set()).add(record["path"])
    return {frozenset(urls) for urls in groups.values()}


def children_of(pid: int) -> list[int]:
    """The process's children (its cleaning workers), from /proc."""
    children = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                children.append(int(entry.name))
        except (OSError, ValueError, IndexError):
            continue
    return children


def alive(pids: list[int]) -> list[int]:
    return [pid for pid in pids if Path(f"/proc/{pid}").exists()
            and Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"]


def kill_after_records(command: list[str], manifest: Path, records: int) -> tuple[int, list[int]]:
    """Starts the crawl, SIGKILLs it once the manifest holds `records` lines: the number it had, and the crawl's
    child processes at the time of the kill."""
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    children = []
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and process.poll() is None:
            if manifest.exists() and manifest.read_bytes().count(b"\n") >= records:
                children = children_of(process.pid)
                os.kill(process.pid, signal.SIGKILL)
                break
            time.sleep(0.01)
    finally:
        process.wait()
    assert process.returncode == -signal.SIGKILL, "the crawl ended before it could be killed"
    return manifest.read_bytes().count(b"\n"), children


@pytest.fixture(scope="module")
def killed_and_resumed(fixture_web, tmp_path_factory):
    work = tmp_path_factory.mktemp("resume")
    story = story_for(fixture_web, work)
    whole = run_storycrawl("crawl", str(story), "--out", str(work / "whole"), *SETTINGS)
    assert whole.returncode == 0, whole.stderr[-3000:]
    command = [str(STORYCRAWL), "crawl", str(story), "--out", str(work / "resumed"), *SETTINGS]
    at_kill, children = kill_after_records(command, work / "resumed" / "manifest.jsonl", KILL_AFTER)
    resumed = run_storycrawl(*command[1:])
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    return work / "whole", work / "resumed", at_kill, children


@pytest.mark.slow
def test_the_kill_landed_mid_crawl(killed_and_resumed):
    whole, _, at_kill, _ = killed_and_resumed
    assert KILL_AFTER <= at_kill < len(read_jsonl(whole / "manifest.jsonl"))


@pytest.mark.slow
def test_the_killed_crawls_cleaning_workers_leave_with_it(killed_and_resumed):
    *_, children = killed_and_resumed
    assert children, "the crawl had no cleaning workers to check"
    deadline = time.monotonic() + 10
    while alive(children) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert alive(children) == []


@pytest.mark.slow
def test_the_resumed_crawl_has_the_same_text_files(killed_and_resumed):
    whole, resumed, *_ = killed_and_resumed
    assert corpus_files(resumed) == corpus_files(whole)


@pytest.mark.slow
def test_the_resumed_crawl_has_the_same_manifest_records_apart_from_timestamps(killed_and_resumed):
    whole, resumed, *_ = killed_and_resumed
    assert stable_records(resumed) == stable_records(whole)


@pytest.mark.slow
def test_every_article_keeps_the_validators_its_url_was_served_with(killed_and_resumed):
    whole, resumed, *_ = killed_and_resumed
    before, after = validators_by_url(whole), validators_by_url(resumed)
    shared = after.keys() & before.keys()
    assert shared and all(etag for etag, _ in after.values())
    assert {url: after[url] for url in shared} == {url: before[url] for url in shared}


@pytest.mark.slow
def test_every_url_leads_to_the_same_article_as_before(killed_and_resumed):
    whole, resumed, *_ = killed_and_resumed
    assert article_of_every_url(resumed) == article_of_every_url(whole)


@pytest.mark.slow
def test_no_record_is_doubled_and_the_wire_copies_share_a_cluster_as_before(killed_and_resumed):
    whole, resumed, *_ = killed_and_resumed
    urls = [r["url"] for r in read_jsonl(resumed / "manifest.jsonl")]
    assert len(urls) == len(set(urls))
    assert clusters(resumed) == clusters(whole)


@pytest.mark.slow
def test_no_temporary_file_is_left(killed_and_resumed):
    _, resumed, *_ = killed_and_resumed
    assert not [p for p in resumed.rglob("*.tmp")]
