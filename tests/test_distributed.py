"""Distributed crawling (issue 6/7): worker processes sharing one frontier in a real redis-server on loopback.

Two workers crawl the fixture web together; their shards, merged, are the corpus one process writes: no URL is
fetched twice (the fixture web's request log), no article is written twice. One of two workers is SIGKILLed
mid-crawl: the other takes over its requests in flight and finishes, and nothing is lost.
"""

from __future__ import annotations

import json
import shutil
import signal
import socket
import subprocess
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from conftest import FAST, ROOT, SCRAPY, STORYCRAWL, run_storycrawl, story_for, system_package_missing
from crawler.corpus import read_jsonl
from test_resume import article_of_every_url, clusters, corpus_files, stable_records

# Short enough for a test: a killed worker is found dead after 3 s, a worker stops 1 s after the frontier emptied.
# Two requests at a time per worker, so neither takes the whole queue for its own downloader.
WORKER = ["-s", "REDIS_IDLE_SECONDS=1", "-s", "REDIS_WORKER_TIMEOUT=3", "-s", "CONCURRENT_REQUESTS=2"]
SLOW = ["-s", "DOWNLOAD_DELAY=0.3", "-s", "AUTOTHROTTLE_START_DELAY=0.3"]  # the kill lands while both are busy


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    server = shutil.which("redis-server")
    if server is None:
        message = "redis-server is not installed (`make setup` installs it: scripts/setup-system.sh redis-server)"
        system_package_missing(message)
    port = free_port()
    process = subprocess.Popen([server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                                "--dir", str(tmp_path_factory.mktemp("redis"))],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    import redis

    client = redis.Redis(port=port)
    deadline = time.monotonic() + 10
    while True:
        try:
            client.ping()
            break
        except redis.ConnectionError:
            if time.monotonic() > deadline:
                process.kill()
                raise
            time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}/0"
    process.terminate()
    process.wait(timeout=10)


def redis_keys(url: str) -> list[bytes]:
    import redis

    return redis.Redis.from_url(url).keys("*")


def worker_command(story: Path, shard: Path, url: str, *extra: str) -> list[str]:
    return [str(STORYCRAWL), "crawl", str(story), "--out", str(shard), "--redis", url, *FAST, *WORKER, *extra]


def run_workers(commands: list[list[str]], web, redis_url: str) -> list[subprocess.CompletedProcess]:
    """The workers start together: the fixture web answers nobody until every one has joined the run (one
    starting slower, on a loaded machine, would otherwise find the web crawled and decide nothing)."""
    with web.held():
        processes = [subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                     for command in commands]
        wait_for_workers(redis_url, len(commands), processes)
    results = []
    for command, process in zip(commands, processes):
        stdout, stderr = process.communicate(timeout=240)
        results.append(subprocess.CompletedProcess(command, process.returncode, stdout, stderr))
    return results


def wait_for_workers(url: str, count: int, processes: list[subprocess.Popen]) -> None:
    import redis

    client = redis.Redis.from_url(url)
    deadline = time.monotonic() + 120
    while max((client.scard(key) for key in client.scan_iter(match="*:workers")), default=0) < count:
        if time.monotonic() > deadline or any(process.poll() is not None for process in processes):
            return  # the workers' own results say what went wrong
        time.sleep(0.05)


def merge(shards: list[Path], out: Path) -> subprocess.CompletedProcess:
    return run_storycrawl("merge", *map(str, shards), "--out", str(out))


def written_records(shards: list[Path]) -> list[dict]:
    return [record for shard in shards for record in read_jsonl(shard / "manifest.jsonl") if record["path"]]


@pytest.fixture(scope="module")
def single(fixture_web, tmp_path_factory) -> Path:
    """The corpus one process writes."""
    return crawl_in_one_process(fixture_web, tmp_path_factory)[0]


@pytest.fixture(scope="module")
def single_requests(fixture_web, tmp_path_factory) -> Counter:
    """How often one process fetches each URL of the fixture web."""
    return crawl_in_one_process(fixture_web, tmp_path_factory)[1]


def crawl_in_one_process(web, tmp_path_factory, done={}) -> tuple[Path, Counter]:
    if "run" not in done:
        work = tmp_path_factory.mktemp("single")
        already = len(web.requests)
        result = run_storycrawl("crawl", str(story_for(web, work)), "--out", str(work / "corpus"), *FAST)
        assert result.returncode == 0, result.stderr[-3000:]
        done["run"] = work / "corpus", fetch_counts(web.requests[already:])
    return done["run"]


def fetch_counts(requests: list[dict]) -> Counter:
    return Counter((request["outlet"], request["path"]) for request in requests)


def led_from_articles(corpus: Path) -> list[dict]:
    """Decisions on pages reached only through a written article's links. Which article such a page is credited
    to (two articles may link it), and which listing an article (a feed or a section page), depends on the order
    two workers read them in: a known order dependence, left out of the comparisons."""
    decisions = read_jsonl(corpus / "decisions.jsonl")
    articles = {d["url"] for d in decisions if d["reason"] == "written"}
    return [d for d in decisions if (d.get("via") or {}).get("kind") == "link" and d["via"]["url"] in articles]


def paths_led_from_articles(*corpora: Path) -> set[tuple[str, str]]:
    return {(d["outlet"], urlsplit(d["url"]).path) for corpus in corpora for d in led_from_articles(corpus)}


def totals_without(corpus: Path, urls: set[str]) -> Counter:
    """The report's totals, less the decisions on these URLs (each is one URL found)."""
    totals = Counter(json.loads((corpus / "report.json").read_text())["totals"])
    for decision in read_jsonl(corpus / "decisions.jsonl"):
        if decision["url"] in urls:
            totals[decision["reason"]] -= 1
            totals["found"] -= 1
    return totals


@pytest.fixture(scope="module")
def two_workers(fixture_web, redis_url, single, tmp_path_factory):
    work = tmp_path_factory.mktemp("two-workers")
    story = story_for(fixture_web, work)
    shards = [work / "worker-1", work / "worker-2"]
    already = len(fixture_web.requests)
    # The second worker is started as `scrapy crawl` with the setting `storycrawl crawl --redis` sets.
    second = [str(SCRAPY), "crawl", "story", "-a", f"story={story}", "-s", f"CORPUS_DIR={shards[1]}",
              "-s", f"REDIS_URL={redis_url}", "-s", "LOG_LEVEL=WARNING", *FAST, *WORKER]
    results = run_workers([worker_command(story, shards[0], redis_url), second], fixture_web, redis_url)
    for result in results:
        assert result.returncode == 0, result.stderr[-3000:]
    requests = fixture_web.requests[already:]
    keys_left = redis_keys(redis_url)
    merged = merge(shards, work / "merged")
    assert merged.returncode == 0, merged.stderr[-3000:]
    return shards, work / "merged", requests, keys_left


@pytest.mark.slow
def test_both_workers_take_part(two_workers):
    shards, *_ = two_workers
    for shard in shards:
        assert read_jsonl(shard / "decisions.jsonl"), f"{shard.name} decided nothing"


@pytest.mark.slow
def test_no_url_is_fetched_twice(two_workers, single_requests, single):
    """Every page, listing and redirect as often as one process fetches it (once; a few redirect targets and
    retried errors more), never more; robots.txt once more, as each worker obeys it itself. Pages reached only
    through an article's links are left out: whether they are fetched depends on the order (led_from_articles)."""
    shards, merged, requests, _ = two_workers
    robots_per_worker = Counter({url: len(shards) - 1 for url in single_requests if url[1] == "/robots.txt"})
    order_dependent = paths_led_from_articles(single, merged)
    fetched, fetched_alone = (without(counts, order_dependent) for counts in (fetch_counts(requests), single_requests))
    assert fetched - fetched_alone - robots_per_worker == Counter()
    assert set(fetched) == set(fetched_alone)


def without(counts: Counter, paths: set[tuple[str, str]]) -> Counter:
    return Counter({path: n for path, n in counts.items() if path not in paths})


@pytest.mark.slow
def test_no_article_is_written_twice(two_workers):
    shards, *_ = two_workers
    records = written_records(shards)
    assert records
    assert len({record["url"] for record in records}) == len(records)
    assert len({record["sha256"] for record in records}) == len(records)
    assert len({record["path"] for record in records}) == len(records)


@pytest.mark.slow
def test_the_shards_together_hold_the_text_files_of_one_process(two_workers, single):
    shards, *_ = two_workers
    union = {}
    for shard in shards:
        union.update(corpus_files(shard))
    assert union == corpus_files(single)


@pytest.mark.slow
def test_the_merged_shards_have_the_text_files_of_one_process(two_workers, single):
    _, merged, *_ = two_workers
    assert corpus_files(merged) == corpus_files(single)


@pytest.mark.slow
def test_the_merged_shards_have_the_manifest_records_of_one_process(two_workers, single):
    _, merged, *_ = two_workers
    assert stable_records(merged) == stable_records(single)
    assert article_of_every_url(merged) == article_of_every_url(single)
    assert clusters(merged) == clusters(single)


@pytest.mark.slow
def test_the_merged_report_counts_what_one_process_counts(two_workers, single):
    _, merged, *_ = two_workers
    order_dependent = {d["url"] for corpus in (merged, single) for d in led_from_articles(corpus)}
    assert totals_without(merged, order_dependent) == totals_without(single, order_dependent)


@pytest.mark.slow
def test_the_last_worker_out_deletes_the_runs_keys(two_workers):
    *_, keys_left = two_workers
    assert keys_left == []


# --- a worker killed mid-crawl ------------------------------------------------------------------------------------

def decided(shard: Path) -> int:
    path = shard / "decisions.jsonl"
    return path.read_bytes().count(b"\n") if path.exists() else 0


@pytest.fixture(scope="module")
def one_worker_killed(fixture_web, redis_url, single, tmp_path_factory):
    work = tmp_path_factory.mktemp("killed-worker")
    story = story_for(fixture_web, work)
    doomed, survivor = work / "worker-killed", work / "worker-survivor"
    already = len(fixture_web.requests)
    killed = subprocess.Popen(worker_command(story, doomed, redis_url, *SLOW), cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    other = subprocess.Popen(worker_command(story, survivor, redis_url, *SLOW), cwd=ROOT,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while decided(doomed) < 4 and killed.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    killed.send_signal(signal.SIGKILL)
    killed.wait()
    _, stderr = other.communicate(timeout=240)
    assert killed.returncode == -signal.SIGKILL, "the worker ended before it could be killed"
    assert other.returncode == 0, stderr[-3000:]
    requests = fixture_web.requests[already:]
    merged = merge([doomed, survivor], work / "merged")
    assert merged.returncode == 0, merged.stderr[-3000:]
    return doomed, survivor, work / "merged", stderr, requests


@pytest.mark.slow
def test_the_survivor_takes_over_the_killed_workers_requests(one_worker_killed):
    doomed, survivor, _, stderr, _ = one_worker_killed
    assert decided(doomed) >= 4
    assert "is gone" in stderr and "of its requests are back in the queue" in stderr, stderr[-3000:]


@pytest.mark.slow
def test_after_a_kill_nothing_is_lost(one_worker_killed, single):
    *_, merged, _, _ = one_worker_killed
    assert corpus_files(merged) == corpus_files(single)
    assert stable_records(merged) == stable_records(single)
    assert article_of_every_url(merged) == article_of_every_url(single)


@pytest.mark.slow
def test_after_a_kill_no_article_is_in_the_merged_corpus_twice(one_worker_killed):
    *_, merged, _, _ = one_worker_killed
    records = read_jsonl(merged / "manifest.jsonl")
    assert len({record["url"] for record in records}) == len(records)
    written = [record for record in records if record["path"]]
    assert len({record["sha256"] for record in written}) == len(written)


# --- what the workers share, over the real Redis --------------------------------------------------------------------

def worker_frontier(redis_url: str, prefix: str, worker: str):
    """A worker's frontier without a crawl: what each crawl process builds from its settings."""
    import redis

    from crawler.distributed import RedisFrontier, RunKeys

    frontier = RedisFrontier(redis.Redis.from_url(redis_url), RunKeys(prefix), worker, timeout=30, redis_url=redis_url)
    frontier.heartbeat()
    return frontier


@pytest.fixture
def two_frontiers(redis_url, request):
    prefix = f"test:{{{request.node.name}}}"
    yield worker_frontier(redis_url, prefix, "worker-a"), worker_frontier(redis_url, prefix, "worker-b")
    import redis

    client = redis.Redis.from_url(redis_url)
    for key in client.scan_iter(match=prefix.replace("[", "\\[").replace("]", "\\]") + ":*"):
        client.delete(key)


def test_workers_learn_a_sites_template_together(two_frontiers):
    """Three pages seen by two workers teach both: the fourth page loses the template, as in one process."""
    from test_site_memory import BUS, FERRY, FISH_MARKET, LIBRARY, clean, taught, without_template

    first, second = (frontier.site_memory() for frontier in two_frontiers)
    taught(first, [FERRY, LIBRARY])
    taught(second, [FISH_MARKET])
    assert clean(BUS, second) == without_template(BUS)


def test_a_live_workers_uncommitted_claim_stands(two_frontiers):
    a, b = (frontier.kept_index() for frontier in two_frontiers)
    a.keep(["http://x.test/story"], "text-key", "http://x.test/story")
    assert b.url("http://x.test/story") == "http://x.test/story"
    assert b.text("text-key") == "http://x.test/story"


def test_a_dead_workers_uncommitted_claim_is_taken_over(two_frontiers):
    """Its article never reached a corpus: the worker redoing the page keeps it."""
    first, second = two_frontiers
    first.kept_index().keep(["http://x.test/story"], "text-key", "http://x.test/story")
    first.server.delete(first.keys.alive(first.worker))
    index = second.kept_index()
    assert index.url("http://x.test/story") is None and index.text("text-key") is None
    index.keep(["http://x.test/story"], "text-key", "http://x.test/story-amp")
    assert index.url("http://x.test/story") == "http://x.test/story-amp"


def test_a_dead_workers_committed_claim_stands(two_frontiers):
    first, second = two_frontiers
    first.kept_index().keep(["http://x.test/story"], None, "http://x.test/story")
    first.kept_index().commit("http://x.test/story")
    first.server.delete(first.keys.alive(first.worker))
    assert second.kept_index().url("http://x.test/story") == "http://x.test/story"


def test_a_url_is_claimed_once(two_frontiers):
    first, second = two_frontiers
    assert first.claim("http://x.test/story", "http://x.test/feed.xml")
    assert not second.claim("http://x.test/story", "http://x.test/other-feed.xml")
    assert not second.claim("http://x.test/story", "http://x.test/feed.xml")  # the same feed, its worker alive


def test_a_dead_workers_claim_is_granted_again_to_the_listing_redone(two_frontiers):
    first, second = two_frontiers
    first.claim("http://x.test/story", "http://x.test/feed.xml")
    first.server.delete(first.keys.alive(first.worker))
    assert not second.claim("http://x.test/story", "http://x.test/other-feed.xml")
    assert second.claim("http://x.test/story", "http://x.test/feed.xml")


def test_one_worker_queues_the_seeds(two_frontiers):
    first, second = two_frontiers
    assert first.take_seeding()
    assert not second.take_seeding()  # first is queuing them
    first.push("fingerprint", False, 0, b"a seed request", None)
    first.seeding_done()
    assert not second.take_seeding()  # they are queued


def test_a_run_whose_last_worker_died_is_begun_again_by_the_next_worker(two_frontiers):
    """Its seeds were queued and its queue is drained, but nobody was left to delete its keys."""
    first, second = two_frontiers
    first.take_seeding()
    first.seeding_done()
    first.claim("http://x.test/story", "seed")
    first.server.delete(first.keys.alive(first.worker))
    assert not second.take_seeding(starting=False)  # a worker of that run, idle, does not restart it
    assert second.take_seeding()
    assert second.claim("http://x.test/story", "seed")


def test_a_worker_leaving_puts_a_dead_workers_requests_back_and_keeps_the_run(two_frontiers):
    """The leave script finds the dead worker's in-flight hash by the name keys.py gives it: its request goes
    back into the queue, so the run is not drained and its keys stay for the next worker."""
    first, second = two_frontiers
    first.push("fingerprint", False, 0, b"a request", None)
    assert first.pop() is not None  # in flight at first
    first.server.delete(first.keys.alive(first.worker))
    assert second.leave() == 0
    assert first.server.zrange(first.keys.requests(), 0, -1) == [b"a request"]
    assert not first.server.exists(first.keys.inflight(first.worker))


def test_every_key_of_a_run_is_named_by_a_key_builder(two_frontiers):
    """What a worker does leaves only keys that keys.py names (datasketch's LSH tables: under its basename)."""
    from crawler.clusters import minhash

    first, second = two_frontiers
    first.take_seeding()
    first.push("fingerprint", False, 0, b"a request", None)
    first.push("another fingerprint", False, 0, b"another request", None)
    first.seeding_done()
    first.pop()  # one in flight, one queued
    first.claim("http://x.test/story", "http://x.test/feed.xml")
    first.mark_cleaned(["http://x.test/story"])
    first.add_aliases("http://x.test/story", ["http://x.test/story/amp"])
    with first.lock():
        first.kept_index().keep(["http://x.test/story"], "text-key", "http://x.test/story")
    first.kept_index().commit("http://x.test/story")
    first.path_claims().claim("x/story.txt", "http://x.test/story")
    first.near_duplicate_index(0.8).add("http://x.test/story", minhash("a ferry ran late on the fjord"), "en", "c-1")
    first.site_memory().load("x.test").observe("http://x.test/story", {"a block"})
    keys, worker = first.keys, first.worker
    named = {keys.requests(), keys.dupefilter(), keys.sequence(), keys.workers(), keys.alive(worker),
             keys.inflight(worker), keys.alive(second.worker), keys.seeder(), keys.seeded(), keys.claims(),
             keys.cleaned(), keys.aliases("http://x.test/story"), keys.kept_urls(), keys.kept_texts(),
             keys.committed(), keys.paths(), keys.clusters(), keys.site_pages("x.test"), keys.site_blocks("x.test")}
    left = set(first.server.scan_iter(match=keys.pattern()))  # bytes: the LSH tables' names are binary
    lsh = keys.lsh_basename().encode()
    assert {key.decode() for key in left if not key.startswith(lsh)} == named
    assert any(key.startswith(lsh) for key in left)


class ListingSpider:
    """A spider with a callback and an errback, as requests name them in the queue."""

    name = "listings"

    def parse_listing(self, response):
        return []

    def listing_failed(self, failure):
        return []


def worker_scheduler(frontier):
    """A worker's scheduler, built as Scrapy builds it, open for a spider whose frontier is `frontier`."""
    from scrapy import Spider
    from scrapy.utils.test import get_crawler

    from crawler.distributed import RedisScheduler

    from scrapy.extension import ExtensionManager

    from crawler.run import StoryRun

    spider_class = type("ListingSpider", (ListingSpider, Spider), {})
    crawler = get_crawler(spider_class)
    crawler.spider = spider_class.from_crawler(crawler)
    run = StoryRun.__new__(StoryRun)  # the one part of the run a scheduler reads: its frontier
    run.frontier = frontier
    crawler.extensions = ExtensionManager(run, crawler=crawler)
    scheduler = RedisScheduler.from_crawler(crawler)
    scheduler.open(crawler.spider)
    return scheduler


def test_a_request_one_worker_queues_is_fetched_by_another_as_it_was_made(two_frontiers):
    from scrapy import Request

    from crawler.distributed import FRONTIER_KEY

    first, second = map(worker_scheduler, two_frontiers)
    request = Request("http://x.test/feed.xml", callback=first.spider.parse_listing,
                      errback=first.spider.listing_failed, priority=3, meta={"source": "x"})
    assert first.enqueue_request(request)
    assert second.has_pending_requests() and len(second) == 1
    fetched = second.next_request()
    assert (fetched.url, fetched.priority, fetched.meta["source"]) == (request.url, 3, "x")
    assert fetched.callback == second.spider.parse_listing and fetched.errback == second.spider.listing_failed
    assert fetched.meta[FRONTIER_KEY]  # in flight at the second worker
    assert second.next_request() is None and not first.has_pending_requests()


def test_a_request_any_worker_queued_before_is_filtered_unless_it_says_not_to(two_frontiers):
    from scrapy import Request

    first, second = map(worker_scheduler, two_frontiers)
    assert first.enqueue_request(Request("http://x.test/story"))
    assert not second.enqueue_request(Request("http://x.test/story"))
    assert second.enqueue_request(Request("http://x.test/story", dont_filter=True))
    assert len(first) == 2
