"""Crawl speed: the project's full crawl against its extraction ceiling and against trafilatura's crawler.

    python bench/crawl.py [--pages 2000] [--seed 7] [--keep DIR] [--skip-trafilatura] [--timeout 1800]
                          [--pages-from DIR [DIR...]] [--runs 3]

`--pages-from ../shared/bench/*` serves real pages instead of generated ones (`bench/realweb.py`: every
set's gzipped HTML, copied round to --pages pages, each copy marked with a unique word and the story's
terms, so exact deduplication cannot collapse copies and every page is on topic and cleaned), on the same
outlets, listings and server. Without any such folder (no ../shared), the benchmark says so and exits 0.
`--runs N` runs every row N times and reports each row's median run (by pages/s), with the spread.

One invocation:
1. Generates a mini-web (`bench/miniweb.py`, prose from `bench/prose.py`): N article pages (2,000 by
   default) over six outlets in three languages, each outlet with robots.txt -> sitemap index -> monthly
   sitemaps (<= 1,000 URLs), a news sitemap and an RSS feed; every article is in the story's window and
   on-topic. Served from 127.0.0.41-46 (one address per outlet, one port) by threaded stdlib servers from
   bytes built once, gzip and keep-alive, in a process of its own. The outlets have `www.<outlet>.test`
   host names, which `bench/run_tool.py` resolves to those addresses inside the measured processes
   (trafilatura refuses IP-address hosts; there is no DNS for .test).
2. Measures, each as a child process (wall time, user+sys CPU of it and its waited-for children from
   os.wait4, its peak RSS from wait4 = the largest single process, the process tree's summed RSS sampled
   every 0.5 s, the web server process's CPU meanwhile from /proc/PID/stat, and "other CPU": all cores'
   busy time from /proc/stat that neither used; above 10 % of a core the row is flagged, since another
   process competed for the cores):
   (s) the web server alone: every article fetched once by a bare client over 8 keep-alive connections
       (its capacity, a lower bound: the client is Python too);
   (d) Scrapy alone: the same articles fetched once by a spider that parses nothing, with the crawl's
       settings: the crawl's fetching floor. With (b) it gives the ceiling printed under the table: the
       pages/s of a crawl that only fetched and cleaned, on every core all the time;
   (a) the project's full crawl: `storycrawl crawl STORY --out DIR -s ...` (discovery, fetch, cleaning,
       window, relevance, duplicates, writing); articles = manifest.jsonl lines. Run through
       `bench/run_tool.py`, which also reports the main process's own peak RSS and CPU (the reactor),
       apart from any children;
   (b) the cleaners alone on all cores: `cleaners.extract(html, url)` over the same pages from disk in a
       fork Pool(os.cpu_count()) (`bench/clean_pages.py`); pages/s over the pool's time, the extraction
       ceiling;
   (c) trafilatura's own crawler: `trafilatura -i SITEMAPS --sitemap --list` (discovery through the
       outlets' sitemap indexes), then `trafilatura -i URLS --output-dir DIR` (fetch and extract); both
       runs summed; articles = files written. Two steps because the one-step `--sitemap --output-dir`
       never ends with trafilatura 2.3.1 / courlan 1.4.0: its compressed UrlStore loses the `visited`
       mark, so the first URL of every host is fetched again and again;
   (e) with `--news-please EXE`: news-please's own crawler, from a venv of its own, over the same web
       (served on port 80 then); articles = JSON files written. bench/news_please.py says what it takes.
3. Prints a markdown table, the ceiling (d)+(b) sets (below), the ratios a/ceiling, a/c and a/b, and the
   targets of issue 7/7: a >= 0.85 x the ceiling, a/c >= 2.0, the crawl's main-process peak RSS < 400 MB
   at 10,000 pages. Pages/s count article pages gone through (a row's "pages"), not articles made: on
   real pages the cleaners find no article in some.

Politeness is off on both sides, or this would measure delays: the crawl gets the CRAWL_SETTINGS below
(`-s`; AutoThrottle off, no download delay, 16 requests per outlet, 32 in all); trafilatura gets a
settings.cfg with SLEEP_TIME = 0 and SSRF_PROTECTION = off (loopback), and --parallel 6 (one download
thread per outlet: its queue hands out one URL per host per round), --no-comments (the cleaners drop
comments too). Everything else is each tool's default.
Exits 0 with a message when something it needs is missing (a row is skipped, or the whole run).

Peak RSS caveat: Linux starts a child's ru_maxrss at its parent's high-water mark (kept across fork and
exec), so a child's peak never reads below its launcher's. Hence this process never loads the web itself
(the server is its own process) and stays small; the report prints its peak as the floor under every
wait4 figure. The sampled tree RSS has no such floor.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import news_please

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = BENCH_DIR.parent

DEFAULT_PAGES = 2000
DEFAULT_SEED = 7
DEFAULT_TIMEOUT = 1800.0
PROBE_CONNECTIONS = 8
# The crawl's progress line on standard error (crawler/report.py, every PROGRESS_INTERVAL seconds of the spider's time):
# its seconds, then the pages decided so far: written, off-topic, out of the window and every other decision.
PROGRESS_LINE = re.compile(r"storycrawl:\s+(\d+)s\s+requests \d+\s+pending \d+\s+found \d+\s+written (\d+)\s+"
                           r"off-topic (\d+)\s+out-of-window (\d+)\s+other (\d+)")
OTHER_CPU_WARNING = 10.0  # % of one core used by unrelated processes during a run: its numbers are suspect
SAMPLE_EVERY = 0.5  # seconds between process-tree RSS samples
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
CRAWL_SETTINGS = (  # politeness off: the crawl's speed, not its manners
    ("AUTOTHROTTLE_ENABLED", "False"),
    ("DOWNLOAD_DELAY", "0"),
    ("CONCURRENT_REQUESTS", "32"),
    ("CONCURRENT_REQUESTS_PER_DOMAIN", "16"),
)
TRAFILATURA_PARALLEL = 6  # the mini-web's outlets: one download thread per host
TRAFILATURA_CONFIG = """\
# trafilatura's own settings.cfg, unthrottled for the benchmark: SLEEP_TIME 0, loopback allowed.
[DEFAULT]
DOWNLOAD_TIMEOUT = 30
MAX_FILE_SIZE = 20000000
MIN_FILE_SIZE = 10
SLEEP_TIME = 0
USER_AGENTS =
COOKIE =
MAX_REDIRECTS = 2
SSRF_PROTECTION = off
INSECURE_SSL_FALLBACK = on
MIN_EXTRACTED_SIZE = 250
MIN_OUTPUT_SIZE = 1
MIN_OUTPUT_COMM_SIZE = 1
MAX_TREE_SIZE =
EXTRACTION_TIMEOUT = 30
MIN_DUPLCHECK_SIZE = 100
MAX_REPETITIONS = 2
EXTENSIVE_DATE_SEARCH = on
EXTERNAL_URLS = off
"""
TARGET_A_OVER_CEILING = 0.85  # issue 7/7: the crawl against what fetching (d) and cleaning (b) alone allow
TARGET_A_OVER_C = 2.0
TARGET_MAIN_RSS_MB = 400
TARGET_RSS_PAGES = 10_000


# --- measuring a child process --------------------------------------------------------------------------------

@dataclass
class Measurement:
    label: str
    wall: float = 0.0
    cpu: float = 0.0  # user + sys of the process and its waited-for children
    peak_rss_kb: int = 0  # wait4's ru_maxrss: the largest single process of the tree
    tree_rss_kb: int = 0  # the tree's summed RSS, sampled
    server_cpu: float = 0.0  # the web server process's CPU seconds meanwhile
    machine_cpu: float = 0.0  # every CPU's busy seconds meanwhile, from /proc/stat
    status: int = 0
    items: int = 0
    rate_seconds: float | None = None  # the time pages/s is computed over, if not the wall time
    rate_cpu: float | None = None  # the CPU seconds of that time, if not the whole process's
    floor_kb: int = 0  # the launching process's own peak RSS when it started this run: no peak reads lower
    pages: int = 0  # article pages the run went through, when known: pages/s counts them, not articles made
    main_rss_kb: int = 0  # the tool's own process (run_tool.py's usage record), apart from its children
    usage: dict = field(default_factory=dict)  # run_tool.py's usage record of the crawl, for (a)
    load: tuple[float, float] = (0.0, 0.0)  # the machine's 1-minute load average when the run started and ended
    crawl_seconds: float | None = None  # (a): the crawl's own time, its report.json `seconds` (set-up to close)
    steady: tuple[int, int, float] | None = None  # (a): pages decided a second between its first and last progress lines
    notes: list[str] = field(default_factory=list)

    def cpu_ms_per_page(self) -> float:
        """CPU a page (the pool's alone for (b)): steadier than pages/s when other processes take the cores."""
        pages = self.pages or self.items
        return 1000 * (self.rate_cpu or self.cpu) / pages if pages else 0.0

    @property
    def pages_per_s(self) -> float:
        seconds = self.rate_seconds or self.wall
        return (self.pages or self.items) / seconds if seconds else 0.0

    def cpu_percent(self) -> float:
        return 100 * self.cpu / self.wall if self.wall else 0.0

    def server_cpu_percent(self) -> float:
        return 100 * self.server_cpu / self.wall if self.wall else 0.0

    def other_cpu_percent(self) -> float:
        """What neither the run nor the web server used: other processes competing for the cores."""
        other = self.machine_cpu - self.cpu - self.server_cpu
        return max(0.0, 100 * other / self.wall) if self.wall else 0.0

    def plus(self, other: "Measurement") -> "Measurement":
        """Two runs one after the other, as one row."""
        return Measurement(self.label, self.wall + other.wall, self.cpu + other.cpu,
                           max(self.peak_rss_kb, other.peak_rss_kb), max(self.tree_rss_kb, other.tree_rss_kb),
                           self.server_cpu + other.server_cpu, self.machine_cpu + other.machine_cpu,
                           self.status or other.status, other.items, floor_kb=max(self.floor_kb, other.floor_kb),
                           notes=self.notes + other.notes, load=(self.load[0], other.load[1]))


class TreeRssSampler:
    """Peak of the summed RSS of a process and its descendants, read from /proc every SAMPLE_EVERY seconds."""

    def __init__(self, pid: int):
        self.pid = pid
        self.peak_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="rss-sampler", daemon=True)

    def __enter__(self) -> "TreeRssSampler":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(SAMPLE_EVERY):
            self.peak_kb = max(self.peak_kb, tree_rss_kb(self.pid))


def tree_rss_kb(root: int) -> int:
    parents, rss = {}, {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
            pages = int(Path(entry.path, "statm").read_text().split()[1])
        except (OSError, ValueError, IndexError):
            continue  # gone meanwhile
        parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
        rss[int(entry.name)] = pages * PAGE_SIZE // 1024
    tree, frontier = {root}, [root]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent and pid not in tree]
        tree.update(children)
        frontier.extend(children)
    return sum(rss.get(pid, 0) for pid in tree)


def run_measured(label: str, argv: list[str], log: Path, bench: "Bench", stdout: Path | None = None,
                 env: dict | None = None) -> Measurement:
    """Run argv to its end; wall, CPU and peak RSS from os.wait4 (the process and its reaped children).
    Its output goes to `log`, or only its standard error when `stdout` names a file for the rest."""
    server_before, machine_before = bench.server_cpu(), machine_busy_seconds()
    floor_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    with log.open("wb") as err, (stdout or log).open("ab") as out:
        process = subprocess.Popen(argv, stdout=out, stderr=err if stdout else subprocess.STDOUT, env=env or bench.env,
                                   cwd=PROJECT_ROOT, start_new_session=True)  # its own group: a timeout ends all of it
    timer = threading.Timer(bench.timeout, kill_group, (process.pid,))
    timer.start()
    with TreeRssSampler(process.pid) as sampler:
        _, wait_status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    timer.cancel()
    process.returncode = os.waitstatus_to_exitcode(wait_status)  # reaped here, not by Popen
    measurement = Measurement(label, wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss, sampler.peak_kb,
                              bench.server_cpu() - server_before, machine_busy_seconds() - machine_before,
                              process.returncode, floor_kb=floor_kb, load=(load_before, os.getloadavg()[0]))
    if process.returncode:
        measurement.notes.append(f"exit status {process.returncode}"
                                 + (" (killed at --timeout)" if process.returncode == -signal.SIGKILL else "")
                                 + f"; its output: {log.name} (use --keep to read it)")
    return measurement


def kill_group(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass  # it ended as the timer fired


def machine_busy_seconds() -> float:
    """Busy time of all CPUs since boot (user, nice, system, irq, softirq, steal), from /proc/stat."""
    try:
        fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    except OSError:
        return 0.0
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(v) for v in fields[:8])
    return (user + nice + system + irq + softirq + steal) / CLOCK_TICKS


def process_cpu_seconds(pid: int) -> float:
    """user + sys of a running process (all its threads), from /proc/PID/stat."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


# --- the runs -------------------------------------------------------------------------------------------------

@dataclass
class Bench:
    """Where one benchmark run keeps its web, inputs and outputs, and what its web server told."""

    workdir: Path
    timeout: float
    web: dict = field(default_factory=dict)  # web.json
    env: dict = field(default_factory=dict)
    server_pid: int = 0
    news_please: Path | None = None  # news-please's executable, in a venv of its own: row (e)

    @property
    def pages(self) -> int:
        return self.web.get("pages", 0)

    def server_cpu(self) -> float:
        return process_cpu_seconds(self.server_pid) if self.server_pid else 0.0

    def path(self, name: str) -> Path:
        return self.workdir / name

    def tool(self, usage_name: str, *args: str) -> list[str]:
        return [sys.executable, str(BENCH_DIR / "run_tool.py"), str(self.path(usage_name)), *args]


def probe_server(bench: Bench) -> Measurement:
    m = run_measured("(s) web server alone, bare client", bench.tool("probe-usage.json", "fetch", str(bench.path("urls.txt")),
                                                                      str(PROBE_CONNECTIONS)),
                     bench.path("probe.log"), bench)
    m.items = m.pages = bench.pages if m.status == 0 else 0
    m.notes.append(f"{PROBE_CONNECTIONS} keep-alive connections, every article once, nothing parsed")
    return m


def run_scrapy_fetch(bench: Bench) -> Measurement:
    settings = [f"{name}={value}" for name, value in CRAWL_SETTINGS] + ["COOKIES_ENABLED=False"]
    m = run_measured("(d) Scrapy alone, fetch only", bench.tool("scrapy-usage.json", "scrapy-fetch",
                                                                str(bench.path("urls.txt")), *settings),
                     bench.path("scrapy-fetch.log"), bench)
    m.items = m.pages = bench.pages if m.status == 0 else 0
    m.notes.append("Scrapy with the crawl's settings fetches every article once; the callback parses nothing")
    return m


def run_crawl(bench: Bench, run: int = 1) -> tuple[Measurement, dict]:
    out = bench.path(f"out-storycrawl-{run}")
    settings = [arg for name, value in CRAWL_SETTINGS for arg in ("-s", f"{name}={value}")]
    m = run_measured("(a) storycrawl crawl (full pipeline)",
                     bench.tool("crawl-usage.json", "storycrawl", "crawl", str(bench.path("story.toml")), "--out", str(out),
                                *settings), bench.path("crawl.log"), bench)
    m.items = count_lines(out / "manifest.jsonl")
    m.pages = bench.pages if m.status == 0 else 0
    usage = read_json(bench.path("crawl-usage.json"))
    m.main_rss_kb, m.usage = usage.get("self_maxrss_kb", 0), usage
    m.steady = steady_rate(bench.path("crawl.log").read_text(encoding="utf-8", errors="replace"))
    report = read_json(out / "report.json")
    if report:
        m.crawl_seconds = report.get("seconds")
        totals = report.get("totals", {})
        m.notes.append("decisions: " + ", ".join(f"{k} {v}" for k, v in totals.items() if v))
    return m, usage


def steady_rate(log: str) -> tuple[int, int, float] | None:
    """(first second, last second, pages decided a second between them) from a crawl's progress lines: its pace once
    started and before its end, apart from what it costs to start and to stop. None with fewer than two lines."""
    points = [(int(match[1]), sum(map(int, match.groups()[1:]))) for match in PROGRESS_LINE.finditer(log)]
    if len(points) < 2 or points[-1][0] <= points[0][0]:
        return None
    (first, decided_first), (last, decided_last) = points[0], points[-1]
    return first, last, (decided_last - decided_first) / (last - first)


def run_cleaners(bench: Bench) -> Measurement:
    result_path = bench.path("clean-result.json")
    m = run_measured(f"(b) cleaners alone, Pool({os.cpu_count()})",
                     [sys.executable, str(BENCH_DIR / "clean_pages.py"), str(bench.path("pages.tsv")), str(bench.path("web")),
                      str(result_path)], bench.path("clean.log"), bench)
    result = read_json(result_path)
    m.items = result.get("articles", 0)
    m.pages = result.get("pages", 0)
    m.rate_seconds, m.rate_cpu = result.get("pool_seconds"), result.get("pool_cpu_seconds")
    if m.rate_seconds:
        m.notes.append(f"pages/s over the pool's {m.rate_seconds} s; process wall {m.wall:.1f} s with start-up")
    return m


def run_trafilatura(bench: Bench, run: int = 1) -> Measurement:
    config, urls, out = (bench.path("trafilatura.cfg"), bench.path(f"trafilatura-urls-{run}.txt"),
                         bench.path(f"out-trafilatura-{run}"))
    discovery = run_measured("discovery", bench.tool("traf-list-usage.json", "trafilatura", "-i", str(bench.path("sitemaps.txt")),
                                                     "--sitemap", "--list", "--config-file", str(config),
                                                     "--parallel", str(TRAFILATURA_PARALLEL)),
                             bench.path("trafilatura-list.log"), bench, stdout=urls)
    extraction = run_measured("extraction", bench.tool("traf-usage.json", "trafilatura", "-i", str(urls), "--output-dir", str(out),
                                                       "--config-file", str(config), "--parallel", str(TRAFILATURA_PARALLEL),
                                                       "--no-comments"),
                              bench.path("trafilatura.log"), bench)
    extraction.items = count_files(out)
    extraction.pages = count_lines(urls) if extraction.status == 0 else 0
    m = discovery.plus(extraction)
    m.pages = extraction.pages
    m.label = "(c) trafilatura --sitemap --list, then -i"
    m.notes.append(f"discovery {discovery.wall:.1f} s listed {count_lines(urls)} URLs; fetch+extract {extraction.wall:.1f} s")
    return m


def run_news_please(bench: Bench, run: int = 1) -> Measurement:
    """news-please's own crawler (bench/news_please.py says what is set up, and why)."""
    assert bench.news_please is not None
    folder = bench.path(f"news-please-{run}")
    config = news_please.write_config(folder, bench.news_please, bench.web["origins"])
    env = {**bench.env, "PYTHONPATH": str(news_please.SITE_DIR), "MINIWEB_BENCH_DIR": str(BENCH_DIR)}
    m = run_measured("(e) news-please (SitemapCrawler, its own venv)",
                     [str(bench.news_please), "-c", str(config), "-no-confirm"], bench.path("news-please.log"), bench,
                     env=env)
    m.items = news_please.count_articles(folder)
    m.pages = bench.pages if m.status == 0 else 0
    m.notes.append("one crawler process per outlet; every other host name fails at once (offline): its "
                   "newspaper extractor would fetch each page's images; wall includes up to 10 s of its launcher's polling")
    return m


def count_lines(path: Path) -> int:
    if not path.exists():
        return 0
    with path.open("rb") as fh:
        return sum(1 for line in fh if line.strip())


def count_files(folder: Path) -> int:
    return sum(1 for p in folder.rglob("*") if p.is_file()) if folder.exists() else 0


def read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


# --- the web --------------------------------------------------------------------------------------------------

class WebServerProcess:
    """`bench/miniweb.py` as a process: it generates the web, says so on one JSON line, serves until its
    standard input closes."""

    def __init__(self, bench: Bench, pages: int, seed: int, pages_from: list[Path] | None = None, port: int = 0):
        self.bench = bench
        self.argv = [sys.executable, str(BENCH_DIR / "miniweb.py"), str(bench.workdir), "--pages", str(pages),
                     "--seed", str(seed), "--port", str(port)]
        if pages_from:  # real pages: realweb.py builds them into the same outlets and serves them alike
            self.argv = [sys.executable, str(BENCH_DIR / "realweb.py"), str(bench.workdir), "--pages", str(pages),
                         "--seed", str(seed), "--port", str(port), "--pages-from", *map(str, pages_from)]
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Bench:
        with self.bench.path("server.log").open("wb") as log:
            self.process = subprocess.Popen(self.argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log,
                                            cwd=PROJECT_ROOT, env=plain_env())
        ready = self.process.stdout.readline()
        if not ready:
            self.__exit__()
            raise SystemExit(f"the mini-web server did not start: see {self.bench.path('server.log')}")
        self.bench.web = json.loads(ready)
        self.bench.server_pid = self.process.pid
        self.bench.env = child_env(self.bench.web["hosts"])
        return self.bench

    def __exit__(self, *exc) -> None:
        self.process.stdin.close()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def write_tool_inputs(bench: Bench) -> None:
    """The article URL list (for the probe), the outlets' sitemap indexes and trafilatura's settings."""
    pages = bench.path("pages.tsv").read_text(encoding="utf-8").splitlines()
    bench.path("urls.txt").write_text("".join(line.split("\t", 1)[1] + "\n" for line in pages), encoding="utf-8")
    bench.path("sitemaps.txt").write_text("".join(f"{o}/sitemap.xml\n" for o in bench.web["origins"].values()),
                                          encoding="utf-8")
    bench.path("trafilatura.cfg").write_text(TRAFILATURA_CONFIG, encoding="utf-8")


def plain_env() -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT_ROOT), env.get("PYTHONPATH")]))
    for proxy in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        env.pop(proxy, None)  # loopback, always direct
    return env


def child_env(hosts: dict[str, str]) -> dict:
    return {**plain_env(), "MINIWEB_HOSTS": ",".join(f"{host}={address}" for host, address in hosts.items())}


def describe_web(bench: Bench) -> str:
    web = bench.web
    kind = f"real pages ({web['sources']} source pages, each copy marked)" if web.get("sources") else "generated pages"
    return (f"mini-web of {kind}: {web['pages']} articles, {web['outlets']} outlets, {web['html_bytes'] / web['pages'] / 1024:.0f} KiB "
            f"of HTML per page, port {web['port']}; generated in {web['seconds']} s under {bench.workdir}")


# --- the report -----------------------------------------------------------------------------------------------

def mb(kb: int) -> float:
    return kb / 1024


def table(rows: list[Measurement]) -> str:
    lines = ["| run | pages | articles | wall s | pages/s | CPU ms/page | CPU % | peak RSS MB (largest process) "
             "| tree RSS MB (sampled) | server CPU % | other CPU % | load avg (start-end) |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for m in rows:
        wall = m.rate_seconds or m.wall
        label = m.label + (" **(failed)**" if m.status else "")
        lines.append(f"| {label} | {m.pages or '-'} | {m.items} | {wall:.1f} | {m.pages_per_s:.1f} | {m.cpu_ms_per_page():.1f} | "
                     f"{m.cpu_percent():.0f} | {mb(m.peak_rss_kb):.0f} | {f'{mb(m.tree_rss_kb):.0f}' if m.tree_rss_kb else '-'} | "
                     f"{m.server_cpu_percent():.0f} | {m.other_cpu_percent():.0f}{' (!)' if contended(m) else ''} | "
                     f"{m.load[0]:.1f}-{m.load[1]:.1f} |")
    return "\n".join(lines)


def contended(m: Measurement) -> bool:
    return m.other_cpu_percent() > OTHER_CPU_WARNING


def verdict(ok: bool | None) -> str:
    return "not measured (a run is missing or failed)" if ok is None else ("met" if ok else "NOT met")


def ceiling_pages_per_s(fetching: Measurement | None, cleaners: Measurement | None) -> float | None:
    """The most a crawl that fetches like (d) and cleans like (b) could do on this machine's cores, with
    nothing else to do and every core busy all the time."""
    if not (fetching and cleaners and fetching.pages and cleaners.pages) or fetching.status or cleaners.status:
        return None
    fetch_ms, clean_ms = per_page_ms(fetching), per_page_ms(cleaners)
    return (os.cpu_count() or 1) * 1000 / (fetch_ms + clean_ms)


def per_page_ms(m: Measurement) -> float:
    return 1000 * (m.rate_cpu or m.cpu) / m.pages


def targets(pages: int, crawl: Measurement | None, cleaners: Measurement | None, trafilatura: Measurement | None,
            ceiling: float | None, usage: dict, news: Measurement | None = None) -> list[str]:
    crawl, cleaners, trafilatura, news = (m if m and m.status == 0 else None for m in (crawl, cleaners, trafilatura, news))
    lines = []
    a_ceiling = crawl.pages_per_s / ceiling if crawl and ceiling else None
    a_c = crawl.pages_per_s / trafilatura.pages_per_s if crawl and trafilatura and trafilatura.pages_per_s else None
    lines.append(f"- a/ceiling = {a_ceiling:.2f} (target >= {TARGET_A_OVER_CEILING}): "
                 f"{verdict(a_ceiling >= TARGET_A_OVER_CEILING)}" if a_ceiling is not None else f"- a/ceiling: {verdict(None)}")
    lines.append(f"- a/c = {a_c:.2f} (target >= {TARGET_A_OVER_C}): {verdict(a_c >= TARGET_A_OVER_C)}" if a_c is not None
                 else f"- a/c: {verdict(None)}")
    if crawl and cleaners and cleaners.pages_per_s:
        lines.append(f"- a/b = {crawl.pages_per_s / cleaners.pages_per_s:.2f} (no target: the crawl must fetch too)")
    if crawl and news and news.pages_per_s:
        lines.append(f"- a/e = {crawl.pages_per_s / news.pages_per_s:.2f} (no target)")
    main_mb = mb(usage.get("self_maxrss_kb", 0))
    if not usage:
        lines.append(f"- main-process peak RSS: {verdict(None)}")
    elif pages >= TARGET_RSS_PAGES:
        lines.append(f"- main-process peak RSS {main_mb:.0f} MB at {pages} pages (target < {TARGET_MAIN_RSS_MB} MB at "
                     f"{TARGET_RSS_PAGES}): {verdict(main_mb < TARGET_MAIN_RSS_MB)}")
    else:
        lines.append(f"- main-process peak RSS {main_mb:.0f} MB at {pages} pages (target < {TARGET_MAIN_RSS_MB} MB at "
                     f"{TARGET_RSS_PAGES} pages: run with --pages {TARGET_RSS_PAGES} to judge it)")
    return lines


def contention_warning(rows: list[Measurement]) -> list[str]:
    busy = [m.label[:3] for m in rows if contended(m)]
    if not busy:
        return []
    return [f"WARNING: other processes used more than {OTHER_CPU_WARNING:.0f} % of a core during {', '.join(busy)} "
            f"(marked (!)): those rows understate speed; rerun on an idle machine.", ""]


def crawl_process_lines(crawl: Measurement, usage: dict) -> list[str]:
    if not usage:
        return ["- crawl main process: no usage record (the crawl did not finish normally)"]
    main_cpu = usage["self_cpu_s"]
    return [f"- crawl main process (Twisted reactor): peak RSS {mb(usage['self_maxrss_kb']):.0f} MB, "
            f"CPU {main_cpu:.1f} s = {100 * main_cpu / crawl.wall:.0f} % of one core over the wall time"
            f"{f' = {1000 * main_cpu / crawl.pages:.1f} ms a page' if crawl.pages else ''}; "
            f"its children: peak RSS {mb(usage['children_maxrss_kb']):.0f} MB, CPU {usage['children_cpu_s']:.1f} s"]


def ceiling_lines(fetching: Measurement | None, cleaners: Measurement | None, ceiling: float | None,
                  crawl: Measurement | None) -> list[str]:
    if ceiling is None:
        return []
    floor_ms = per_page_ms(fetching) + per_page_ms(cleaners)
    lines = [f"- ceiling (d)+(b): Scrapy's fetching costs {per_page_ms(fetching):.1f} ms of CPU a page (d), the cleaners "
             f"{per_page_ms(cleaners):.1f} ms (b); on {os.cpu_count()} cores a crawl doing only those two can reach "
             f"{ceiling:.0f} pages/s"]
    if crawl and crawl.status == 0 and crawl.pages:
        # CPU a page is steadier than pages/s when other processes take the cores: it says what the crawl adds
        lines.append(f"- CPU a page: the crawl {per_page_ms(crawl):.1f} ms (main process and workers) against "
                     f"{floor_ms:.1f} ms for (d)+(b): (d)+(b)/a = {floor_ms / per_page_ms(crawl):.2f}")
    if crawl and crawl.status == 0 and crawl.pages and crawl.crawl_seconds:
        # not the target's figure (a user waits for the whole process), but it tells fixed costs from per-page ones
        own = crawl.pages / crawl.crawl_seconds
        lines.append(f"- the crawl's own time (its report.json `seconds`: from its set-up, after the imports, to the spider's "
                     f"close): {crawl.crawl_seconds:.1f} s of its {crawl.wall:.1f} s wall, {own:.1f} pages/s = "
                     f"{own / ceiling:.2f} x the ceiling (no target: the rest is the process's start and exit)")
    if crawl and crawl.status == 0 and crawl.steady:
        first, last, pace = crawl.steady
        lines.append(f"- the crawl's steady pace (pages decided between its progress lines at {first} s and {last} s): "
                     f"{pace:.1f} pages/s = {pace / ceiling:.2f} x the ceiling (no target: without its start and end)")
    return lines


def report(bench: Bench, rows: list[Measurement], usage: dict) -> str:
    by_key = {m.label[:3]: m for m in rows}
    crawl, cleaners, trafilatura = by_key.get("(a)"), by_key.get("(b)"), by_key.get("(c)")
    ceiling = ceiling_pages_per_s(by_key.get("(d)"), cleaners)
    settings = " ".join(f"-s {name}={value}" for name, value in CRAWL_SETTINGS)
    floor = max(m.floor_kb for m in rows)
    kind = "real pages" if bench.web.get("sources") else "generated pages"
    parts = [f"## Crawl benchmark: {bench.pages} {kind}, {bench.web.get('outlets')} outlets, {os.cpu_count()} cores", "",
             table(rows), "",
             "CPU ms/page = user+sys CPU of the run (the pool alone for (b)) over its pages: it depends less than pages/s on what else runs on the machine (not nothing: caches and memory bandwidth are shared), and ratios of it hold better still. CPU % = user+sys of the process and its children over the wall time (100 % = one core). Load avg = the machine's 1-minute load average as the run started and ended. "
             "Server CPU % = the web server process meanwhile. Peak RSS (wait4) never reads below the launching "
             f"process's own peak, at most {mb(floor):.0f} MB here (Linux carries a parent's high-water mark into "
             "its children); the sampled tree RSS has no such floor. Other CPU % = busy time of all cores "
             "(/proc/stat) that neither the run nor the server used.", "",
             *contention_warning(rows),
             *targets(bench.pages, crawl, cleaners, trafilatura, ceiling, usage, by_key.get("(e)"))]
    if crawl:
        parts += crawl_process_lines(crawl, usage)
    parts += ceiling_lines(by_key.get("(d)"), cleaners, ceiling, crawl)
    parts += ["", f"Crawl settings: {settings}. trafilatura: SLEEP_TIME = 0, SSRF_PROTECTION = off, "
                  f"--parallel {TRAFILATURA_PARALLEL}, --no-comments."]
    parts += [f"- {m.label[:3]} {note}" for m in rows for note in m.notes]
    return "\n".join(parts)


def save_results(bench: Bench, rows: list[Measurement], usage: dict) -> None:
    records = [{**m.__dict__, "pages_per_s": round(m.pages_per_s, 2), "cpu_percent": round(m.cpu_percent(), 1),
                "other_cpu_percent": round(m.other_cpu_percent(), 1)} for m in rows]
    bench.path("results.json").write_text(json.dumps({"pages": bench.pages, "cores": os.cpu_count(), "rows": records,
                                                      "crawl_usage": usage}, indent=2), encoding="utf-8")


# --- main -----------------------------------------------------------------------------------------------------

def module_present(dotted: str) -> bool:
    """Whether a module can be imported, without importing it or its package: this process must stay small."""
    package, _, module = dotted.partition(".")
    spec = importlib.util.find_spec(package)
    if spec is None or not module:
        return spec is not None
    return any((Path(folder) / f"{module}.py").exists() for folder in spec.submodule_search_locations or ())


def missing_requirements() -> list[str]:
    if str(PROJECT_ROOT) not in sys.path:
        sys.path.append(str(PROJECT_ROOT))  # as the runs get it through PYTHONPATH
    needed = {"cleaners": "the cleaners", "crawler.cli": "the crawler", "scrapy": "Scrapy",
              "trafilatura": "trafilatura (the cleaners use it)", "lxml": "lxml"}
    return [f"{what} ({module})" for module, what in needed.items() if not module_present(module)]


def trafilatura_missing() -> bool:
    return not module_present("trafilatura.cli")


def run_once(bench: Bench, skip_trafilatura: bool, run: int) -> list[Measurement]:
    """Every row once, in the same order each run, so that a disturbance lands on one run of each row at most."""
    rows = [probe_server(bench)]
    print(f"[run {run}] {rows[-1].label}: {rows[-1].pages_per_s:.0f} pages/s", flush=True)
    rows.append(run_scrapy_fetch(bench))
    print(f"[run {run}] {rows[-1].label}: {rows[-1].items} pages in {rows[-1].wall:.1f} s", flush=True)
    crawl, _ = run_crawl(bench, run)
    rows.append(crawl)
    print(f"[run {run}] {crawl.label}: {crawl.items} articles in {crawl.wall:.1f} s", flush=True)
    rows.append(run_cleaners(bench))
    print(f"[run {run}] {rows[-1].label}: {rows[-1].items} articles in {rows[-1].rate_seconds} s", flush=True)
    if not skip_trafilatura and not trafilatura_missing():
        rows.append(run_trafilatura(bench, run))
        print(f"[run {run}] {rows[-1].label}: {rows[-1].items} files in {rows[-1].wall:.1f} s", flush=True)
    if bench.news_please is not None:
        rows.append(run_news_please(bench, run))
        print(f"[run {run}] {rows[-1].label}: {rows[-1].items} articles in {rows[-1].wall:.1f} s", flush=True)
    return rows


def median_run(runs: list[Measurement]) -> Measurement:
    """The run with the median pages/s (the lower middle one of an even count), noting every run's figure;
    a failed run counts as 0 pages/s."""
    ranked = sorted(runs, key=lambda m: m.pages_per_s if m.status == 0 else 0.0)
    chosen = ranked[(len(ranked) - 1) // 2]
    if len(runs) > 1:
        chosen.notes.append(f"median of {len(runs)} runs: " + ", ".join(f"{m.pages_per_s:.1f}" for m in runs)
                            + " pages/s")
    return chosen


def run_all(bench: Bench, skip_trafilatura: bool, runs: int = 1) -> tuple[list[Measurement], dict]:
    if skip_trafilatura:
        print("(c) trafilatura: skipped (--skip-trafilatura)")
    elif trafilatura_missing():
        print("(c) trafilatura: skipped, its CLI (trafilatura.cli) is not installed in this environment")
    by_label: dict[str, list[Measurement]] = {}
    for run in range(1, runs + 1):
        for m in run_once(bench, skip_trafilatura, run):
            by_label.setdefault(m.label, []).append(m)
    rows = [median_run(measurements) for measurements in by_label.values()]
    crawl = next((m for m in rows if m.label.startswith("(a)")), None)
    return rows, crawl.usage if crawl else {}


def existing_page_sets(folders: list[Path]) -> list[Path]:
    """The folders that hold gzipped pages (in DIR/html/ or DIR/): a missing ../shared leaves none."""
    return [f for f in folders if any((f / "html").glob("*.html.gz")) or any(f.glob("*.html.gz"))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=DEFAULT_PAGES, help=f"article pages in the mini-web (default {DEFAULT_PAGES})")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="the same seed generates the same web")
    parser.add_argument("--keep", type=Path, metavar="DIR", help="build everything in DIR and keep it (default: a temporary folder)")
    parser.add_argument("--skip-trafilatura", action="store_true", help="leave out row (c)")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, help="seconds before a run is killed")
    parser.add_argument("--pages-from", type=Path, nargs="+", metavar="DIR",
                        help="real pages: the shared benchmark sets (e.g. ../shared/bench/*) instead of generated ones")
    parser.add_argument("--runs", type=int, default=1, help="run every row N times and report the median (default 1)")
    parser.add_argument("--news-please", type=Path, metavar="EXE",
                        help="news-please's executable in a venv of its own: adds row (e); the web is then served on "
                             "port 80, which needs root (bench/news_please.py)")
    args = parser.parse_args(argv)
    if args.pages < 1 or args.runs < 1:
        parser.error("--pages and --runs must be at least 1")
    page_sets = existing_page_sets(args.pages_from or [])
    if args.pages_from and not page_sets:
        print(f"crawl benchmark skipped: no *.html.gz pages under {', '.join(map(str, args.pages_from))} "
              "(the shared benchmark sets are not on this machine)")
        return 0
    missing = missing_requirements()
    if missing:
        print(f"crawl benchmark skipped: {', '.join(missing)} not importable by {sys.executable}")
        return 0
    workdir = prepare_workdir(args.keep)
    try:
        port = 80 if args.news_please else 0  # news-please's spiders drop every URL that names a port
        with WebServerProcess(Bench(workdir, args.timeout, news_please=args.news_please), args.pages, args.seed, page_sets,
                              port) as bench:
            print(describe_web(bench), flush=True)
            write_tool_inputs(bench)
            rows, usage = run_all(bench, args.skip_trafilatura, args.runs)
        print("\n" + report(bench, rows, usage))
        save_results(bench, rows, usage)
    finally:
        if args.keep is None:
            shutil.rmtree(workdir, ignore_errors=True)
    if args.keep:
        print(f"\nkept in {workdir}: web/, story.toml, out-storycrawl-N/, out-trafilatura-N/ (N: the run), *.log, results.json")
    return 0


def prepare_workdir(keep: Path | None) -> Path:
    if keep is None:
        return Path(tempfile.mkdtemp(prefix="storycrawl-bench-"))
    if keep.exists() and any(keep.iterdir()):
        raise SystemExit(f"--keep {keep}: the folder is not empty (the benchmark writes a fresh web there)")
    keep.mkdir(parents=True, exist_ok=True)
    return keep.resolve()


if __name__ == "__main__":
    sys.exit(main())
