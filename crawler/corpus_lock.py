"""One crawl at a time per corpus directory: `storycrawl crawl` holds an exclusive lock on
`<corpus>/state/crawl.lock` (fcntl.flock) for the whole run. A second run into the same corpus (a slow cron run
and the next one) exits at once with EXIT_LOCKED instead of doubling manifest records. The lock goes with the
process, however it ends (a kill too): the file left behind locks nothing, and its forked workers do not keep it."""

from __future__ import annotations

import datetime as dt
import fcntl
import os
from pathlib import Path

LOCK_FILE = Path("state") / "crawl.lock"


class CorpusLocked(Exception):
    """Another process holds the corpus's lock."""


class CorpusLock:
    def __init__(self, corpus: Path):
        self.path = Path(corpus) / LOCK_FILE
        self._fd: int | None = None

    def acquire(self) -> CorpusLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 200).decode("utf-8", "replace").strip() or "another process"
            os.close(fd)
            raise CorpusLocked(f"{self.path.parent.parent}: another crawl is running into this corpus ({holder}); "
                               "not started") from None
        try:  # who holds it, for the message a second run prints; the lock itself needs no room on the disk
            os.ftruncate(fd, 0)
            os.write(fd, f"pid {os.getpid()}, started {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M:%S} UTC\n".encode())
        except OSError:
            pass
        self._fd = fd
        # Forked children (the cleaning workers) would share the lock and hold it after a killed crawl until they
        # noticed; each closes its copy instead (closing a copy, unlike LOCK_UN, leaves the crawl's lock held).
        os.register_at_fork(after_in_child=self._close_in_child)
        return self

    def _close_in_child(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> CorpusLock:
        return self.acquire()

    def __exit__(self, *exc) -> None:
        self.release()
