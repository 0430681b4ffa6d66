"""Issue 4/7's bad-input table, network side: one real crawl of the hostile web (fixtures/hostile-web/, its
README has the table) over loopback, then one test per row. Every row ends with a clear reason in
decisions.jsonl or report.json, and the crawl goes on to finish with exit status 0."""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from email.utils import format_datetime
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from scrapy.settings import Settings
from w3lib.url import safe_url_string

from conftest import FAST, FIXTURES, ROOT, STORYCRAWL, CrawlRun
from crawler.fixture_web import FixtureWeb
from crawler.middlewares import BackoffRetryMiddleware, retry_after_seconds
from crawler.story import Story, load_story

HOSTILE = FIXTURES / "hostile-web"
BACKOFF_BASE, BACKOFF_MAX = 0.4, 1.5
MAXSIZE, WARNSIZE = 1 << 20, 1 << 18
BOMB_BYTES = 512 << 20  # what each gzip bomb of the hostile web inflates to
# Short waits so the table takes seconds; site memory off because the hostile web serves one article template
# under many URLs, whose paragraphs it would rightly learn as the site's boilerplate after three pages.
HOSTILE_SETTINGS = [*FAST, "-s", "DOWNLOAD_TIMEOUT=1", "-s", f"RETRY_BACKOFF_BASE={BACKOFF_BASE}",
                    "-s", f"RETRY_BACKOFF_MAX={BACKOFF_MAX}", "-s", f"DOWNLOAD_MAXSIZE={MAXSIZE}",
                    "-s", f"DOWNLOAD_WARNSIZE={WARNSIZE}", "-s", "SITE_MEMORY_ENABLED=False"]


def project_settings(**overrides) -> Settings:
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    settings.setdict(overrides, priority="cmdline")
    return settings


RETRY_TIMES = project_settings().getint("RETRY_TIMES")
REDIRECT_MAX_TIMES = project_settings().getint("REDIRECT_MAX_TIMES")


@dataclass
class HostileRun(CrawlRun):
    story: Story
    closed_origin: str
    peak_rss_mb: float

    def decision(self, url_or_path: str) -> dict:
        """The one decision of the candidate with this URL (or path, query included)."""
        wanted = safe_url_string(url_or_path)  # as requested: non-ASCII percent-encoded
        found = [d for d in self.decisions if wanted in (d["url"], path_of(d["url"]))]
        assert len(found) == 1, (url_or_path, found)
        return found[0]

    def requested(self, outlet: str, path: str | None = None, prefix: str | None = None) -> list[dict]:
        return [r for r in self.requests if r["outlet"] == outlet
                and (path is None or r["path"] == path) and (prefix is None or r["path"].startswith(prefix))]

    def gaps(self, outlet: str, path: str) -> list[float]:
        """Seconds between the fixture server's arrivals of successive requests for one path."""
        times = [r["at"] for r in self.requested(outlet, path)]
        return [later - earlier for earlier, later in zip(times, times[1:])]

    def source_urls(self, name: str) -> list[str]:
        return list(next(s for s in self.story.sources if s.name == name).urls)


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def closed_port_origin(address: str) -> str:
    """An origin on which nothing listens: a port the kernel just gave out, closed again."""
    with socket.socket() as probe:
        probe.bind((address, 0))
        return f"http://{address}:{probe.getsockname()[1]}"


def run_measured(*args: str, timeout: float = 120) -> tuple[subprocess.CompletedProcess, float]:
    """`storycrawl ARGS` and the peak resident memory (MB) of its process: its VmHWM, read while it runs.
    (Not rusage: on Linux a child's ru_maxrss includes the RSS of the pytest process it was forked from.)"""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        process = subprocess.Popen([str(STORYCRAWL), *args], stdout=out, stderr=err, text=True, cwd=ROOT)
        status, peak_kb, deadline = Path(f"/proc/{process.pid}/status"), 0, time.monotonic() + timeout
        while process.poll() is None:
            if time.monotonic() > deadline:
                process.kill()
            with contextlib.suppress(OSError):
                peak_kb = max([peak_kb, *map(int, re.findall(r"VmHWM:\s+(\d+) kB", status.read_text()))])
            time.sleep(0.05)
        out.seek(0), err.seek(0)
        return subprocess.CompletedProcess(process.args, process.returncode, out.read(), err.read()), peak_kb / 1024


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> HostileRun:
    work = tmp_path_factory.mktemp("hostile-web")
    with FixtureWeb(root=HOSTILE, port=0) as web:
        closed = closed_port_origin(web.addresses["timeouts"])
        story = work / "story.toml"
        template = (HOSTILE / "story.toml").read_text(encoding="utf-8")
        story.write_text(web.render("retries", template).replace("{{closed}}", closed), encoding="utf-8")
        result, peak = run_measured("crawl", str(story), "--out", str(work / "corpus"), *HOSTILE_SETTINGS)
    assert result.returncode == 0, result.stderr[-3000:]
    return HostileRun(corpus=work / "corpus", result=result, requests=list(web.requests), web=web,
                      story=load_story(story), closed_origin=closed, peak_rss_mb=peak)


slow = pytest.mark.slow


@slow
def test_the_crawl_finishes_whatever_the_hostile_web_answers(hostile):
    assert hostile.report["finish_reason"] == "finished"


@slow
def test_every_candidate_of_the_hostile_web_gets_exactly_one_decision(hostile):
    urls, totals = [d["url"] for d in hostile.decisions], hostile.report["totals"]
    assert totals["undecided"] == 0 and len(urls) == len(set(urls)) == totals["found"]


# --- row 1: error statuses, retries with exponential backoff ----------------------------------------------

@slow
@pytest.mark.parametrize("status", [404, 410])
def test_404_and_410_are_final_http_errors_not_retried(hostile, status):
    path = f"/gone/{status}-story"
    assert (hostile.decision(path)["reason"], hostile.decision(path)["detail"]) == ("http_error", f"HTTP {status}")
    assert len(hostile.requested("retries", path)) == 1


@slow
def test_a_page_answering_503_twice_then_200_is_retried_and_written(hostile):
    assert [r["status"] for r in hostile.requested("retries", "/flaky/503-twice")] == [503, 503, 200]
    assert hostile.decision("/flaky/503-twice")["reason"] == "written"


@slow
def test_each_retry_waits_twice_as_long_as_the_one_before(hostile):
    """Lower bounds only: a loaded machine can stretch any gap, and so make the first outlast the second."""
    first, second = hostile.gaps("retries", "/flaky/503-twice")
    assert first >= BACKOFF_BASE and second >= 2 * BACKOFF_BASE


@slow
def test_a_page_answering_500_forever_is_an_http_error_after_retry_times_plus_one_requests(hostile):
    assert (hostile.decision("/broken/500-forever")["reason"], hostile.decision("/broken/500-forever")["detail"]) == \
        ("http_error", "HTTP 500")
    assert len(hostile.requested("retries", "/broken/500-forever")) == RETRY_TIMES + 1


@slow
def test_a_retry_after_header_sets_the_wait(hostile):
    (gap,) = hostile.gaps("retries", "/flaky/retry-after")  # Retry-After: 1, longer than the first backoff
    assert gap >= 1.0 and hostile.decision("/flaky/retry-after")["reason"] == "written"


@slow
def test_a_retry_after_longer_than_the_backoff_max_is_capped(hostile):
    (gap,) = hostile.gaps("retries", "/flaky/retry-after-long")  # Retry-After: 3600
    assert BACKOFF_MAX <= gap < BACKOFF_MAX + 1.5
    assert hostile.decision("/flaky/retry-after-long")["reason"] == "written"


def test_the_backoff_doubles_from_the_base_up_to_the_max():
    middleware = BackoffRetryMiddleware(project_settings(RETRY_BACKOFF_BASE=1, RETRY_BACKOFF_MAX=10))
    assert [middleware.delay(retry, None) for retry in range(1, 6)] == [1, 2, 4, 8, 10]
    assert middleware.delay(1, b"7") == 7 and middleware.delay(1, b"3600") == 10


def test_retry_after_is_read_as_seconds_or_as_an_http_date():
    now = dt.datetime(2024, 10, 25, 12, 0, tzinfo=dt.timezone.utc)
    in_90_seconds = format_datetime(now + dt.timedelta(seconds=90), usegmt=True).encode()
    assert retry_after_seconds(b"120", now) == 120
    assert retry_after_seconds(in_90_seconds, now) == 90
    assert retry_after_seconds(b"soon", now) is None and retry_after_seconds(None, now) is None


# --- row 2: timeouts, refused connections -----------------------------------------------------------------

@slow
def test_a_server_slower_than_the_download_timeout_is_a_fetch_error_saying_so(hostile):
    decision = hostile.decision("/slow/story")
    assert decision["reason"] == "fetch_error" and "took longer than 1.0 seconds" in decision["detail"]
    assert len(hostile.requested("timeouts", "/slow/story")) == RETRY_TIMES + 1


@slow
def test_a_refused_connection_is_a_fetch_error_saying_so(hostile):
    decision = hostile.decision(f"{hostile.closed_origin}/refused/story")
    assert decision["reason"] == "fetch_error" and "refused" in decision["detail"].lower()


# --- row 3: redirect loops, redirects off the outlet -----------------------------------------------------

def redirect_failure(hostile: HostileRun, kind: str, first_path: str) -> dict:
    """The decision of a redirect chain that failed, found by the chain its detail names."""
    first = f"{hostile.web.origin('redirects')}{first_path}"
    found = [d for d in hostile.decisions if d["detail"].startswith(f"{kind}: ") and first in d["detail"]]
    assert len(found) == 1, found
    return found[0]


@slow
def test_a_redirect_loop_is_a_fetch_error_naming_the_loop(hostile):
    decision = redirect_failure(hostile, "RedirectLoop", "/loop/a")
    chain = re.match(r"RedirectLoop: (\S+(?: -> \S+)+)", decision["detail"]).group(1).split(" -> ")
    assert decision["reason"] == "fetch_error" and [path_of(url) for url in chain] == ["/loop/a", "/loop/b", "/loop/a"]
    assert len(hostile.requested("redirects", "/loop/a")) == len(hostile.requested("redirects", "/loop/b")) == 1


@slow
def test_a_page_redirecting_to_itself_is_a_redirect_loop(hostile):
    assert hostile.decision("/loop/self")["detail"].startswith("RedirectLoop: ")
    assert len(hostile.requested("redirects", "/loop/self")) == 1


@slow
def test_an_endless_redirect_chain_ends_at_the_redirect_limit(hostile):
    decision = redirect_failure(hostile, "RedirectLimit", "/chain/1")
    assert decision["reason"] == "fetch_error" and f"more than {REDIRECT_MAX_TIMES} redirects" in decision["detail"]
    hops = {request["path"] for request in hostile.requested("redirects", prefix="/chain/")}  # a hop retried
    assert len(hops) == REDIRECT_MAX_TIMES + 1  # after a timeout on a loaded machine is still one hop


@slow
@pytest.mark.parametrize("path", ["/away/offsite", "/away/meta-refresh"], ids=["3xx", "meta-refresh"])
def test_a_redirect_off_the_outlets_domains_is_not_followed(hostile, path):
    decision = hostile.decision(path)
    assert decision["reason"] == "fetch_error" and decision["detail"].startswith("OffsiteRedirect: ")
    assert hostile.web.origin("elsewhere") in decision["detail"] and "not followed" in decision["detail"]
    assert hostile.requested("elsewhere") == []


@slow
def test_a_meta_refresh_to_the_page_itself_is_a_redirect_loop(hostile):
    assert hostile.decision("/away/meta-loop")["detail"].startswith("RedirectLoop: ")


@slow
def test_a_redirect_within_the_outlet_is_followed_and_written(hostile):
    record = next(r for r in hostile.written if r["url"].endswith("/articles/moved-here"))
    assert any(url.endswith("/moved/same-site") for url in record["other_urls"])


@slow
def test_a_failed_redirect_chain_is_decided_under_the_candidates_own_url(hostile):
    for path in ("/loop/a", "/chain/1"):
        assert hostile.decision(path)["reason"] == "fetch_error"


# --- row 4: robots.txt ----------------------------------------------------------------------------------------

@slow
def test_a_path_robots_txt_disallows_is_a_robots_decision_and_never_fetched(hostile):
    assert hostile.decision("/private/musk-putin-memo")["reason"] == "robots"
    assert hostile.requested("content", prefix="/private/") == []


# --- row 5: content types ---------------------------------------------------------------------------------------

@slow
@pytest.mark.parametrize("path, content_type", [("/files/musk-putin-dossier.pdf", "application/pdf"),
                                                ("/files/musk-putin-photo.png", "image/png"),
                                                ("/api/musk-putin.json", "application/json")])
def test_a_page_that_is_not_html_is_not_an_article_naming_its_content_type(hostile, path, content_type):
    decision = hostile.decision(path)
    assert decision["reason"] == "not_article" and content_type in decision["detail"]


# --- row 6: sizes and a gzip bomb ---------------------------------------------------------------------------

@slow
def test_a_response_over_the_warn_size_is_still_processed_with_a_warning(hostile):
    assert hostile.decision("/big/warn-size")["reason"] == "written"
    assert re.search(rf"larger than download warn size \({WARNSIZE}\) in request <GET \S+/big/warn-size>",
                     hostile.result.stderr)


@slow
@pytest.mark.parametrize("path", ["/big/over-max", "/big/over-max-no-length"], ids=["content-length", "no-length"])
def test_a_response_over_the_max_size_is_a_fetch_error_naming_the_limit(hostile, path):
    decision = hostile.decision(path)
    assert decision["reason"] == "fetch_error" and f"download max size ({MAXSIZE})" in decision["detail"]
    assert len(hostile.requested("content", path)) == 1


@slow
def test_a_gzip_bomb_is_a_fetch_error_naming_the_limit(hostile):
    decision = hostile.decision("/big/gzip-bomb")
    assert decision["reason"] == "fetch_error" and f"DOWNLOAD_MAXSIZE ({MAXSIZE} B)" in decision["detail"]


@slow
def test_the_gzip_bombs_never_inflate_in_memory(hostile):
    assert 0 < hostile.peak_rss_mb < BOMB_BYTES / 2**20 / 2


# --- row 7: empty, cut and malformed HTML -------------------------------------------------------------------

@slow
@pytest.mark.parametrize("path", ["/broken/empty", "/broken/cut-in-head"])
def test_an_empty_page_or_one_cut_off_in_its_head_is_not_an_article(hostile, path):
    assert hostile.decision(path)["reason"] == "not_article"


@slow
@pytest.mark.parametrize("path, sentences", [
    ("/broken/truncated-article", ["Two senators on the armed services committee asked the Pentagon",
                                   "The Kremlin repeated that Putin and Musk had spoken only once."]),
    ("/broken/malformed-article", ["calling the reporting a fabrication meant to hurt both men",
                                   "none of them secret.", "whether a formal review of the security clearances"]),
], ids=["cut-mid-tag", "misnested-unclosed"])
def test_broken_markup_holding_an_article_is_written_with_its_text(hostile, path, sentences):
    decision = hostile.decision(path)
    assert decision["reason"] == "written"
    text = " ".join((hostile.corpus / decision["detail"]).read_text(encoding="utf-8").split())
    assert all(sentence in text for sentence in sentences)


# --- row 8: crawler traps -------------------------------------------------------------------------------------

def trap_depth(hostile: HostileRun) -> int:
    return next(s for s in hostile.story.sources if s.name == "traps").follow.depth


@slow
def test_a_calendar_linking_the_next_day_forever_ends_at_the_follow_depth(hostile):
    depth, start = trap_depth(hostile), dt.date(2024, 10, 25)
    days = {dt.date.fromisoformat(r["path"].rsplit("/", 1)[1]) for r in hostile.requested("traps", prefix="/calendar/")}
    assert days == {start + dt.timedelta(days=n) for n in range(-depth, depth + 1)}
    assert len(hostile.requested("traps", prefix="/calendar/")) == len(days)


@slow
def test_a_pagination_linking_page_n_plus_1_forever_ends_at_the_follow_depth(hostile):
    pages = [int(r["path"].rsplit("/", 1)[1]) for r in hostile.requested("traps", prefix="/archive/page/")]
    assert sorted(pages) == list(range(1, trap_depth(hostile) + 2))


# --- row 9: hostile URLs for file names -----------------------------------------------------------------------

@slow
def test_every_article_under_a_hostile_url_is_written(hostile):
    reasons = {url: hostile.decision(url)["reason"] for url in hostile.source_urls("names")}
    assert set(reasons.values()) == {"written"}, reasons


@slow
def test_hostile_urls_get_safe_short_file_names_inside_the_corpus(hostile):
    corpus = hostile.corpus.resolve()
    names = [r for r in hostile.written if r["outlet"] == "names"]
    assert len(names) == len(hostile.source_urls("names"))
    for record in names:
        file = (hostile.corpus / record["path"]).resolve()
        assert file.parent == corpus / "en" / "names" and file.is_file(), record["path"]
        slug = re.fullmatch(r"2024-10-26-([\w-]+)\.txt", file.name).group(1)
        assert len(file.name.encode()) <= 200 and slug.strip("-") and not slug.startswith("-")
    assert sorted(p.name for p in (corpus / "en" / "names").iterdir()) == sorted(
        Path(record["path"]).name for record in names)


# --- row 10: malformed listings, XML external entities ----------------------------------------------------

@slow
@pytest.mark.parametrize("path, says", [
    ("/sitemaps/not-xml.xml", "unreadable XML"), ("/sitemaps/truncated.xml", "truncated XML"),
    ("/sitemaps/html.xml", "an HTML page"), ("/sitemaps/empty.xml", "Document is empty"),
    ("/sitemaps/self-index.xml", "lists only itself"), ("/sitemaps/xxe.xml", "declares XML entities"),
    ("/sitemaps/bomb.xml.gz", "oversized gzip"), ("/feeds/not-xml.xml", "unreadable XML"),
    ("/feeds/truncated.xml", "truncated XML"), ("/feeds/xxe.xml", "declares XML entities"),
])
def test_an_unreadable_listing_is_a_source_error_saying_why(hostile, path, says):
    errors = [e for e in hostile.report["source_errors"] if path_of(e["url"]) == path]
    assert len(errors) == 1 and errors[0]["source"] == "listings" and says in errors[0]["detail"]


@slow
def test_an_external_entity_in_a_sitemap_or_feed_is_never_fetched_or_read(hostile):
    assert hostile.requested("listings", prefix="/xxe/") == []
    everything = (hostile.corpus / "report.json").read_text() + (hostile.corpus / "decisions.jsonl").read_text()
    assert "root:" not in everything  # /etc/passwd, the file entity's target


@slow
def test_the_complete_entry_of_a_truncated_sitemap_is_still_read(hostile):
    assert hostile.decision("/articles/from-a-truncated-sitemap")["reason"] == "written"


@slow
def test_a_good_sitemap_beside_the_broken_listings_is_still_read(hostile):
    assert hostile.decision("/articles/from-the-good-sitemap")["reason"] == "written"
