"""A corpus read back as records (crawler.corpus.read) and exported as JSON Lines or Parquet (`storycrawl export`)."""

from __future__ import annotations

import json
import shutil

import pytest

from conftest import run_storycrawl
from crawler.corpus import CorpusReadError, read, read_jsonl


def test_read_gives_one_record_per_written_article_with_its_text(demo_crawl):
    records = list(read(demo_crawl.corpus))
    assert sorted(r["path"] for r in records) == sorted(r["path"] for r in demo_crawl.written)
    for record in records:
        content = (demo_crawl.corpus / record["path"]).read_text(encoding="utf-8")
        assert content == record["title"] + "\n\n" + record["text"] + "\n"
        assert record["outlet"] and record["url"] and record["word_count"] > 0


def test_read_leaves_out_a_version_a_later_version_replaced(tmp_path):
    corpus = tmp_path / "corpus"
    (corpus / "en" / "a").mkdir(parents=True)
    (corpus / "en" / "a" / "2024-10-25-x.txt").write_text("X\n\nfirst body\n")
    (corpus / "en" / "a" / "2024-10-25-x-v2.txt").write_text("X\n\nsecond body\n")
    first = {"url": "http://a/x", "title": "X", "path": "en/a/2024-10-25-x.txt", "version": 1, "previous_version": None}
    second = {**first, "path": "en/a/2024-10-25-x-v2.txt", "version": 2, "previous_version": first["path"]}
    duplicate = {**first, "url": "http://a/copy", "path": None, "duplicate_of": "http://a/x"}
    (corpus / "manifest.jsonl").write_text("".join(json.dumps(r) + "\n" for r in (first, second, duplicate)))
    assert [(r["version"], r["text"]) for r in read(corpus)] == [(2, "second body")]


def test_a_missing_text_file_is_named(demo_crawl, tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(demo_crawl.corpus, corpus)
    gone = demo_crawl.written[0]["path"]
    (corpus / gone).unlink()
    with pytest.raises(CorpusReadError, match=gone.split("/")[-1]):
        list(read(corpus))
    result = run_storycrawl("export", str(corpus), "--out", str(tmp_path / "out.jsonl"))
    assert result.returncode == 2 and "Traceback" not in result.stderr and "is missing" in result.stderr
    assert not (tmp_path / "out.jsonl").exists()


def test_export_jsonl_writes_every_article_with_its_text(demo_crawl, tmp_path):
    out = tmp_path / "articles.jsonl"
    result = run_storycrawl("export", str(demo_crawl.corpus), "--format", "jsonl", "--out", str(out))
    assert result.returncode == 0, result.stderr
    exported = read_jsonl(out)
    assert exported == list(read(demo_crawl.corpus))
    assert f"exported {len(exported)} articles" in result.stderr


def test_export_parquet_loads_with_the_datasets_library(demo_crawl, tmp_path, monkeypatch):
    pytest.importorskip("pyarrow")
    datasets = pytest.importorskip("datasets")
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    folder = tmp_path / "export"
    folder.mkdir()
    result = run_storycrawl("export", str(demo_crawl.corpus), "--format", "parquet", "--out", str(folder))
    assert result.returncode == 0, result.stderr
    loaded = datasets.load_dataset("parquet", data_files=str(folder / "articles.parquet"), split="train",
                                   cache_dir=str(tmp_path / "hf-cache"))
    expected = list(read(demo_crawl.corpus))
    assert loaded.num_rows == len(expected)
    assert loaded["text"] == [r["text"] for r in expected]
    assert loaded["discovered_via"][0] == expected[0]["discovered_via"]
    assert loaded["matched_terms"] == [r["matched_terms"] for r in expected]
    as_folder = datasets.load_dataset(str(folder), split="train", cache_dir=str(tmp_path / "hf-cache"))
    assert as_folder.num_rows == len(expected)  # the folder loads as it is


def test_export_of_a_directory_that_is_no_corpus_is_a_one_line_error(tmp_path):
    result = run_storycrawl("export", str(tmp_path))
    assert result.returncode == 2 and result.stderr.strip().count("\n") == 0 and "manifest.jsonl" in result.stderr
