"""`storycrawl` options only set settings; `reclean` says plainly when it cannot run. No crawl here."""

from __future__ import annotations

import pytest

from crawler.cli import EXIT_USAGE, build_parser, crawl_overrides, main
from crawler.corpus import JsonLines


@pytest.mark.parametrize("command", [["crawl", "story.toml", "--out", "c"], ["demo"]])
def test_warc_sets_warc_dir(command):
    args = build_parser().parse_args([*command, "--warc", "archive"])
    assert crawl_overrides(args) == {"WARC_DIR": "archive"}


def test_without_warc_nothing_is_recorded():
    args = build_parser().parse_args(["crawl", "story.toml", "--out", "c"])
    assert "WARC_DIR" not in crawl_overrides(args)


def test_reclean_refuses_a_corpus_crawled_without_warc(tmp_path, capsys):
    (tmp_path / "corpus").mkdir()
    assert main(["reclean", str(tmp_path / "corpus")]) == EXIT_USAGE
    assert "--warc" in capsys.readouterr().err


def test_reclean_never_writes_into_a_corpus_that_is_not_empty(tmp_path, capsys):
    corpus, out = tmp_path / "corpus", tmp_path / "out"
    warc = tmp_path / "crawl.warc.gz"
    warc.write_bytes(b"")
    register = JsonLines(corpus / "state" / "warcs.jsonl")
    register.append({"file": str(warc)})
    register.close()
    (out / "manifest.jsonl").parent.mkdir()
    (out / "manifest.jsonl").write_text("{}\n")
    assert main(["reclean", str(corpus), "--out", str(out), "--story", "story.toml"]) == EXIT_USAGE
    assert "not empty" in capsys.readouterr().err
