"""Re-checking articles already in the corpus (issue 5/7): a re-run whose re-check is due sends conditional
requests; an unchanged page (304) is `unchanged`, a changed one is written as its next version and the earlier
version is kept."""

from __future__ import annotations

import shutil
import time

import pytest

from conftest import FAST, run_storycrawl
from crawler.corpus import read_jsonl
from crawler.fixture_web import FIXTURE_ROOT, FixtureWeb

UNCHANGED = "/2024/10/25/associated-wire-musk-putin-two-years/"
CHANGED = "/2024/10/26/five-questions-musk-putin-channel/"
OFF_TOPIC = "/2024/10/30/budget-day-from-the-cheap-seats/"
UPDATE = "<p>Update, 28 October: the Pentagon says it has opened a review of the contacts the Journal reported.</p>"
LAST_PARAGRAPH = "<p>The Kremlin says there was a single phone call"


@pytest.fixture(scope="module")
def rechecked(tmp_path_factory):
    work = tmp_path_factory.mktemp("recheck")
    root = work / "web"
    shutil.copytree(FIXTURE_ROOT, root)
    corpus = work / "corpus"
    with FixtureWeb(root=root) as web:
        urls = [web.origin("openfield") + path for path in (UNCHANGED, CHANGED, OFF_TOPIC)]
        story = work / "story.toml"
        story.write_text('id = "recheck"\n[match]\ngroups = [["Musk"], ["Putin*"]]\n[[sources]]\nname = "openfield"\n'
                         f'urls = {urls!r}\n'.replace("'", '"'))
        first = run_storycrawl("crawl", str(story), "--out", str(corpus), *FAST)
        first_manifest = read_jsonl(corpus / "manifest.jsonl")
        page = root / "openfield" / CHANGED.strip("/") / "index.html"
        html = page.read_text(encoding="utf-8")
        page.write_text(html.replace(LAST_PARAGRAPH, UPDATE + "\n    " + LAST_PARAGRAPH, 1), encoding="utf-8")
        time.sleep(0.1)
        already = len(web.requests)
        # Undated entries (an explicit URL list) are re-checked RECHECK_AFTER_HOURS after their last check.
        second = run_storycrawl("crawl", str(story), "--out", str(corpus), *FAST, "-s", "RECHECK_AFTER_HOURS=0.00001")
        requests = web.requests[already:]
    assert first.returncode == 0 and second.returncode == 0, second.stderr[-3000:]
    return {"corpus": corpus, "requests": requests, "first_manifest": first_manifest}


def request_for(rechecked, path: str) -> dict:
    return next(r for r in rechecked["requests"] if r["path"] == path)


def decision_for(rechecked, path: str) -> dict:
    return [d for d in read_jsonl(rechecked["corpus"] / "decisions.jsonl") if d["url"].endswith(path)][-1]


@pytest.mark.slow
def test_a_due_recheck_is_a_conditional_request_with_the_stored_etag(rechecked):
    etag = next(r for r in rechecked["first_manifest"] if r["url"].endswith(UNCHANGED))["etag"]
    assert etag and request_for(rechecked, UNCHANGED)["if_none_match"] == etag


@pytest.mark.slow
def test_an_unchanged_page_answers_304_and_is_decided_unchanged(rechecked):
    assert request_for(rechecked, UNCHANGED)["status"] == 304
    assert decision_for(rechecked, UNCHANGED)["reason"] == "unchanged"


@pytest.mark.slow
def test_a_changed_page_is_written_as_its_second_version_beside_the_first(rechecked):
    corpus = rechecked["corpus"]
    versions = [r for r in read_jsonl(corpus / "manifest.jsonl") if r["url"].endswith(CHANGED)]
    assert [r["version"] for r in versions] == [1, 2]
    assert versions[1]["previous_version"] == versions[0]["path"]
    assert versions[1]["path"].endswith("-v2.txt")
    assert "opened a review" in (corpus / versions[1]["path"]).read_text(encoding="utf-8")
    assert "opened a review" not in (corpus / versions[0]["path"]).read_text(encoding="utf-8")


@pytest.mark.slow
def test_a_page_never_in_the_corpus_is_not_rechecked(rechecked):
    assert OFF_TOPIC not in {r["path"] for r in rechecked["requests"]}
    assert decision_for(rechecked, OFF_TOPIC)["reason"] == "known"
