"""The extraction ceiling: storycrawler's cleaners alone over saved pages, on every core.

    python bench/clean_pages.py PAGES.tsv ROOT RESULT_JSON [--processes N]

PAGES.tsv holds one `file<TAB>url` line per page (file relative to ROOT), as `bench/crawl.py` writes it.
Each worker reads a page from disk, decodes it as the crawl's response.text would be, and calls
`cleaners.extract(html, url)`; no network, no Scrapy, no pipelines. The parent cleans one page first
(untimed) so the forked workers start with the lexicon, site rules and language model loaded; the timed
part is the pool's work from creation to the last page. RESULT_JSON gets {"pages", "articles", "words",
"pool_seconds", "pool_cpu_seconds" (the workers' CPU), "processes"}.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import resource
import sys
import time
from pathlib import Path

from cleaners import extract

CHUNK = 8  # pages per task: enough to amortise the pool's pickling, small enough to balance the cores


def clean_one(job: tuple[str, str, str]) -> int:
    """Word count of the page's article, or -1 when the cleaners find none."""
    root, file, url = job
    html = (Path(root) / file).read_bytes().decode("utf-8", errors="replace")
    article = extract(html, url=url)
    return article.word_count if article else -1


def read_jobs(pages_tsv: Path, root: Path) -> list[tuple[str, str, str]]:
    jobs = []
    for line in pages_tsv.read_text(encoding="utf-8").splitlines():
        file, _, url = line.partition("\t")
        jobs.append((str(root), file, url))
    return jobs


def clean_all(jobs: list, processes: int) -> dict:
    if jobs:
        clean_one(jobs[0])  # warm-up in the parent: forked workers inherit what it loaded
    started, children_before = time.perf_counter(), children_cpu_seconds()
    pool = multiprocessing.get_context("fork").Pool(processes)
    counts = pool.map(clean_one, jobs, chunksize=CHUNK)
    pool.close()
    pool.join()  # the workers reaped: their CPU time is in this process's children's usage now
    seconds = time.perf_counter() - started
    return {"pages": len(jobs), "articles": sum(c >= 0 for c in counts), "words": sum(c for c in counts if c > 0),
            "pool_seconds": round(seconds, 3), "pool_cpu_seconds": round(children_cpu_seconds() - children_before, 3),
            "processes": processes}


def children_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("pages", type=Path, help="file<TAB>url per line")
    parser.add_argument("root", type=Path, help="the folder the files are relative to")
    parser.add_argument("result", type=Path, help="where the JSON result goes")
    parser.add_argument("--processes", type=int, default=os.cpu_count(), help="pool size (default: all cores)")
    args = parser.parse_args(argv)
    result = clean_all(read_jobs(args.pages, args.root), args.processes)
    args.result.write_text(json.dumps(result), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
