"""report.html: one self-contained page per corpus (timeline by day and language, outlet table, clusters,
articles), rendered from the corpus's own files; the crawl writes it and `storycrawl report DIR` rewrites it.

The fast tests render small hand-made corpora; the slow ones take the fixture-web crawl's page through
headless Chromium (Debian's `chromium`, which `make setup` installs) and read the counts back from its DOM."""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import shutil
import struct
import subprocess
import zlib
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

import pytest

from conftest import run_storycrawl, system_package_missing
from crawler.cli import main as storycrawl_main
from crawler.records import ManifestRecord, WrittenArticle
from crawler.report import REASONS
from crawler.report_builder import date_ranges, language_counts, shared_clusters
from crawler.report_html import (ERROR_REASONS, MAX_DAILY_BARS, NoReport, render_report, write_report_html,
                                 write_report_html_or_log)

HOSTILE_TITLE = '</title><script>alert("title")</script><img src=x onerror=alert(1)> & "quotes" <b>bold</b>'
HOSTILE_URL = 'javascript:alert(1)//"><script>alert(2)</script>'


# --- reading a page as a browser's DOM would hold it -----------------------------------------------------------

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass
class Element:
    tag: str
    attrs: dict
    parts: list = field(default_factory=list)
    children: list = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(self.parts).strip()

    def descendants(self, tag: str | None = None) -> list[Element]:
        found = []
        for child in self.children:
            if tag is None or child.tag == tag:
                found.append(child)
            found.extend(child.descendants(tag))
        return found


class Page(HTMLParser):
    """Elements with attributes, text content and children (no dependency beyond the standard library)."""

    def __init__(self, markup: str):
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.stack = [self.root]
        self.comments: list[str] = []
        self.feed(markup)
        self.close()

    def handle_starttag(self, tag, attrs):
        element = Element(tag, dict(attrs))
        self.stack[-1].children.append(element)
        if tag not in VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag, attrs):
        self.stack[-1].children.append(Element(tag, dict(attrs)))

    def handle_endtag(self, tag):
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data):
        for element in self.stack:
            element.parts.append(data)

    def handle_comment(self, data):
        self.comments.append(data)

    def all(self, tag: str | None = None, **attrs) -> list[Element]:
        """Elements of `tag` whose attributes include `attrs` (name_with_underscores for data-*; True: present)."""
        wanted = {name.replace("_", "-"): value for name, value in attrs.items()}
        return [e for e in self.root.descendants(tag)
                if all((name in e.attrs) if value is True else e.attrs.get(name) == value for name, value in wanted.items())]


def loaded_from_elsewhere(markup: str) -> list[str]:
    """Anything the page would fetch: scripts, styles, images, frames, fonts, CSS imports and url()s."""
    page = Page(markup)
    loads = [f"<{e.tag}>" for e in page.all() if e.tag in {"script", "link", "img", "iframe", "object", "embed", "video",
                                                             "audio", "source", "image", "use", "base", "frame"}]
    loads += [f"{e.tag} {name}" for e in page.all() for name in e.attrs
              if name in {"src", "srcset", "background", "poster", "data", "xlink:href"} or name.startswith("on")]
    loads += [f"<a href={e.attrs.get('href')}>" for e in page.all()
              if "href" in e.attrs and e.tag != "a"]
    css = " ".join(e.text for e in page.all("style")) + " ".join(e.attrs.get("style", "") for e in page.all())
    loads += re.findall(r"@import|url\s*\(", css)
    loads += [f"meta refresh" for e in page.all("meta") if e.attrs.get("http-equiv", "").lower() == "refresh"]
    return loads


def counts_in_table(page: Page) -> tuple[dict, dict]:
    outlets: dict[str, dict] = {}
    for cell in page.all("td", data_outlet=True, data_count=True):
        outlets.setdefault(cell.attrs["data-outlet"], {})[cell.attrs["data-count"]] = int(cell.text)
    totals = {cell.attrs["data-total"]: int(cell.text) for cell in page.all("td", data_total=True)}
    return outlets, totals


def expected_cell(counts: dict, column: str) -> int:
    return sum(counts[r] for r in ERROR_REASONS) if column == "errors" else counts[column]


def bars(page: Page) -> list[dict]:
    return [{"day": r.attrs["data-day"], "language": r.attrs["data-language"], "n": int(r.attrs["data-articles"])}
            for svg in page.all("svg") if "timeline" in svg.attrs.get("class", "") for r in svg.descendants("rect")
            if "data-articles" in r.attrs]


# --- a small hand-made corpus ---------------------------------------------------------------------------------

def article(outlet: str, language: str | None, published: str | None, title: str, **extra) -> dict:
    slug = re.sub(r"\W+", "-", title.lower()).strip("-")[:40] or "x"
    day = published[:10] if published else "undated"
    return {"url": f"https://{outlet}.example/{slug}", "outlet": outlet, "language": language, "title": title,
            "published": published, "path": f"{language or 'und'}/{outlet}/{day}-{slug}.txt", "word_count": 300,
            "cluster_id": f"c-{slug}", "near_duplicate_of": None, "duplicate_of": None, **extra}


def corpus_sections(written: list[WrittenArticle]) -> dict:
    return {"clusters": shared_clusters(written), "languages": language_counts(written), "dates": date_ranges(written)}


def make_corpus(root: Path, articles: list[dict], other: dict[str, dict] | None = None,
                since: str | None = "2024-10-20", until: str | None = "2024-10-31", **report_fields) -> Path:
    """report.json as RunReport builds it (its own section functions) and manifest.jsonl, for `articles`
    written plus `other` decisions per outlet ({outlet: {reason: n}})."""
    root.mkdir(parents=True, exist_ok=True)
    written = [a for a in articles if a["path"]]
    outlets = {}
    for outlet in sorted({a["outlet"] for a in articles} | set(other or {})):
        counts = {reason: 0 for reason in REASONS}
        counts["written"] = sum(a["outlet"] == outlet for a in written)
        for reason, n in (other or {}).get(outlet, {}).items():
            counts[reason] += n
        outlets[outlet] = {"found": sum(counts.values()), **counts, "undecided": 0}
    totals = {key: sum(o[key] for o in outlets.values()) for key in ("found", *REASONS, "undecided")}
    report = {"story": {"id": "test-story", "title": "A test story", "file": "story.toml", "since": since, "until": until},
              "started_at": "2024-11-01T10:00:00+00:00", "finished_at": "2024-11-01T10:00:04+00:00", "seconds": 4.0,
              "finish_reason": "finished", "corpus_dir": str(root), "settings": {}, "reasons": REASONS,
              "totals": totals, "outlets": outlets,
              "duplicates": {"same_url": 0, "same_text": 0, "near_duplicate_marked": 0, "near_duplicate_dropped": 0},
              **corpus_sections([WrittenArticle.of(ManifestRecord.from_json(a)) for a in written]),
              "source_errors": [], "requests": 12, **report_fields}
    (root / "report.json").write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    (root / "manifest.jsonl").write_text("".join(json.dumps(a, ensure_ascii=False) + "\n" for a in articles),
                                         encoding="utf-8")
    for record in written:
        if record["path"].startswith("/") or ".." in record["path"]:
            continue  # a hostile path stays in the manifest, never on disk
        (root / record["path"]).parent.mkdir(parents=True, exist_ok=True)
        (root / record["path"]).write_text(record["title"] + "\n\nText.\n", encoding="utf-8")
    return root


SMALL = [
    article("northpost", "en", "2024-10-25T09:41:00+00:00", "Musk and Putin talk", cluster_id="c-wire"),
    article("openfield", "en", "2024-10-25T17:20:00+00:00", "Wire: Musk and Putin talk", cluster_id="c-wire",
            near_duplicate_of="https://northpost.example/musk-and-putin-talk"),
    article("rheinblatt", "de", "2024-10-25T11:42:00+02:00", "Musk spricht mit Putin"),
    article("rheinblatt", "de", "2024-10-27T14:15:00+01:00", "Nasa-Chef fordert Aufklärung"),
    article("vestnik", "ru", "2024-10-28T12:40:00+03:00", "Кремль отрицает"),
    article("vestnik", "ru", None, "Без даты"),
]
OTHER = {"northpost": {"off_topic": 2, "http_error": 3, "robots": 1}, "vestnik": {"duplicate": 1, "out_of_window": 2}}


@pytest.fixture
def small(tmp_path) -> Path:
    return make_corpus(tmp_path / "corpus", SMALL, OTHER)


def test_the_outlet_table_shows_report_json_counts(small):
    report = json.loads((small / "report.json").read_text())
    outlets, totals = counts_in_table(Page(render_report(small)))
    assert set(outlets) == set(report["outlets"])
    for name, cells in outlets.items():
        assert cells == {column: expected_cell(report["outlets"][name], column) for column in cells}, name
    assert totals == {column: expected_cell(report["totals"], column) for column in totals}
    assert totals["errors"] == 4 and totals["written"] == 6 and totals["found"] == 15


def test_the_table_has_the_issue_columns_and_every_reason_that_occurred(small):
    page = Page(render_report(small))
    columns = [th.attrs["data-reason"] for th in page.all("th", data_reason=True)]
    assert columns[:5] == ["found", "written", "off_topic", "out_of_window", "duplicate"]
    assert {"errors", "robots", "http_error"} <= set(columns)
    assert not {"fetch_error", "near_duplicate", "not_article", "undecided"} & set(columns)  # zero everywhere
    errors = page.all("th", data_reason="errors")[0]
    assert "robots" in errors.attrs["title"] and "http_error" in errors.attrs["title"]


def test_a_reason_the_renderer_does_not_know_gets_a_column_when_it_occurs(tmp_path):
    corpus = make_corpus(tmp_path / "c", SMALL[:1], {"northpost": {"robots": 1}})
    report = json.loads((corpus / "report.json").read_text())
    report["reasons"]["known"] = "decided by an earlier run"
    report["outlets"]["northpost"]["known"] = 4
    report["totals"]["known"] = 4
    (corpus / "report.json").write_text(json.dumps(report))
    outlets, totals = counts_in_table(Page(render_report(corpus)))
    assert outlets["northpost"]["known"] == totals["known"] == 4


def test_the_timeline_has_one_stacked_bar_per_day_and_language(small):
    page = Page(render_report(small))
    drawn = bars(page)
    expected = Counter((a["published"][:10], a["language"]) for a in SMALL if a["published"])
    assert Counter({(b["day"], b["language"]): b["n"] for b in drawn}) == expected
    legend = {li.attrs["data-language"]: int(li.attrs["data-articles"]) for li in page.all("li", data_language=True)}
    assert legend == {"en": 2, "de": 2, "ru": 2}
    assert [int(e.text) for e in page.all(data_timeline="dated")] == [5]
    assert [int(e.text) for e in page.all(data_timeline="undated")] == [1]
    assert "undated" in " ".join(e.text for e in page.all("p", **{"class": "undated"}))


def test_the_timeline_spans_the_story_window_day_by_day(small):
    svg = render_report(small)
    labels = re.findall(r'<text class="axis" [^>]*text-anchor="middle">(\d+ \w+)</text>', svg)
    assert labels[0] == "20 Oct" and 'class="window"' in svg and "story window" in svg
    assert "2024" in svg


def test_colours_of_languages_are_distinct_and_more_than_the_palette_share_a_grey(tmp_path):
    many = [article("o", lang, f"2024-10-{20 + i:02d}T10:00:00+00:00", f"t{i}") for i, lang in
            enumerate(["en", "de", "fr", "ru", "uk", "is", "no", "sv", "fi"])]
    page = Page(render_report(make_corpus(tmp_path / "c", many)))
    fills = {r.attrs["data-language"]: r.attrs["fill"] for r in page.all("rect", data_language=True)}
    assert len(fills) == 9 and len(set(fills.values())) == 7  # six colours, and one grey for three


def test_a_long_span_is_drawn_week_by_week(tmp_path):
    spread = [article("o", "en", "2020-01-01T10:00:00+00:00", "first"),
              article("o", "en", "2022-06-30T10:00:00+00:00", "last")]
    corpus = make_corpus(tmp_path / "c", spread, since=None, until=None)
    markup = render_report(corpus)
    days = [b["day"] for b in bars(Page(markup))]
    assert days == ["2019-12-30", "2022-06-27"]  # Mondays
    assert "by week" in markup and (dt.date(2022, 6, 30) - dt.date(2020, 1, 1)).days > MAX_DAILY_BARS


def test_articles_outside_the_window_widen_the_chart(tmp_path):
    corpus = make_corpus(tmp_path / "c", [article("o", "en", "2024-11-05T10:00:00+00:00", "late")])
    assert [b["day"] for b in bars(Page(render_report(corpus)))] == ["2024-11-05"]


def test_no_article_and_no_window_still_renders(tmp_path):
    corpus = make_corpus(tmp_path / "c", [], {"northpost": {"fetch_error": 2}}, since=None, until=None)
    page = Page(render_report(corpus))
    assert not bars(page) and counts_in_table(page)[1]["errors"] == 2


def test_clusters_list_their_members_with_links_to_the_text_files(small):
    page = Page(render_report(small))
    clusters = page.all("section", data_cluster="c-wire")
    assert len(clusters) == 1
    members = clusters[0].descendants("li")
    assert [m.attrs["data-url"] for m in members] == [SMALL[0]["url"], SMALL[1]["url"]]
    links = [a.attrs["href"] for m in members for a in m.descendants("a")]
    assert SMALL[0]["path"] in links and SMALL[1]["path"] in links
    assert "first copy" in members[0].text and "later copy" in members[1].text


def test_every_written_article_links_to_its_text_file(small):
    page = Page(render_report(small))
    rows = page.all("tr", data_path=True)
    assert sorted(r.attrs["data-path"] for r in rows) == sorted(a["path"] for a in SMALL)
    for row in rows:
        relative = next(a.attrs["href"] for a in row.descendants("a") if not a.attrs["href"].startswith("http"))
        assert (small / unquote(relative)).is_file()  # the link, percent-decoded, is the file
    assert rows[-1].attrs["data-path"] == SMALL[-1]["path"]  # undated last


def test_the_page_loads_nothing_from_anywhere(small):
    markup = render_report(small)
    assert loaded_from_elsewhere(markup) == []
    hrefs = [a.attrs["href"] for a in Page(markup).all("a")]
    assert hrefs and all(h.startswith("https://") or not re.match(r"[a-z][a-z0-9+.-]*:|//", h) for h in hrefs)


def test_hostile_titles_urls_and_names_are_text_not_markup(tmp_path):
    hostile = article('out<b>let"', 'e"n><script>', "2024-10-25T10:00:00+00:00", HOSTILE_TITLE,
                      url=HOSTILE_URL, path="//evil.example/steal.txt")
    second = article("o", "en", "2024-10-26T10:00:00+00:00", "Fine", path="../../etc/passwd")
    corpus = make_corpus(tmp_path / "c", [hostile, second])
    report = json.loads((corpus / "report.json").read_text())
    report["story"]["title"] = HOSTILE_TITLE
    report["clusters"] = {"count": 1, "clusters": [{"cluster_id": "<i>x</i>", "members": [
        {"url": HOSTILE_URL, "outlet": "<u>o</u>"}, {"url": second["url"], "outlet": "o"}]}]}
    (corpus / "report.json").write_text(json.dumps(report))
    markup = render_report(corpus)
    page = Page(markup)
    assert not page.all("script") and not page.all("img") and not page.all("b") and not page.all("u")
    assert not page.all("i")
    assert loaded_from_elsewhere(markup) == []
    hrefs = [a.attrs["href"] for a in page.all("a")]
    assert not [h for h in hrefs if h.lower().startswith(("javascript", "//")) or ".." in h], hrefs
    assert HOSTILE_TITLE in page.all("h1")[0].text and HOSTILE_TITLE in page.all("title")[0].text
    assert any(HOSTILE_TITLE in td.text for td in page.all("td"))
    assert 'out<b>let"' in counts_in_table(page)[0]


def test_rendering_is_deterministic_and_written_atomically(small):
    path = write_report_html(small)
    assert path == small / "report.html" and path.read_text(encoding="utf-8") == render_report(small)
    assert not [p for p in small.iterdir() if p.name.endswith(".tmp")]


def test_a_directory_without_report_json_is_refused(tmp_path, capsys):
    with pytest.raises(NoReport):
        render_report(tmp_path)
    assert storycrawl_main(["report", str(tmp_path)]) == 2
    assert "no report.json" in capsys.readouterr().err and not (tmp_path / "report.html").exists()


def test_storycrawl_report_writes_the_page(small, capsys):
    assert storycrawl_main(["report", str(small)]) == 0
    assert (small / "report.html").read_text(encoding="utf-8") == render_report(small)
    assert "report.html" in capsys.readouterr().err


def test_a_failure_to_render_is_logged_not_raised(tmp_path, caplog):
    (tmp_path / "report.json").write_text("{not json")
    with caplog.at_level(logging.ERROR):
        write_report_html_or_log(tmp_path, logging.getLogger("test"))
    assert "report.html could not be written" in caplog.text and not (tmp_path / "report.html").exists()


# --- the fixture-web crawl's report in headless Chromium --------------------------------------------------------

def find_chromium() -> str | None:
    return next(filter(None, (shutil.which(name) for name in ("chromium", "chromium-browser", "google-chrome"))), None)


@pytest.fixture(scope="module")
def chromium(tmp_path_factory):
    binary = find_chromium()
    if not binary:
        message = ("chromium not found: `make setup` installs Debian's chromium (scripts/setup-system.sh chromium); "
                   "it could not be installed on this machine, so report.html is not rendered in a browser")
        system_package_missing(message)
    profile = tmp_path_factory.mktemp("chromium-profile")

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([binary, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                               "--no-first-run", f"--user-data-dir={profile}", *args],
                              capture_output=True, text=True, timeout=120)
    return run


def dump_dom(chromium, page: Path) -> str:
    result = chromium("--dump-dom", page.resolve().as_uri())
    assert result.returncode == 0 and "</html>" in result.stdout, result.stderr[-2000:]
    return result.stdout


def png_facts(path: Path) -> dict:
    """Width, height and the decompressed scanlines of a PNG (chunks read with struct, pixels with zlib)."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    position, chunks = 8, {}
    while position < len(data):
        length, kind = struct.unpack(">I4s", data[position:position + 8])
        chunks.setdefault(kind, []).append(data[position + 8:position + 8 + length])
        position += 12 + length
    width, height, depth, colour = struct.unpack(">IIBB", chunks[b"IHDR"][0][:10])
    return {"width": width, "height": height, "depth": depth, "colour": colour,
            "pixels": zlib.decompress(b"".join(chunks[b"IDAT"]))}


@pytest.mark.slow
def test_the_crawl_writes_a_self_contained_report_html(demo_crawl):
    page = demo_crawl.corpus / "report.html"
    assert page.is_file()
    markup = page.read_text(encoding="utf-8")
    assert loaded_from_elsewhere(markup) == []
    assert markup == render_report(demo_crawl.corpus)


@pytest.mark.slow
def test_chromium_renders_the_report_with_timeline_and_table(demo_crawl, chromium, tmp_path):
    page = demo_crawl.corpus / "report.html"
    shot = tmp_path / "report.png"
    result = chromium(f"--screenshot={shot}", "--window-size=1280,2000", page.resolve().as_uri())
    assert result.returncode == 0 and shot.is_file(), result.stderr[-2000:]
    png = png_facts(shot)
    assert (png["width"], png["height"]) == (1280, 2000)
    channels = {2: 3, 6: 4}[png["colour"]]
    assert len(png["pixels"]) == png["height"] * (1 + png["width"] * channels * png["depth"] // 8)
    # A blank page is a few kilobytes of filtered zeros; a drawn one has text, bars and tables in it.
    assert shot.stat().st_size > 50_000 and len(set(png["pixels"])) > 200


@pytest.mark.slow
def test_the_counts_in_the_rendered_page_equal_report_json(demo_crawl, chromium):
    report = demo_crawl.report
    dom = Page(dump_dom(chromium, demo_crawl.corpus / "report.html"))
    outlets, totals = counts_in_table(dom)
    assert set(outlets) == set(report["outlets"]) and len(outlets) == 7
    for name, cells in outlets.items():
        assert {"found", "written", "off_topic", "out_of_window", "duplicate", "errors"} <= set(cells)
        assert cells == {column: expected_cell(report["outlets"][name], column) for column in cells}, name
    assert totals == {column: expected_cell(report["totals"], column) for column in totals}
    summary = {e.attrs["data-summary"]: int(e.text) for e in dom.all(data_summary=True)}
    assert summary == {"found": report["totals"]["found"], "written": report["totals"]["written"],
                       "outlets": len(report["outlets"]), "languages": len(report["languages"]),
                       "clusters": report["clusters"]["count"],
                       "corpus_articles": report["corpus"]["articles"],
                       "corpus_outlets": len(report["corpus"]["outlets"]),
                       "corpus_languages": len(report["corpus"]["languages"])}
    drawn = bars(dom)
    assert drawn and sum(b["n"] for b in drawn) == report["totals"]["written"]
    per_language = Counter()
    for bar in drawn:
        per_language[bar["language"]] += bar["n"]
    assert dict(per_language) == report["languages"]
    for outlet, dates in report["dates"].items():
        assert dates["earliest"] <= dates["latest"]
    assert min(b["day"] for b in drawn) == min(d["earliest"] for d in report["dates"].values())
    assert max(b["day"] for b in drawn) == max(d["latest"] for d in report["dates"].values())
    clusters = [s.attrs["data-cluster"] for s in dom.all("section", data_cluster=True)]
    assert clusters == [c["cluster_id"] for c in report["clusters"]["clusters"]]
    assert sorted(r.attrs["data-path"] for r in dom.all("tr", data_path=True)) == \
        sorted(r["path"] for r in demo_crawl.written)


@pytest.mark.slow
def test_storycrawl_report_regenerates_the_same_file(demo_crawl, tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(demo_crawl.corpus, corpus)
    before = (corpus / "report.html").read_bytes()
    (corpus / "report.html").unlink()
    result = run_storycrawl("report", str(corpus))
    assert result.returncode == 0, result.stderr
    assert (corpus / "report.html").read_bytes() == before
    empty = run_storycrawl("report", str(tmp_path / "nothing-here"))
    assert empty.returncode == 2 and "no report.json" in empty.stderr


@pytest.mark.slow
def test_a_hostile_title_in_the_crawled_corpus_stays_text_in_the_browser(demo_crawl, chromium, tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(demo_crawl.corpus, corpus)
    records = [json.loads(line) for line in (corpus / "manifest.jsonl").read_text(encoding="utf-8").splitlines()]
    records[0]["title"] = HOSTILE_TITLE
    (corpus / "manifest.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records),
                                           encoding="utf-8")
    assert run_storycrawl("report", str(corpus)).returncode == 0
    dom = Page(dump_dom(chromium, corpus / "report.html"))
    assert not dom.all("script") and not dom.all("img") and not dom.all("b")
    assert any(HOSTILE_TITLE in a.text for a in dom.all("a"))
