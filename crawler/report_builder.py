"""report.json, built in one place: by the run report at the end of a crawl (crawler/report.py) and by
`storycrawl merge` from its shards (crawler/merge.py). Both give what they counted; the counts per outlet and
reason, the totals and the corpus sections (duplicates, clusters, languages, dates) are made here.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from cleaners.dates import parse_day

from .records import DUPLICATE_KINDS, REASONS, ReportRecord, StoryInfo, WrittenArticle
from .versions import library_versions


@dataclass
class RunCounts:
    """What a run (or the shards of one) counted: candidates found per outlet, decisions per outlet and reason,
    duplicates per kind, and the articles written."""
    found: Counter
    decided: Mapping[str, Counter]
    duplicate_kinds: Counter
    written: list[WrittenArticle]
    found_approximated: bool = False  # a killed shard's `found` is estimated: `undecided` is then never below 0


@dataclass
class RunFacts:
    """The rest of report.json, as the run knows it."""
    story: StoryInfo
    started_at: str
    finished_at: str
    seconds: float
    finish_reason: str
    corpus_dir: str
    settings: dict
    reasons: dict = field(default_factory=lambda: REASONS)
    source_errors: list[dict] = field(default_factory=list)
    requests: int = 0
    skipped_listings: list[dict] = field(default_factory=list)
    budget: list[dict] = field(default_factory=list)
    versions: dict | None = None  # None: the libraries of this process


def build_report(facts: RunFacts, counts: RunCounts, fetch_cost: Callable[[dict], dict],
                 failed_sources: list[dict] | None = None, corpus: dict | None = None,
                 shards: list[dict] | None = None) -> ReportRecord:
    """report.json; `fetch_cost` is given the outlet table. A crawl's report has `failed_sources` and `corpus`,
    a merge's `shards`."""
    outlets = outlet_table(counts)
    totals = {key: sum(row[key] for row in outlets.values()) for key in ("found", *REASONS, "undecided")}
    return ReportRecord(
        story=facts.story, started_at=facts.started_at, finished_at=facts.finished_at, seconds=facts.seconds,
        finish_reason=facts.finish_reason, corpus_dir=facts.corpus_dir, settings=facts.settings,
        versions=facts.versions if facts.versions is not None else library_versions(),
        reasons=facts.reasons, totals=totals, outlets=outlets,
        duplicates=duplicate_counts(counts.duplicate_kinds, counts.written, totals["near_duplicate"]),
        clusters=shared_clusters(counts.written), languages=language_counts(counts.written),
        dates=date_ranges(counts.written), source_errors=facts.source_errors,
        failed_sources=failed_sources,
        requests=facts.requests, fetch_cost=fetch_cost(outlets), skipped_listings=facts.skipped_listings,
        budget=facts.budget, corpus=corpus, shards=shards)


def outlet_table(counts: RunCounts) -> dict[str, dict]:
    """Per outlet: candidates found, decisions by reason, and the candidates left undecided."""
    table = {}
    for outlet in sorted(set(counts.found) | set(counts.decided)):
        decided = counts.decided.get(outlet, Counter())
        row = {reason: decided[reason] for reason in REASONS}
        undecided = counts.found[outlet] - sum(row.values())
        table[outlet] = {"found": counts.found[outlet], **row,
                         "undecided": max(0, undecided) if counts.found_approximated else undecided}
    return table


# --- the corpus sections, from the written articles ---------------------------------------------------------------

def duplicate_counts(kinds: Counter, written: list[WrittenArticle], dropped: int) -> dict:
    """Exact duplicates by kind (recorded without a file), and near-duplicates kept and marked, or dropped."""
    return {**{kind: kinds[kind] for kind in DUPLICATE_KINDS},
            "near_duplicate_marked": sum(1 for article in written if article.near_duplicate_of),
            "near_duplicate_dropped": dropped}


def shared_clusters(written: list[WrittenArticle]) -> dict:
    """The near-duplicate clusters (wire copies) with two or more written articles, with their members."""
    members = defaultdict(list)
    for article in written:
        members[article.cluster_id].append({"url": article.url, "outlet": article.outlet})
    shared = [{"cluster_id": cluster_id, "members": urls}
              for cluster_id, urls in sorted(members.items()) if len(urls) > 1]
    return {"count": len(shared), "clusters": shared}


def language_counts(written: list[WrittenArticle]) -> dict[str, int]:
    """Articles written per detected language ("und" where none was detected, as in the corpus's folders)."""
    return dict(sorted(Counter(article.language or "und" for article in written).items()))


def date_ranges(written: list[WrittenArticle]) -> dict[str, dict]:
    """Per outlet: the earliest and latest publication day of its written articles, and how many had no date."""
    ranges = {}
    for outlet in sorted({article.outlet for article in written}):
        days = [parse_day(article.published) for article in written if article.outlet == outlet]
        dated = sorted(day for day in days if day)
        ranges[outlet] = {"earliest": dated[0].isoformat() if dated else None,
                          "latest": dated[-1].isoformat() if dated else None,
                          "undated": len(days) - len(dated)}
    return ranges
