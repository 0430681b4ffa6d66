"""Merging a distributed crawl's shards (crawler/merge.py): one corpus, as one crawl process would have written it.

The shards are made from one real crawl of the fixture web, split in two: shard A keeps the manifest records
and decisions at even positions, shard B the odd ones and has no report.json (its worker was SIGKILLed). One of
A's articles is in B too (the crash-window double), and B holds a stray temporary file of the kill.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections import Counter
from pathlib import Path

import pytest

from crawler.corpus import read_jsonl
from crawler.merge import MergeError, merge_corpora
from crawler.settings import TRACKING_PARAMETERS
from crawler.state import CrawlState
from crawler.urls import UrlCleaner
from test_resume import article_of_every_url, corpus_files

IDENTITY = UrlCleaner(TRACKING_PARAMETERS).identity


def write_jsonl(path: Path, records: list[dict]) -> None:
    path.write_text("".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records), encoding="utf-8")


def as_sorted_lines(path: Path) -> list[str]:
    """A JSON Lines file's records, whatever their order."""
    return sorted(json.dumps(record, sort_keys=True) for record in read_jsonl(path))


def shard_of(whole: Path, directory: Path, records: list[dict], decisions: list[dict]) -> Path:
    """A copy of the whole corpus holding only these records, their text files and these decisions."""
    shutil.copytree(whole, directory)
    keep = {record["path"] for record in records if record["path"]}
    for text in directory.rglob("*.txt"):
        if text.relative_to(directory).as_posix() not in keep:
            text.unlink()
    write_jsonl(directory / "manifest.jsonl", records)
    write_jsonl(directory / "decisions.jsonl", decisions)
    return directory


def count_own_candidates(shard: Path) -> None:
    """The shard's report counts the candidates it decided, not the whole crawl's."""
    report = json.loads((shard / "report.json").read_text())
    found = Counter(outlet for outlet, _ in {(d["outlet"], d["url"]) for d in read_jsonl(shard / "decisions.jsonl")})
    for outlet, counts in report["outlets"].items():
        counts["found"] = found[outlet]
    (shard / "report.json").write_text(json.dumps(report))


def split_in_two(whole: Path, work: Path) -> tuple[Path, Path, dict]:
    """Shard A (finished) and shard B (killed), and the written record both hold."""
    records, decisions = read_jsonl(whole / "manifest.jsonl"), read_jsonl(whole / "decisions.jsonl")
    double = next(record for record in records[::2] if record["path"])
    written = next(d for d in decisions if d["reason"] == "written" and d["url"] == double["url"])
    # Only B has its `written` decision: the merged one must still name the copy kept (A's: A comes first).
    a = shard_of(whole, work / "a", records[::2], [d for d in decisions[::2] if d is not written])
    b = shard_of(whole, work / "b", [*records[1::2], double],
                 [*(d for d in decisions[1::2] if d is not written), written])
    count_own_candidates(a)
    (b / "report.json").unlink()
    (b / "report.html").unlink()
    (b / Path(double["path"]).parent / ".x.txt.tmp").write_text("half an article")
    write_jsonl(a / "state" / "warcs.jsonl", [{"file": "/warcs/a.warc.gz"}])
    write_jsonl(b / "state" / "warcs.jsonl", [{"file": "/warcs/a.warc.gz"}, {"file": "/warcs/b.warc.gz"}])
    return a, b, double


@pytest.fixture(scope="module")
def merged(demo_crawl, tmp_path_factory):
    work = tmp_path_factory.mktemp("merge")
    a, b, double = split_in_two(demo_crawl.corpus, work)
    summary = merge_corpora(work / "merged", [a, b])
    return demo_crawl.corpus, work / "merged", summary, double


def test_the_merged_corpus_has_the_whole_crawls_text_files_and_no_temporary_file(merged):
    whole, out, *_ = merged
    assert corpus_files(out) == corpus_files(whole)
    assert not list(out.rglob("*.tmp"))


def test_the_merged_manifest_has_the_whole_crawls_records_in_fetch_order(merged):
    whole, out, *_ = merged
    assert as_sorted_lines(out / "manifest.jsonl") == as_sorted_lines(whole / "manifest.jsonl")
    fetched = [record["fetched_at"] for record in read_jsonl(out / "manifest.jsonl")]
    assert fetched == sorted(fetched)


def test_every_url_leads_to_the_same_article_as_in_the_whole_crawl(merged):
    whole, out, *_ = merged
    assert article_of_every_url(out) == article_of_every_url(whole)


def test_the_crash_window_double_is_kept_once_and_counted(merged):
    _, out, summary, double = merged
    records = read_jsonl(out / "manifest.jsonl")
    assert [r["url"] for r in records].count(double["url"]) == 1
    assert summary["doubled"] == 1
    assert [(s["finish_reason"], s["doubled"]) for s in summary["shards"]] == [("finished", 0), (None, 1)]
    written = [record for record in records if record["path"]]
    assert summary["articles"] == sum(shard["articles"] for shard in summary["shards"]) == len(written)


def test_decisions_are_merged_in_time_order_each_once(merged):
    whole, out, *_ = merged
    decisions = read_jsonl(out / "decisions.jsonl")
    assert [d["at"] for d in decisions] == sorted(d["at"] for d in decisions)
    assert as_sorted_lines(out / "decisions.jsonl") == as_sorted_lines(whole / "decisions.jsonl")


def test_the_report_counts_what_the_whole_crawl_counted(merged):
    whole, out, *_ = merged
    report, expected = json.loads((out / "report.json").read_text()), json.loads((whole / "report.json").read_text())
    for section in ("outlets", "totals", "duplicates", "languages", "dates", "story", "settings"):
        assert report[section] == expected[section], section
    members = lambda r: {frozenset(m["url"] for m in c["members"]) for c in r["clusters"]["clusters"]}  # noqa: E731
    assert members(report) == members(expected)


def test_the_report_sums_the_fetch_cost_of_the_shards_that_reported_it(merged):
    """Shard B was killed before writing its report: the cost is shard A's, which is the whole crawl's report's."""
    whole, out, *_ = merged
    report, expected = json.loads((out / "report.json").read_text()), json.loads((whole / "report.json").read_text())
    assert report["fetch_cost"] == expected["fetch_cost"] and report["fetch_cost"]["total"]["requests"] > 0
    assert report["skipped_listings"] == expected["skipped_listings"]


def test_the_report_names_its_shards_and_the_page_is_rendered(merged):
    _, out, summary, _ = merged
    report = json.loads((out / "report.json").read_text())
    assert report["finish_reason"] == "finished" and report["corpus_dir"] == str(out)
    assert report["shards"] == summary["shards"]
    assert [Path(s["dir"]).name for s in report["shards"]] == ["a", "b"]
    assert 'data-summary="written"' in (out / "report.html").read_text()


def test_the_merged_state_knows_every_url_as_the_corpus_has_it(merged):
    _, out, *_ = merged
    state = CrawlState.for_corpus(out)
    try:
        for record in read_jsonl(out / "manifest.jsonl"):
            if record["path"]:
                known = state.known(IDENTITY(record["url"]))
                assert known.in_corpus and known.path == record["path"] and known.content_hash == record["sha256"]
        for decision in read_jsonl(out / "decisions.jsonl"):
            if decision["reason"] != "written" and not decision.get("provisional"):
                assert state.known(IDENTITY(decision["url"])).outcome == decision["reason"]
        assert [run["finish_reason"] for run in state.runs()] == ["finished"]
    finally:
        state.close()


def test_the_warc_registers_are_joined_each_file_once(merged):
    _, out, *_ = merged
    assert read_jsonl(out / "state" / "warcs.jsonl") == [{"file": "/warcs/a.warc.gz"}, {"file": "/warcs/b.warc.gz"}]


def test_a_text_file_that_does_not_match_its_sha256_is_reported_and_left_out(demo_crawl, tmp_path):
    shard = shutil.copytree(demo_crawl.corpus, tmp_path / "shard")
    altered = next(r for r in read_jsonl(shard / "manifest.jsonl") if r["path"])
    (shard / altered["path"]).write_text("not the article")
    summary = merge_corpora(tmp_path / "merged", [shard])
    assert summary["missing"] == [{"shard": str(shard), "url": altered["url"], "path": altered["path"],
                                   "error": "sha256 mismatch"}]
    assert altered["url"] not in [r["url"] for r in read_jsonl(tmp_path / "merged" / "manifest.jsonl")]
    assert not (tmp_path / "merged" / altered["path"]).exists()


def test_two_articles_claiming_one_path_keep_both_texts(demo_crawl, tmp_path):
    whole = demo_crawl.corpus
    first, second = [r for r in read_jsonl(whole / "manifest.jsonl") if r["path"]][:2]
    x = shard_of(whole, tmp_path / "x", [first], [])
    y = shard_of(whole, tmp_path / "y", [{**second, "path": first["path"]}], [])
    (y / first["path"]).write_bytes((whole / second["path"]).read_bytes())
    merge_corpora(tmp_path / "merged", [x, y])
    records = read_jsonl(tmp_path / "merged" / "manifest.jsonl")
    renamed = first["path"].removesuffix(".txt") + "-2.txt"
    assert [r["path"] for r in records] == [first["path"], renamed]
    for record in records:
        assert hashlib.sha256((tmp_path / "merged" / record["path"]).read_bytes()).hexdigest() == record["sha256"]


def test_the_output_must_be_new_or_empty_and_each_shard_a_corpus(demo_crawl, tmp_path):
    (tmp_path / "used").mkdir()
    (tmp_path / "used" / "something").write_text("x")
    with pytest.raises(MergeError, match="empty"):
        merge_corpora(tmp_path / "used", [demo_crawl.corpus])
    with pytest.raises(MergeError, match="manifest.jsonl"):
        merge_corpora(tmp_path / "merged", [demo_crawl.corpus, tmp_path / "used"])
