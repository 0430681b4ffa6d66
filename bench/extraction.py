"""Extraction quality and speed: storycrawler's cleaners against plain trafilatura, side by side, on every set.

    python bench/extraction.py                      # every set found in ../shared/bench
    python bench/extraction.py ../shared/bench/aeb-dev --errors 10
    python bench/extraction.py --sample 100 --jobs 2  # 100 pages a set (fixed seed), two processes
    python bench/extraction.py --ablate             # F1 per set with each cleaning step switched off

A set is a folder holding `gold.json` ({id: {url, file, articleBody, ...}}) and the gzipped pages it names.
Score: word-4-gram shingles per page; a page's TP/FP/FN are normalised by their sum (every page weighs
the same), averaged over pages; precision and recall come from the averages, F1 from those two. `<0.3`
counts the pages whose own F1 falls below 0.3: a few collapsed pages decide a set's mean.
Time: the CPU time of the extracting process (not the wall clock, so that other work on the machine does not
count), each page under every extractor in turn, with the order rotating so each extractor goes first on an
equal share of the pages (whichever runs second finds the page warm in the CPU's caches). With --jobs > 1 the
pages are shared among processes; each page is still timed in one process.
With --ablate every cleaning step (`cleaners.CleaningOptions.steps()`) is switched off in turn and the
table gives, per set, 100 × (F1 with the step off − F1 with every step on): a positive number means the step
costs that set F1.
Exits 0 with a message when no set is found (the benchmark data lives outside the repository).
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import re
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from multiprocessing import Pool
from pathlib import Path

import trafilatura

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from cleaners import CleaningOptions, SiteMemory, extract  # noqa: E402

SHARED_SETS = Path(__file__).resolve().parent.parent.parent / "shared" / "bench"
WORD = re.compile(r"\w+")
SHINGLE = 4
COLLAPSED_F1 = 0.3
SAMPLE_SEED = 20241025
OURS, PEER = "storycrawler", "trafilatura"


def shingles(text: str) -> Counter:
    words = WORD.findall((text or "").casefold())
    n = min(SHINGLE, len(words)) or 1
    return Counter(tuple(words[i:i + n]) for i in range(max(len(words) - n + 1, 0)))


@dataclass
class PageScore:
    """One page under one extractor: TP/FP/FN normalised by their sum, and the time it took."""
    page_id: str
    tp: float
    fp: float
    fn: float
    seconds: float
    leaked: list = field(default_factory=list)
    missed: list = field(default_factory=list)

    @property
    def f1(self) -> float:
        return 2 * self.tp / (2 * self.tp + self.fp + self.fn) if self.tp else 0.0


def score_page(page_id: str, extracted: str, gold: str, seconds: float, keep_errors: bool) -> PageScore | None:
    got, want = shingles(extracted), shingles(gold)
    tp = sum((got & want).values())
    fp, fn = sum(got.values()) - tp, sum(want.values()) - tp
    total = tp + fp + fn
    if total == 0:
        return None
    leaked = [" ".join(s) for s in list(got - want)[:12]] if keep_errors else []
    missed = [" ".join(s) for s in list(want - got)[:12]] if keep_errors else []
    return PageScore(page_id, tp / total, fp / total, fn / total, seconds, leaked, missed)


@dataclass
class Score:
    pages: list[PageScore] = field(default_factory=list)

    def _sum(self, name: str) -> float:
        return sum(getattr(p, name) for p in self.pages)

    @property
    def precision(self) -> float:
        tp, fp = self._sum("tp"), self._sum("fp")
        return tp / (tp + fp) if tp + fp else 0.0

    @property
    def recall(self) -> float:
        tp, fn = self._sum("tp"), self._sum("fn")
        return tp / (tp + fn) if tp + fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def seconds(self) -> float:
        return self._sum("seconds")

    @property
    def collapsed(self) -> int:
        return sum(1 for p in self.pages if p.f1 < COLLAPSED_F1)


def trafilatura_text(html: bytes, url: str | None) -> str:
    return trafilatura.extract(html, url=url, include_comments=False, include_tables=True) or ""


def cleaners_text(options: CleaningOptions, memory: SiteMemory | None = None):
    def text_of(html: bytes, url: str | None) -> str:
        article = extract(html, url=url, options=options, site_memory=memory)
        return article.text if article else ""
    return text_of


def in_turn(chosen: dict, number: int) -> list:
    """The extractors in a rotating order, so each goes first on an equal share of the pages."""
    turns = list(chosen.items())
    shift = number % len(turns)
    return turns[shift:] + turns[:shift]


@dataclass(frozen=True)
class Job:
    """What a worker process does with every page it is given."""
    variants: tuple[tuple[str, CleaningOptions], ...]
    with_peer: bool
    keep_errors: bool

    def extractors(self) -> dict:
        chosen = {name: cleaners_text(options) for name, options in self.variants}
        if self.with_peer:
            chosen[PEER] = trafilatura_text
        return chosen


_JOB: Job | None = None  # one per worker process, set by its initializer: Pool passes functions, not objects


def _start_worker(job: Job, warm_page: bytes | None) -> None:
    global _JOB
    _JOB = job
    if warm_page is not None:  # loading models and compiling patterns is a per-process cost, not a per-page one
        for extractor in job.extractors().values():
            extractor(warm_page, None)


def _score_one(task) -> tuple[str, dict[str, PageScore | None]]:
    set_name, number, page_id, path, url, gold = task
    html = gzip.decompress(Path(path).read_bytes())
    scores = {}
    for name, extractor in in_turn(_JOB.extractors(), number):
        started = time.process_time()
        text = extractor(html, url)
        scores[name] = score_page(page_id, text, gold, time.process_time() - started, _JOB.keep_errors)
    return set_name, scores


def pages_of(set_dir: Path, sample: int | None) -> list[tuple]:
    gold = json.loads((set_dir / "gold.json").read_text(encoding="utf-8"))
    entries = sorted(gold.items())
    if sample and sample < len(entries):
        entries = sorted(random.Random(SAMPLE_SEED).sample(entries, sample))
    return [(set_dir.name, n, page_id, str(set_dir / e["file"]), e.get("url") or None, e.get("articleBody") or "")
            for n, (page_id, e) in enumerate(entries)]


def run(set_dirs: list[Path], job: Job, sample: int | None, jobs: int) -> dict[str, dict[str, Score]]:
    """{set name: {extractor name: Score}} over every page of every set."""
    tasks = [task for set_dir in set_dirs for task in pages_of(set_dir, sample)]
    results: dict[str, dict[str, Score]] = {d.name: {} for d in set_dirs}
    warm = gzip.decompress(Path(tasks[0][3]).read_bytes()) if tasks else None
    if jobs > 1:
        with Pool(jobs, initializer=_start_worker, initargs=(job, warm)) as pool:
            outcomes = list(pool.imap(_score_one, tasks, chunksize=4))
    else:
        _start_worker(job, warm)
        outcomes = [_score_one(task) for task in tasks]
    for set_name, scores in outcomes:
        for name, page in scores.items():
            if page is not None:
                results[set_name].setdefault(name, Score()).pages.append(page)
    return results


def macro(results: dict[str, dict[str, Score]], name: str, metric: str) -> float:
    values = [getattr(scores[name], metric) for scores in results.values() if name in scores]
    return sum(values) / len(values) if values else 0.0


def print_comparison(results: dict[str, dict[str, Score]]) -> None:
    print(f"{'set':<13}{'pages':>6} | {'cleaners P':>10}{'R':>7}{'F1':>7}{'<0.3':>5} | "
          f"{'trafilatura P':>13}{'R':>7}{'F1':>7}{'<0.3':>5} | {'ΔF1':>7}{'ΔR':>7} | {'time':>5}")
    for set_name, scores in results.items():
        ours, peer = scores[OURS], scores[PEER]
        ratio = ours.seconds / peer.seconds if peer.seconds else 0.0
        print(f"{set_name:<13}{len(peer.pages):>6} | {ours.precision:>10.4f}{ours.recall:>7.4f}{ours.f1:>7.4f}"
              f"{ours.collapsed:>5} | {peer.precision:>13.4f}{peer.recall:>7.4f}{peer.f1:>7.4f}{peer.collapsed:>5} | "
              f"{ours.f1 - peer.f1:>+7.4f}{ours.recall - peer.recall:>+7.4f} | {ratio:>5.2f}")
    ours_f1, peer_f1 = macro(results, OURS, "f1"), macro(results, PEER, "f1")
    total_ours = sum(s[OURS].seconds for s in results.values())
    total_peer = sum(s[PEER].seconds for s in results.values())
    pages = sum(len(s[PEER].pages) for s in results.values())
    print(f"{'macro mean':<13}{pages:>6} | {macro(results, OURS, 'precision'):>10.4f}{macro(results, OURS, 'recall'):>7.4f}"
          f"{ours_f1:>7.4f}{'':>5} | {macro(results, PEER, 'precision'):>13.4f}{macro(results, PEER, 'recall'):>7.4f}"
          f"{peer_f1:>7.4f}{'':>5} | {ours_f1 - peer_f1:>+7.4f}{'':>7} | {total_ours / max(total_peer, 1e-9):>5.2f}")
    print(f"ms/page over all pages: cleaners {1000 * total_ours / max(pages, 1):.1f}, "
          f"trafilatura {1000 * total_peer / max(pages, 1):.1f}")


def print_ablation(results: dict[str, dict[str, Score]], steps: list[str]) -> None:
    names = list(results)
    print("\nAblation: 100 × (F1 with the step off − F1 with all steps on); + means the step costs the set F1")
    print(f"{'step off':<26}" + "".join(f"{n[:11]:>12}" for n in names) + f"{'macro':>9}")
    for step in steps:
        deltas = [100 * (results[n][step].f1 - results[n][OURS].f1) for n in names]
        print(f"{step:<26}" + "".join(f"{d:>+12.2f}" for d in deltas) + f"{sum(deltas) / len(deltas):>+9.2f}")


def print_errors(results: dict[str, dict[str, Score]], count: int) -> None:
    for set_name, scores in results.items():
        worst = sorted(scores[OURS].pages, key=lambda p: p.f1)[:count]
        peer = {p.page_id: p.f1 for p in scores[PEER].pages} if PEER in scores else {}
        for page in worst:
            print(f"\n--- {set_name} {page.page_id}: F1 {page.f1:.3f} (trafilatura {peer.get(page.page_id, 0):.3f})")
            print("  leaked:", " | ".join(page.leaked))
            print("  missed:", " | ".join(page.missed))


def find_sets(given: list[Path]) -> list[Path]:
    candidates = given or (sorted(p for p in SHARED_SETS.iterdir() if p.is_dir()) if SHARED_SETS.is_dir() else [])
    found = [d for d in candidates if (d / "gold.json").exists()]
    for missing in set(candidates) - set(found):
        print(f"skipped {missing}: no gold.json there")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("set_dirs", nargs="*", type=Path, help=f"benchmark sets (default: every set in {SHARED_SETS})")
    parser.add_argument("--sample", type=int, metavar="N", help="N pages a set, drawn with a fixed seed")
    parser.add_argument("--jobs", type=int, default=1, metavar="N", help="worker processes (default 1)")
    parser.add_argument("--errors", type=int, default=0, metavar="N", help="list the N worst pages of each set")
    parser.add_argument("--ablate", action="store_true", help="F1 per set with each cleaning step switched off")
    parser.add_argument("--off", action="append", default=[], metavar="STEP", help="switch a step off (repeatable)")
    args = parser.parse_args(argv)
    set_dirs = find_sets(args.set_dirs)
    if not set_dirs:
        print(f"no benchmark set found (looked in {SHARED_SETS}): nothing to measure")
        return 0
    options = CleaningOptions().without(*args.off)
    steps = CleaningOptions.steps() if args.ablate else []
    variants = ((OURS, options), *((step, options.without(step)) for step in steps))
    results = run(set_dirs, Job(variants, with_peer=True, keep_errors=bool(args.errors)), args.sample, args.jobs)
    print_comparison(results)
    if steps:
        print_ablation(results, steps)
    if args.errors:
        print_errors(results, args.errors)
    return 0


if __name__ == "__main__":
    sys.exit(main())
