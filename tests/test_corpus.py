"""The corpus on disk: file names are always safe, writes are atomic, the manifest survives a torn line."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from crawler.corpus import JsonLines, article_path, article_slug, read_jsonl, slugify, write_atomic


@pytest.mark.parametrize("url", [
    "https://a.example/../../etc/passwd", "https://a.example/%2e%2e%2f%2e%2e%2fboot.ini",
    "https://a.example/" + "x" * 500, "https://a.example/news/CON", "https://a.example/новости/Путин-и-Маск",
    "https://a.example/a/.hidden", "https://a.example/", "https://a.example/12345678",
    "https://a.example/" + "普京与马斯克的通话" * 70, "https://a.example/" + "\U00020000" * 100,
])
def test_file_names_stay_inside_the_corpus(url, tmp_path):
    relative = article_path("en", "outlet", "2024-10-25", article_slug(url, "A title"))
    full = (tmp_path / relative).resolve()
    assert tmp_path.resolve() in full.parents
    assert len(full.name.encode()) <= 255 and not full.name.startswith(".")
    assert full.stem.split("-", 3)[-1] not in {"con", "prn", "aux", "nul"}


def test_a_long_name_in_a_wide_script_can_still_be_written_atomically(tmp_path):
    relative = article_path("zh", "outlet", "2024-10-25", article_slug("https://a.example/" + "普京" * 300, "t"))
    write_atomic(tmp_path / relative, b"text")
    assert (tmp_path / relative).read_bytes() == b"text"


def test_slugs_keep_letters_of_any_script():
    assert slugify("Путин и Маск") == "путин-и-маск"


def test_a_numeric_url_segment_takes_the_title_as_slug():
    assert article_slug("https://a.example/g/20242638282d", "Musk og Pútín") == "20242638282d"
    assert article_slug("https://a.example/article/123456", "Musk og Pútín") == "musk-og-pútín"


def test_an_undated_article_is_filed_as_undated():
    assert article_path(None, "vestnik", None, "x") == Path("und/vestnik/undated-x.txt")


def test_atomic_write_leaves_no_temporary_file(tmp_path):
    target = tmp_path / "en" / "a.txt"
    write_atomic(target, b"one")
    write_atomic(target, b"two")
    assert target.read_bytes() == b"two" and [p.name for p in target.parent.iterdir()] == ["a.txt"]


def test_a_torn_last_manifest_line_is_skipped(tmp_path):
    manifest = JsonLines(tmp_path / "manifest.jsonl")
    manifest.append({"url": "a"})
    manifest.close()
    with (tmp_path / "manifest.jsonl").open("a") as fh:
        fh.write('{"url": "b", "ti')
    assert read_jsonl(tmp_path / "manifest.jsonl") == [{"url": "a"}]


def test_a_line_a_crash_left_torn_is_ended_before_the_next_record(tmp_path):
    from crawler.corpus import JsonLines, read_jsonl

    path = tmp_path / "manifest.jsonl"
    path.write_text('{"url": "a"}\n{"url": "b", "ti')
    lines = JsonLines(path, sync=False)
    lines.append({"url": "c"})
    lines.close()
    assert read_jsonl(path) == [{"url": "a"}, {"url": "c"}]


def current_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@pytest.mark.parametrize("umask", [0o022, 0o027, 0o077])
def test_an_atomically_written_file_follows_the_umask(umask, tmp_path):
    previous = os.umask(umask)
    try:
        write_atomic(tmp_path / "report.json", b"{}")
    finally:
        os.umask(previous)
    assert stat.S_IMODE((tmp_path / "report.json").stat().st_mode) == 0o666 & ~umask


def test_every_corpus_file_of_a_crawl_is_readable_as_the_umask_allows(demo_crawl):
    """Text files, manifest, report.json and report.html: colleagues and a web server read the corpus."""
    expected = 0o666 & ~current_umask()
    files = [demo_crawl.corpus / name for name in ("manifest.jsonl", "report.json", "report.html", "decisions.jsonl")]
    files += sorted(demo_crawl.corpus.glob("*/*/*.txt"))
    assert len(files) > 4
    modes = {path.relative_to(demo_crawl.corpus).as_posix(): oct(stat.S_IMODE(path.stat().st_mode)) for path in files}
    assert set(modes.values()) == {oct(expected)}, modes
