"""A new user's mistakes end in one line that says what to do, never a traceback or a silent nothing."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess

import pytest

from conftest import ROOT, STORYCRAWL, run_storycrawl
from crawler.setting_checks import SettingError, check_overrides


def one_line_error(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1, result.stderr
    return result.stderr


def test_an_unknown_setting_is_warned_about_with_the_closest_known_name(tmp_path):
    result = run_storycrawl("crawl", str(tmp_path / "missing.toml"), "--out", str(tmp_path / "c"),
                            "-s", "DOWNLOAD_DELAYY=5")
    assert "-s DOWNLOAD_DELAYY: no such setting (did you mean DOWNLOAD_DELAY?)" in result.stderr


@pytest.mark.parametrize("setting, says", [
    ("MIN_ARTICLE_WORDS=lots", "MIN_ARTICLE_WORDS takes a whole number"),
    ("SYNC_WRITES=maybe", "SYNC_WRITES takes True or False"),
    ("RECHECK_AFTER_HOURS=daily", "RECHECK_AFTER_HOURS takes a number"),
])
def test_a_bad_setting_value_is_a_one_line_error_naming_the_setting(setting, says, tmp_path):
    result = run_storycrawl("crawl", str(ROOT / "stories" / "demo.toml"), "--out", str(tmp_path / "c"), "-s", setting)
    assert says in one_line_error(result)
    assert not (tmp_path / "c").exists()


def test_values_scrapy_reads_as_numbers_or_lists_are_accepted():
    assert check_overrides({"DOWNLOAD_TIMEOUT": "7.5", "DOWNLOAD_DELAY": "2", "ROBOTSTXT_OBEY": "false",
                            "TRACKING_PARAMETERS": "utm_*,ref", "LOG_LEVEL": "INFO"}) == []
    with pytest.raises(SettingError, match="CONCURRENT_REQUESTS"):
        check_overrides({"CONCURRENT_REQUESTS": "many"})


def test_the_demo_on_a_busy_port_says_to_give_another_with_port(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.11", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run_storycrawl("demo", "--port", str(port), "--out", str(tmp_path / "c"))
    assert f"storycrawl demo --port {port + 10}" in one_line_error(result)


def test_status_json_into_a_closed_pipe_ends_without_a_traceback(demo_crawl):
    """`storycrawl status --json | head`: the reader went away before the output was written."""
    process = subprocess.Popen([str(STORYCRAWL), "status", str(demo_crawl.corpus), "--json"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    process.stdout.close()  # before the command has even started writing
    stderr = process.stderr.read().decode()
    assert process.wait(timeout=60) == 0
    assert "Traceback" not in stderr and "BrokenPipe" not in stderr, stderr


def test_reclean_of_a_corpus_whose_story_path_is_relative_to_another_directory_says_story(warc_crawl, tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(warc_crawl.corpus, corpus)
    report = json.loads((corpus / "report.json").read_text())
    report["story"]["file"] = "stories/my-story.toml"  # as given to a crawl run in another directory
    (corpus / "report.json").write_text(json.dumps(report))
    (corpus / "state" / "story.toml").unlink()  # a corpus from before the corpus remembered its story
    result = subprocess.run([str(STORYCRAWL), "reclean", str(corpus)], capture_output=True, text=True, cwd=tmp_path,
                            timeout=120)
    error = one_line_error(result)
    assert "stories/my-story.toml" in error and "--story" in error


def test_reclean_falls_back_on_the_story_the_corpus_remembers(warc_crawl, tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(warc_crawl.corpus, corpus)
    report = json.loads((corpus / "report.json").read_text())
    report["story"]["file"] = "stories/my-story.toml"
    (corpus / "report.json").write_text(json.dumps(report))
    result = subprocess.run([str(STORYCRAWL), "reclean", str(corpus), "--out", str(tmp_path / "again"),
                             "-s", "PROGRESS_INTERVAL=0"], capture_output=True, text=True, cwd=tmp_path, timeout=240)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "using the story the corpus remembers" in result.stderr
    assert sorted(p.name for p in (tmp_path / "again").rglob("*.txt")) == sorted(p.name for p in corpus.rglob("*.txt"))
