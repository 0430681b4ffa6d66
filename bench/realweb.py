"""A mini-web of real article pages, for `bench/crawl.py --pages-from DIR...`.

The pages are the shared benchmark sets' gzipped HTML (`DIR/html/*.html.gz`, or `DIR/*.html.gz`), served
over the same six outlets, host names, listings and server as `bench/miniweb.py`: robots.txt -> sitemap
index -> monthly sitemaps, a news sitemap and an RSS feed per outlet. N article pages are made by cycling
through the source pages; every copy is marked so that

- no two copies are the same text (exact deduplication would otherwise collapse the copies of a page and
  the crawl would write, and clean, far fewer articles than it fetched): a unique marker word goes into the
  page's longest paragraph, where a content extractor keeps it;
- every copy is on the story's topic: the marker paragraph and the title carry the story's two terms
  (`STORY_GROUPS` of miniweb.py), so relevance passes and each page goes the whole way to the corpus.

The bytes of a page are edited as bytes (ASCII inserted after a tag), so pages in legacy charsets keep
their own encoding; they are served as `text/html` with no charset, so the crawl reads the page's own
declaration, as on the real web. The story's window covers any date a real page may carry (1990-2035),
and the listings date each URL inside it.

    python bench/realweb.py WORKDIR --pages-from DIR [DIR...] [--pages 2000]

writes WORKDIR/web/, story.toml, pages.tsv and web.json like miniweb.py, prints that JSON on one line once
it serves, and serves until its standard input closes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import random
import re
import sys
import time
from pathlib import Path

from miniweb import (OUTLETS, STORY_GROUPS, ArticleInfo, GeneratedWeb, MiniWebServer, Outlet, monthly_sitemaps,
                     news_sitemap, robots_txt, rss_feed, save_page, sitemap_index, url_sitemap, write_web_files)

WINDOW = (dt.date(1970, 1, 1), dt.date(2099, 12, 31))  # any real page's own date is inside it
LISTED_SPAN = (dt.date(2025, 3, 1), dt.date(2025, 6, 30))  # the dates the listings give the URLs
STORY_TERMS = " ".join(group[0].rstrip("*") for group in STORY_GROUPS)
PARAGRAPH = re.compile(rb"<p(?:\s[^>]*)?>(.*?)</p\s*>", re.IGNORECASE | re.DOTALL)
TITLE_OPEN = re.compile(rb"<title(?:\s[^>]*)?>", re.IGNORECASE)
H1_OPEN = re.compile(rb"<h1(?:\s[^>]*)?>", re.IGNORECASE)
OG_TITLE = re.compile(rb"""<meta\s[^>]*property=["']og:title["'][^>]*content=["']""", re.IGNORECASE)
HEAD_CLOSE = re.compile(rb"</head\s*>", re.IGNORECASE)
BODY_OPEN = re.compile(rb"<body(?:\s[^>]*)?>", re.IGNORECASE)
# A page's own canonical URL (link rel=canonical, og:url) would make every copy of it one article at one URL
CANONICAL = re.compile(rb"""(rel\s*=\s*["']?)canonical\b|(property\s*=\s*["'])og:url\b""", re.IGNORECASE)


def source_files(folders: list[Path]) -> list[Path]:
    """Every gzipped page of the given sets, in a stable order; a set's pages are in DIR/html/ or DIR/."""
    files = []
    for folder in folders:
        html = folder / "html"
        files += sorted((html if html.is_dir() else folder).glob("*.html.gz"))
    return files


def marker(copy: int) -> bytes:
    """A word found in no other copy: letters only, so a tokenizer keeps it one word."""
    letters, n = [], copy
    while True:
        n, digit = divmod(n, 26)
        letters.append(chr(ord("a") + digit))
        if not n:
            break
    return ("Qz" + "".join(reversed(letters))).encode("ascii")


def mark_page(page: bytes, copy: int, published: dt.datetime) -> bytes:
    """The page with `STORY_TERMS marker.` opening its longest paragraph (a page with no paragraph gets one
    right after <body>, or at its start), the story's terms opening its <title>, first <h1> and og:title
    (whichever the extractor takes as the headline), its canonical link and og:url renamed (the copies of a
    page would otherwise all name its original URL, and be settled as one article), and a declared
    publication date before </head>:
    many older pages of the sets have none, and an untyped, undated page stops at "not an article"
    after cleaning, skipping the rest of the crawl's work (relevance, near-duplicates, writing)."""
    sentence = f"{STORY_TERMS} ".encode("ascii") + marker(copy) + b". "
    page = CANONICAL.sub(lambda m: (m.group(1) or m.group(2)) + b"x-source-canonical", page)
    longest = max(PARAGRAPH.finditer(page), key=lambda m: len(m.group(1)), default=None)
    if longest is not None:
        at = longest.start(1)
        page = page[:at] + sentence + page[at:]
    else:
        body = BODY_OPEN.search(page)
        at = body.end() if body else 0
        page = page[:at] + b"<p>" + sentence + b"</p>" + page[at:]
    for headline in (TITLE_OPEN, H1_OPEN, OG_TITLE):
        found = headline.search(page)
        if found:
            page = page[:found.end()] + f"{STORY_TERMS}: ".encode("ascii") + page[found.end():]
    date = f'<meta property="article:published_time" content="{published.isoformat()}">'.encode("ascii")
    head_end = HEAD_CLOSE.search(page)
    at = head_end.start() if head_end else 0
    return page[:at] + date + page[at:]


def listed_moments(count: int, seed: int) -> list[dt.datetime]:
    rng = random.Random(f"{seed}:real:dates")
    start = dt.datetime.combine(LISTED_SPAN[0], dt.time(6), tzinfo=dt.timezone.utc)
    span = (LISTED_SPAN[1] - LISTED_SPAN[0]).days * 86400
    return sorted(start + dt.timedelta(seconds=rng.randrange(span)) for _ in range(count))


def generate_real_web(root: Path, sources: list[Path], total_pages: int, seed: int, origins: dict[str, str],
                      outlets: tuple[Outlet, ...] = OUTLETS) -> GeneratedWeb:
    """`total_pages` marked copies of the source pages, dealt round the outlets; their listings; all on disk."""
    web = GeneratedWeb(root=root, origins=origins)
    originals = [gzip.decompress(path.read_bytes()) for path in sources]
    planned: dict[str, list[tuple[ArticleInfo, bytes]]] = {o.name: [] for o in outlets}
    for copy, moment in enumerate(listed_moments(total_pages, seed)):
        outlet = outlets[copy % len(outlets)]
        path = f"/story/{copy:06d}.html"
        info = ArticleInfo(copy, origins[outlet.name] + path, path, f"{STORY_TERMS} {marker(copy).decode()}",
                           "story", moment, ())
        planned[outlet.name].append((info, mark_page(originals[copy % len(originals)], copy, moment)))
    for outlet in outlets:
        web.resources[outlet.address] = outlet_resources(web, outlet, planned[outlet.name])
    return web


def outlet_resources(web: GeneratedWeb, outlet: Outlet, pages: list[tuple[ArticleInfo, bytes]]) -> dict:
    origin, articles, resources = web.origins[outlet.name], [info for info, _ in pages], {}
    for info, body in pages:
        resources[info.path] = ("text/html", body)
        web.pages.append((save_page(web.root, outlet, info.path, body), info.url))
        web.html_bytes += len(body)
    xml = "application/xml; charset=utf-8"
    sitemaps = monthly_sitemaps(articles)
    resources.update({path: (xml, url_sitemap(items).encode()) for path, items in sitemaps.items()})
    resources["/sitemap.xml"] = (xml, sitemap_index(origin, sitemaps).encode())
    resources["/sitemap-news.xml"] = (xml, news_sitemap(outlet, articles).encode())
    resources["/rss.xml"] = ("application/rss+xml; charset=utf-8", rss_feed(outlet, origin, articles).encode())
    resources["/robots.txt"] = ("text/plain; charset=utf-8", robots_txt(origin).encode())
    resources["/"] = ("text/html; charset=utf-8", front_page(outlet, articles))  # trafilatura checks the home page first
    return resources


def front_page(outlet: Outlet, articles: list[ArticleInfo]) -> bytes:
    links = "".join(f'<li><a href="{a.url}">{a.title}</a></li>' for a in articles[-40:])
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{outlet.brand}</title></head>'
            f"<body><ul>{links}</ul></body></html>").encode()


def real_story_toml(origins: dict[str, str], outlets: tuple[Outlet, ...] = OUTLETS) -> str:
    groups = ", ".join("[" + ", ".join(json.dumps(t) for t in group) + "]" for group in STORY_GROUPS)
    lines = ['id = "real-pages-bench"', 'title = "Real pages, marked on topic (benchmark)"',
             f"since = {WINDOW[0].isoformat()}", f"until = {WINDOW[1].isoformat()}", "", "[match]",
             f"groups = [{groups}]"]
    for outlet in outlets:
        origin = origins[outlet.name]
        lines += ["", "[[sources]]", f'name = "{outlet.name}"', f'sitemaps = ["{origin}/robots.txt"]',
                  f'feeds = ["{origin}/rss.xml"]']
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("workdir", type=Path)
    parser.add_argument("--pages-from", type=Path, nargs="+", required=True, metavar="DIR")
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--port", type=int, default=0, help="the outlets' port (default: any free one; 80 needs root)")
    args = parser.parse_args(argv)
    sources = source_files(args.pages_from)
    if not sources:
        raise SystemExit(f"no *.html.gz under {', '.join(map(str, args.pages_from))}")
    with MiniWebServer(port=args.port) as server:
        started = time.perf_counter()
        web = generate_real_web(args.workdir / "web", sources, args.pages, args.seed, server.origins())
        server.serve(web.resources)
        web.resources.clear()  # the server keeps its own copies
        summary = write_web_files(args.workdir, web, server, time.perf_counter() - started)
        (args.workdir / "story.toml").write_text(real_story_toml(web.origins), encoding="utf-8")
        summary["sources"] = len(sources)
        (args.workdir / "web.json").write_text(json.dumps(summary, indent=2), encoding="utf-8")
        print(json.dumps(summary), flush=True)
        sys.stdin.read()  # serve until the benchmark closes our standard input (or goes away)
    return 0


if __name__ == "__main__":
    sys.exit(main())
