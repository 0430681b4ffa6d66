"""The pending requests on disk (JOBDIR), read so that no state of them can hang a crawl or lose an outlet.

Scrapy's scheduler keeps pending requests in queuelib files under `<JOBDIR>/requests.queue/` (one LIFO file per
download slot and priority, one FIFO folder per slot and priority for start requests) and their priorities in
`active.json`, written when a run closes. A kill just after a queue file was created leaves it at 0 bytes; a
full disk leaves `active.json` empty; either made every later run fail on that file (an exception on every
push or pop: a crawl that hangs, or skips the outlet) until the folder was deleted by hand.

`ResilientScheduler` therefore reads the folder itself before Scrapy opens it: every record that can be read
from every queue file, whatever `active.json` says (a killed run never wrote it), then starts a fresh folder
and queues them again. What could not be read is said in one warning line; it is found again from the crawl
state, as every run fetches its listings again and asks for each URL not decided yet. Writing `active.json`
is atomic (a temporary file, then a rename), so a full disk at the end leaves the previous one or none.
"""

from __future__ import annotations

import json
import logging
import pickle
import shutil
import struct
from pathlib import Path

from scrapy import Request
from scrapy.core.scheduler import Scheduler
from scrapy.extensions.spiderstate import SpiderState
from scrapy.utils.request import request_from_dict

from .corpus import write_atomic

logger = logging.getLogger(__name__)
SIZE = struct.Struct(">L")  # queuelib's record length, in both queue kinds


class ResilientScheduler(Scheduler):
    """Scrapy's scheduler, with the disk queues read defensively at open (see the module's docstring)."""

    def open(self, spider):
        pending: list = []
        if self.dqdir:
            pending, problems = salvage_requests(Path(self.dqdir), spider)
            if problems:
                logger.warning("pending requests in %s partly unreadable (%s): %d kept, the rest is found again "
                               "from the listings and the crawl state", self.dqdir, "; ".join(problems[:3]),
                               len(pending))
            shutil.rmtree(self.dqdir, ignore_errors=True)
            Path(self.dqdir).mkdir(parents=True, exist_ok=True)
        result = super().open(spider)
        for request in pending:
            self.enqueue_request(request)
        return result

    def _dqpush(self, request) -> bool:
        """A request the disk has no room for waits in memory (a full disk also stops the crawl: DiskFullGuard)."""
        try:
            return super()._dqpush(request)
        except OSError:
            logger.error("could not queue %s in %s", request, self.dqdir, exc_info=True)
            return False

    def _dqpop(self):
        try:
            return super()._dqpop()
        except OSError:  # without this, the engine would ask again every few seconds, forever
            logger.error("could not read the pending requests in %s", self.dqdir, exc_info=True)
            return None

    def _read_dqs_state(self, dqdir: str):
        return ()  # the folder was emptied at open: what it held is queued again

    def _write_dqs_state(self, dqdir: str, state) -> None:
        write_atomic(Path(dqdir, "active.json"), json.dumps(state).encode(), sync=False)


class ResilientSpiderState(SpiderState):
    """Scrapy's `spider.state` in the JOBDIR (spider.state), written atomically; an unreadable one (a kill or a
    full disk as it was written) is an empty state and a warning, not a crawl that cannot start."""

    def spider_opened(self, spider) -> None:
        try:
            super().spider_opened(spider)
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ValueError, ImportError) as exc:
            logger.warning("%s unreadable (%s): the spider starts with an empty state", self.statefn, exc)
            spider.state = {}

    def spider_closed(self, spider) -> None:
        if self.jobdir:
            write_atomic(Path(self.statefn), pickle.dumps(spider.state, protocol=4), sync=False)


def salvage_requests(dqdir: Path, spider) -> tuple[list, list[str]]:
    """Every request readable from the queue files under `dqdir`, oldest first as far as a queue says, and
    what could not be read ("FILE: why")."""
    requests: list[Request] = []
    problems: list[str] = []
    if not dqdir.is_dir():
        return requests, problems
    for storage in sorted(queue_storages(dqdir)):
        records, problem = (read_fifo_folder if storage.is_dir() else read_lifo_file)(storage)
        if problem:
            problems.append(f"{storage.relative_to(dqdir)}: {problem}")
        for record in records:
            try:
                requests.append(request_from_dict(pickle.loads(record), spider=spider))
            except Exception as exc:  # a torn record, or a callback this spider no longer has
                problems.append(f"{storage.relative_to(dqdir)}: a record unreadable ({type(exc).__name__})")
    return requests, problems


def queue_storages(dqdir: Path) -> list[Path]:
    """The LIFO queue files and FIFO queue folders (those holding an info.json or chunk files `q00000`)."""
    found = []
    for path in dqdir.rglob("*"):
        if path.is_file() and path.name != "active.json" and not is_fifo_part(path):
            found.append(path)
        elif path.is_dir() and (any(path.glob("q[0-9][0-9][0-9][0-9][0-9]")) or (path / "info.json").exists()):
            found.append(path)
    return found


def is_fifo_part(path: Path) -> bool:
    return path.name == "info.json" or (path.name.startswith("q") and path.name[1:].isdigit())


def read_lifo_file(path: Path) -> tuple[list[bytes], str | None]:
    """A queuelib LifoDiskQueue: a 4-byte count (written only at a clean close), then records each followed by
    its length. Read from the end, as it pops, until the start of the records: a length that does not fit ends
    the reading. Returned oldest first."""
    data = path.read_bytes()
    if len(data) < SIZE.size:
        return [], "empty file" if not data else "torn header"
    records: list[bytes] = []
    end = len(data)
    while end > SIZE.size:
        if end - SIZE.size < SIZE.size:
            return records[::-1], "torn record"
        (size,) = SIZE.unpack_from(data, end - SIZE.size)
        start = end - SIZE.size - size
        if start < SIZE.size:
            return records[::-1], "torn record"
        records.append(data[start:end - SIZE.size])
        end = start
    return records[::-1], None


def read_fifo_folder(path: Path) -> tuple[list[bytes], str | None]:
    """A queuelib FifoDiskQueue: chunk files `qNNNNN` of records each preceded by its length, and info.json
    saying where the unread ones start (written only at a clean close: without it, every record is read)."""
    tail_chunk, tail_offset, problem = 0, 0, None
    try:
        info = json.loads((path / "info.json").read_text())
        tail_chunk, _, tail_offset = info["tail"]
    except FileNotFoundError:
        pass
    except (ValueError, KeyError, TypeError, OSError):
        problem = "info.json unreadable"
    records: list[bytes] = []
    chunks = sorted(p for p in path.glob("q*") if p.name[1:].isdigit())
    for chunk in chunks:
        number = int(chunk.name[1:])
        if number < tail_chunk:
            continue
        data = chunk.read_bytes()
        offset = tail_offset if number == tail_chunk else 0
        while offset < len(data):
            if offset + SIZE.size > len(data):
                return records, "torn record"
            (size,) = SIZE.unpack_from(data, offset)
            if offset + SIZE.size + size > len(data):
                return records, "torn record"
            records.append(data[offset + SIZE.size:offset + SIZE.size + size])
            offset += SIZE.size + size
    return records, problem

