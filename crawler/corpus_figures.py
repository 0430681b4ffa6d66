"""What the corpus holds after all its runs, from its manifest: report.json's `corpus` section, report.html's
header and the console summary's "corpus:" line. A run's own counts (found, written...) say what that run did;
after an incremental run that found nothing new they are zeros, while the corpus is what a reader wants."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from cleaners.dates import parse_day

from .corpus import read_jsonl
from .records import ManifestRecord


def corpus_articles(records: list[ManifestRecord]) -> list[ManifestRecord]:
    """Manifest records of the articles in the corpus: with a text file, the latest version of each."""
    written = [r for r in records if r.path]
    replaced = {r.previous_version for r in written if r.previous_version}
    return [r for r in written if r.path not in replaced]


def corpus_figures(corpus_dir: Path) -> dict:
    records = [ManifestRecord.from_json({"url": None, **r})
               for r in read_jsonl(Path(corpus_dir) / "manifest.jsonl") if isinstance(r, dict)]
    articles = corpus_articles(records)
    days = sorted(day for day in (parse_day(r.published) for r in articles) if day)
    return {
        "articles": len(articles),
        "versions": sum(1 for r in records if r.path),
        "duplicates_recorded": sum(1 for r in records if not r.path),
        "outlets": dict(sorted(Counter(r.outlet or "?" for r in articles).items())),
        "languages": dict(sorted(Counter(r.language or "und" for r in articles).items())),
        "earliest": days[0].isoformat() if days else None,
        "latest": days[-1].isoformat() if days else None,
        "undated": len(articles) - len(days),
    }


def corpus_line(figures: dict, written_this_run: int) -> str:
    """The console summary's line for the corpus as a whole."""
    languages = ", ".join(f"{lang} {n}" for lang, n in figures["languages"].items()) or "none"
    span = f", published {figures['earliest']}..{figures['latest']}" if figures["earliest"] else ""
    return (f"corpus: {figures['articles']} articles from {len(figures['outlets'])} outlets in "
            f"{len(figures['languages'])} languages ({languages}){span}; this run wrote {written_this_run}")
