"""The real-pages benchmark web (bench/realweb.py) makes copies that the crawl cannot collapse and that are
all on the story's topic. Functional only: its speed is measured by bench/crawl.py, never here."""

from __future__ import annotations

import gzip
import sys
from pathlib import Path

import pytest

from cleaners import extract
from crawler.relevance import RelevanceMatcher

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))  # realweb imports its siblings as the scripts do
realweb = pytest.importorskip("realweb")

ARTICLE = ROOT / "fixtures/web/northpost/world/2024/oct/28/georgia-president-refuses-to-recognise-election-result.html"
LEGACY = ROOT / "fixtures/charsets/koi8r-meta-ru.html"
ORIGINS = {o.name: f"http://{o.host}:1" for o in realweb.OUTLETS}


@pytest.fixture
def page_set(tmp_path: Path) -> Path:
    folder = tmp_path / "set" / "html"
    folder.mkdir(parents=True)
    for source in (ARTICLE, LEGACY):
        (folder / f"{source.stem}.html.gz").write_bytes(gzip.compress(source.read_bytes()))
    return tmp_path / "set"


def build(page_set: Path, tmp_path: Path, pages: int):
    sources = realweb.source_files([page_set])
    return realweb.generate_real_web(tmp_path / "web", sources, pages, 7, ORIGINS)


def test_every_copy_of_a_page_is_different_bytes(page_set, tmp_path):
    web = build(page_set, tmp_path, 6)
    bodies = [(web.root / file).read_bytes() for file, _ in web.pages]
    assert len(bodies) == 6 and len(set(bodies)) == 6


def test_pages_are_dealt_round_the_outlets_and_listed_in_their_sitemaps(page_set, tmp_path):
    web = build(page_set, tmp_path, 12)
    for outlet in realweb.OUTLETS:
        resources = web.resources[outlet.address]
        articles = [path for path in resources if path.startswith("/story/")]
        listed = b"".join(body for path, (_, body) in resources.items() if path.startswith("/sitemaps/"))
        assert len(articles) == 2
        assert all(path.encode() in listed for path in articles)


def test_a_marked_copy_is_on_topic_once_cleaned_and_keeps_its_marker(page_set, tmp_path):
    web = build(page_set, tmp_path, 2)
    matcher = RelevanceMatcher(realweb.STORY_GROUPS)
    for file, url in web.pages:
        copy = int(url.rsplit("/", 1)[1].split(".")[0])
        article = extract((web.root / file).read_bytes().decode("utf-8", errors="replace"), url=url)
        assert article is not None
        assert matcher.match(article.title or "", article.text).on_topic
        assert realweb.marker(copy).decode() in article.text


def test_a_legacy_charset_page_keeps_its_own_bytes_around_the_marker(page_set, tmp_path):
    original = LEGACY.read_bytes()
    marked = realweb.mark_page(original, 3, realweb.listed_moments(1, 7)[0])
    assert realweb.marker(3) in marked
    assert marked.decode("koi8-r").count("\ufffd") == original.decode("koi8-r").count("\ufffd")
    assert len(marked) > len(original)


def test_markers_are_single_words_unique_per_copy():
    markers = [realweb.marker(n) for n in range(2000)]
    assert len(set(markers)) == 2000
    assert all(m.isalpha() for m in markers)


def test_copies_of_a_page_no_longer_name_its_canonical_url(page_set, tmp_path):
    web = build(page_set, tmp_path, 2)
    original = ARTICLE.read_bytes()
    assert b'rel="canonical"' in original
    for file, url in web.pages:
        article = extract((web.root / file).read_bytes().decode("utf-8", errors="replace"), url=url)
        assert article.canonical_url in (None, url)
