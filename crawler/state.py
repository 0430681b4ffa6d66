"""The crawl state: what every run learnt about each URL, one SQLite file per corpus (`state/crawl.sqlite`).

A scheduled crawl (cron, Scrapyd) runs the same story again and again; the state is how a run adds only
what is new. For every article URL (by identity, see crawler/urls.py) it keeps the last decision, the
text's hash, the version written, the validators for a conditional request (ETag, Last-Modified) and when
the URL was first seen, last listed and last checked. Each run is recorded too: the start of the last
finished run is the next run's horizon.

The state follows the corpus, never leads it: a text file is written, then its manifest record, then the
state row is committed. A crawl killed in between leaves a manifest record the state does not know yet;
`reconcile` takes it from the manifest when the next run opens the state.

A crawl commits its changes in batches, not one by one: when a change arrives and the batch is
STATE_COMMIT_SECONDS old or COMMIT_ROWS long, whenever the spider is idle, and at close. A kill loses at most
the last batch, whose written articles `reconcile` takes from the manifest and whose other URLs the next run
decides again.
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from scrapy.dupefilters import RFPDupeFilter

SCHEMA = """
CREATE TABLE IF NOT EXISTS urls (
    identity      TEXT PRIMARY KEY,  -- the URL's identity: tracking parameters, fragment, case of escapes gone
    url           TEXT NOT NULL,
    outlet        TEXT NOT NULL,
    outcome       TEXT NOT NULL,     -- the last decision: a reason of crawler/report.py's REASONS
    detail        TEXT NOT NULL DEFAULT '',
    final         INTEGER NOT NULL,  -- 1: decided, not fetched again unless re-checking is due; 0: try again
    failures      INTEGER NOT NULL DEFAULT 0,  -- failed fetches in a row
    content_hash  TEXT,              -- sha256 of the text file of the version in the corpus
    path          TEXT,              -- that text file, relative to the corpus directory
    version       INTEGER NOT NULL DEFAULT 0,  -- versions written: 1 for the first text, 2 after a change...
    etag          TEXT,
    last_modified TEXT,
    first_seen    TEXT NOT NULL,
    last_seen     TEXT NOT NULL,     -- last listed or decided
    last_checked  TEXT NOT NULL      -- last fetched (or decided from a listing) with a final outcome
);
CREATE INDEX IF NOT EXISTS urls_by_outlet ON urls (outlet);
CREATE TABLE IF NOT EXISTS runs (
    id            INTEGER PRIMARY KEY,
    started       TEXT NOT NULL,
    finished      TEXT,
    finish_reason TEXT
);
"""

COMMIT_ROWS = 500  # a batch of changes is committed at this many rows, however young it is

# Decisions after which a URL is tried again by the next run: the server or the network failed, not the page.
RETRIED_REASONS = {"fetch_error"}
RETRIED_HTTP = ("HTTP 5", "HTTP 429", "HTTP 408")  # http_error details that say "later", unlike 404 or 410


@dataclass(frozen=True)
class Known:
    """A URL as the state knows it."""
    url: str
    outcome: str
    final: bool
    failures: int
    content_hash: str | None
    path: str | None
    version: int
    etag: str | None
    last_modified: str | None
    last_checked: str

    @property
    def in_corpus(self) -> bool:
        return self.path is not None


def is_final(reason: str, detail: str = "") -> bool:
    if reason in RETRIED_REASONS:
        return False
    return not (reason == "http_error" and detail.startswith(RETRIED_HTTP))


class CrawlState:
    """One corpus's state. With `commit_seconds` 0 every change is committed at once; otherwise changes are
    committed together once the oldest is that many seconds old or COMMIT_ROWS are waiting, and by `commit`
    and `close` (WAL: a commit survives a kill)."""

    def __init__(self, path: Path | str, commit_seconds: float = 0.0):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(self.path, isolation_level=None)  # transactions are begun and ended here
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL: a killed process loses no commit
        self.db.executescript(SCHEMA)
        self.run_id: int | None = None
        self.commit_seconds = commit_seconds
        self._batch_rows = 0
        self._batch_began = 0.0

    @classmethod
    def for_corpus(cls, corpus_dir: Path | str, commit_seconds: float = 0.0) -> CrawlState:
        return cls(Path(corpus_dir) / "state" / "crawl.sqlite", commit_seconds)

    def close(self) -> None:
        self.commit()
        self.db.close()

    def commit(self) -> None:
        """Commit the changes waiting in the current batch, if any."""
        if self.db.in_transaction:
            self.db.execute("COMMIT")
        self._batch_rows = 0

    def _change(self, sql: str, parameters) -> None:
        """One change: committed at once, or in the current batch (see the class)."""
        if self.commit_seconds <= 0:
            self.db.execute(sql, parameters)
            return
        if not self.db.in_transaction:
            self.db.execute("BEGIN")
            self._batch_began = time.monotonic()
        self.db.execute(sql, parameters)
        self._batch_rows += 1
        if self._batch_rows >= COMMIT_ROWS or time.monotonic() - self._batch_began >= self.commit_seconds:
            self.commit()

    # --- runs ----------------------------------------------------------------------------------------------

    def begin_run(self, at: str) -> None:
        self.run_id = self.db.execute("INSERT INTO runs (started) VALUES (?)", (at,)).lastrowid

    def finish_run(self, at: str, reason: str) -> None:
        self.commit()
        if self.run_id is not None:
            self.db.execute("UPDATE runs SET finished = ?, finish_reason = ? WHERE id = ?", (at, reason, self.run_id))

    def horizon(self) -> str | None:
        """When the last finished run (before this one) started: listings dated before it hold nothing new."""
        row = self.db.execute("SELECT started FROM runs WHERE finished IS NOT NULL AND finish_reason = 'finished' "
                              "AND id != ? ORDER BY id DESC LIMIT 1", (self.run_id or -1,)).fetchone()
        return row[0] if row else None

    def runs(self) -> list[dict]:
        rows = self.db.execute("SELECT id, started, finished, finish_reason FROM runs ORDER BY id").fetchall()
        return [dict(zip(("id", "started", "finished", "finish_reason"), row)) for row in rows]

    # --- URLs ----------------------------------------------------------------------------------------------

    def known(self, identity: str) -> Known | None:
        row = self.db.execute("SELECT url, outcome, final, failures, content_hash, path, version, etag, last_modified, "
                              "last_checked FROM urls WHERE identity = ?", (identity,)).fetchone()
        if row is None:
            return None
        return Known(row[0], row[1], bool(row[2]), row[3], row[4], row[5], row[6], row[7], row[8], row[9])

    def record_decision(self, identity: str, *, url: str, outlet: str, reason: str, detail: str, at: str,
                        final: bool = True) -> None:
        """A decision other than a written text; a URL in the corpus stays `written`, with its text, path and version.
        A provisional one (`final` False) is fetched again by the next run unless another page settles it: an AMP
        copy is settled when its canonical article is written, with the AMP URL among its other URLs."""
        final = final and is_final(reason, detail)
        self._change(
            """INSERT INTO urls (identity, url, outlet, outcome, detail, final, failures, first_seen, last_seen, last_checked)
               VALUES (:identity, :url, :outlet, :reason, :detail, :final, :failed, :at, :at, :at)
               ON CONFLICT (identity) DO UPDATE SET
                   outcome = CASE WHEN urls.path IS NOT NULL THEN urls.outcome ELSE :reason END,
                   detail = :detail, final = CASE WHEN urls.path IS NOT NULL THEN 1 ELSE :final END,
                   failures = CASE WHEN :final THEN 0 ELSE urls.failures + 1 END,
                   last_seen = :at, last_checked = CASE WHEN :final THEN :at ELSE urls.last_checked END""",
            {"identity": identity, "url": url, "outlet": outlet, "reason": reason, "detail": detail,
             "final": int(final), "failed": int(not final), "at": at})

    def record_written(self, identity: str, *, url: str, outlet: str, content_hash: str, path: str, version: int,
                       etag: str | None, last_modified: str | None, at: str) -> None:
        self._change(
            """INSERT INTO urls (identity, url, outlet, outcome, final, content_hash, path, version, etag, last_modified,
                                 first_seen, last_seen, last_checked)
               VALUES (:identity, :url, :outlet, 'written', 1, :hash, :path, :version, :etag, :lm, :at, :at, :at)
               ON CONFLICT (identity) DO UPDATE SET
                   outcome = 'written', detail = '', final = 1, failures = 0, content_hash = :hash, path = :path,
                   version = :version, etag = :etag, last_modified = :lm, last_seen = :at, last_checked = :at""",
            {"identity": identity, "url": url, "outlet": outlet, "hash": content_hash, "path": path,
             "version": version, "etag": etag, "lm": last_modified, "at": at})

    def touch(self, identity: str, at: str) -> None:
        """Listed again, and not fetched."""
        self._change("UPDATE urls SET last_seen = ? WHERE identity = ?", (at, identity))

    def reconcile(self, records: list[dict], identity_of) -> int:
        """Written manifest records the state does not know (a crawl killed between the two): taken in, under
        every URL the article was reached by, as the corpus writer records them."""
        taken = 0
        for record in records:
            if not record.get("path"):
                continue
            known = self.known(identity_of(record["url"]))
            if known is not None and known.version >= record.get("version", 1):
                continue
            for url in dict.fromkeys([record["url"], *record.get("other_urls", [])]):
                self.record_written(identity_of(url), url=record["url"], outlet=record["outlet"],
                                    content_hash=record["sha256"], path=record["path"],
                                    version=record.get("version", 1), etag=record.get("etag"),
                                    last_modified=record.get("last_modified"), at=record["fetched_at"])
            taken += 1
        self.commit()
        return taken

    # --- reading it ----------------------------------------------------------------------------------------

    def outlets(self) -> list[dict]:
        """Per outlet: URLs known, articles in the corpus, failures waiting for a retry, last activity."""
        rows = self.db.execute(
            """SELECT outlet, COUNT(*), SUM(path IS NOT NULL), SUM(NOT final), SUM(version > 1), MAX(last_seen)
               FROM urls GROUP BY outlet ORDER BY outlet""").fetchall()
        return [dict(zip(("outlet", "urls", "articles", "failing", "changed", "last_seen"), row)) for row in rows]

    def outcomes(self) -> dict[str, dict[str, int]]:
        counts: dict[str, dict[str, int]] = {}
        for outlet, outcome, n in self.db.execute("SELECT outlet, outcome, COUNT(*) FROM urls GROUP BY outlet, outcome"):
            counts.setdefault(outlet, {})[outcome] = n
        return counts

    def decided_as(self, outcomes: tuple[str, ...]) -> list[tuple[str, str, str]]:
        """(identity, url, outlet) of the URLs not in the corpus whose last decision is one of `outcomes`."""
        marks = ",".join("?" * len(outcomes))
        return self.db.execute(f"SELECT identity, url, outlet FROM urls WHERE path IS NULL AND outcome IN ({marks}) "
                               f"ORDER BY first_seen, url", outcomes).fetchall()

    def failures(self, limit: int = 20) -> list[dict]:
        rows = self.db.execute("SELECT url, outlet, outcome, detail, failures, last_seen FROM urls WHERE NOT final "
                               "ORDER BY last_seen DESC LIMIT ?", (limit,)).fetchall()
        return [dict(zip(("url", "outlet", "outcome", "detail", "failures", "last_seen"), row)) for row in rows]


class RunDupeFilter(RFPDupeFilter):
    """Scrapy's request filter, for one run only, even with a JOBDIR.

    Scrapy's own keeps what a job requested in the JOBDIR, to resume after a clean stop. After a kill it
    would also keep the requests that were in flight and never answered, and drop them when the resumed run
    finds them again: they would be lost. And a finished run's filter would stop the next run from fetching
    its listings at all. What is done is in the crawl state; the JOBDIR keeps only the pending requests.
    """

    @classmethod
    def from_crawler(cls, crawler):
        return cls(None, crawler.settings.getbool("DUPEFILTER_DEBUG"), fingerprinter=crawler.request_fingerprinter)


def state_summary(state: CrawlState) -> dict:
    """What `storycrawl status` shows: runs, per outlet counts and outcomes, the URLs waiting for a retry."""
    outcomes = state.outcomes()
    return {"runs": state.runs(), "outlets": [{**row, "outcomes": outcomes.get(row["outlet"], {})} for row in state.outlets()],
            "failing": state.failures()}


def format_state_summary(summary: dict) -> str:
    runs = summary["runs"]
    lines = [f"runs: {len(runs)}" + (f"; last started {runs[-1]['started']}, "
                                     f"{runs[-1]['finish_reason'] or 'did not finish (killed?)'}" if runs else "")]
    lines.append(f"{'outlet':<20} {'URLs':>6} {'articles':>9} {'changed':>8} {'failing':>8}  last seen")
    for row in summary["outlets"]:
        lines.append(f"{row['outlet']:<20} {row['urls']:>6} {row['articles']:>9} {row['changed']:>8} {row['failing']:>8}"
                     f"  {row['last_seen']}")
        lines.append("    " + ", ".join(f"{outcome} {n}" for outcome, n in sorted(row["outcomes"].items())))
    if summary["failing"]:
        lines.append("waiting for a retry:")
        lines.extend(f"  {f['url']}  {f['outcome']}: {f['detail']} ({f['failures']}x)" for f in summary["failing"])
    return "\n".join(lines)
