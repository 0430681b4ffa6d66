"""Windowed discovery's cost: a story crawl of a generated web of ten-year archives against its minimal crawl.

    python bench/discovery.py [--copies 7] [--days 3650] [--per-day 4] [--keep DIR] [--polite]

Serves `crawler.archive_web.ArchiveWeb` (outlets of six shapes: daily sitemap indexes with lastmod, monthly
sitemaps dated by URL, query-dated sitemaps, HTML date archives, a section and a blog paginated hundreds of
pages deep; `--copies` outlets of each shape, one loopback address each) in this process, runs `storycrawl
crawl` on its story with politeness off (the figure is requests, not delays; `--polite` keeps the crawl's
own settings: robots.txt, AutoThrottle, DOWNLOAD_DELAY, two requests at a time per outlet), and prints per
shape and in total: requests made against the minimal crawl (robots.txt, seeds, listings that can hold
in-window entries, in-window articles), recall and precision of the written corpus against the on-topic
in-window articles, listings and links skipped by date, wasted article fetches, megabytes, and the crawl's
wall time.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crawler.archive_web import ArchiveWeb  # noqa: E402

FAST_SETTINGS = ["AUTOTHROTTLE_ENABLED=False", "DOWNLOAD_DELAY=0", "CONCURRENT_REQUESTS_PER_DOMAIN=4"]
QUIET_SETTINGS = ["PROGRESS_INTERVAL=0", "LOG_LEVEL=WARNING"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--copies", type=int, default=7, help="outlets of each of the six shapes")
    parser.add_argument("--days", type=int, default=3650, help="days of archive per outlet")
    parser.add_argument("--per-day", type=int, default=4, help="articles a day per outlet (odd outlets one more)")
    parser.add_argument("--keep", type=Path, help="write the corpus here instead of a temporary folder")
    parser.add_argument("--polite", action="store_true", help="the crawl's own politeness settings (AutoThrottle, delays)")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="discovery-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    with ArchiveWeb(days=args.days, per_day=args.per_day, copies=args.copies) as web:
        story = work / "story.toml"
        story.write_text(web.story_toml(), encoding="utf-8")
        started = time.monotonic()
        command = [str(Path(sys.executable).parent / "storycrawl"), "crawl", str(story), "--out", str(work / "corpus")]
        settings = QUIET_SETTINGS + ([] if args.polite else FAST_SETTINGS)
        result = subprocess.run([*command, *(arg for s in settings for arg in ("-s", s))], capture_output=True,
                                text=True, cwd=ROOT)
        seconds = time.monotonic() - started
        if result.returncode != 0:
            sys.exit(f"the crawl failed ({result.returncode}):\n{result.stderr[-3000:]}")
        print_table(web, work / "corpus", seconds, args)


def print_table(web: ArchiveWeb, corpus: Path, seconds: float, args) -> None:
    minimal = web.minimal_crawl()
    made = Counter(r["outlet"] for r in web.requests)
    report = json.loads((corpus / "report.json").read_text())
    written = {json.loads(line)["url"] for line in (corpus / "manifest.jsonl").read_text().splitlines()
               if json.loads(line)["path"]}
    wanted = web.in_window_on_topic()
    articles = sum(web.article_count(outlet) for outlet in web.outlets.values())
    print(f"archive web: {len(web.outlets)} outlets, {args.days} days each, {articles:,} articles; "
          f"window {report['story']['since']}..{report['story']['until']}, {len(wanted)} on-topic in-window articles\n")
    print("| shape | outlets | requests | minimal | ratio | listings skipped | links skipped | wasted | MB |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    cost = report["fetch_cost"]["outlets"]
    for shape in dict.fromkeys(outlet.shape for outlet in web.outlets.values()):
        names = [name for name, outlet in web.outlets.items() if outlet.shape == shape]
        requests, least = sum(made[n] for n in names), sum(len(minimal[n]) for n in names)
        total = lambda key: sum(cost.get(n, {}).get(key, 0) for n in names)  # noqa: E731
        print(f"| {shape} | {len(names)} | {requests:,} | {least:,} | {requests / least:.2f} | "
              f"{total('listings_skipped_by_date'):,} | {total('links_skipped_by_url_date'):,} | {total('wasted')} | "
              f"{total('bytes') / 1e6:.1f} |")
    requests, least = sum(made.values()), sum(len(paths) for paths in minimal.values())
    recall = len(wanted & written) / len(wanted)
    precision = len(wanted & written) / len(written) if written else 0.0
    print(f"\nrequests {requests:,} against a minimal crawl of {least:,}: {requests / least:.2f}x; "
          f"recall {recall:.3f}, precision {precision:.3f}; {seconds:.1f} s; finish reason {report['finish_reason']}")


if __name__ == "__main__":
    main()
