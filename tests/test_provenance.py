"""WARC provenance: every fetch of a crawl read back with warcio, and `reclean` rebuilding the corpus from it."""

from __future__ import annotations

from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from conftest import fixture_pages, page_file
from crawler.warc import fetched_at

pytestmark = pytest.mark.slow


def warc_records(run) -> list:
    """(type, target URI, HTTP status, WARC headers) of every record of the run's one WARC file, in order."""
    [warc] = (run.corpus.parent / "warc").glob("*.warc.gz")
    records = []
    with warc.open("rb") as fh:
        for record in ArchiveIterator(fh):
            status = record.http_headers.get_statuscode() if record.http_headers and record.rec_type == "response" else None
            records.append((record.rec_type, record.rec_headers.get_header("WARC-Target-URI"), status, record.rec_headers))
    return records


def record_at(pointer: dict):
    with open(pointer["file"], "rb") as fh:
        fh.seek(pointer["offset"])
        record = next(iter(ArchiveIterator(fh)))
        return record, record.content_stream().read()


def test_the_crawl_writes_one_warc_file_that_starts_with_warcinfo(warc_crawl):
    records = warc_records(warc_crawl)
    assert records[0][0] == "warcinfo" and len(records) > 50


def test_every_response_record_has_its_request_record(warc_crawl):
    records = warc_records(warc_crawl)
    responses = {headers.get_header("WARC-Record-ID"): uri for kind, uri, _, headers in records if kind == "response"}
    requests = {headers.get_header("WARC-Concurrent-To"): uri for kind, uri, _, headers in records if kind == "request"}
    assert requests == responses


def test_robots_txt_sitemaps_feeds_pages_redirects_and_errors_are_recorded(warc_crawl):
    fetched = {(uri.split("/", 3)[3], status) for kind, uri, status, _ in warc_records(warc_crawl) if kind == "response"}
    for expected in [("robots.txt", "200"), ("sitemap-news.xml", "200"), ("sitemap-archive.xml.gz", "200"),
                     ("rss.xml", "200"), ("frettir/2024/10/26/kreml-hafnar-frettum-af-samtolum-putins", "301")]:
        assert expected in fetched
    assert any(status == "404" for _, status in fetched)


def test_every_fetch_the_fixture_web_served_is_in_the_warc(warc_crawl):
    recorded = sorted(uri.split("/", 3)[3] for kind, uri, _, _ in warc_records(warc_crawl) if kind == "response")
    served = sorted(r["path"].lstrip("/") for r in warc_crawl.requests)
    assert recorded == served


def test_each_article_record_points_to_its_response_record(warc_crawl):
    assert warc_crawl.manifest
    for article in warc_crawl.manifest:
        record, _ = record_at(article["warc"])
        assert record.rec_type == "response" and record.rec_headers.get_header("WARC-Target-URI") == article["url"]
        assert record.rec_headers.get_header("WARC-Record-ID") == article["warc"]["record_id"]
        assert fetched_at(record.rec_headers.get_header("WARC-Date")) == article["fetched_at"]


def test_the_stored_page_is_the_page_as_served(warc_crawl):
    page = next(p for p in fixture_pages() if p["outlet"] == "rheinblatt" and p["kind"] == "on-topic")
    [article] = [r for r in warc_crawl.written if r["url"].endswith(page["path"])]
    _, body = record_at(article["warc"])
    assert body == warc_crawl.web.render("rheinblatt", page_file(page).read_text(encoding="utf-8")).encode()


def corpus_files(corpus: Path) -> dict[str, bytes]:
    return {p.relative_to(corpus).as_posix(): p.read_bytes() for p in corpus.rglob("*.txt")}


def test_reclean_reproduces_every_text_file_byte_for_byte(warc_crawl, recleaned):
    assert corpus_files(recleaned.corpus) == corpus_files(warc_crawl.corpus) != {}


def test_reclean_reproduces_the_manifest_byte_for_byte(warc_crawl, recleaned):
    assert (recleaned.corpus / "manifest.jsonl").read_bytes() == (warc_crawl.corpus / "manifest.jsonl").read_bytes()


def test_reclean_fetches_nothing(recleaned):
    assert recleaned.requests == []


def test_a_recleaned_corpus_lists_the_same_warc_files_so_it_can_be_recleaned_in_turn(warc_crawl, recleaned):
    register = "state/warcs.jsonl"
    assert (recleaned.corpus / register).read_bytes() == (warc_crawl.corpus / register).read_bytes()


def test_reclean_learns_the_same_site_templates(warc_crawl, recleaned):
    memory = sorted((warc_crawl.corpus / "state" / "site-memory").glob("*.json"))
    assert memory
    for path in memory:
        assert (recleaned.corpus / "state" / "site-memory" / path.name).read_bytes() == path.read_bytes(), path.name
