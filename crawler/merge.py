"""Merging the shards of a distributed crawl into one corpus, as one crawl process would have written it.

Each worker of a distributed crawl writes its own complete corpus directory (a shard); the shared frontier
sees to it that no two workers write the same article or claim the same text file. `merge_corpora` builds
one corpus directory from them:

- the text files, byte for byte, at the paths the shards gave them (each checked against its record's sha256);
- `manifest.jsonl`: every shard's records in the order the pages were fetched (`fetched_at`; ties keep shard
  order, then file order);
- `decisions.jsonl`: every shard's decisions in the order they were made (`at`), each exact one once;
- `report.json` and `report.html`: rebuilt from the merged records and decisions;
- `state/crawl.sqlite`: what each URL came to, so a later `storycrawl crawl` into the merged corpus only adds
  what is new; `state/warcs.jsonl`: every shard's WARC files.

What it repairs: a worker killed after writing an article but before telling the frontier leaves the article
in its shard while another worker writes it again. The later record of one (URL identity, version) is dropped,
with its text file and its `written` decision, and counted as `doubled`. Two different articles claiming one
path (which the frontier should prevent) get `-2`, `-3`... as a single crawl would have named them.

What it does not: the shards' site memory (`state/site-memory/`) is not merged; a later crawl into the merged
corpus learns the sites' templates afresh. A killed shard has no report.json, so its `found` per outlet is
approximated by the URLs it decided (candidates it found but never decided are not counted), and its requests
and source errors are unknown. A written record whose text file is missing or altered is dropped and listed
(`missing`), not repaired. Provisional decisions (an AMP copy waiting on its canonical page) are left out of
the state: the next crawl fetches them again.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections import Counter
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from . import settings as default_settings
from .corpus import read_jsonl, write_atomic
from .fetch_cost import merged_fetch_cost
from .report import REASONS, WRITTEN_FIELDS, date_ranges, duplicate_counts, language_counts, shared_clusters, utc_now
from .report_html import write_report_html_or_log
from .state import CrawlState
from .urls import UrlCleaner
from .warc import WARC_REGISTER, registered_warcs

logger = logging.getLogger(__name__)

# Decisions the state does not take from decisions.jsonl: `written` comes from the manifest records (reconcile),
# `known` only says an earlier run decided the URL.
NOT_STATE_DECISIONS = ("written", "known")


class MergeError(Exception):
    """The output directory is in use, or a shard is not a corpus directory."""


@dataclass
class Shard:
    """One worker's corpus directory, as read, and what the merge kept of it."""
    index: int
    dir: Path
    report: dict | None  # None: the worker was killed before writing report.json
    records: list[dict]
    decisions: list[dict]
    articles: int = 0  # its written records kept
    doubled: int = 0  # its records dropped as another shard's article again

    def summary(self) -> dict:
        return {"dir": str(self.dir), "finish_reason": self.report.get("finish_reason") if self.report else None,
                "articles": self.articles, "doubled": self.doubled}


def merge_corpora(out: Path, shards: list[Path], urls: UrlCleaner | None = None) -> dict:
    """One corpus in `out` (absent or empty) from the shards' corpus directories; returns what it did:
    {"articles", "records", "doubled", "missing", "shards"}."""
    out = Path(out)
    require_empty(out)
    if not shards:
        raise MergeError("no shards to merge")
    loaded = [load_shard(index, Path(directory)) for index, directory in enumerate(shards)]
    urls = urls or url_cleaner(loaded)
    out.mkdir(parents=True, exist_ok=True)
    records, moved, missing = copy_articles(out, loaded, urls)
    write_jsonl(out / "manifest.jsonl", records)
    decisions = merged_decisions(loaded, moved)
    write_jsonl(out / "decisions.jsonl", decisions)
    report = merged_report(out, loaded, records, decisions)
    write_atomic(out / "report.json", (json.dumps(report, ensure_ascii=False, indent=2) + "\n").encode())
    write_report_html_or_log(out, logger)  # the corpus is merged: a report page that fails must not undo that
    write_state(out, records, decisions, report, urls.identity)
    merge_warc_registers(out, loaded)
    return {"articles": sum(1 for record in records if record.get("path")), "records": len(records),
            "doubled": sum(shard.doubled for shard in loaded), "missing": missing, "shards": report["shards"]}


# --- reading the shards ------------------------------------------------------------------------------------------

def require_empty(out: Path) -> None:
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise MergeError(f"{out}: the merged corpus goes into a new or empty directory")


def load_shard(index: int, directory: Path) -> Shard:
    if not (directory / "manifest.jsonl").is_file():
        raise MergeError(f"{directory}: not a corpus directory (no manifest.jsonl)")
    return Shard(index, directory, read_report(directory), read_jsonl(directory / "manifest.jsonl"),
                 read_jsonl(directory / "decisions.jsonl"))


def read_report(directory: Path) -> dict | None:
    """The shard's report.json; None when its worker was killed before writing it (it is written atomically,
    so one that exists but cannot be read is damage, not a kill)."""
    path = directory / "report.json"
    if not path.exists():
        return None
    try:
        report = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise MergeError(f"{path}: unreadable ({exc})") from exc
    if not isinstance(report, dict):
        raise MergeError(f"{path}: not a JSON object")
    return report


def url_cleaner(shards: list[Shard]) -> UrlCleaner:
    """URL identity as the crawl computed it: the tracking parameters of the first shard's report (the workers
    of one crawl share their settings), else the project's defaults."""
    for shard in shards:
        tracking = ((shard.report or {}).get("settings") or {}).get("TRACKING_PARAMETERS")
        if tracking is not None:
            return UrlCleaner(tracking)
    return UrlCleaner(default_settings.TRACKING_PARAMETERS)


# --- the articles ------------------------------------------------------------------------------------------------

def copy_articles(out: Path, shards: list[Shard], urls: UrlCleaner) -> tuple[list[dict], dict, list[dict]]:
    """The kept manifest records in fetch order, their text files copied into `out`.

    Also returns where each shard's written article ended up, {(shard index, url, path in the shard): path in
    `out`, or None if no copy of it was kept} (its `written` decision follows it: a double's names the copy
    kept), and the records dropped for a missing or altered text file."""
    ordered = sorted(((shard, record) for shard in shards for record in shard.records),
                     key=lambda pair: pair[1].get("fetched_at") or "")  # stable: shard order, then file order
    claimed = {record["path"] for shard in shards for record in shard.records if record.get("path")}
    taken: dict[tuple[str, int], str | None] = {}  # (URL identity, version) of each kept record -> its path in `out`
    written: set[str] = set()  # paths copied into `out`
    renamed: dict[tuple[str, str], str] = {}  # (URL identity, path in the shard) -> another path in `out`
    kept, article_of, missing = [], {}, []  # article_of: (shard index, url, path in the shard) -> its key
    for shard, record in ordered:
        identity = urls.identity(record["url"])
        key, path = (identity, record.get("version", 1)), record.get("path")
        if path:
            article_of[(shard.index, record["url"], path)] = key
        if key in taken:
            shard.doubled += 1
            continue
        if path:
            data, error = shard_text(shard, record)
            if data is None:
                missing.append({"shard": str(shard.dir), "url": record["url"], "path": path, "error": error})
                continue  # not taken: a double of it in another shard may still have its text
            record = placed_record(record, identity, written, claimed, renamed)
            write_atomic(out / record["path"], data)
            written.add(record["path"])
            shard.articles += 1
        taken[key] = record.get("path")
        kept.append(record)
    return kept, {place: taken.get(key) for place, key in article_of.items()}, missing


def shard_text(shard: Shard, record: dict) -> tuple[bytes | None, str | None]:
    """(the text file's bytes, None), or (None, what is wrong with it)."""
    relative = PurePosixPath(record["path"])
    if relative.is_absolute() or ".." in relative.parts:  # a damaged record must not read outside the shard
        return None, "path outside the corpus"
    try:
        data = (shard.dir / relative).read_bytes()
    except OSError:
        return None, "missing"
    if hashlib.sha256(data).hexdigest() != record.get("sha256"):
        return None, "sha256 mismatch"
    return data, None


def placed_record(record: dict, identity: str, written: set[str], claimed: set[str],
                  renamed: dict[tuple[str, str], str]) -> dict:
    """The record with the path its text gets in `out`: its own, unless an earlier kept article has it (then the
    next free `-2`, `-3`... that no shard's record claims either). A later version that names a renamed file as
    its previous version is pointed at the new name."""
    placed = dict(record)
    previous = renamed.get((identity, record.get("previous_version") or ""))
    if previous:
        placed["previous_version"] = previous
    if record["path"] in written:
        placed["path"] = free_path(record["path"], claimed | written)
        renamed[(identity, record["path"])] = placed["path"]
    return placed


def free_path(path: str, taken: set[str]) -> str:
    relative, n = PurePosixPath(path), 2
    while (candidate := relative.with_name(f"{relative.stem}-{n}{relative.suffix}").as_posix()) in taken:
        n += 1
    return candidate


def write_jsonl(path: Path, records: list[dict]) -> None:
    """A whole JSON Lines file at once, atomically: readers never see a merge half done."""
    write_atomic(path, "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records).encode())


# --- decisions and report ----------------------------------------------------------------------------------------

def merged_decisions(shards: list[Shard], moved: dict) -> list[dict]:
    """Every shard's decisions in time order, each (url, reason, detail, kind) once (a worker killed before
    telling the frontier had the page decided again by another). A `written` decision names the kept copy of
    its article (then the double's and the kept one's are one), and is dropped if none was kept."""
    tagged = sorted(((shard, decision) for shard in shards for decision in shard.decisions),
                    key=lambda pair: pair[1].get("at") or "")
    merged, seen = [], set()
    for shard, decision in tagged:
        if decision.get("reason") == "written":
            path = moved.get((shard.index, decision["url"], decision.get("detail")), decision.get("detail"))
            if path is None:
                continue
            decision = {**decision, "detail": path}
        key = (decision["url"], decision["reason"], decision.get("detail"), decision.get("kind"))
        if key not in seen:
            seen.add(key)
            merged.append(decision)
    return merged


def merged_report(out: Path, shards: list[Shard], records: list[dict], decisions: list[dict]) -> dict:
    """report.json as RunReport.build writes it, from the merged records and decisions and the shards' reports."""
    reports = [shard.report for shard in shards if shard.report]
    first = reports[0] if reports else {}
    outlets = outlet_counts(shards, decisions)
    totals = {key: sum(counts[key] for counts in outlets.values()) for key in ("found", *REASONS, "undecided")}
    written = [{name: record.get(name) for name in WRITTEN_FIELDS} for record in records if record.get("path")]
    kinds = Counter(decision["kind"] for decision in decisions if decision.get("kind"))
    started, finished = run_times(reports, records, decisions)
    return {
        "story": first.get("story") or {"id": None, "title": None, "file": None, "since": None, "until": None},
        "started_at": started,
        "finished_at": finished,
        "seconds": max((report.get("seconds") or 0 for report in reports), default=0),
        "finish_reason": finish_reason(reports),
        "corpus_dir": str(out),
        "settings": first.get("settings") or {},
        "reasons": first.get("reasons") or REASONS,
        "totals": totals,
        "outlets": outlets,
        "duplicates": duplicate_counts(kinds, written, totals["near_duplicate"]),
        "clusters": shared_clusters(written),
        "languages": language_counts(written),
        "dates": date_ranges(written),
        "source_errors": [error for report in reports for error in report.get("source_errors") or []],
        "requests": sum(report.get("requests") or 0 for report in reports),
        "fetch_cost": merged_fetch_cost([report.get("fetch_cost") for report in reports]),
        "skipped_listings": [skip for report in reports for skip in report.get("skipped_listings") or []],
        "budget": [reached for report in reports for reached in report.get("budget") or []],
        "shards": [shard.summary() for shard in shards],
    }


def outlet_counts(shards: list[Shard], decisions: list[dict]) -> dict[str, dict]:
    """Per outlet: candidates found (the shards' own counts), each reason's decisions in the merged ones, and
    the candidates left undecided."""
    found = found_per_outlet(shards)
    decided = Counter((decision["outlet"], decision["reason"]) for decision in decisions)
    outlets = {}
    for outlet in sorted(set(found) | {outlet for outlet, _ in decided}):
        counts = {reason: decided[(outlet, reason)] for reason in REASONS}
        outlets[outlet] = {"found": found[outlet], **counts, "undecided": max(0, found[outlet] - sum(counts.values()))}
    return outlets


def found_per_outlet(shards: list[Shard]) -> Counter:
    """The shards' reports' `found`; a killed shard's is approximated by the distinct URLs it decided."""
    found: Counter = Counter()
    for shard in shards:
        if shard.report:
            outlets = shard.report.get("outlets") or {}
            found.update({outlet: counts.get("found", 0) for outlet, counts in outlets.items()})
        else:
            found.update(outlet for outlet, _ in {(d["outlet"], d["url"]) for d in shard.decisions})
    return found


def run_times(reports: list[dict], records: list[dict], decisions: list[dict]) -> tuple[str, str]:
    """(earliest start, latest finish) of the shards' reports; without any report, the span of what the shards
    recorded (the state's run needs a start)."""
    started = [report["started_at"] for report in reports if report.get("started_at")]
    finished = [report["finished_at"] for report in reports if report.get("finished_at")]
    recorded = [d["at"] for d in decisions if d.get("at")] + [r["fetched_at"] for r in records if r.get("fetched_at")]
    return (min(started or recorded or [utc_now()]), max(finished or recorded or [utc_now()]))


def finish_reason(reports: list[dict]) -> str:
    """"finished" when every shard that wrote a report finished; else the first other reason. A killed worker's
    frontier share was taken over by the others, so it does not make the crawl unfinished; but if no worker
    wrote a report, none finished."""
    if not reports:
        return "killed"
    others = [report.get("finish_reason") for report in reports if report.get("finish_reason") != "finished"]
    return (others[0] or "unknown") if others else "finished"


# --- state -------------------------------------------------------------------------------------------------------

def write_state(out: Path, records: list[dict], decisions: list[dict], report: dict, identity) -> None:
    """The merged corpus's crawl state, as if one crawl had written it: its articles, the final decisions about
    every other URL, and one run."""
    state = CrawlState.for_corpus(out)
    try:
        state.begin_run(report["started_at"])
        state.reconcile(records, identity)
        for decision in decisions:
            if decision["reason"] in NOT_STATE_DECISIONS or decision.get("provisional"):
                continue
            state.record_decision(identity(decision["url"]), url=decision["url"], outlet=decision["outlet"],
                                  reason=decision["reason"], detail=decision.get("detail") or "",
                                  at=decision.get("at") or report["finished_at"])
        state.finish_run(report["finished_at"], report["finish_reason"])
    finally:
        state.close()


def merge_warc_registers(out: Path, shards: list[Shard]) -> None:
    """Every shard's WARC files, in shard order, each once (they stay where the workers wrote them)."""
    warcs = list(dict.fromkeys(warc for shard in shards for warc in registered_warcs(shard.dir)))
    if warcs:
        write_jsonl(out / WARC_REGISTER, [{"file": warc} for warc in warcs])
