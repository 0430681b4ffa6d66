"""One article, one file: its other URLs and exact copies are recorded in the manifest, never written twice."""

from __future__ import annotations

import json

import pytest

from conftest import FAST, run_storycrawl
from crawler.corpus import read_jsonl

pytestmark = pytest.mark.slow

VESTNIK_COPIES = {"/news/2024/10/25/wsj-ilon-mask-regulyarno-obshchaetsya-s-putinym",
                  "/stories/2024/10/25/wsj-ilon-mask-regulyarno-obshchaetsya-s-putinym"}  # word for word
NORTHPOST_ARTICLE = "/world/2024/oct/25/musk-kremlin-contacts-pentagon-spacex-scrutiny"
NORTHPOST_AMP = "/amp" + NORTHPOST_ARTICLE
KREML_OLD_URL = "/frettir/2024/10/26/kreml-hafnar-frettum-af-samtolum-putins"  # listed; redirects to the article


def path_of(url: str) -> str:
    return "/" + url.split("/", 3)[3]


def test_an_exact_copy_is_recorded_as_duplicate_of_the_kept_article_without_a_file(demo_crawl):
    copies = [r for r in demo_crawl.manifest if path_of(r["url"]) in VESTNIK_COPIES]
    kept = [r for r in copies if r["path"]]
    duplicate = [r for r in copies if not r["path"]]
    assert len(kept) == len(duplicate) == 1
    assert duplicate[0]["duplicate_of"] == kept[0]["url"] and duplicate[0]["duplicate_kind"] == "same_text"
    assert duplicate[0]["sha256"] is None and kept[0]["duplicate_of"] is None
    assert sum(p.startswith("ru/vestnik/") for p in demo_crawl.text_files()) == 2  # the copy and one other article


def test_a_duplicate_is_decided_as_duplicate_not_written(demo_crawl):
    duplicates = {r["url"] for r in demo_crawl.manifest if r["duplicate_of"]}
    decided = {d["url"]: d["reason"] for d in demo_crawl.decisions}
    assert duplicates and all(decided[url] == "duplicate" for url in duplicates)


def test_an_amp_copy_met_in_a_crawl_is_another_url_of_its_canonical_article(demo_crawl):
    """Whichever was cleaned first, the AMP URL is in the article's other_urls and has no record of its own:
    the manifest does not depend on the order pages arrived in."""
    article = [r for r in demo_crawl.manifest if path_of(r["url"]) == NORTHPOST_ARTICLE]
    assert len(article) == 1 and article[0]["path"]
    assert [path_of(u) for u in article[0]["other_urls"]].count(NORTHPOST_AMP) == 1
    assert not [r for r in demo_crawl.manifest if path_of(r["url"]) == NORTHPOST_AMP]


def test_a_listed_url_that_redirects_is_among_the_urls_of_the_article(demo_crawl):
    kreml = [r for r in demo_crawl.written if "kreml-hafnar" in r["url"]]
    assert len(kreml) == 1 and kreml[0]["url"].endswith("-og-musks")
    assert [path_of(u) for u in kreml[0]["other_urls"]] == [KREML_OLD_URL]


@pytest.fixture(scope="module")
def amp_shared(fixture_web, tmp_path_factory):
    """An AMP link shared with tracking parameters, crawled twice into one corpus: (corpus, first, second run)."""
    work = tmp_path_factory.mktemp("amp-shared")
    story = work / "amp.toml"
    link = f"{fixture_web.origin('northpost')}{NORTHPOST_AMP}?utm_source=share&utm_medium=social"
    story.write_text(f'id = "amp-shared"\n[match]\ngroups = [["Musk"]]\n[[sources]]\nname = "northpost"\n'
                     f'urls = ["{link}"]\n')
    runs = [run_storycrawl("crawl", str(story), "--out", str(work / "corpus"), *FAST) for _ in range(2)]
    assert all(run.returncode == 0 for run in runs), runs[-1].stderr[-2000:]
    return work / "corpus", link


def test_an_amp_link_with_tracking_parameters_gives_one_file_of_the_canonical_article(amp_shared):
    corpus, _ = amp_shared
    files = [p.relative_to(corpus).as_posix() for p in corpus.rglob("*.txt")]
    assert files == ["en/northpost/2024-10-25-musk-kremlin-contacts-pentagon-spacex-scrutiny.txt"]


def test_the_article_record_lists_the_amp_and_tracking_urls_it_was_reached_by(amp_shared):
    corpus, link = amp_shared
    record = read_jsonl(corpus / "manifest.jsonl")[0]
    assert path_of(record["url"]) == NORTHPOST_ARTICLE
    assert record["other_urls"] == [link, link.split("?")[0]]


def test_a_rerun_adds_no_record_for_an_article_already_in_the_corpus(amp_shared):
    corpus, _ = amp_shared
    assert len(read_jsonl(corpus / "manifest.jsonl")) == 1
    reasons = [d["reason"] for d in read_jsonl(corpus / "decisions.jsonl")]
    # first run: the AMP copy leads to its canonical article; second run: the crawl state knows the link
    assert reasons == ["duplicate", "written"] + ["known"]


@pytest.fixture(scope="module")
def canonical_then_amp(fixture_web, tmp_path_factory):
    """Two runs into one corpus: the first lists only the article (whose page declares its AMP copy), the
    second only the AMP copy. Returns (corpus, the fixture web's requests during both runs)."""
    work = tmp_path_factory.mktemp("canonical-then-amp")
    already = len(fixture_web.requests)
    for name, path in (("canonical", NORTHPOST_ARTICLE), ("amp", NORTHPOST_AMP)):
        story = work / f"{name}.toml"
        url = fixture_web.origin("northpost") + path
        story.write_text(f'id = "canonical-then-amp"\n[match]\ngroups = [["Musk"]]\n[[sources]]\n'
                         f'name = "northpost"\nurls = ["{url}"]\n')
        run = run_storycrawl("crawl", str(story), "--out", str(work / "corpus"), *FAST)
        assert run.returncode == 0, run.stderr[-2000:]
    return work / "corpus", fixture_web.requests[already:]


def test_a_declared_amp_copy_is_never_fetched_once_its_article_is_in_the_corpus(canonical_then_amp):
    _, requests = canonical_then_amp
    paths = [r["path"] for r in requests]
    assert NORTHPOST_ARTICLE in paths and NORTHPOST_AMP not in paths


def test_a_declared_amp_copy_is_decided_as_duplicate_of_the_article_that_declares_it(canonical_then_amp):
    corpus, _ = canonical_then_amp
    article = read_jsonl(corpus / "manifest.jsonl")[0]
    amp = [d for d in read_jsonl(corpus / "decisions.jsonl") if path_of(d["url"]) == NORTHPOST_AMP]
    assert [d["reason"] for d in amp] == ["duplicate", "known"]
    assert amp[0]["detail"].split()[-1] == article["url"]
    assert [path_of(u) for u in article["other_urls"]] == [NORTHPOST_AMP]


def test_an_amp_copy_met_only_through_its_articles_declaration_is_found_and_decided_once(fixture_web, tmp_path):
    """Every candidate gets one decision, and every decided URL was found: the report never counts more
    decisions than candidates ("undecided" below zero)."""
    story = tmp_path / "story.toml"
    story.write_text(f'id = "declared-amp"\n[match]\ngroups = [["Musk"]]\n[[sources]]\nname = "northpost"\n'
                     f'urls = ["{fixture_web.origin("northpost") + NORTHPOST_ARTICLE}"]\n')
    run = run_storycrawl("crawl", str(story), "--out", str(tmp_path / "corpus"), *FAST)
    assert run.returncode == 0, run.stderr[-2000:]
    decisions = read_jsonl(tmp_path / "corpus" / "decisions.jsonl")
    totals = json.loads((tmp_path / "corpus" / "report.json").read_text())["totals"]
    assert NORTHPOST_AMP in [path_of(d["url"]) for d in decisions]
    assert totals["found"] == len(decisions) == 2 and totals["undecided"] == 0


def test_a_duplicate_record_whose_article_never_got_its_file_is_decided_again(tmp_path):
    """A full disk can stop the writer after a duplicate's record named an article whose own file failed: the
    next run must not take that article for a duplicate of itself."""
    import json

    from crawler.frontier import KeptIndex
    from crawler.pipelines import DuplicatePipeline
    from crawler.settings import TRACKING_PARAMETERS
    from crawler.urls import UrlCleaner

    record = {"url": "http://a.example/news/1", "canonical_url": None, "other_urls": [], "path": None,
              "duplicate_of": "http://a.example/stories/1", "text_key": "k1"}
    (tmp_path / "manifest.jsonl").write_text(json.dumps(record) + "\n")
    urls, index = UrlCleaner(TRACKING_PARAMETERS), KeptIndex()
    DuplicatePipeline(tmp_path, urls, index).open_spider()
    assert index.text("k1") is None and index.url(urls.identity("http://a.example/stories/1")) is None
