"""Row (e) of `bench/crawl.py`: news-please's own crawler over the mini-web, installed in a venv of its own.

news-please (1.6.16) pins its own Scrapy, newspaper4k, readability-lxml and database clients, so it lives
in a separate venv (`python -m venv NP && NP/bin/pip install news-please`, about 4 minutes) and the
benchmark is given its executable (`--news-please NP/bin/news-please`). Three things make it crawl the
mini-web, nothing else is changed:

- its launcher starts each outlet's crawler as a process of its own, which run_tool.py's in-process host
  names never reach: PYTHONPATH names `news_please_site/`, whose sitecustomize.py maps the names in every
  Python process it starts (and fails every other name at once: the machine is offline);
- Scrapy's OffsiteMiddleware ignores an allowed domain with a port, which drops every request of a
  news-please spider on `http://host:PORT/`: the web is served on port 80 for this row (`--port 80`, root);
- its config is its own default config.cfg with these edits: SitemapCrawler (its default) on the six
  outlets' home pages, politeness off as for the other rows (no AutoThrottle, no delay, 32 requests, 16 per
  outlet), one crawler process per outlet (six at once), JSON files as its only storage (no HTML copies, no
  databases), and its article heuristics (og:type and linked headlines) replaced by the one a sitemap crawl
  passes anyway, so that it extracts every page as the other rows do.

Articles = the JSON files it wrote. Its launcher checks every 10 s whether its crawlers are done, so its
wall time holds up to 10 s of waiting; its CPU time does not.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

SITE_DIR = Path(__file__).resolve().parent / "news_please_site"
CONFIG_EDITS = (  # (key, value) in news-please's own config.cfg: each key is set where it stands
    ("default", "SitemapCrawler"),
    ("number_of_parallel_crawlers", "6"),
    ("enabled_heuristics", '{"crawler_contains_only_article_alikes": True}'),
    ("pass_heuristics_condition", '"crawler_contains_only_article_alikes"'),
    ("CONCURRENT_REQUESTS", "32"),
    ("CONCURRENT_REQUESTS_PER_DOMAIN", "16"),
)
PIPELINES = ("ITEM_PIPELINES = {'newsplease.pipeline.pipelines.ArticleMasterExtractor':100,\n"
             "                  'newsplease.pipeline.pipelines.JsonFileStorage':300}\n")
SCRAPY_ADDITIONS = "AUTOTHROTTLE_ENABLED = False\nDOWNLOAD_DELAY = 0\n"


def default_config(executable: Path) -> str:
    """news-please's own config.cfg, from the package the executable's venv holds."""
    python = executable.parent / "python"
    folder = subprocess.run([str(python), "-c", "import newsplease, os; print(os.path.dirname(newsplease.__file__))"],
                            capture_output=True, text=True, check=True).stdout.strip()
    return (Path(folder) / "config" / "config.cfg").read_text(encoding="utf-8")


def bench_config(default: str, working_path: Path) -> str:
    config = default
    for key, value in CONFIG_EDITS:
        line = f"{key} = {value}"
        config, found = re.subn(rf"(?m)^{re.escape(key)}\s*=.*$", lambda _m, line=line: line, config, count=1)
        if not found:
            raise ValueError(f"news-please's config.cfg has no {key} setting: another version?")
    config, found = re.subn(r"(?m)^working_path\s*=.*$", lambda _m: f"working_path = {working_path}/", config, count=1)
    config, pipelines = re.subn(r"(?ms)^ITEM_PIPELINES = \{.*?\}\n", lambda _m: PIPELINES, config, count=1)
    if not (found and pipelines and "\n[Scrapy]\n" in config):
        raise ValueError("news-please's config.cfg has no working_path, ITEM_PIPELINES or [Scrapy]: another version?")
    return config.replace("\n[Scrapy]\n", "\n[Scrapy]\n" + SCRAPY_ADDITIONS, 1)


def write_config(folder: Path, executable: Path, origins: dict[str, str]) -> Path:
    """config.cfg and sitelist.hjson in `folder`/config; news-please writes under `folder`/work."""
    config = folder / "config"
    config.mkdir(parents=True, exist_ok=True)
    (config / "config.cfg").write_text(bench_config(default_config(executable), folder / "work"), encoding="utf-8")
    sites = {"base_urls": [{"url": origin + "/", "crawler": "SitemapCrawler"} for origin in origins.values()]}
    (config / "sitelist.hjson").write_text(json.dumps(sites, indent=2), encoding="utf-8")
    return config


def count_articles(folder: Path) -> int:
    data = folder / "work" / "data"
    return sum(1 for _ in data.rglob("*.json")) if data.exists() else 0
