"""Extraction quality and speed: storycrawler's cleaners against plain trafilatura, side by side.

    python bench/extraction.py ../shared/bench/aeb-dev [--errors 10] [--limit N] [--site-memory]

SET_DIR holds `gold.json` ({id: {url, file, articleBody, ...}}) and the gzipped pages it names.
Score: word-4-gram shingles per page; a page's TP/FP/FN are normalised by their sum (every page weighs
the same), averaged over pages; precision and recall come from the averages, F1 from those two.
Time: each page is timed under every extractor in turn, page after page, with the order rotating so each
extractor goes first on an equal share of the pages.
With --site-memory a third row cleans the set's pages in order with one shared `SiteMemory`, as a crawl
would (it helps where a set has several pages of one site).
Exits 0 with a message when the set is absent (the benchmark data lives outside the repository).
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import trafilatura

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from cleaners import SiteMemory, extract  # noqa: E402

WORD = re.compile(r"\w+")
SHINGLE = 4


def shingles(text: str) -> Counter:
    words = WORD.findall((text or "").casefold())
    n = min(SHINGLE, len(words)) or 1
    return Counter(tuple(words[i:i + n]) for i in range(max(len(words) - n + 1, 0)))


@dataclass
class Score:
    tp: float = 0.0
    fp: float = 0.0
    fn: float = 0.0
    pages: int = 0
    seconds: float = 0.0
    worst: list = field(default_factory=list)

    def add(self, page_id: str, extracted: str, gold: str, seconds: float) -> None:
        got, want = shingles(extracted), shingles(gold)
        tp = sum((got & want).values())
        fp, fn = sum(got.values()) - tp, sum(want.values()) - tp
        total = tp + fp + fn
        self.seconds += seconds
        if total == 0:
            return
        self.tp, self.fp, self.fn, self.pages = self.tp + tp / total, self.fp + fp / total, self.fn + fn / total, self.pages + 1
        self.worst.append(((fp + fn) / total, page_id, got - want, want - got))

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def project_text(html: bytes, url: str) -> str:
    article = extract(html, url=url)
    return article.text if article else ""


def trafilatura_text(html: bytes, url: str) -> str:
    return trafilatura.extract(html, url=url, include_comments=False, include_tables=True) or ""


def with_site_memory(memory: SiteMemory):
    def project_text_remembering(html: bytes, url: str) -> str:
        article = extract(html, url=url, site_memory=memory)
        return article.text if article else ""
    return project_text_remembering


def extractors(site_memory: bool) -> dict:
    chosen = {"storycrawler": project_text, "trafilatura": trafilatura_text}
    if site_memory:
        chosen["+site memory"] = with_site_memory(SiteMemory())
    return chosen


def warm_up(chosen: dict, set_dir: Path, pages: list) -> None:
    """One untimed page first: loading models and compiling patterns is a per-process cost, not a per-page one."""
    if pages:
        html = gzip.decompress((set_dir / pages[0][1]["file"]).read_bytes())
        for name, extractor in chosen.items():
            if name != "+site memory":  # it would remember the page
                extractor(html, pages[0][1].get("url"))


def in_turn(chosen: dict, number: int) -> list:
    """The extractors in a rotating order: whichever runs second on a page finds it warm in the CPU's caches
    (measured: about 3 % faster), so each goes first on an equal share of the pages."""
    turns = list(chosen.items())
    shift = number % len(turns)
    return turns[shift:] + turns[:shift]


def run(set_dir: Path, limit: int | None, site_memory: bool = False) -> dict[str, Score]:
    gold = json.loads((set_dir / "gold.json").read_text(encoding="utf-8"))
    chosen = extractors(site_memory)
    scores = {name: Score() for name in chosen}
    pages = list(gold.items())[:limit]
    warm_up(chosen, set_dir, pages)
    for number, (page_id, entry) in enumerate(pages):
        html = gzip.decompress((set_dir / entry["file"]).read_bytes())
        for name, extractor in in_turn(chosen, number):
            started = time.perf_counter()
            text = extractor(html, entry.get("url"))
            scores[name].add(page_id, text, entry.get("articleBody") or "", time.perf_counter() - started)
    return scores


def print_table(set_dir: Path, scores: dict[str, Score]) -> None:
    print(f"\n{set_dir.name}: {scores['trafilatura'].pages} pages")
    print(f"{'extractor':<14}{'precision':>10}{'recall':>10}{'F1':>10}{'ms/page':>10}")
    for name, s in scores.items():
        ms = 1000 * s.seconds / max(s.pages, 1)
        print(f"{name:<14}{s.precision:>10.4f}{s.recall:>10.4f}{s.f1:>10.4f}{ms:>10.1f}")
    ours, base = scores["storycrawler"], scores["trafilatura"]
    print(f"{'ratio':<14}{ours.precision / base.precision:>10.3f}{ours.recall / base.recall:>10.3f}"
          f"{ours.f1 / base.f1:>10.3f}{ours.seconds / base.seconds:>10.3f}")


def print_errors(score: Score, count: int) -> None:
    for loss, page_id, leaked, missed in sorted(score.worst, reverse=True)[:count]:
        print(f"\n--- {page_id}: {loss:.3f} of its shingles wrong")
        print("  leaked:", " | ".join(" ".join(s) for s in list(leaked)[:12]))
        print("  missed:", " | ".join(" ".join(s) for s in list(missed)[:12]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("set_dirs", nargs="+", type=Path, help="benchmark sets (gold.json + html/)")
    parser.add_argument("--errors", type=int, default=0, metavar="N", help="list the N worst pages of the project")
    parser.add_argument("--limit", type=int, help="only the first N pages of each set")
    parser.add_argument("--site-memory", action="store_true", help="also clean with one SiteMemory shared over the set")
    args = parser.parse_args(argv)
    for set_dir in args.set_dirs:
        if not (set_dir / "gold.json").exists():
            print(f"skipped {set_dir}: no gold.json there (the benchmark sets live in ../shared/bench/)")
            continue
        scores = run(set_dir, args.limit, args.site_memory)
        print_table(set_dir, scores)
        if args.errors:
            print_errors(scores["storycrawler"], args.errors)
    return 0


if __name__ == "__main__":
    sys.exit(main())
