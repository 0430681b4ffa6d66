"""Issue 3/7 "trust under faults": listings that name local files or other hosts, URLs as the site wrote them,
canonical traps, pages and listings too big to clean whole. One real crawl of the fault web
(fixtures/fault-web/, its README has the table) over loopback, then one test per row."""

from __future__ import annotations

import shutil
from dataclasses import dataclass

import pytest

from conftest import FAST, FIXTURES, CrawlRun, run_storycrawl
from crawler.fixture_web import FixtureWeb

FAULTS = FIXTURES / "fault-web"
LONG_SEGMENT = "musk-putin-" * 200  # a URL of about 2,250 characters: over URLLENGTH_LIMIT (2083)
SETTINGS = [*FAST, "-s", "SITE_MEMORY_ENABLED=False"]  # one template under many URLs: not the site's boilerplate


@dataclass
class FaultRun(CrawlRun):
    def decisions_of(self, url: str) -> list[dict]:
        return [d for d in self.decisions if d["url"] == url]

    def decision(self, url: str) -> dict:
        found = [d for d in self.decisions_of(url) if not d.get("provisional")] or self.decisions_of(url)
        assert len(found) == 1, (url, self.decisions_of(url))
        return found[0]

    def asked(self, outlet: str) -> list[str]:
        return [r["path"] for r in self.requests if r["outlet"] == outlet]

    def origin(self, outlet: str) -> str:
        return self.web.origin(outlet)


@pytest.fixture(scope="module")
def faults(tmp_path_factory) -> FaultRun:
    work = tmp_path_factory.mktemp("fault-web")
    with FixtureWeb(root=FAULTS, port=0) as web:
        story = work / "story.toml"
        text = web.render("schemes", (FAULTS / "story.toml").read_text(encoding="utf-8"))
        story.write_text(text.replace("{{long}}", LONG_SEGMENT), encoding="utf-8")
        result = run_storycrawl("crawl", str(story), "--out", str(work / "corpus"), *SETTINGS)
    assert result.returncode == 0, result.stderr[-3000:]
    return FaultRun(corpus=work / "corpus", result=result, requests=list(web.requests), web=web)


slow = pytest.mark.slow


# --- URL schemes and hosts: only http(s) on the outlet's own hosts leaves a listing ---------------------------

@slow
@pytest.mark.parametrize("url, scheme", [
    ("file:///etc/passwd", "file:"),
    ("data:text/html;base64,PGgxPk11c2sgUHV0aW48L2gxPg==", "data:"),
    ("ftp://127.0.0.61/musk-putin.html", "ftp:"),
    ("javascript:alert(1)", "javascript:"),
    ("file:///etc/hostname", "file:"),
])
def test_a_listed_url_of_another_scheme_is_a_decision_never_a_fetch(faults, url, scheme):
    decision = faults.decision(url)
    assert decision["reason"] == "bad_url" and scheme in decision["detail"]


@slow
def test_no_local_file_reaches_the_corpus(faults):
    texts = " ".join(path.read_text(encoding="utf-8") for path in faults.corpus.rglob("*.txt"))
    assert "root:" not in texts and "/bin/" not in texts
    assert not any("file:" in record["url"] or "data:" in record["url"] for record in faults.manifest)


@slow
@pytest.mark.parametrize("path", ["/internal/musk-putin-admin", "/internal/feed-entry"])
def test_a_listed_url_on_another_host_is_recorded_offsite(faults, path):
    decision = faults.decision(faults.origin("elsewhere") + path)
    assert decision["reason"] == "offsite" and "off the outlet's hosts" in decision["detail"]


@slow
def test_the_other_host_is_never_asked(faults):
    assert faults.asked("elsewhere") == []


@slow
def test_robots_txt_sitemaps_of_another_scheme_or_host_are_source_errors(faults):
    errors = {e["url"]: e["detail"] for e in faults.report["source_errors"]}
    assert errors["file:///etc/passwd"].startswith("bad_url")
    assert errors[faults.origin("elsewhere") + "/sitemaps/internal.xml"].startswith("offsite")


@slow
def test_a_listing_named_by_robots_txt_may_not_redirect_off_the_outlet(faults):
    errors = {e["url"]: e["detail"] for e in faults.report["source_errors"]}
    assert "OffsiteRedirect" in errors[faults.origin("schemes") + "/sitemaps/redirecting.xml"]


@slow
def test_the_outlets_own_entries_beside_them_are_written(faults):
    written = {d["url"] for d in faults.decisions if d["reason"] == "written"}
    assert {faults.origin("schemes") + "/news/satellite-talks", faults.origin("schemes") + "/news/launch-talks"} <= written


# --- URLs as written ----------------------------------------------------------------------------------------

@slow
@pytest.mark.parametrize("path", ["/story.php?12345", "/index.php?/archives/77"])
def test_a_url_is_requested_exactly_as_the_site_wrote_it_and_written(faults, path):
    assert path in faults.asked("written")
    assert faults.decision(faults.origin("written") + path)["reason"] == "written"


@slow
def test_tracking_parameters_and_the_fragment_go_before_the_fetch(faults):
    assert "/read?id=9&ref=home" in faults.asked("written")


@slow
def test_a_url_too_long_to_fetch_is_a_decision_not_silence(faults):
    url = faults.origin("written") + "/long/" + LONG_SEGMENT
    decision = faults.decision(url)
    assert decision["reason"] == "fetch_error" and decision["detail"].startswith("URL too long")
    assert not any(path.startswith("/long/") for path in faults.asked("written"))


# --- canonical traps: a canonical is believed only when it names a different article that can be had ----------

def written_urls(run: FaultRun) -> set[str]:
    return {d["url"] for d in run.decisions if d["reason"] == "written"}


@slow
def test_articles_naming_the_homepage_as_canonical_are_all_written(faults):
    homes = {faults.origin("canon") + f"/news/home-{n}" for n in range(1, 6)}
    assert homes <= written_urls(faults)
    assert "/" not in faults.asked("canon")


@slow
def test_an_article_naming_its_section_as_canonical_is_written(faults):
    assert faults.origin("canon") + "/politics/musk-putin-section" in written_urls(faults)


@slow
@pytest.mark.parametrize("page, canonical, reason", [
    ("/news/relative-404", "/news/gone-original", "http_error"),
    ("/news/robots-canon", "/private/original", "robots"),
])
def test_an_article_whose_canonical_cannot_be_had_is_written_on_its_own_merits(faults, page, canonical, reason):
    assert faults.decision(faults.origin("canon") + canonical)["reason"] == reason
    assert faults.decision(faults.origin("canon") + page)["reason"] == "written"


@slow
def test_a_canonical_named_by_many_pages_is_not_believed_past_the_limit(faults):
    limit = 2  # CANONICAL_SHARED_LIMIT's default
    shared = [faults.origin("canon") + f"/wire/shared-{n}" for n in range(1, 5)]
    assert faults.origin("canon") + "/news/shared-original" in written_urls(faults)
    assert len(set(shared) & written_urls(faults)) >= len(shared) - limit
    assert all(faults.decision(url)["reason"] in ("written", "duplicate") for url in shared)


@slow
def test_every_canonical_trap_ends_with_one_counted_decision(faults):
    outlet = faults.report["outlets"]["canon"]
    assert outlet["undecided"] == 0
    assert outlet["written"] == len(written_urls(faults) & {d["url"] for d in faults.decisions if d["outlet"] == "canon"})


# --- bounded cost per page; listings' own size limit ----------------------------------------------------------

HEAVY_SETTINGS = [*SETTINGS, "-s", "CLEAN_MAX_CHARS=1000000", "-s", "FOLLOW_MAX_LINKS=20"]
SECTION_LINKS = 20_000
BIG_SITEMAP_ENTRIES = 5_000  # each with a 5 KB caption: a valid 25 MB sitemap, over DOWNLOAD_MAXSIZE (16 MB)


def article_page(path: str, inside: str = "", wrap: int = 0, paragraphs: list[str] | None = None) -> str:
    """The fault web's article at `path`, with `inside` put before its paragraphs, `wrap` levels of <div>
    around it, or other paragraphs."""
    page = (FAULTS / "_article.html").read_text(encoding="utf-8").replace("{{path}}", path)
    start, end = page.index("<article>"), page.index("</article>") + len("</article>")
    article = page[start:end].replace("<h1>", inside + "<h1>", 1)
    if paragraphs is not None:
        head = article[:article.index("<p>")]
        article = head + "".join(f"<p>{p}</p>" for p in paragraphs) + "</article>"
    return page[:start] + "<div>" * wrap + article + "</div>" * wrap + page[end:]


def long_read_paragraphs() -> list[str]:
    """About 2.5 MB of text, numbered, the last one marked."""
    sentence = ("Musk and Putin figure in paragraph {n} of this long read, which goes on about launches, "
                "contracts and calls for far longer than any reader would follow it. ")
    paragraphs = [sentence.format(n=n) * 4 for n in range(6_000)]
    return [*paragraphs, "The last paragraph of the long read, never cleaned."]


def build_heavy_outlet(root) -> None:
    heavy = root / "heavy"
    (heavy / "news").mkdir(parents=True)
    (heavy / "section").mkdir()
    image = '<img alt="" src="data:image/png;base64,' + "iVBORw0KGgoAAAANSUhEUgAA" * 440_000 + '">'
    (heavy / "news" / "inline-image.html").write_text(article_page("/news/inline-image", inside=image))
    (heavy / "news" / "deep.html").write_text(article_page("/news/deep", wrap=300))
    (heavy / "news" / "long-read.html").write_text(article_page("/news/long-read", paragraphs=long_read_paragraphs()))
    links = "".join(f'<li><a href="/news/gen-{n}">Story {n}</a></li>' for n in range(SECTION_LINKS))
    (heavy / "section" / "index.html").write_text(
        f"<!doctype html><html><head><title>All stories</title></head><body><ul>{links}</ul></body></html>")
    caption = "A caption that goes on. " * 210
    entries = "".join(f"<url><loc>{{{{origin}}}}/archive/{n}</loc><lastmod>2010-01-01</lastmod>"
                      f"<image:image><image:loc>{{{{origin}}}}/img/{n}.jpg</image:loc><image:caption>{caption}"
                      "</image:caption></image:image></url>\n" for n in range(BIG_SITEMAP_ENTRIES))
    entries += "".join(f"<url><loc>{{{{origin}}}}/news/{name}</loc><lastmod>2024-10-27</lastmod></url>\n"
                       for name in ("inline-image", "deep", "long-read"))
    (heavy / "sitemap-big.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">\n' + entries + "</urlset>\n")


@pytest.fixture(scope="module")
def heavy(tmp_path_factory):
    from test_hostile_web import run_measured

    work = tmp_path_factory.mktemp("heavy-web")
    root = work / "web"
    shutil.copytree(FAULTS, root)
    build_heavy_outlet(root)
    with FixtureWeb(root=root, port=0) as web:
        story = work / "story.toml"
        story.write_text(web.render("heavy", '''id = "heavy"
title = "Musk and Putin (heavy pages)"
since = 2024-10-01
until = 2024-12-31
[match]
groups = [["Musk"], ["Putin*"]]
[[sources]]
name = "heavy"
sitemaps = ["{{origin}}/sitemap-big.xml"]
start_urls = ["{{origin}}/section/"]
follow = { depth = 1, allow = ["/news/gen-"] }
'''), encoding="utf-8")
        result, peak = run_measured("crawl", str(story), "--out", str(work / "corpus"), *HEAVY_SETTINGS, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    return FaultRun(corpus=work / "corpus", result=result, requests=list(web.requests), web=web), peak


@slow
def test_a_valid_25_mb_sitemap_is_read_under_the_listings_own_limit(heavy):
    run, _ = heavy
    assert [e for e in run.report["source_errors"] if "sitemap-big" in e["url"]] == []
    out_of_window = [d for d in run.decisions if d["reason"] == "out_of_window"]
    assert len(out_of_window) == BIG_SITEMAP_ENTRIES


@slow
@pytest.mark.parametrize("name", ["inline-image", "deep", "long-read"])
def test_a_heavy_page_is_written(heavy, name):
    run, _ = heavy
    assert run.decision(run.origin("heavy") + f"/news/{name}")["reason"] == "written"


@slow
def test_a_page_is_cleaned_only_up_to_the_cap(heavy):
    run, _ = heavy
    record = next(r for r in run.written if r["url"].endswith("/news/long-read"))
    text = (run.corpus / record["path"]).read_text(encoding="utf-8")
    assert "paragraph 1 of this long read" in text and "never cleaned" not in text
    assert len(text) < 1_000_000


@slow
def test_the_links_taken_from_one_page_are_capped_and_the_cap_recorded(heavy):
    run, _ = heavy
    followed = [d for d in run.decisions if "/news/gen-" in d["url"]]
    assert len(followed) == 20
    errors = [e for e in run.report["source_errors"] if e["url"].endswith("/section/")]
    assert len(errors) == 1 and "capped (FOLLOW_MAX_LINKS 20" in errors[0]["detail"]


@slow
def test_heavy_pages_leave_the_crawls_memory_bounded(heavy):
    _, peak_mb = heavy
    assert 0 < peak_mb < 450
