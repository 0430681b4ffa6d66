"""What reading feeds through feedparser costs: a generated 2,000-item RSS feed and a 2,000-entry news sitemap,
each parsed by crawler/discovery.py the way the spider does (guards included), best of several runs.

    python bench/listings.py [--items 2000] [--runs 5] [--json RESULT_JSON]

The feed's items look like a real news feed's: title, link with a query, guid, RFC 822 date with an offset,
an HTML description, two categories. Also timed: the same feed's XML guards alone (lxml), to show what
feedparser itself adds. The budget is 0.5 s for the 2,000-item feed (issue 4/7).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from crawler.discovery import _xml_root, parse_feed, parse_sitemap  # noqa: E402

BUDGET_SECONDS = 0.5


def rss(items: int) -> bytes:
    entries = "".join(
        f"<item><title>Ferry timetable update number {i} &amp; what changes on the quay</title>"
        f"<link>https://news.example/harbour/{i}-ferry-timetable?ref=rss&amp;section=local</link>"
        f'<guid isPermaLink="false">news.example-{i}</guid>'
        f"<pubDate>Fri, 25 Oct 2024 {i % 24:02d}:{i % 60:02d}:00 +0200</pubDate>"
        f"<description>&lt;p&gt;The harbour office said on Friday that crossing {i} moves by ten minutes "
        f"from Monday, and the last evening departure is dropped.&lt;/p&gt;</description>"
        f"<category>Local</category><category>Transport</category></item>"
        for i in range(items))
    return (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Harbour news</title>'
            f"<link>https://news.example/</link><description>Local news</description>{entries}</channel></rss>").encode()


def news_sitemap(items: int) -> bytes:
    entries = "".join(
        f"<url><loc>https://news.example/harbour/{i}-ferry-timetable</loc><news:news><news:publication>"
        f"<news:name>Harbour news</news:name><news:language>en</news:language></news:publication>"
        f"<news:publication_date>2024-10-25T09:{i % 60:02d}:00+02:00</news:publication_date>"
        f"<news:title>Ferry timetable update number {i}</news:title></news:news></url>" for i in range(items))
    return ('<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
            f'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">{entries}</urlset>').encode()


def best_of(runs: int, work) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    feed, sitemap = rss(args.items), news_sitemap(args.items)
    assert len(parse_feed(feed, "https://news.example/rss.xml")) == args.items
    assert len(parse_sitemap(sitemap, "https://news.example/sitemap.xml").entries) == args.items
    result = {
        "items": args.items, "feed_bytes": len(feed),
        "feed_seconds": round(best_of(args.runs, lambda: parse_feed(feed, "https://news.example/rss.xml")), 4),
        "feed_guards_seconds": round(best_of(args.runs, lambda: _xml_root(feed)), 4),
        "sitemap_seconds": round(best_of(args.runs, lambda: parse_sitemap(sitemap, "https://news.example/s.xml")), 4),
    }
    result["within_budget"] = result["feed_seconds"] < BUDGET_SECONDS
    print(json.dumps(result, indent=1))
    if args.json:
        args.json.write_text(json.dumps(result, indent=1) + "\n")
    return 0 if result["within_budget"] else 1


if __name__ == "__main__":
    sys.exit(main())
