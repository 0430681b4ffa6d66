"""Issue 4/7's bad-input rows on the content side, over loopback: pages in legacy charsets (declared, undeclared,
and declared wrongly) are written with their text intact; consent walls and paywall stubs are flagged as `wall`
and not saved, while full articles with a cookie banner or a subscribe box are written.

The pages are `fixtures/charsets/` and `fixtures/walls/` (see their pages.toml), served as they are stored."""

from __future__ import annotations

import json
import shutil
import tomllib

import pytest

from conftest import FAST, FIXTURES, CrawlRun, normalise, run_storycrawl
from crawler.corpus import read_jsonl
from crawler.fixture_web import FixtureWeb

CHARSETS = tomllib.loads((FIXTURES / "charsets" / "pages.toml").read_text(encoding="utf-8"))["page"]
WALLS = tomllib.loads((FIXTURES / "walls" / "pages.toml").read_text(encoding="utf-8"))["page"]
OUTLETS = {"charsets": "127.0.0.59", "walls": "127.0.0.60"}


def served_path(page: dict) -> str:
    return "/" + page["file"].removesuffix(".html")


def status_rules(pages: list[dict], raw: bool) -> str:
    """Each page at /<file name>, with the Content-Type its pages.toml gives (a bare text/html where it gives none)."""
    rules = {served_path(p): {"file": p["file"], "raw": raw, "content_type": p.get("content_type", "text/html")}
             for p in pages}
    return "".join(f'[paths."{path}"]\nfile = "{r["file"]}"\nraw = {str(r["raw"]).lower()}\n'
                   f'content_type = "{r["content_type"]}"\n' for path, r in rules.items())


def build_web(root):
    root.mkdir(parents=True)
    (root / "outlets.toml").write_text("[outlets]\n" + "".join(f'{k} = "{v}"\n' for k, v in OUTLETS.items()))
    for outlet, pages, raw in (("charsets", CHARSETS, True), ("walls", WALLS, False)):
        (root / outlet).mkdir(parents=True)
        for page in pages:
            shutil.copy(FIXTURES / outlet / page["file"], root / outlet / page["file"])
        (root / outlet / "_status.toml").write_text(status_rules(pages, raw), encoding="utf-8")


def story_text(web: FixtureWeb) -> str:
    """One term group naming a word of every page, so each is on topic and the charset pages get written."""
    words = [p["words"][0] for p in CHARSETS] + [w.split()[0] for p in WALLS for w in p["shows"][:1]]
    sources = "".join(f'[[sources]]\nname = "{outlet}"\nurls = {json.dumps([web.origin(outlet) + served_path(p) for p in pages])}\n'
                      for outlet, pages in (("charsets", CHARSETS), ("walls", WALLS)))
    return f'id = "bad-content"\n[match]\ngroups = [{json.dumps(words, ensure_ascii=False)}]\n{sources}'


@pytest.fixture(scope="module")
def crawl(tmp_path_factory) -> CrawlRun:
    work = tmp_path_factory.mktemp("bad-content")
    build_web(work / "web")
    with FixtureWeb(root=work / "web") as web:
        story = work / "story.toml"
        story.write_text(story_text(web), encoding="utf-8")
        result = run_storycrawl("crawl", str(story), "--out", str(work / "corpus"), *FAST,
                                "-s", "SITE_MEMORY_ENABLED=False")
        requests = list(web.requests)
    assert result.returncode == 0, result.stderr[-3000:]
    return CrawlRun(corpus=work / "corpus", result=result, requests=requests, web=web)


def decision(crawl: CrawlRun, page: dict) -> dict:
    return next(d for d in read_jsonl(crawl.corpus / "decisions.jsonl") if d["url"].endswith(served_path(page)))


def text_of(crawl: CrawlRun, page: dict) -> str:
    record = next(r for r in crawl.written if r["url"].endswith(served_path(page)))
    return normalise((crawl.corpus / record["path"]).read_text(encoding="utf-8"))


@pytest.mark.slow
@pytest.mark.parametrize("page", CHARSETS, ids=[p["file"] for p in CHARSETS])
def test_a_page_in_a_legacy_or_misdeclared_charset_is_written_with_its_text_intact(crawl, page):
    assert decision(crawl, page)["reason"] == "written"
    text = text_of(crawl, page)
    assert "\ufffd" not in text
    assert [w for w in page["words"] if normalise(w) not in text] == []


@pytest.mark.slow
@pytest.mark.parametrize("page", [p for p in WALLS if p["wall"] != "none"], ids=lambda p: p["file"])
def test_a_consent_wall_or_paywall_stub_is_flagged_and_not_saved(crawl, page):
    made = decision(crawl, page)
    assert (made["reason"], made["detail"]) == ("wall", page["wall"])
    assert not [r for r in crawl.manifest if r["url"].endswith(served_path(page))]


@pytest.mark.slow
@pytest.mark.parametrize("page", [p for p in WALLS if p["wall"] == "none"], ids=lambda p: p["file"])
def test_an_article_with_a_cookie_banner_or_subscribe_box_is_written(crawl, page):
    assert decision(crawl, page)["reason"] == "written"
    assert all(normalise(words) in text_of(crawl, page) for words in page["shows"])


@pytest.mark.slow
def test_the_run_report_counts_the_walls(crawl):
    walls = sum(outlet.get("wall", 0) for outlet in crawl.report["outlets"].values())
    assert walls == len([p for p in WALLS if p["wall"] != "none"])
