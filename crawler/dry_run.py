"""`storycrawl crawl STORY --out CORPUS --dry-run`: what a crawl would fetch, per outlet, and why.

The listings (robots.txt, sitemaps, feeds, start pages, GDELT) are read; no article is fetched
(crawler/story_gates.py decides each candidate `would_fetch`). The crawl runs in a temporary directory on a
copy of the corpus's crawl state, so what earlier runs decided counts (`known`, a due re-check, a retry) and
the corpus is left as it was. Links of pages that would be fetched are not followed: a real crawl may find more
through them.
"""

from __future__ import annotations

import contextlib
import io
import json
import shutil
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

from .corpus import read_jsonl
from .story_gates import SCRATCH_MARK


def dry_run(story: Path, corpus: Path, overrides: dict, crawl, verbose: bool = False, out=sys.stdout) -> int:
    """`crawl` is crawler.cli.crawl (passed in: the command line's own way of running one crawl)."""
    with tempfile.TemporaryDirectory(prefix="storycrawl-dry-run-") as work:
        scratch = Path(work) / "corpus"
        copy_state(corpus, scratch)
        overrides = {**overrides, "DRY_RUN": True, "WARC_DIR": None, "SITE_MEMORY_ENABLED": False}
        with contextlib.redirect_stderr(io.StringIO()) as log:  # the scratch crawl's own summary is no plan
            status = crawl(story, scratch, overrides, verbose=verbose)
        if status != 0 or verbose:
            print(log.getvalue(), end="", file=sys.stderr)
        decisions = read_jsonl(scratch / "decisions.jsonl")
        report_file = scratch / "report.json"
        report = json.loads(report_file.read_text()) if report_file.is_file() else {}
    print(format_plan(story, corpus, decisions, report.get("source_errors", [])), file=out)
    return status


def copy_state(corpus: Path, scratch: Path) -> None:
    """The crawl state (SQLite with its write-ahead log, copied as files: opening the original, even read-only,
    would add files beside it), and the manifest (the caps count the corpus's articles)."""
    (scratch / "state").mkdir(parents=True)
    for name in ("crawl.sqlite", "crawl.sqlite-wal"):
        if (corpus / "state" / name).is_file():
            shutil.copyfile(corpus / "state" / name, scratch / "state" / name)
    if (corpus / "manifest.jsonl").is_file():
        shutil.copyfile(corpus / "manifest.jsonl", scratch / "manifest.jsonl")
    (scratch / SCRATCH_MARK).touch()


def format_plan(story: Path, corpus: Path, decisions: list[dict], source_errors: list[dict]) -> str:
    fetch: dict[str, list[dict]] = defaultdict(list)
    skipped: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for decision in decisions:
        if decision["reason"] == "would_fetch":
            fetch[decision["outlet"]].append(decision)
        else:
            skipped[decision["outlet"]][decision["reason"]] += 1
    errors: dict[str, int] = defaultdict(int)
    for error in source_errors:
        errors[error["source"]] += 1
    lines = [f"dry run of {story} for {corpus}: listings read, no article fetched, nothing written"]
    for outlet in sorted(set(fetch) | set(skipped) | set(errors)):
        not_fetched = ", ".join(f"{reason} {n}" for reason, n in sorted(skipped[outlet].items()))
        lines.append(f"{outlet}: {len(fetch[outlet])} would be fetched"
                     + (f"; not fetched: {not_fetched}" if not_fetched else "")
                     + (f"; {errors[outlet]} listing(s) unreadable" if errors[outlet] else ""))
        lines.extend(f"  {d['url']}  {d['detail']}" for d in fetch[outlet])
    total_skipped = sum(sum(counts.values()) for counts in skipped.values())
    lines.append(f"total: {sum(len(v) for v in fetch.values())} would be fetched, {total_skipped} not")
    return "\n".join(lines)
