"""`storycrawl`: crawl a story into a corpus, clean a crawl's WARC files again, run the offline demo, or serve
the fixture web. Every option only sets settings of crawler/settings.py: `scrapy crawl story -s ...` does the same."""

from __future__ import annotations

import argparse
import importlib
import json
import logging
import os
import sys
import tempfile
import threading
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from .fixture_web import DEMO_PORT, FixtureWeb, packaged_or_checkout
from .story import StoryError, load_story

if TYPE_CHECKING:
    from twisted.python.failure import Failure

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEMO_STORY = packaged_or_checkout("demo_stories", "stories") / "demo.toml"
# Exit statuses a scheduler can trust (docs/guide.md, `storycrawl crawl --help`).
EXIT_OK = 0  # the crawl finished and some source was reachable
EXIT_INCOMPLETE = 1  # the crawl did not finish, or could not start (killed, a full disk, an error at start-up)
EXIT_USAGE = 2  # a bad story file or command line, an --out that cannot be written
EXIT_UNREACHABLE = 3  # the crawl finished, but every source failed (nothing listed or fetched)
EXIT_LOCKED = 75  # another crawl is running into the same corpus (EX_TEMPFAIL: try again later)
EXIT_STATUSES = (f"exit status: {EXIT_OK} finished and some source reachable; {EXIT_INCOMPLETE} did not finish or could "
                 f"not start; {EXIT_USAGE} bad story file, option or --out; {EXIT_UNREACHABLE} every source failed; "
                 f"{EXIT_LOCKED} another crawl is running into the same corpus")


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except BrokenPipeError:  # `storycrawl status --json | head`: the reader has what it wanted
        return quiet_broken_pipe()


def entry() -> NoReturn:
    """The `storycrawl` command (pyproject.toml's console script): `main`, then `exit_now`."""
    exit_now(main())


def exit_now(status: int) -> NoReturn:
    """Ends the process once `main` has returned: every file is written and closed, the cleaning workers are gone.
    What an interpreter's normal exit would still do is free the crawl's objects one by one: 0.4 s after a crawl of
    2,000 pages, skipped here as mypy's command skips it. Of Python's exit handlers only logging's has work left (the
    process pool's and multiprocessing's are done once the pool is shut down): it runs, and the standard streams are
    flushed, so nothing said is lost."""
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a reader gone (`| head`), or a stream closed: nothing left to say there
            pass
    os._exit(status)


def quiet_broken_pipe() -> int:
    """Python flushes stdout again at exit: point it at /dev/null, so no second BrokenPipeError is printed."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="storycrawl", description="Find a story's news coverage and build a clean text corpus.")
    parser.add_argument("--version", action="version", version=f"storycrawl {package_version()}")
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    crawl = commands.add_parser("crawl", help="crawl a story file into a corpus directory", epilog=EXIT_STATUSES)
    crawl.add_argument("story", type=Path, help="the story file (TOML)")
    add_crawl_options(crawl, default_out=None)
    crawl.add_argument("--redis", metavar="URL",
                       help="be one worker of a distributed crawl sharing its frontier in this Redis "
                            "(redis://HOST:PORT/DB); --out is then this worker's shard: see `storycrawl merge`")
    crawl.add_argument("--rejudge", action="store_true",
                       help="after editing the story: decide again the URLs earlier runs found off-topic or out of "
                            "the window (from the corpus's WARC files when it has them, else fetched again)")
    crawl.add_argument("--dry-run", action="store_true",
                       help="read the listings only and print what would be fetched, per outlet, and why; "
                            "no article is fetched, nothing is written to --out")
    crawl.set_defaults(run=run_crawl_command)

    demo = commands.add_parser("demo", help="serve the fixture web on loopback and crawl stories/demo.toml (offline)")
    add_crawl_options(demo, default_out=Path("corpus"))
    demo.add_argument("--port", type=int, default=DEMO_PORT, help=f"fixture web port (default {DEMO_PORT}, as in stories/demo.toml)")
    demo.set_defaults(run=run_demo_command)

    reclean = commands.add_parser("reclean", help="clean the pages a crawl stored in its WARC files again, offline, "
                                                  "into a new corpus")
    reclean.add_argument("corpus", type=Path, help="a corpus directory crawled with --warc")
    reclean.add_argument("--out", type=Path, help="the new corpus directory, absent or empty (default: CORPUS-reclean)")
    reclean.add_argument("--story", type=Path, help="the story file (default: the one the corpus's report.json names)")
    add_setting_options(reclean)
    reclean.set_defaults(run=run_reclean_command)

    report = commands.add_parser("report", help="write a corpus's report.html again from its report.json and manifest")
    report.add_argument("corpus", type=Path, help="a corpus directory (holding report.json)")
    report.set_defaults(run=run_report_command)

    merge = commands.add_parser("merge", help="join the shards of a distributed crawl (one corpus directory per "
                                              "worker) into one corpus")
    merge.add_argument("shards", type=Path, nargs="+", metavar="SHARD", help="the workers' corpus directories")
    merge.add_argument("--out", type=Path, required=True, help="the merged corpus directory, absent or empty")
    merge.set_defaults(run=run_merge_command)

    status = commands.add_parser("status", help="what a corpus's crawl state holds: per outlet, its runs, failures")
    status.add_argument("corpus", type=Path, help="a corpus directory")
    status.add_argument("--json", action="store_true", help="print it as JSON")
    status.set_defaults(run=run_status_command)

    add_export_command(commands)

    serve = commands.add_parser("serve-fixtures", help="serve the fixture web until interrupted")
    serve.add_argument("--port", type=int, default=DEMO_PORT)
    serve.add_argument("--log", type=Path, help="append every request as a JSON line to this file")
    serve.set_defaults(run=run_serve_command)
    return parser


def run_dry_run(args) -> int:
    from .dry_run import dry_run

    try:
        load_story(args.story)
    except StoryError as exc:
        print(f"storycrawl: {args.story}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    return dry_run(args.story, args.out, crawl_overrides(args), crawl, verbose=args.verbose)


def package_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("storycrawler")
    except PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown (not installed)"


def add_export_command(commands) -> None:
    export = commands.add_parser("export", help="write a corpus's articles (text and manifest fields) to one "
                                                "JSON Lines or Parquet file")
    export.add_argument("corpus", type=Path, help="a corpus directory")
    export.add_argument("--format", choices=("jsonl", "parquet"), default="jsonl",
                        help="jsonl (default), or parquet (needs pyarrow: pip install 'storycrawler[export]')")
    export.add_argument("--out", type=Path, help="the file to write, or a directory to write articles.FORMAT in "
                                                 "(default: CORPUS.FORMAT beside the corpus directory)")
    export.set_defaults(run=run_export_command)


def run_export_command(args) -> int:
    from .corpus import CorpusReadError
    from .export import export

    corpus = args.corpus.resolve()
    out = args.out or corpus.with_name(f"{corpus.name}.{args.format}")
    if out.is_dir():
        out = out / f"articles.{args.format}"
    try:
        count = export(args.corpus, out, args.format)
    except CorpusReadError as exc:
        return usage_error(str(exc))
    except OSError as exc:
        return usage_error(f"{out}: cannot write: {exc.strerror}")
    print(f"storycrawl: exported {count} articles to {out}", file=sys.stderr)
    return EXIT_OK


def add_crawl_options(parser: argparse.ArgumentParser, default_out: Path | None) -> None:
    parser.add_argument("--out", type=Path, default=default_out, required=default_out is None,
                        help="the corpus directory" + (f" (default {default_out})" if default_out else ""))
    parser.add_argument("--warc", type=Path, metavar="DIR",
                        help="record every request and response in a WARC file in DIR (for provenance and reclean)")
    add_setting_options(parser)


def add_setting_options(parser: argparse.ArgumentParser) -> None:
    # clusters.DEDUP_MODES, not imported here: datasketch takes most of a second to import.
    parser.add_argument("--dedup", choices=("keep", "mark", "drop"),
                        help="near-duplicates (wire copies): keep them with a cluster_id, mark later copies too "
                             "(the default), or drop them")
    parser.add_argument("-s", "--set", dest="settings", action="append", default=[], metavar="NAME=VALUE",
                        help="override a setting of crawler/settings.py (repeatable)")
    parser.add_argument("-v", "--verbose", action="store_true", help="Scrapy's INFO log instead of warnings only")


def crawl_overrides(args) -> dict:
    overrides: dict[str, object] = dict(parse_overrides(args.settings))
    vet_overrides(overrides)
    if args.dedup:
        overrides["DEDUP_MODE"] = args.dedup
    if getattr(args, "warc", None):
        overrides["WARC_DIR"] = str(args.warc)
    if getattr(args, "redis", None):
        require_redis_extra()
        overrides["REDIS_URL"] = args.redis
    if getattr(args, "rejudge", False):
        overrides["REJUDGE"] = True
    return overrides


def require_redis_extra() -> None:
    """`--redis` without scrapy-redis installed: one line naming the extra (exit 2), not a traceback."""
    try:
        importlib.import_module(".distributed", __package__)  # its import says what is missing
    except ImportError as exc:
        print(f"storycrawl: {exc}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE) from None


def vet_overrides(overrides: dict) -> None:
    """Unknown names warned about, unreadable values a one-line error (exit 2): see crawler/setting_checks.py."""
    if not overrides:
        return
    from .setting_checks import SettingError, check_overrides

    try:
        warnings = check_overrides(overrides)
    except SettingError as exc:
        print(f"storycrawl: {exc}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE) from None
    for warning in warnings:
        print(f"storycrawl: warning: {warning}", file=sys.stderr)


def run_crawl_command(args) -> int:
    if args.dry_run:
        return run_dry_run(args)
    return crawl(args.story, args.out, crawl_overrides(args), verbose=args.verbose)


def run_demo_command(args) -> int:
    try:
        web = FixtureWeb(port=args.port).start()
    except OSError as exc:
        return usage_error(f"cannot serve the fixture web on port {args.port} ({exc.strerror or exc}): is another "
                           f"demo running? Give another port: storycrawl demo --port {args.port + 10}")
    try:
        with tempfile.TemporaryDirectory(prefix="storycrawl-demo-") as work:
            story = demo_story_on_port(web.port, Path(work))
            print(f"storycrawl: fixture web on 127.0.0.x:{web.port}; crawling the demo story ({DEMO_STORY.name})",
                  file=sys.stderr)
            status = crawl(story, args.out, crawl_overrides(args), verbose=args.verbose)
    finally:
        web.stop()
    if status == EXIT_OK:
        print(f"storycrawl: corpus in {args.out}/ (manifest.jsonl, report.json, decisions.jsonl; open report.html)", file=sys.stderr)
    return status


def demo_story_on_port(port: int, work: Path) -> Path:
    """The demo story names the fixture web's default port: on another one, a copy pointing there."""
    if port == DEMO_PORT:
        return DEMO_STORY
    copy = work / DEMO_STORY.name
    copy.write_text(DEMO_STORY.read_text(encoding="utf-8").replace(f":{DEMO_PORT}/", f":{port}/"), encoding="utf-8")
    return copy


def run_reclean_command(args) -> int:
    """A replay of the corpus's WARC files through the same spider and pipelines, with the settings that
    shaped the corpus (report.json) unless given again; nothing is fetched."""
    from .warc import registered_warcs  # imported late, as Scrapy is

    corpus = args.corpus
    warcs = registered_warcs(corpus)
    if not warcs:
        return usage_error(f"{corpus}: no WARC files listed in state/warcs.jsonl (crawl it with --warc)")
    missing = [warc for warc in warcs if not Path(warc).is_file()]
    if missing:
        return usage_error(f"{corpus}: WARC file not found: {missing[0]}")
    report = json.loads((corpus / "report.json").read_text()) if (corpus / "report.json").is_file() else {}
    story = args.story or report.get("story", {}).get("file")
    if not story:
        return usage_error(f"{corpus}: no report.json naming the story file: give --story")
    out = args.out or corpus.with_name(corpus.name + "-reclean")
    if out.exists() and any(out.iterdir()):
        return usage_error(f"{out}: not empty (reclean writes a new corpus)")
    remembered = corpus / "state" / "story.toml"  # the story the corpus's decisions were made with
    if not args.story and not Path(story).is_file() and remembered.is_file():
        print(f"storycrawl: {story} not found from here: using the story the corpus remembers, {remembered}",
              file=sys.stderr)
        story = remembered
    if not args.story and not Path(story).is_file():
        where = "" if Path(story).is_absolute() else f" from {Path.cwd()} (the crawl gave it relative to where it ran)"
        return usage_error(f"{corpus}: the story file its report.json names, {story}, is not found{where}: "
                           f"give it with --story PATH")
    overrides = {**report.get("settings", {}), **crawl_overrides(args), "WARC_REPLAY": warcs}
    return crawl(Path(story), out, overrides, verbose=args.verbose)


def run_report_command(args) -> int:
    """report.html from the corpus directory's own files: no crawl, no network."""
    from .report_html import NoReport, write_report_html

    if not (args.corpus / "report.json").is_file():
        return usage_error(f"{args.corpus}: no report.json (not a corpus directory, or its crawl never finished)")
    try:
        path = write_report_html(args.corpus)
    except NoReport as exc:
        return usage_error(str(exc))
    print(f"storycrawl: wrote {path}", file=sys.stderr)
    return EXIT_OK


def run_merge_command(args) -> int:
    from .merge import MergeError, merge_corpora

    try:
        summary = merge_corpora(args.out, args.shards)
    except MergeError as exc:
        return usage_error(str(exc))
    print(f"storycrawl: merged {len(args.shards)} shards into {args.out}: {summary['articles']} articles, "
          f"{summary['records']} manifest records" + (f", {summary['doubled']} doubled records dropped" if summary["doubled"] else ""),
          file=sys.stderr)
    for problem in summary["missing"]:
        print(f"storycrawl: {problem['shard']}: {problem['path']} ({problem['url']}): {problem['error']}", file=sys.stderr)
    return EXIT_INCOMPLETE if summary["missing"] else EXIT_OK


def run_status_command(args) -> int:
    from .state import CrawlState, format_state_summary, state_summary

    if not (args.corpus / "state" / "crawl.sqlite").is_file():
        return usage_error(f"{args.corpus}: no crawl state (state/crawl.sqlite): not a corpus directory, or never crawled")
    state = CrawlState.for_corpus(args.corpus)
    try:
        summary = state_summary(state)
    finally:
        state.close()
    summary["last_run_failed_sources"] = last_run_failed_sources(args.corpus)
    if args.json:  # JSON alone, the failed sources in it: `storycrawl status --json | jq` reads it whole
        print(json.dumps(summary, ensure_ascii=False, indent=2))
        return EXIT_OK
    print(format_state_summary(summary))
    for failed in summary["last_run_failed_sources"]:
        print(f"last run: source {failed['source']} failed: {failed['detail']}")
    return EXIT_OK


def last_run_failed_sources(corpus: Path) -> list[dict]:
    """The sources the last finished run got nothing from (its report.json)."""
    try:
        return json.loads((corpus / "report.json").read_text()).get("failed_sources", [])
    except (OSError, ValueError):
        return []


def usage_error(message: str) -> int:
    print(f"storycrawl: {message}", file=sys.stderr)
    return EXIT_USAGE


def run_serve_command(args) -> int:
    web = FixtureWeb(port=args.port, log_path=args.log).start()
    for outlet in web.addresses:
        print(f"{outlet:<14} {web.origin(outlet)}/", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        web.stop()
    return EXIT_OK


def parse_overrides(pairs: list[str]) -> dict[str, str]:
    overrides = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise SystemExit(f"storycrawl: -s takes NAME=VALUE, got {pair!r}")
        overrides[name] = value
    return overrides


def crawl(story_path: Path, out: Path, overrides: dict, verbose: bool = False) -> int:
    """One crawl in this process, holding the corpus's lock; its exit status (EXIT_STATUSES) comes from this
    run alone, never from a report.json an earlier run left."""
    from .corpus_lock import CorpusLock, CorpusLocked

    try:
        load_story(story_path)
    except StoryError as exc:
        print(f"storycrawl: {story_path}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    problem = unwritable(out)
    if problem:
        print(f"storycrawl: {problem[0]}", file=sys.stderr)
        return problem[1]
    try:
        with CorpusLock(out):
            return run_crawler(story_path, out, overrides, verbose)
    except CorpusLocked as exc:
        print(f"storycrawl: {exc}", file=sys.stderr)
        return EXIT_LOCKED


def unwritable(out: Path) -> tuple[str, int] | None:
    """Why the corpus directory cannot be written (a file, a read-only directory: EXIT_USAGE; a full disk:
    EXIT_INCOMPLETE, as when it fills during the crawl), in one line, with the exit status; None if it can."""
    import tempfile

    from .faults import disk_full_error

    try:
        (out / "state").mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=out / "state") as probe:  # room for a few records at least
            probe.write(b"\0" * 65536)
            probe.flush()
    except OSError as exc:
        if disk_full_error(exc):
            return f"no space left on the disk holding {out} ({exc.strerror}): the crawl does not start", EXIT_INCOMPLETE
        return f"{out}: cannot write the corpus there ({exc.strerror or exc})", EXIT_USAGE
    return None


def run_crawler(story_path: Path, out: Path, overrides: dict, verbose: bool) -> int:
    from scrapy.crawler import CrawlerProcess  # imported late: `storycrawl --help` stays fast
    from scrapy.settings import Settings

    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    if not verbose:
        settings.set("LOG_LEVEL", "WARNING", priority="cmdline")
    settings.set("CORPUS_DIR", str(out), priority="cmdline")
    if not overrides.get("REDIS_URL"):  # a distributed crawl's pending requests are in Redis
        # The pending requests on disk: the same command resumes a killed crawl (see DUPEFILTER_CLASS in settings).
        settings.set("JOBDIR", str(out / "state" / "jobdir"), priority="cmdline")
    for name, value in overrides.items():
        settings.set(name, value, priority="cmdline")
    process = CrawlerProcess(settings)
    crawler = process.create_crawler("story")
    start_failures: list[Failure] = []  # what stopped the crawl from starting (the spider's set-up, the crawl state...)
    process.crawl(crawler, story=str(story_path)).addErrback(start_failures.append)
    process.start()
    if start_failures:
        return could_not_start(start_failures[0], out, verbose)
    if crawler.stats.get_value("storycrawl/disk_full"):  # crawler/faults.py: said already
        return EXIT_INCOMPLETE
    return exit_status(crawler.stats.get_value("finish_reason"), crawler.stats.get_value("storycrawl/failed_sources"),
                       crawler.stats.get_value("storycrawl/sources"))


def could_not_start(failure, out: Path, verbose: bool) -> int:
    """One line saying why (the traceback too with --verbose), not Twisted's "Unhandled error in Deferred"."""
    from .faults import disk_full_error

    if verbose:
        failure.printTraceback(file=sys.stderr)
    error = failure.value
    if disk_full_error(error):
        print(f"storycrawl: no space left on the disk holding {out} ({error}): the crawl does not start", file=sys.stderr)
    else:
        print(f"storycrawl: the crawl could not start: {type(error).__name__}: {error}", file=sys.stderr)
    return EXIT_INCOMPLETE


def exit_status(finish_reason: str | None, failed_sources: list | None, sources: int | None) -> int:
    if finish_reason != "finished" or failed_sources is None:
        return EXIT_INCOMPLETE
    if sources and len(failed_sources) == sources:
        print(f"storycrawl: every source failed ({', '.join(s['source'] for s in failed_sources)}): nothing reachable",
              file=sys.stderr)
        return EXIT_UNREACHABLE
    return EXIT_OK


if __name__ == "__main__":
    entry()
