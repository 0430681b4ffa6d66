"""`report.html`: a run report to look at, built only from a corpus directory's own files.

`report.json` gives the story, the counts per outlet and reason, the wire-copy clusters and the date ranges;
`manifest.jsonl` gives each article's publication day, language, title and text file. The page is one
self-contained file: inline CSS, the timeline as inline SVG (one bar per day, stacked by language), no script,
nothing loaded from anywhere. Links go to the corpus's text files by relative path; an article's original URL
is a plain link that loads nothing until it is followed.

The page is the jinja2 template `crawler/templates/report.html` (its CSS `report.css`, the timeline
`timeline.svg`), rendered with autoescape: everything that came from a page or a story file (titles, URLs,
outlet names, languages) is text, never markup. This module reads the corpus and computes what the templates
show, the timeline's geometry included. The page holds no clock time of its own, so the same corpus always
renders the same bytes (`storycrawl report DIR`).

The numbers carry data attributes for machines (the tests read them from the rendered page):
  outlet table   <td data-outlet="NAME" data-count="REASON">, the totals row <td data-total="REASON">;
                 REASON is report.json's (found, written, off_topic, ...), or "errors" (see ERROR_REASONS)
  summary        <... data-summary="found|written|outlets|languages|clusters"> (the last run),
                 <... data-summary="corpus_articles|corpus_outlets|corpus_languages"> (the corpus, all runs)
  timeline       <rect data-day="YYYY-MM-DD" data-language="en" data-articles="N"> (a week's first day when
                 the chart is weekly), <... data-timeline="dated|undated">, the legend <li data-language
                 data-articles>
  clusters       <section data-cluster="ID"> with <li data-url> per member
  articles       <tr data-path="en/outlet/....txt">
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections import Counter, defaultdict
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import quote, urlsplit

from jinja2 import Environment, FunctionLoader, StrictUndefined
from markupsafe import Markup

from cleaners.dates import parse_datetime, parse_day

from .corpus import read_jsonl, write_atomic
from .corpus_figures import corpus_articles
from .fetch_cost import fetch_cost_view
from .records import ManifestRecord, ReportRecord

REPORT_HTML = "report.html"

# The outlet table: these columns always, in this order, then every other reason that is non-zero somewhere.
ALWAYS = ("found", "written", "off_topic", "out_of_window", "duplicate")
# "errors": the crawler could not, or might not, fetch the page. A page fetched but holding no article is
# `not_article`, a column of its own.
ERROR_REASONS = ("robots", "http_error", "fetch_error")
LABELS = {"found": "found", "written": "written", "off_topic": "off-topic", "out_of_window": "out of window", "undated": "undated, dropped",
          "duplicate": "duplicates", "near_duplicate": "near-duplicates dropped", "not_article": "not an article",
          "errors": "errors", "robots": "robots.txt", "http_error": "HTTP error", "fetch_error": "fetch error",
          "undecided": "undecided", "known": "known", "unchanged": "unchanged"}

# Okabe & Ito's colour-blind-safe palette (black left out: it reads as an axis); more languages than colours
# share one grey.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442")
OTHER_COLOUR = "#999999"
MAX_DAILY_BARS = 400  # a longer span is drawn week by week

LANGUAGE_NAMES = {
    "ar": "Arabic", "bg": "Bulgarian", "cs": "Czech", "da": "Danish", "de": "German", "el": "Greek", "en": "English",
    "es": "Spanish", "et": "Estonian", "fa": "Persian", "fi": "Finnish", "fr": "French", "he": "Hebrew",
    "hr": "Croatian", "hu": "Hungarian", "is": "Icelandic", "it": "Italian", "ja": "Japanese", "ko": "Korean",
    "lt": "Lithuanian", "lv": "Latvian", "nl": "Dutch", "no": "Norwegian", "nb": "Norwegian Bokmål",
    "nn": "Norwegian Nynorsk", "pl": "Polish", "pt": "Portuguese", "ro": "Romanian", "ru": "Russian",
    "sk": "Slovak", "sl": "Slovenian", "sr": "Serbian", "sv": "Swedish", "tr": "Turkish", "uk": "Ukrainian",
    "zh": "Chinese", "und": "not detected",
}
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


class NoReport(Exception):
    """The directory holds no (readable) report.json."""


def write_report_html(corpus_dir: Path) -> Path:
    """Render the corpus's report.html and write it atomically; returns its path."""
    corpus_dir = Path(corpus_dir)
    path = corpus_dir / REPORT_HTML
    write_atomic(path, render_report(corpus_dir).encode("utf-8"))
    return path


def write_report_html_or_log(corpus_dir: Path, logger) -> None:
    """The end of a crawl: report.html beside report.json; a failure is logged, never the crawl's failure."""
    try:
        write_report_html(corpus_dir)
    except Exception:  # the corpus and report.json are written: a report page must not undo that
        logger.exception("report.html could not be written to %s", corpus_dir)


def render_report(corpus_dir: Path) -> str:
    corpus_dir = Path(corpus_dir)
    try:
        data = json.loads((corpus_dir / "report.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise NoReport(f"{corpus_dir}: no readable report.json ({exc.__class__.__name__})") from exc
    if not isinstance(data, dict):
        raise NoReport(f"{corpus_dir}: report.json is not an object")
    report = ReportRecord.from_json(data)
    articles = [ManifestRecord.from_json({"url": None, **r}) for r in read_jsonl(corpus_dir / "manifest.jsonl")
                if isinstance(r, dict) and r.get("path")]
    story = report.story
    return templates().get_template("report.html").render(
        page_title=f"{text(story.title or story.id or 'story')}: coverage report",
        css=Markup(template_text("report.css")),  # our own file: in <style>, entities would not be read as text
        header=header(report, articles),
        timeline=timeline(report, articles),
        outlets=outlet_table(report),
        clusters=cluster_list(report, articles),
        source_errors=[SimpleNamespace(source=text(e.get("source")), url=text(e.get("url")),
                                       link=source_link(e.get("url")), detail=text(e.get("detail")))
                       for e in report.source_errors if isinstance(e, dict)],
        fetch_cost=fetch_cost_view(report),
        articles=article_rows(articles),
    )


@lru_cache(maxsize=1)
def templates() -> Environment:
    """The templates are package data, read through importlib.resources (a deployed egg is a zip file)."""
    return Environment(loader=FunctionLoader(template_text), autoescape=True, undefined=StrictUndefined,
                       keep_trailing_newline=True)


def template_text(name: str) -> str:
    return (files(__package__) / "templates" / name).read_text(encoding="utf-8")


# --- values --------------------------------------------------------------------------------------------------------

def text(value) -> str:
    return "" if value is None else str(value)


def num(value) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def day_of(value) -> dt.date | None:
    """The publication day as the corpus files it: the date part of the page's own ISO timestamp."""
    return parse_day(value)


def language_of(record: ManifestRecord) -> str:
    return text(record.language) or "und"


def language_label(code: str) -> str:
    name = LANGUAGE_NAMES.get(code)
    return f"{code} ({name})" if name else code


def text_href(path) -> str | None:
    """The link to a text file of the corpus by relative path; only a plain relative path gets one."""
    path = text(path)
    parts = path.split("/")
    if not path or path.startswith("/") or "\\" in path or any(p in ("", ".", "..") for p in parts):
        return None
    return quote(path, safe="/")


def source_link(url) -> SimpleNamespace:
    """The article's original URL: a link (showing its host) for http(s), text otherwise (never a javascript: link)."""
    url = text(url)
    try:
        parts = urlsplit(url)
    except ValueError:
        return SimpleNamespace(href=None, text=url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return SimpleNamespace(href=None, text=url)
    return SimpleNamespace(href=url, host=parts.netloc)


def clock(value) -> str:
    """report.json's UTC timestamps, for people: 2024-10-25 13:26 UTC."""
    value = text(value)
    moment = parse_datetime(value)
    if moment is None:
        return value
    if moment.utcoffset() == dt.timedelta(0):
        return moment.strftime("%Y-%m-%d %H:%M UTC")
    return moment.isoformat(sep=" ", timespec="minutes")


# --- the header ----------------------------------------------------------------------------------------------------

def header(report: ReportRecord, articles: list[ManifestRecord]) -> SimpleNamespace:
    story, totals = report.story, report.totals
    since, until = story.since, story.until
    window = f"{text(since) or 'any day'} to {text(until) or 'any day'}" if since or until else "no window"
    finish = text(report.finish_reason)
    return SimpleNamespace(
        story_id=text(story.id), title=text(story.title or story.id or "Untitled story"), window=window,
        started=clock(report.started_at), finished=clock(report.finished_at), seconds=text(report.seconds),
        requests=num(report.requests), unfinished=None if finish == "finished" else (finish or "unknown"),
        corpus_cards=corpus_cards(articles),
        run_cards=[("found", num(totals.get("found")), "candidates found"),
                   ("written", num(totals.get("written")), "articles written"),
                   ("outlets", len(report.outlets), "outlets"),
                   ("languages", len(report.languages), "languages"),
                   ("clusters", num(report.clusters.get("count")), "wire-copy clusters")])


def corpus_cards(records: list[ManifestRecord]) -> list[tuple]:
    """The corpus after all its runs (the manifest), before the last run's figures: an incremental run that
    found nothing new writes zeros, while the corpus holds what earlier runs wrote."""
    articles = corpus_articles(records)
    return [("corpus_articles", len(articles), "articles in the corpus"),
            ("corpus_outlets", len({text(r.outlet) for r in articles}), "outlets"),
            ("corpus_languages", len({language_of(r) for r in articles}), "languages")]


# --- the timeline -------------------------------------------------------------------------------------------------

def language_colours(counts: Counter) -> dict[str, str]:
    """The most frequent languages get the palette's colours in order; when there are more languages than
    colours, the rarest share the grey of "other"."""
    ordered = sorted(counts, key=lambda lang: (-counts[lang], lang))
    if len(ordered) <= len(PALETTE):
        return {lang: PALETTE[i] for i, lang in enumerate(ordered)}
    keep = len(PALETTE) - 1
    return {lang: PALETTE[i] if i < keep else OTHER_COLOUR for i, lang in enumerate(ordered)}


def nice_step(maximum: int) -> int:
    step = 1
    while maximum / step > 5:
        for factor in (2, 5 / 2, 2):  # 1, 2, 5, 10, 20, 50, ...
            step = round(step * factor)
            if maximum / step <= 5:
                break
    return step


def timeline(report: ReportRecord, articles: list[ManifestRecord]) -> SimpleNamespace:
    since, until = day_of(report.story.since), day_of(report.story.until)
    days = [(day_of(r.published), language_of(r)) for r in articles]
    undated = Counter(lang for day, lang in days if day is None)
    dated = [(day, lang) for day, lang in days if day is not None]
    counts = Counter(lang for _, lang in dated) + undated
    colours = language_colours(counts)
    weekly, svg = False, None
    span = chart_span(since, until, [day for day, _ in dated])
    if span:
        first, last = span
        weekly = (last - first).days + 1 > MAX_DAILY_BARS
        chart = timeline_chart(first, last, since, until, dated, colours, weekly)
        svg = Markup(templates().get_template("timeline.svg").render(chart=chart).rstrip("\n"))
    return SimpleNamespace(
        svg=svg, weekly=weekly, articles=len(articles), dated=len(dated),
        legend=[SimpleNamespace(language=lang, articles=counts[lang], colour=colours[lang], label=language_label(lang))
                for lang in colours],
        undated=sum(undated.values()),
        undated_by_language=", ".join(f"{lang} {n}" for lang, n in sorted(undated.items())),
        **day_table(dated))


def chart_span(since: dt.date | None, until: dt.date | None, days: list[dt.date]) -> tuple[dt.date, dt.date] | None:
    """The story window, widened to every article dated outside it (several crawls into one corpus); the
    articles' span where the window is open; None when there is nothing to draw."""
    ends = [d for d in (since, until, *days) if d]
    if not ends:
        return None
    first, last = min(since or min(ends), *days), max(until or max(ends), *days)
    return (first, last) if first <= last else None


def bucket(day: dt.date, weekly: bool) -> dt.date:
    return day - dt.timedelta(days=day.weekday()) if weekly else day


def timeline_chart(first, last, since, until, dated, colours, weekly) -> SimpleNamespace:
    """The timeline's geometry in the SVG's units: one column per day (or week) of stacked bars by language, the
    story window shaded, a grid at round numbers, labels where there is room."""
    start, end = bucket(first, weekly), bucket(last, weekly)
    step_days = 7 if weekly else 1
    buckets = [start + dt.timedelta(days=i) for i in range(0, (end - start).days + 1, step_days)]
    per_bucket: dict[dt.date, Counter] = defaultdict(Counter)
    for day, lang in dated:
        per_bucket[bucket(day, weekly)][lang] += 1
    tallest = max((sum(c.values()) for c in per_bucket.values()), default=0)
    step = nice_step(max(tallest, 1))
    top = -(-max(tallest, 1) // step) * step
    chart = SimpleNamespace(width=1000, height=280, left=44, right=12, upper=18, lower=50, weekly=weekly,
                            first=first.isoformat(), last=last.isoformat(), window=None)
    chart.plot_h = chart.height - chart.upper - chart.lower
    slot = (chart.width - chart.left - chart.right) / len(buckets)
    bar = max(slot * 0.78, 0.6)
    y = lambda value: chart.upper + chart.plot_h - chart.plot_h * value / top  # noqa: E731
    if since or until:  # the story window, shaded
        w0, w1 = bucket(max(since or first, first), weekly), bucket(min(until or last, last), weekly)
        if w0 <= w1:
            chart.window = SimpleNamespace(x0=chart.left + slot * ((w0 - start).days // step_days),
                                           x1=chart.left + slot * ((w1 - start).days // step_days + 1))
    chart.grid = [(tick, y(tick)) for tick in range(0, top + 1, step)]
    chart.columns = []
    for i, day in enumerate(buckets):
        x = chart.left + slot * i + (slot - bar) / 2
        bars, base = [], 0
        for lang in colours:  # the most frequent language at the bottom
            n = per_bucket.get(day, Counter()).get(lang, 0)
            if n:
                label = f"{'week of ' if weekly else ''}{day.isoformat()}: {n} in {language_label(lang)}"
                bars.append(SimpleNamespace(x=x, y=y(base + n), width=bar, height=y(base) - y(base + n),
                                            colour=colours[lang], day=day.isoformat(), language=lang, articles=n,
                                            label=label))
                base += n
        room = base and slot >= 9  # the column's total above it, where there is room
        total = SimpleNamespace(x=x + bar / 2, y=y(base) - 3, n=base) if room else None
        chart.columns.append(SimpleNamespace(bars=bars, total=total))
    every = max(1, math.ceil(48 / slot))  # a label at least every 48 units
    chart.labels, previous_year = [], None
    for i in range(0, len(buckets), every):
        day = buckets[i]
        chart.labels.append((chart.left + slot * i + slot / 2, f"{day.day} {MONTHS[day.month - 1]}",
                             day.year if day.year != previous_year else None))
        previous_year = day.year
    return chart


def day_table(dated: list) -> dict:
    """The numbers behind the chart, for those who read rather than look (and for screen readers)."""
    languages = sorted({lang for _, lang in dated})
    per_day: dict[dt.date, Counter] = defaultdict(Counter)
    for day, lang in dated:
        per_day[day][lang] += 1
    return {"day_languages": languages,
            "days": [(day.isoformat(), [per_day[day][lang] for lang in languages], sum(per_day[day].values()))
                     for day in sorted(per_day)]}


# --- outlets ------------------------------------------------------------------------------------------------------

def outlet_columns(report: ReportRecord) -> list[str]:
    """ALWAYS, then every other reason non-zero in some row (report.json's order), then "errors" and its
    non-zero parts, then "undecided" if any."""
    rows = [row for row in (*report.outlets.values(), report.totals) if isinstance(row, dict)]
    shown = lambda key: any(num(row.get(key)) for row in rows)  # noqa: E731
    keys = [key for key in report.reasons if isinstance(key, str)]
    keys += [key for row in rows for key in row if key not in keys]
    others = [key for key in dict.fromkeys(keys) if key not in (*ALWAYS, *ERROR_REASONS, "undecided") and shown(key)]
    return [*ALWAYS, *others, "errors", *(key for key in ERROR_REASONS if shown(key)),
            *(["undecided"] if shown("undecided") else [])]


def cell_value(counts: dict, column: str) -> int:
    if column == "errors":
        return sum(num(counts.get(reason)) for reason in ERROR_REASONS)
    return num(counts.get(column))


def outlet_table(report: ReportRecord) -> SimpleNamespace:
    explain = {**{k: text(v) for k, v in report.reasons.items() if isinstance(k, str)},
               "found": "article candidates found in sitemaps, feeds, links, URL lists and GDELT",
               "errors": "robots + http_error + fetch_error: pages that could not, or might not, be fetched",
               "undecided": "found but given no decision (the crawl stopped early)"}
    keys = outlet_columns(report)
    columns = [SimpleNamespace(key=key, sub=key in ERROR_REASONS, explain=explain.get(key, key),
                               label=LABELS.get(key, key.replace("_", " "))) for key in keys]
    rows = []
    for outlet, counts in report.outlets.items():
        counts = counts if isinstance(counts, dict) else {}
        rows.append(SimpleNamespace(outlet=outlet, cells=[(c, cell_value(counts, c.key)) for c in columns],
                                    days=days_cell(report.dates.get(outlet))))
    return SimpleNamespace(columns=columns, rows=rows, not_article="not_article" in keys,
                           totals=[(c, cell_value(report.totals, c.key)) for c in columns])


def days_cell(dates) -> str:
    if not isinstance(dates, dict) or not dates.get("earliest"):
        undated = num(dates.get("undated")) if isinstance(dates, dict) else 0
        return f"{undated} undated" if undated else "—"
    earliest, latest = text(dates.get("earliest")), text(dates.get("latest"))
    span = earliest if earliest == latest else f"{earliest} – {latest}"
    undated = num(dates.get("undated"))
    return span + (f" (+{undated} undated)" if undated else "")


# --- clusters, articles -----------------------------------------------------------------------------------------------

def cluster_list(report: ReportRecord, articles: list[ManifestRecord]) -> list[SimpleNamespace]:
    clusters = [c for c in (report.clusters.get("clusters") or []) if isinstance(c, dict)]
    by_url = {text(r.url): r for r in articles}
    listed = []
    for cluster in clusters:
        members = []
        for member in (m for m in (cluster.get("members") or []) if isinstance(m, dict)):
            record = by_url.get(text(member.get("url")))
            day = day_of(record.published) if record else None
            members.append(SimpleNamespace(
                url=text(member.get("url")), outlet=text(member.get("outlet")),
                path=text_href(record.path) if record else None,
                title=text((record.title if record else None) or member.get("url")),
                day=day.isoformat() if day else "", link=source_link(member.get("url")),
                role=("later" if record.near_duplicate_of else "first") if record else None))
        listed.append(SimpleNamespace(id=text(cluster.get("cluster_id")), members=members))
    return listed


def article_rows(articles: list[ManifestRecord]) -> list[SimpleNamespace]:
    ordered = sorted(articles, key=lambda r: (day_of(r.published) or dt.date.max, text(r.published), text(r.outlet),
                                              text(r.path)))
    rows = []
    for record in ordered:
        day = day_of(record.published)
        rows.append(SimpleNamespace(path=text(record.path), day=day.isoformat() if day else "undated",
                                    outlet=text(record.outlet), language=language_of(record),
                                    href=text_href(record.path), title=text(record.title or record.path),
                                    wire_copy=bool(record.near_duplicate_of), words=num(record.word_count),
                                    link=source_link(record.url)))
    return rows
