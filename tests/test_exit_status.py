"""Issue 3/7 items 8-9: one crawl at a time per corpus, and exit statuses a scheduler can trust."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time

import pytest

from conftest import FAST, ROOT, mount_tmpfs, run_storycrawl, story_for
from crawler.cli import EXIT_INCOMPLETE, EXIT_LOCKED, EXIT_UNREACHABLE, EXIT_USAGE, build_parser
from crawler.corpus_lock import CorpusLock, CorpusLocked


def closed_origin(address: str) -> str:
    """An origin on which nothing listens: a port the kernel just gave out, closed again."""
    with socket.socket() as probe:
        probe.bind((address, 0))
        return f"http://{address}:{probe.getsockname()[1]}"


def unreachable_story(tmp_path) -> str:
    first, second = closed_origin("127.0.0.66"), closed_origin("127.0.0.67")
    story = tmp_path / "unreachable.toml"
    story.write_text('id = "unreachable"\ntitle = "Nobody home"\n[match]\ngroups = [["Musk"]]\n'
                     f'[[sources]]\nname = "first"\nsitemaps = ["{first}/sitemap.xml"]\n'
                     f'[[sources]]\nname = "second"\nfeeds = ["{second}/feed.xml"]\nurls = ["{second}/news/story"]\n',
                     encoding="utf-8")
    return str(story)


# --- the lock -----------------------------------------------------------------------------------------------

def test_a_second_crawl_into_a_locked_corpus_exits_at_once_with_its_own_status(fixture_web, tmp_path):
    story, corpus = story_for(fixture_web, tmp_path), tmp_path / "corpus"
    with CorpusLock(corpus):  # as a running crawl holds it
        started = time.monotonic()
        result = run_storycrawl("crawl", str(story), "--out", str(corpus), *FAST)
    assert result.returncode == EXIT_LOCKED
    assert "another crawl is running into this corpus" in result.stderr and "Traceback" not in result.stderr
    assert time.monotonic() - started < 20 and not (corpus / "manifest.jsonl").exists()


def test_the_lock_goes_with_a_killed_crawl(tmp_path):
    holder = subprocess.Popen([sys.executable, "-c", "import sys, time; from crawler.corpus_lock import CorpusLock; "
                               "CorpusLock(sys.argv[1]).acquire(); print('held', flush=True); time.sleep(60)",
                               str(tmp_path)], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(CorpusLocked, match="pid"):
            CorpusLock(tmp_path).acquire()
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
    with CorpusLock(tmp_path):  # the file is still there; the lock is not
        assert (tmp_path / "state" / "crawl.lock").read_text().startswith(f"pid {os.getpid()}")


def test_the_exit_statuses_are_in_the_crawl_commands_help():
    crawl_help = " ".join(build_parser()._subparsers._group_actions[0].choices["crawl"].format_help().split())
    assert f"{EXIT_LOCKED} another crawl" in crawl_help and f"{EXIT_UNREACHABLE} every source failed" in crawl_help


# --- exit statuses -------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def unreachable(tmp_path_factory):
    work = tmp_path_factory.mktemp("unreachable")
    corpus = work / "corpus"
    result = run_storycrawl("crawl", unreachable_story(work), "--out", str(corpus), *FAST, "-s", "RETRY_TIMES=0")
    return corpus, result


def test_a_crawl_where_every_source_is_unreachable_exits_non_zero(unreachable):
    corpus, result = unreachable
    assert result.returncode == EXIT_UNREACHABLE, result.stderr[-2000:]
    assert "every source failed (first, second)" in result.stderr


def test_status_shows_the_last_runs_failed_sources(unreachable):
    corpus, _ = unreachable
    status = run_storycrawl("status", str(corpus))
    assert status.returncode == 0
    failed = [line for line in status.stdout.splitlines() if line.startswith("last run: source")]
    assert [line.split()[3] for line in failed] == ["first", "second"]
    assert "ConnectionRefused" in failed[0]


def test_status_json_is_json_alone_with_the_failed_sources_in_it(unreachable):
    """Also: `storycrawl` skips the interpreter's teardown (crawler/cli.py's exit_now), never what it printed."""
    corpus, _ = unreachable
    status = run_storycrawl("status", str(corpus), "--json")
    assert status.returncode == 0
    assert [failed["source"] for failed in json.loads(status.stdout)["last_run_failed_sources"]] == ["first", "second"]


def test_a_crawl_that_cannot_start_does_not_take_its_status_from_an_old_report(fixture_web, tmp_path):
    story, corpus = story_for(fixture_web, tmp_path), tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "report.json").write_text(json.dumps({"finish_reason": "finished"}))  # an earlier run's
    result = run_storycrawl("crawl", str(story), "--out", str(corpus), *FAST, "-s", "CLEANING_PROCESSES=many")
    assert result.returncode == EXIT_INCOMPLETE


def test_out_pointing_at_a_file_is_one_line_and_no_traceback(fixture_web, tmp_path):
    story, target = story_for(fixture_web, tmp_path), tmp_path / "a-file"
    target.write_text("not a directory")
    result = run_storycrawl("crawl", str(story), "--out", str(target), *FAST)
    assert result.returncode == EXIT_USAGE
    assert result.stderr.strip().count("\n") == 0 and "cannot write the corpus there" in result.stderr


def test_out_on_a_read_only_file_system_is_one_line_and_no_traceback(fixture_web, tmp_path):
    read_only = tmp_path / "ro"
    read_only.mkdir()
    mount_tmpfs(read_only, "ro,size=64k")
    try:
        result = run_storycrawl("crawl", str(story_for(fixture_web, tmp_path)), "--out", str(read_only / "corpus"), *FAST)
    finally:
        subprocess.run(["umount", "-l", str(read_only)], check=False)
    assert result.returncode == EXIT_USAGE
    assert result.stderr.strip().count("\n") == 0 and "Read-only file system" in result.stderr
