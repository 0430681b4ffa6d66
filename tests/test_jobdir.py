"""Issue 3/7 items 1-2: no state of the pending requests on disk (JOBDIR) can hang a crawl or lose an outlet, and
a full disk stops a run with one message, the next run just working once there is room."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from conftest import FAST, ROOT, STORYCRAWL, mount_tmpfs, run_storycrawl, story_for
from crawler.jobdir import read_fifo_folder, read_lifo_file

SIZE = (0).to_bytes(4, "big")


def record(data: bytes) -> bytes:
    return data + len(data).to_bytes(4, "big")


def text_files(corpus: Path) -> dict[str, bytes]:
    return {p.relative_to(corpus).as_posix(): p.read_bytes() for p in corpus.rglob("*.txt")}


def slot_folder(host: str) -> str:
    """The folder Scrapy's DownloaderAwarePriorityQueue keeps a download slot's queues in."""
    safe = "".join(c if c.isalnum() or c in "-._" else "_" for c in host)
    return f"{safe}-{hashlib.md5(host.encode()).hexdigest()}"


def lifo_files(queue: Path) -> list[Path]:
    """The download slots' LIFO files (start requests' FIFO folders end in "s"). os.walk, as the crawl
    removes emptied folders while it runs."""
    return [Path(folder) / name for folder, _, files in os.walk(queue) for name in files
            if not Path(folder).name.endswith("s") and Path(folder) != queue]


# --- reading queue files -------------------------------------------------------------------------------------

def test_an_empty_queue_file_reads_as_no_requests_and_says_so(tmp_path):
    (tmp_path / "0").write_bytes(b"")
    assert read_lifo_file(tmp_path / "0") == ([], "empty file")


def test_a_lifo_file_without_its_count_is_read_whole_oldest_first(tmp_path):
    (tmp_path / "0").write_bytes(SIZE + record(b"first") + record(b"second"))  # killed: the count never written
    assert read_lifo_file(tmp_path / "0") == ([b"first", b"second"], None)


def test_a_torn_lifo_record_keeps_the_ones_after_it(tmp_path):
    (tmp_path / "0").write_bytes(SIZE + b"xx" + record(b"whole"))
    records, problem = read_lifo_file(tmp_path / "0")
    assert records == [b"whole"] and problem == "torn record"


def test_a_torn_fifo_chunk_keeps_the_records_before_the_tear(tmp_path):
    (tmp_path / "q00000").write_bytes(len(b"one").to_bytes(4, "big") + b"one" + (50).to_bytes(4, "big") + b"cut")
    assert read_fifo_folder(tmp_path) == ([b"one"], "torn record")


# --- a crawl over corrupt pending requests ---------------------------------------------------------------------

def corrupt_jobdir(jobdir: Path, hosts: list[str]) -> None:
    """What a kill (or a full disk) leaves: every outlet's queue file and start-queue chunk at 0 bytes, and an
    empty active.json."""
    queue = jobdir / "requests.queue"
    for host in hosts:
        (queue / slot_folder(host) / "0s").mkdir(parents=True)
        (queue / slot_folder(host) / "0").write_bytes(b"")
        (queue / slot_folder(host) / "0s" / "q00000").write_bytes(b"")
    (queue / "active.json").write_bytes(b"")
    (jobdir / "spider.state").write_bytes(b"")


@pytest.mark.slow
def test_a_crawl_over_empty_queue_files_finishes_with_the_whole_corpus(fixture_web, demo_crawl, tmp_path):
    story = story_for(fixture_web, tmp_path)
    corpus = tmp_path / "corpus"
    corrupt_jobdir(corpus / "state" / "jobdir", sorted(set(fixture_web.addresses.values())))
    result = run_storycrawl("crawl", str(story), "--out", str(corpus), *FAST, timeout=180)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "partly unreadable" in result.stderr and result.stderr.count("Traceback") == 0
    assert text_files(corpus) == text_files(demo_crawl.corpus)


@pytest.mark.slow
def test_a_crawl_killed_as_its_first_queue_file_appears_resumes_to_the_whole_corpus(fixture_web, demo_crawl, tmp_path):
    """The kill lands as Scrapy creates a download slot's LIFO file (its records still in a write buffer): the
    file is left with 0 bytes, which made every later push or pop of that slot fail."""
    story = story_for(fixture_web, tmp_path)
    corpus = tmp_path / "corpus"
    queue = corpus / "state" / "jobdir" / "requests.queue"
    command = [str(STORYCRAWL), "crawl", str(story), "--out", str(corpus), *FAST]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        seen: list[Path] = []
        while process.poll() is None and time.monotonic() < deadline:
            seen = lifo_files(queue)
            if seen:
                os.kill(process.pid, signal.SIGKILL)
                break
            time.sleep(0.002)
    finally:
        process.wait()
    assert process.returncode == -signal.SIGKILL, "the crawl ended before its first queue file appeared"
    assert seen
    for path in seen:  # a kill that landed a moment late (a loaded machine) found the records flushed, or the
        path.parent.mkdir(parents=True, exist_ok=True)  # file already popped and removed: the file as it was
        path.write_bytes(b"")  # at the moment of its creation is put back, so the test does not race the crawl
    result = run_storycrawl(*command[1:], timeout=180)
    assert result.returncode == 0, result.stderr[-3000:]
    assert text_files(corpus) == text_files(demo_crawl.corpus)


# --- a full disk ---------------------------------------------------------------------------------------------

DISK_KB = 1024  # a demo crawl writes about 300 KB at its peak (state batches keep its WAL small): the rooms below fill at different moments of it


@pytest.fixture(params=[104, 164, 224], ids=lambda kb: f"{kb}KB-free")
def small_disk(request, tmp_path):
    """A 1 MB tmpfs, nearly filled by a ballast file (mounting needs root: see conftest.mount_tmpfs)."""
    disk = tmp_path / "disk"
    disk.mkdir()
    mount_tmpfs(disk, f"size={DISK_KB}k")
    try:
        (disk / "ballast").write_bytes(b"\0" * ((DISK_KB - request.param) << 10))
        yield disk
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)


@pytest.mark.slow
def test_a_full_disk_stops_the_crawl_with_one_message_and_the_next_run_finishes_it(fixture_web, demo_crawl,
                                                                                    tmp_path, small_disk):
    story = story_for(fixture_web, tmp_path)
    corpus = small_disk / "corpus"
    full = run_storycrawl("crawl", str(story), "--out", str(corpus), *FAST, timeout=120)
    assert full.returncode == 1, full.stderr[-3000:]
    assert full.stderr.count("no space left on the disk holding") == 1 and "Traceback" not in full.stderr
    assert str(corpus) in full.stderr
    (small_disk / "ballast").unlink()
    again = run_storycrawl("crawl", str(story), "--out", str(corpus), *FAST, timeout=120)
    assert again.returncode == 0, again.stderr[-3000:]
    assert "Traceback" not in again.stderr
    assert text_files(corpus) == text_files(demo_crawl.corpus)
    urls = [json.loads(line)["url"] for line in (corpus / "manifest.jsonl").read_text().splitlines()]
    assert len(urls) == len(set(urls)) == len(demo_crawl.manifest)


def test_a_request_scrapy_queued_is_read_back_with_its_callback(tmp_path):
    import pickle

    import scrapy

    from crawler.jobdir import salvage_requests
    from crawler.spiders.story import StorySpider

    spider = StorySpider()
    queued = scrapy.Request("http://127.0.0.11/news/kept", callback=spider.parse_article, meta={"source": "x"})
    slot = tmp_path / slot_folder("127.0.0.11")
    slot.mkdir()
    (slot / "0").write_bytes(SIZE + record(pickle.dumps(queued.to_dict(spider=spider), protocol=4)))
    (slot / "1").write_bytes(b"")
    requests, problems = salvage_requests(tmp_path, spider)
    assert [(r.url, r.callback.__name__, r.meta["source"]) for r in requests] == [(queued.url, "parse_article", "x")]
    assert problems == [f"{slot_folder('127.0.0.11')}/1: empty file"]
