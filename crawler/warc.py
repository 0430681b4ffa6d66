"""Provenance: every fetch of a crawl kept as WARC records (warcio), and a crawl answered from them again.

`WarcWriterMiddleware` (setting WARC_DIR) writes one gzipped WARC file per crawl,
`<WARC_DIR>/storycrawl-<UTC time>-<pid>.warc.gz`: a warcinfo record, then for every request that got a
response (robots.txt, sitemaps, feeds, pages, redirects and error statuses alike) a `response` record with
the status line, headers and body as they came off the wire, and the `request` record as it was sent
(`WARC-Concurrent-To` the response). It sits next to the downloader, after every other middleware, so it
sees bodies before decompression and each hop of a redirect or retry. Each pair is flushed and synced
before the next. The response record of an article candidate carries the candidate (the spider's
`candidate` meta, JSON) in the header `WARC-Storycrawler-Candidate`: a replay knows from it which
responses the spider cleaned, in which order, and as what. Where the response was stored is left in
`request.meta["warc"]` (`file`: absolute path, `offset`: byte offset of the response record, `record_id`)
and when in `request.meta["fetched_at"]` (the record's WARC-Date).

`WarcReplayMiddleware` (setting WARC_REPLAY, which `storycrawl reclean` sets) answers every request from
such files instead of the network: each URL's recorded responses in recorded order, so redirects and
retries happen again as they did; a request never recorded is ignored.

A corpus lists the WARC files of its crawls in `state/warcs.jsonl`, oldest first.

`storycrawl reclean DIR --out NEW` is a real Scrapy run of the same spider and pipelines over DIR's WARC
files (the corpus-shaping settings and the story file named in DIR's report.json, unless given again):
the spider requests the recorded article candidates in the order it cleaned them, one at a time, and
follows nothing. Cleaning is order-dependent (site template learning, which copy of a duplicate is kept
and starts a cluster); the live spider cleans each page when its response arrives, which is its WARC order
(it counts `storycrawl/cleaned_out_of_warc_order` and warns if not), so the replay repeats that order. With
unchanged code, settings and story, a corpus made by one crawl into an empty directory is rebuilt byte for
byte: text files, manifest.jsonl, state/warcs.jsonl. Not reproduced: decisions.jsonl and report.json
(timestamps; listings are not replayed, so listing-dated `out_of_window`, `robots` and fetch failures
without a response are missing), and what the corpus did not start from empty: the replay starts with an
empty site memory, a SITE_MEMORY_DIR shared with other corpora is not restored, and several crawls into
one corpus are replayed as one run (the spider's per-run state, e.g. which AMP copies it had met, is then
not reset between them), which is close to, not exactly, what those crawls wrote.

Not recorded: requests that got no response at all (refused, timed out) and requests robots.txt forbade
(never sent). Bodies are stored as Scrapy received them, still compressed if the server compressed them
but de-chunked, so `Transfer-Encoding` is left out of the stored headers; warcio stores non-ASCII header
values percent-encoded.
"""

from __future__ import annotations

import datetime as dt
import http
import itertools
import json
import os
from collections import defaultdict, deque
from importlib.metadata import version
from io import BytesIO
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlsplit, urlunsplit

import scrapy
from scrapy import signals
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Headers
from scrapy.responsetypes import responsetypes
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from cleaners.dates import parse_timestamp

from .corpus import JsonLines, read_jsonl
from .robots import SHARED_FLAG

CANDIDATE_HEADER = "WARC-Storycrawler-Candidate"
WARC_REGISTER = Path("state") / "warcs.jsonl"
# A replay (reclean) answers one recorded exchange at a time, in the recorded order: one request in flight,
# one FIFO queue across hosts, and a redirect's or retry's next hop before the next recorded article.
REPLAY_SETTINGS = {
    "ROBOTSTXT_OBEY": False,  # it was obeyed when the pages were fetched; a replay fetches nothing
    "AUTOTHROTTLE_ENABLED": False,
    "DOWNLOAD_DELAY": 0,
    "CONCURRENT_REQUESTS": 1,
    "SCHEDULER_PRIORITY_QUEUE": "scrapy.pqueues.ScrapyPriorityQueue",
    "SCHEDULER_MEMORY_QUEUE": "scrapy.squeues.FifoMemoryQueue",
    "RETRY_PRIORITY_ADJUST": 0,  # same priority as the start requests, and other requests go first then
    "RETRY_BACKOFF_MAX": 0,  # a recorded 503 is retried from the WARC at once: no server to wait for
}


def warc_date() -> str:
    """Now, as a WARC-Date (UTC, whole seconds)."""
    return dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def fetched_at(date: str) -> str:
    """A WARC-Date in the corpus's one timestamp format (report.utc_now's): live and replayed runs agree."""
    moment = parse_timestamp(date)
    return moment.isoformat(timespec="seconds") if moment else date


# --- the corpus's list of its WARC files -----------------------------------------------------------------------

def register_warc(corpus_dir: Path, warc: str) -> None:
    register = JsonLines(corpus_dir / WARC_REGISTER)
    register.append({"file": warc})
    register.close()


def registered_warcs(corpus_dir: Path) -> list[str]:
    return list(dict.fromkeys(record["file"] for record in read_jsonl(corpus_dir / WARC_REGISTER)))


# --- writing ---------------------------------------------------------------------------------------------------

class WarcWriterMiddleware:
    """Every request that got a response, and that response as received, into this crawl's WARC file."""

    def __init__(self, crawler, warc_dir: Path, corpus_dir: Path | None):
        self.crawler = crawler
        self.warc_dir = warc_dir
        self.corpus_dir = corpus_dir
        self.path: Path | None = None
        self.file: BinaryIO | None = None
        self.writer: WARCWriter | None = None

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        # Off is the default, not a misconfiguration: no message, which Scrapy would log as a warning.
        if not settings.get("WARC_DIR"):
            raise NotConfigured()
        if settings.getlist("WARC_REPLAY"):
            raise NotConfigured("WARC_DIR is ignored: a replay fetches nothing to record")
        corpus_dir = settings.get("CORPUS_DIR")
        middleware = cls(crawler, Path(settings.get("WARC_DIR")), Path(corpus_dir) if corpus_dir else None)
        crawler.signals.connect(middleware.spider_opened, signals.spider_opened)
        crawler.signals.connect(middleware.spider_closed, signals.spider_closed)
        return middleware

    def spider_opened(self, spider):
        from .run import story_run  # crawler/run.py reads WARC files for a replay

        self.path, self.file = create_warc_file(self.warc_dir)
        self.writer = WARCWriter(self.file, gzip=True)
        self.writer.write_record(self.writer.create_warcinfo_record(self.path.name,
                                                                    self.warcinfo(story_run(self.crawler).story)))
        self.sync()
        if self.corpus_dir:
            register_warc(self.corpus_dir, str(self.path))

    def spider_closed(self, spider):
        if self.file:
            self.file.close()

    def warcinfo(self, story) -> dict:
        settings = self.crawler.settings
        return {"software": f"storycrawler (Scrapy {scrapy.__version__}, warcio {version('warcio')})",
                "format": "WARC File Format 1.0",
                "isPartOf": story.id if story else None,
                "description": story.title if story else None,
                "robots": "obey" if settings.getbool("ROBOTSTXT_OBEY") else "ignore",
                "http-header-user-agent": settings.get("USER_AGENT")}

    def process_response(self, request, response, spider=None):
        if SHARED_FLAG in response.flags:  # the robots.txt recorded once already, when it came off the wire
            return response
        request.meta["warc"], date = self.write_exchange(request, response)
        request.meta["fetched_at"] = fetched_at(date)
        return response

    def write_exchange(self, request, response) -> tuple[dict, str]:
        """The response record, then its request record; returns the response record's pointer and date."""
        writer, file = self.writer, self.file
        assert writer is not None and file is not None, "spider_opened comes first"
        date = warc_date()
        answer_headers = {"WARC-Date": date}
        if response.ip_address:
            answer_headers["WARC-IP-Address"] = str(response.ip_address)
        if "candidate" in request.meta:
            answer_headers[CANDIDATE_HEADER] = json.dumps(request.meta["candidate"], separators=(",", ":"))
        answer = writer.create_warc_record(request.url, "response", payload=BytesIO(response.body),
                                                length=len(response.body), http_headers=response_head(response),
                                                warc_headers_dict=answer_headers)
        record_id = answer.rec_headers.get_header("WARC-Record-ID")
        question = writer.create_warc_record(request.url, "request", payload=BytesIO(request.body),
                                             length=len(request.body), http_headers=request_head(request),
                                             warc_headers_dict={"WARC-Date": date, "WARC-Concurrent-To": record_id})
        offset = file.tell()
        writer.write_record(answer)
        writer.write_record(question)
        self.sync()
        return {"file": str(self.path), "offset": offset, "record_id": record_id}, date

    def sync(self) -> None:
        """A crash loses at most the record being written, never one already reported in the manifest."""
        file = self.file
        assert file is not None, "spider_opened comes first"
        file.flush()
        os.fsync(file.fileno())


def create_warc_file(folder: Path):
    """A new file (never an existing one overwritten): the crawl's start time and process id name it."""
    folder = folder.resolve()
    folder.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    for n in itertools.count(1):
        path = folder / f"storycrawl-{stamp}-{os.getpid()}{f'-{n}' if n > 1 else ''}.warc.gz"
        try:
            return path, path.open("xb")
        except FileExistsError:
            continue


def response_head(response) -> StatusAndHeaders:
    try:
        reason = http.HTTPStatus(response.status).phrase
    except ValueError:
        reason = ""
    headers = [(name, value) for name, value in header_pairs(response.headers) if name.lower() != "transfer-encoding"]
    return StatusAndHeaders(f"{response.status} {reason}".strip(), headers, protocol=response.protocol or "HTTP/1.1")


def request_head(request) -> StatusAndHeaders:
    parts = urlsplit(request.url)
    target = urlunsplit(("", "", parts.path or "/", parts.query, ""))
    headers = header_pairs(request.headers)
    if not any(name.lower() == "host" for name, _ in headers):  # Scrapy's HTTP client adds it: record it too
        headers.insert(0, ("Host", parts.netloc))
    return StatusAndHeaders(f"{request.method} {target} HTTP/1.1", headers, is_http_request=True)


def header_pairs(headers: Headers) -> list[tuple[str, str]]:
    return [(as_text(name), as_text(value)) for name, values in headers.items() for value in values]


def as_text(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


# --- reading and replaying ---------------------------------------------------------------------------------------

class WarcArchive:
    """The response records of WARC files, by URL in recorded order, and the article candidates among them.

    `candidates` is in the order the spider cleaned them: a candidate's request may take several
    exchanges (a redirect, a retry), and its last response is the one the spider saw, so candidates are
    ordered by the position of their last response record.
    """

    def __init__(self, paths: list[str]):
        self.paths = [str(Path(p).resolve()) for p in paths]
        self.responses: dict[str, deque[tuple[str, int]]] = defaultdict(deque)
        self.candidates: list[dict] = []
        self._read_index()

    def _read_index(self) -> None:
        last_response: dict[tuple[str, str], tuple[int, dict]] = {}  # (file, candidate URL) -> (position, candidate)
        position = itertools.count()
        for path in self.paths:
            with open(path, "rb") as fh:
                records = ArchiveIterator(fh)
                for record in records:
                    if record.rec_type != "response":
                        continue
                    candidate = record.rec_headers.get_header(CANDIDATE_HEADER)
                    self.responses[record.rec_headers.get_header("WARC-Target-URI")].append(
                        (path, records.get_record_offset()))
                    if candidate:
                        candidate = json.loads(candidate)
                        last_response[(path, candidate["url"])] = (next(position), candidate)
        self.candidates = [candidate for _, candidate in sorted(last_response.values(), key=lambda pc: pc[0])]

    def next_response(self, url: str) -> tuple[str, int] | None:
        """Where the next not yet replayed response to `url` is stored, if any is left."""
        queue = self.responses.get(url)
        return queue.popleft() if queue else None


class WarcReplayMiddleware:
    """Answers every request from the WARC files of WARC_REPLAY: nothing goes to the network."""

    def __init__(self, archive: WarcArchive, corpus_dir: Path | None):
        self.archive = archive
        self.corpus_dir = corpus_dir
        self.files: dict[str, BinaryIO] = {}

    @classmethod
    def from_crawler(cls, crawler):
        paths = crawler.settings.getlist("WARC_REPLAY")
        if not paths:
            raise NotConfigured()  # off by default: no warning
        corpus_dir = crawler.settings.get("CORPUS_DIR")
        middleware = cls(WarcArchive(paths), Path(corpus_dir) if corpus_dir else None)
        crawler.signals.connect(middleware.spider_opened, signals.spider_opened)
        crawler.signals.connect(middleware.spider_closed, signals.spider_closed)
        return middleware

    def spider_opened(self, spider):
        """The new corpus comes from these files too: it lists them, so it can be recleaned in turn."""
        if self.corpus_dir:
            for path in self.archive.paths:
                register_warc(self.corpus_dir, path)

    def spider_closed(self, spider):
        for fh in self.files.values():
            fh.close()

    def process_request(self, request, spider=None):
        stored = self.archive.next_response(request.url)
        if stored is None:
            raise IgnoreRequest(f"not in the replayed WARC files: {request.url}")
        path, offset = stored
        record = self.read_record(path, offset)
        record_id = record.rec_headers.get_header("WARC-Record-ID")
        request.meta["warc"] = {"file": path, "offset": offset, "record_id": record_id}
        request.meta["fetched_at"] = fetched_at(record.rec_headers.get_header("WARC-Date"))
        return replayed_response(record, request)

    def read_record(self, path: str, offset: int):
        if path not in self.files:
            self.files[path] = open(path, "rb")
        fh = self.files[path]
        fh.seek(offset)
        return next(iter(ArchiveIterator(fh)))


def replayed_response(record, request):
    """The Response Scrapy's HTTP handler made from these bytes: same class, status, headers and raw body."""
    head = record.http_headers
    headers = Headers()
    for name, value in head.headers:
        headers.appendlist(name, value)
    body = record.raw_stream.read()  # the raw payload: decompression is HttpCompressionMiddleware's, as live
    url = record.rec_headers.get_header("WARC-Target-URI")
    response_class = responsetypes.from_args(headers=headers, url=url, body=body)
    return response_class(url=url, status=int(head.get_statuscode()), headers=headers, body=body, request=request,
                          protocol=head.protocol)
