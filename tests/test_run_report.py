"""report.json's corpus sections (duplicates, clusters, languages, dates) agree with the manifest."""

from __future__ import annotations

import platform
from collections import Counter
from importlib.metadata import version

import pytest

pytestmark = pytest.mark.slow

WIRE_COPIES = ["northpost", "openfield"]  # one Associated Wire story, republished by both


def test_duplicates_by_kind_count_the_duplicate_decisions(demo_crawl):
    duplicates, totals = demo_crawl.report["duplicates"], demo_crawl.report["totals"]
    kinds = Counter(d["kind"] for d in demo_crawl.decisions if d["reason"] == "duplicate")
    assert duplicates["same_url"] == kinds["same_url"] >= 1 and duplicates["same_text"] == kinds["same_text"] == 1
    assert duplicates["same_url"] + duplicates["same_text"] == totals["duplicate"]


def test_exact_duplicates_in_the_manifest_are_counted_with_their_kind(demo_crawl):
    recorded = Counter(r["duplicate_kind"] for r in demo_crawl.manifest if r["duplicate_of"])
    duplicates = demo_crawl.report["duplicates"]
    assert recorded["same_text"] == duplicates["same_text"] and recorded["same_url"] <= duplicates["same_url"]


def test_near_duplicates_count_the_marked_copies_and_the_dropped_ones(demo_crawl):
    duplicates = demo_crawl.report["duplicates"]
    assert duplicates["near_duplicate_marked"] == sum(bool(r["near_duplicate_of"]) for r in demo_crawl.written) == 1
    assert duplicates["near_duplicate_dropped"] == demo_crawl.report["totals"]["near_duplicate"] == 0


def test_clusters_list_each_cluster_of_two_or_more_articles_with_its_members(demo_crawl):
    clusters = demo_crawl.report["clusters"]
    members = {}
    for record in demo_crawl.written:
        members.setdefault(record["cluster_id"], []).append({"url": record["url"], "outlet": record["outlet"]})
    assert clusters["clusters"] == [{"cluster_id": c, "members": m} for c, m in sorted(members.items()) if len(m) > 1]
    assert clusters["count"] == 1 and sorted(m["outlet"] for m in clusters["clusters"][0]["members"]) == WIRE_COPIES


def test_languages_count_the_written_articles_per_detected_language(demo_crawl):
    languages = demo_crawl.report["languages"]
    assert languages == dict(Counter(r["language"] for r in demo_crawl.written)) and len(languages) >= 5


def test_each_outlet_date_range_spans_its_written_articles(demo_crawl):
    dates = demo_crawl.report["dates"]
    for outlet in {r["outlet"] for r in demo_crawl.written}:
        days = sorted(r["published"][:10] for r in demo_crawl.written if r["outlet"] == outlet)
        assert dates[outlet] == {"earliest": days[0], "latest": days[-1], "undated": 0}, outlet


def test_the_summary_gives_duplicates_clusters_languages_and_date_ranges(demo_crawl):
    summary = demo_crawl.result.stderr
    assert "duplicates: " in summary and "clusters of 2+ articles: 1" in summary and "languages: de 2" in summary
    assert "published 2024-10-25..2024-10-28" in summary  # kyivwire's, for one


def test_the_report_names_the_library_versions_that_made_the_corpus(demo_crawl):
    versions = demo_crawl.report["versions"]
    assert versions["python"] == platform.python_version()
    for library in ("storycrawler", "scrapy", "trafilatura", "lxml", "resiliparse"):
        assert versions[library] == version(library), library
