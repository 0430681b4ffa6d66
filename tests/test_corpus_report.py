"""report.json, report.html and the console summary describe the corpus after all runs beside the last run."""

from __future__ import annotations

import json
import re
import shutil

import pytest

from conftest import FAST, run_storycrawl, story_for
from crawler.corpus import read
from crawler.report import SUMMARY_COLUMNS, format_summary


def summary_rows(summary: str) -> dict[str, list[int]]:
    """The console summary's table: per outlet (and total) its numbers, in SUMMARY_COLUMNS order."""
    rows = {}
    for line in summary.splitlines():
        cells = line.split()
        if len(cells) > len(SUMMARY_COLUMNS) and all(c.isdigit() for c in cells[1:len(SUMMARY_COLUMNS) + 1]):
            rows[cells[0]] = [int(c) for c in cells[1:len(SUMMARY_COLUMNS) + 1]]
    return rows


def html_summary(corpus) -> dict[str, int]:
    page = (corpus / "report.html").read_text(encoding="utf-8")
    return {key: int(value) for key, value in re.findall(r'data-summary="([a-z_]+)">(\d+)<', page)}


def test_every_row_of_the_console_summary_adds_up(demo_crawl):
    rows = summary_rows(format_summary(demo_crawl.report))
    assert set(rows) == {*demo_crawl.report["outlets"], "total"}
    for name, (found, *rest) in rows.items():
        assert found == sum(rest), name


def test_report_json_describes_the_corpus_of_a_first_run(demo_crawl):
    corpus = demo_crawl.report["corpus"]
    articles = list(read(demo_crawl.corpus))
    assert corpus["articles"] == len(articles) == demo_crawl.report["totals"]["written"]
    assert sum(corpus["languages"].values()) == len(articles)


@pytest.mark.slow
def test_after_a_run_that_finds_nothing_new_the_reports_still_describe_the_corpus(fixture_web, demo_crawl, tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(demo_crawl.corpus, corpus)
    story = story_for(fixture_web, tmp_path)
    result = run_storycrawl("crawl", str(story), "--out", str(corpus), *FAST)
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads((corpus / "report.json").read_text())
    assert report["totals"]["written"] == 0
    in_corpus = len(list(read(corpus)))
    assert in_corpus > 0 and report["corpus"]["articles"] == in_corpus
    assert report["corpus"]["languages"] == demo_crawl.report["languages"]
    page = html_summary(corpus)
    assert page["corpus_articles"] == in_corpus and page["written"] == 0
    assert page["corpus_languages"] == len(demo_crawl.report["languages"])
    assert f"corpus: {in_corpus} articles" in result.stderr and "this run wrote 0" in result.stderr
    rows = summary_rows(result.stderr)
    assert rows["total"][0] == sum(rows["total"][1:]) and rows["total"][2] > 0  # the known column


@pytest.mark.slow
def test_the_progress_line_says_how_many_requests_are_pending(fixture_web, tmp_path):
    story = story_for(fixture_web, tmp_path)
    options = [o for o in FAST if o != "PROGRESS_INTERVAL=0" and o != "-s"]
    result = run_storycrawl("crawl", str(story), "--out", str(tmp_path / "corpus"),
                            *[part for o in options for part in ("-s", o)], "-s", "PROGRESS_INTERVAL=0.2")
    assert result.returncode == 0, result.stderr[-3000:]
    lines = [line for line in result.stderr.splitlines() if " pending " in line]
    assert lines and all(re.search(r"requests \d+  pending \d+  found \d+", line) for line in lines)
