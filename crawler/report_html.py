"""`report.html`: a run report to look at, built only from a corpus directory's own files.

`report.json` gives the story, the counts per outlet and reason, the wire-copy clusters and the date ranges;
`manifest.jsonl` gives each article's publication day, language, title and text file. The page is one
self-contained file: inline CSS, the timeline as inline SVG (one bar per day, stacked by language), no script,
nothing loaded from anywhere. Links go to the corpus's text files by relative path; an article's original URL
is a plain link that loads nothing until it is followed.

Everything that came from a page or a story file (titles, URLs, outlet names, languages) is escaped. The page
holds no clock time of its own, so the same corpus always renders the same bytes (`storycrawl report DIR`).

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
import html
import json
import math
from collections import Counter, defaultdict
from pathlib import Path
from urllib.parse import quote, urlsplit

from cleaners.dates import parse_datetime, parse_day

from .corpus import read_jsonl, write_atomic
from .corpus_figures import corpus_articles
from .fetch_cost import fetch_cost_html
from .urls import is_web_url

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
        report = json.loads((corpus_dir / "report.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise NoReport(f"{corpus_dir}: no readable report.json ({exc.__class__.__name__})") from exc
    if not isinstance(report, dict):
        raise NoReport(f"{corpus_dir}: report.json is not an object")
    articles = [r for r in read_jsonl(corpus_dir / "manifest.jsonl") if isinstance(r, dict) and r.get("path")]
    story = report.get("story") or {}
    title = f"{text(story.get('title') or story.get('id') or 'story')}: coverage report"
    body = "\n".join([
        header(report, articles),
        timeline_section(report, articles),
        outlet_section(report),
        cluster_section(report, articles),
        source_error_section(report),
        fetch_cost_html(report),
        article_section(articles),
        '<footer><p>Built by <code>storycrawl report</code> from <code>report.json</code> and '
        '<code>manifest.jsonl</code> in this folder. Nothing on this page is loaded from the network; '
        'article links open the text files beside it.</p></footer>',
    ])
    return (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f'<meta name="generator" content="storycrawler">\n<title>{esc(title)}</title>\n'
            f'<style>{CSS}</style>\n</head>\n<body>\n<main>\n{body}\n</main>\n</body>\n</html>\n')


# --- pieces --------------------------------------------------------------------------------------------------------

def esc(value) -> str:
    return html.escape(text(value), quote=True)


def text(value) -> str:
    return "" if value is None else str(value)


def num(value) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def language_of(record: dict) -> str:
    return text(record.get("language")) or "und"


def language_label(code: str) -> str:
    name = LANGUAGE_NAMES.get(code)
    return f"{code} ({name})" if name else code


def text_link(path, label) -> str:
    """A link to a text file of the corpus by relative path; only a plain relative path becomes a link."""
    path = text(path)
    parts = path.split("/")
    if not path or path.startswith("/") or "\\" in path or any(p in ("", ".", "..") for p in parts):
        return esc(label)
    return f'<a href="{esc(quote(path, safe="/"))}">{esc(label)}</a>'


def source_link(url) -> str:
    """The article's original URL: a link for http(s), text otherwise (never a javascript: link)."""
    url = text(url)
    try:
        parts = urlsplit(url)
    except ValueError:
        return f'<span class="url">{esc(url)}</span>'
    if not is_web_url(url):
        return f'<span class="url">{esc(url)}</span>'
    return f'<a class="url" href="{esc(url)}" rel="noreferrer noopener">{esc(parts.netloc)}</a>'


def clock(value) -> str:
    """report.json's UTC timestamps, for people: 2024-10-25 13:26 UTC."""
    value = text(value)
    moment = parse_datetime(value)
    if moment is None:
        return value
    if moment.utcoffset() == dt.timedelta(0):
        return moment.strftime("%Y-%m-%d %H:%M UTC")
    return moment.isoformat(sep=" ", timespec="minutes")


def header(report: dict, articles: list[dict]) -> str:
    story, totals = report.get("story") or {}, report.get("totals") or {}
    since, until = story.get("since"), story.get("until")
    window = (f"{esc(since) or 'any day'} to {esc(until) or 'any day'}" if since or until else "no window")
    languages = report.get("languages") or {}
    clusters = num((report.get("clusters") or {}).get("count"))
    figures = [("found", num(totals.get("found")), "candidates found"),
               ("written", num(totals.get("written")), "articles written"),
               ("outlets", len(report.get("outlets") or {}), "outlets"),
               ("languages", len(languages), "languages"),
               ("clusters", clusters, "wire-copy clusters")]
    cards = (corpus_cards(articles) + '<p class="figures-title">The last run</p>\n'
             + "".join(f'<div class="figure"><span class="big" data-summary="{key}">{value}</span>'
                       f'<span class="what">{label}</span></div>' for key, value, label in figures))
    finish = text(report.get("finish_reason"))
    status = "" if finish == "finished" else f' <strong class="warn">Crawl did not finish: {esc(finish or "unknown")}.</strong>'
    return (f'<header>\n<p class="kicker">storycrawler coverage report · story <code>{esc(story.get("id"))}</code></p>\n'
            f'<h1>{esc(story.get("title") or story.get("id") or "Untitled story")}</h1>\n'
            f'<p class="meta">Story window {window} · crawled {esc(clock(report.get("started_at")))} to '
            f'{esc(clock(report.get("finished_at")))} ({esc(report.get("seconds"))} s, {num(report.get("requests"))} requests)'
            f'{status}</p>\n<div class="figures">{cards}</div>\n</header>')


def corpus_cards(records: list[dict]) -> str:
    """The corpus after all its runs (the manifest), before the last run's figures: an incremental run that
    found nothing new writes zeros, while the corpus holds what earlier runs wrote."""
    articles = corpus_articles(records)
    figures = [("corpus_articles", len(articles), "articles in the corpus"),
               ("corpus_outlets", len({text(r.get("outlet")) for r in articles}), "outlets"),
               ("corpus_languages", len({language_of(r) for r in articles}), "languages")]
    return ('<p class="figures-title">The corpus (all runs)</p>\n'
            + "".join(f'<div class="figure"><span class="big" data-summary="{key}">{value}</span>'
                      f'<span class="what">{label}</span></div>' for key, value, label in figures) + "\n")


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


def timeline_section(report: dict, articles: list[dict]) -> str:
    story = report.get("story") or {}
    since, until = parse_day(story.get("since")), parse_day(story.get("until"))
    dated = [(parse_day(r.get("published")), language_of(r)) for r in articles]
    undated = Counter(lang for day, lang in dated if day is None)
    dated = [(day, lang) for day, lang in dated if day is not None]
    counts = Counter(lang for _, lang in dated) + undated
    colours = language_colours(counts)
    parts = ['<section id="timeline">', '<h2>Coverage by day</h2>']
    days = [day for day, _ in dated if day is not None]
    ends = [d for d in (since, until, *days) if d]
    first, last = (since or min(ends), until or max(ends)) if ends else (None, None)
    if first is not None and last is not None and days:  # an article dated outside the window (several crawls
        first, last = min(first, *days), max(last, *days)  # into one corpus) widens the chart
    if first is None or last is None or first > last:
        parts.append('<p class="note">No dated article and no story window: nothing to draw.</p>')
    else:
        weekly = (last - first).days + 1 > MAX_DAILY_BARS
        parts.append(f'<p class="note">Articles written to the corpus ({len(articles)} text files in '
                     f'<code>manifest.jsonl</code>) by {"week (weeks start on Monday)" if weekly else "publication day"}'
                     f', the page\'s own date, stacked by detected language. '
                     f'<span data-timeline="dated">{len(dated)}</span> dated.</p>')
        parts.append(timeline_svg(first, last, since, until, dated, colours, weekly))
    parts.append(legend(counts, colours))
    if undated:
        by_language = ", ".join(f"{esc(lang)} {n}" for lang, n in sorted(undated.items()))
        parts.append(f'<p class="undated"><span data-timeline="undated">{sum(undated.values())}</span> undated '
                     f'article(s), not in the chart: the page gave no publication date ({by_language}).</p>')
    else:
        parts.append('<p class="undated">Every article has a publication date '
                     '(<span data-timeline="undated">0</span> undated).</p>')
    parts.append(day_table(dated))
    parts.append('</section>')
    return "\n".join(parts)


def bucket(day: dt.date, weekly: bool) -> dt.date:
    return day - dt.timedelta(days=day.weekday()) if weekly else day


def timeline_svg(first, last, since, until, dated, colours, weekly) -> str:
    start, end = bucket(first, weekly), bucket(last, weekly)
    step_days = 7 if weekly else 1
    buckets = [start + dt.timedelta(days=i) for i in range(0, (end - start).days + 1, step_days)]
    per_bucket: dict[dt.date, Counter] = defaultdict(Counter)
    for day, lang in dated:
        per_bucket[bucket(day, weekly)][lang] += 1
    order = list(colours)  # the most frequent language at the bottom
    tallest = max((sum(c.values()) for c in per_bucket.values()), default=0)
    step = nice_step(max(tallest, 1))
    top = -(-max(tallest, 1) // step) * step
    width, height, left, right, upper, lower = 1000, 280, 44, 12, 18, 50
    plot_w, plot_h = width - left - right, height - upper - lower
    slot = plot_w / len(buckets)
    bar = max(slot * 0.78, 0.6)
    y = lambda value: upper + plot_h - plot_h * value / top  # noqa: E731
    out = [f'<svg class="timeline" viewBox="0 0 {width} {height}" role="img" '
           f'aria-labelledby="timeline-title" xmlns="http://www.w3.org/2000/svg">',
           f'<title id="timeline-title">Articles per {"week" if weekly else "day"}, stacked by language, '
           f'{first.isoformat()} to {last.isoformat()}</title>']
    if since or until:  # the story window, shaded
        w0 = bucket(max(since or first, first), weekly)
        w1 = bucket(min(until or last, last), weekly)
        if w0 <= w1:
            x0 = left + slot * ((w0 - start).days // step_days)
            x1 = left + slot * ((w1 - start).days // step_days + 1)
            out.append(f'<rect class="window" x="{x0:.1f}" y="{upper}" width="{x1 - x0:.1f}" height="{plot_h}"/>')
            out.append(f'<text class="window-label" x="{x1 - 4:.1f}" y="{upper + 12}" text-anchor="end">'
                       f'story window</text>')
    for tick in range(0, top + 1, step):
        out.append(f'<line class="grid" x1="{left}" x2="{width - right}" y1="{y(tick):.1f}" y2="{y(tick):.1f}"/>')
        out.append(f'<text class="axis" x="{left - 6}" y="{y(tick) + 4:.1f}" text-anchor="end">{tick}</text>')
    out.append(f'<text class="axis-title" transform="translate(12 {upper + plot_h / 2:.0f}) rotate(-90)" '
               f'text-anchor="middle">articles</text>')
    for i, day in enumerate(buckets):
        x = left + slot * i + (slot - bar) / 2
        base = 0
        for lang in order:
            n = per_bucket.get(day, Counter()).get(lang, 0)
            if not n:
                continue
            label = f"{'week of ' if weekly else ''}{day.isoformat()}: {n} in {language_label(lang)}"
            out.append(f'<rect class="bar" x="{x:.2f}" y="{y(base + n):.2f}" width="{bar:.2f}" '
                       f'height="{y(base) - y(base + n):.2f}" fill="{colours[lang]}" data-day="{day.isoformat()}" '
                       f'data-language="{esc(lang)}" data-articles="{n}"><title>{esc(label)}</title></rect>')
            base += n
        if base and slot >= 9:  # the day's total above its bar, where there is room
            out.append(f'<text class="total" x="{x + bar / 2:.2f}" y="{y(base) - 3:.2f}" text-anchor="middle">{base}</text>')
    out.append(f'<line class="axis-line" x1="{left}" x2="{width - right}" y1="{upper + plot_h}" y2="{upper + plot_h}"/>')
    every = max(1, math.ceil(48 / slot))  # a label at least every 48 units
    previous_year = None
    for i in range(0, len(buckets), every):
        day = buckets[i]
        x = left + slot * i + slot / 2
        out.append(f'<line class="tick" x1="{x:.1f}" x2="{x:.1f}" y1="{upper + plot_h}" y2="{upper + plot_h + 4}"/>')
        out.append(f'<text class="axis" x="{x:.1f}" y="{upper + plot_h + 16}" text-anchor="middle">'
                   f'{day.day} {MONTHS[day.month - 1]}</text>')
        if day.year != previous_year:
            out.append(f'<text class="axis year" x="{x:.1f}" y="{upper + plot_h + 30}" text-anchor="middle">'
                       f'{day.year}</text>')
            previous_year = day.year
    out.append('</svg>')
    return "\n".join(out)


def legend(counts: Counter, colours: dict[str, str]) -> str:
    if not counts:
        return '<p class="note">No article was written.</p>'
    items = "".join(f'<li data-language="{esc(lang)}" data-articles="{counts[lang]}"><span class="swatch" '
                    f'style="background:{colours[lang]}"></span>{esc(language_label(lang))} '
                    f'<span class="n">{counts[lang]}</span></li>' for lang in colours)
    return f'<ul class="legend" aria-label="languages">{items}</ul>'


def day_table(dated: list) -> str:
    """The numbers behind the chart, for those who read rather than look (and for screen readers)."""
    if not dated:
        return ""
    languages = sorted({lang for _, lang in dated})
    per_day: dict[dt.date, Counter] = defaultdict(Counter)
    for day, lang in dated:
        per_day[day][lang] += 1
    head = "".join(f"<th>{esc(lang)}</th>" for lang in languages)
    rows = "".join(f'<tr><td>{day.isoformat()}</td>' + "".join(f'<td class="n">{per_day[day][lang] or ""}</td>'
                                                               for lang in languages)
                   + f'<td class="n">{sum(per_day[day].values())}</td></tr>' for day in sorted(per_day))
    return (f'<details><summary>Articles per day and language (days with articles)</summary>'
            f'<table class="compact"><thead><tr><th>day</th>{head}<th>all</th></tr></thead>'
            f'<tbody>{rows}</tbody></table></details>')


# --- outlets ------------------------------------------------------------------------------------------------------

def outlet_columns(report: dict) -> list[str]:
    """ALWAYS, then every other reason non-zero in some row (report.json's order), then "errors" and its
    non-zero parts, then "undecided" if any."""
    rows = [row for row in (*(report.get("outlets") or {}).values(), report.get("totals") or {}) if isinstance(row, dict)]
    shown = lambda key: any(num(row.get(key)) for row in rows)  # noqa: E731
    keys = [key for key in (report.get("reasons") or {}) if isinstance(key, str)]
    keys += [key for row in rows for key in row if key not in keys]
    others = [key for key in dict.fromkeys(keys) if key not in (*ALWAYS, *ERROR_REASONS, "undecided") and shown(key)]
    return [*ALWAYS, *others, "errors", *(key for key in ERROR_REASONS if shown(key)),
            *(["undecided"] if shown("undecided") else [])]


def cell_value(counts: dict, column: str) -> int:
    if column == "errors":
        return sum(num(counts.get(reason)) for reason in ERROR_REASONS)
    return num(counts.get(column))


def outlet_section(report: dict) -> str:
    reasons = report.get("reasons") or {}
    columns = outlet_columns(report)
    explain = {**{k: text(v) for k, v in reasons.items() if isinstance(k, str)},
               "found": "article candidates found in sitemaps, feeds, links, URL lists and GDELT",
               "errors": "robots + http_error + fetch_error: pages that could not, or might not, be fetched",
               "undecided": "found but given no decision (the crawl stopped early)"}

    def th(column):
        sub = " sub" if column in ERROR_REASONS else ""
        return (f'<th class="n{sub}" data-reason="{esc(column)}" title="{esc(explain.get(column, column))}">'
                f'{esc(LABELS.get(column, column.replace("_", " ")))}</th>')

    head = "<th>outlet</th>" + "".join(th(c) for c in columns) + "<th>published</th>"
    dates = report.get("dates") or {}
    rows = []
    for outlet, counts in (report.get("outlets") or {}).items():
        counts = counts if isinstance(counts, dict) else {}
        cells = "".join(f'<td class="n{" sub" if c in ERROR_REASONS else ""}{" zero" if not cell_value(counts, c) else ""}"'
                        f' data-outlet="{esc(outlet)}" data-count="{esc(c)}">{cell_value(counts, c)}</td>' for c in columns)
        rows.append(f'<tr><th scope="row">{esc(outlet)}</th>{cells}<td class="days">{days_cell(dates.get(outlet))}</td></tr>')
    totals = report.get("totals") or {}
    total_cells = "".join(f'<td class="n{" sub" if c in ERROR_REASONS else ""}" data-total="{esc(c)}">'
                          f'{cell_value(totals, c)}</td>' for c in columns)
    notes = ["<strong>errors</strong> = robots.txt refusals + HTTP error statuses + fetch failures (timeouts, "
             "refused connections, size limits): pages the crawler could not or might not fetch; the columns "
             "after it break the errors down."]
    if "not_article" in columns:
        notes.append("<strong>not an article</strong>: pages fetched that held no article (listings, too short, not HTML).")
    notes.append("<strong>duplicates</strong>: another URL or the same text of an article already kept "
                 "(recorded in the manifest, no second file). Hover a heading for report.json's wording.")
    return (f'<section id="outlets">\n<h2>Outlets</h2>\n<div class="scroll"><table class="outlets">'
            f'<thead><tr>{head}</tr></thead>\n<tbody>{"".join(rows)}</tbody>\n'
            f'<tfoot><tr><th scope="row">total</th>{total_cells}<td></td></tr></tfoot></table></div>\n'
            f'<p class="note">{" ".join(notes)}</p>\n</section>')


def days_cell(dates) -> str:
    if not isinstance(dates, dict) or not dates.get("earliest"):
        undated = num(dates.get("undated")) if isinstance(dates, dict) else 0
        return f"{undated} undated" if undated else "—"
    earliest, latest = text(dates.get("earliest")), text(dates.get("latest"))
    span = esc(earliest) if earliest == latest else f"{esc(earliest)} – {esc(latest)}"
    undated = num(dates.get("undated"))
    return span + (f" (+{undated} undated)" if undated else "")


# --- clusters, listings, articles -----------------------------------------------------------------------------------

def cluster_section(report: dict, articles: list[dict]) -> str:
    clusters = [c for c in ((report.get("clusters") or {}).get("clusters") or []) if isinstance(c, dict)]
    by_url = {text(r.get("url")): r for r in articles}
    parts = ['<section id="clusters">', '<h2>Wire-copy clusters</h2>']
    if not clusters:
        parts.append('<p class="note">No two written articles are near-copies of each other.</p>')
    else:
        parts.append(f'<p class="note">{len(clusters)} cluster(s) of near-identical articles (wire copies '
                     f'republished by several outlets). The first copy kept is marked; later ones name it in the '
                     f'manifest (<code>near_duplicate_of</code>).</p>')
    for cluster in clusters:
        members = [m for m in (cluster.get("members") or []) if isinstance(m, dict)]
        items = []
        for member in members:
            record = by_url.get(text(member.get("url")), {})
            role = ('<span class="tag later">later copy</span>' if record.get("near_duplicate_of")
                    else '<span class="tag first">first copy</span>' if record else "")
            title = record.get("title") or member.get("url")
            day = parse_day(record.get("published"))
            items.append(f'<li data-url="{esc(member.get("url"))}"><span class="outlet">{esc(member.get("outlet"))}</span> '
                         f'{text_link(record.get("path"), title)} <span class="muted">{day.isoformat() if day else ""}'
                         f'</span> {role} {source_link(member.get("url"))}</li>')
        parts.append(f'<section class="cluster" data-cluster="{esc(cluster.get("cluster_id"))}"><h3>'
                     f'<code>{esc(cluster.get("cluster_id"))}</code> · {len(members)} articles</h3>'
                     f'<ul>{"".join(items)}</ul></section>')
    parts.append('</section>')
    return "\n".join(parts)


def source_error_section(report: dict) -> str:
    errors = [e for e in (report.get("source_errors") or []) if isinstance(e, dict)]
    if not errors:
        return ""
    rows = "".join(f'<tr><td>{esc(e.get("source"))}</td><td class="wrap">{source_link(e.get("url"))} '
                   f'<span class="url">{esc(e.get("url"))}</span></td><td>{esc(e.get("detail"))}</td></tr>'
                   for e in errors)
    return (f'<section id="listings">\n<h2>Listings that could not be read</h2>\n<p class="note">'
            f'<span data-summary="source_errors">{len(errors)}</span> sitemap(s), feed(s) or start page(s): what '
            f'they list was not found.</p>\n<div class="scroll"><table><thead><tr><th>outlet</th><th>listing</th>'
            f'<th>why</th></tr></thead><tbody>{rows}</tbody></table></div>\n</section>')


def article_section(articles: list[dict]) -> str:
    ordered = sorted(articles, key=lambda r: (parse_day(r.get("published")) or dt.date.max, text(r.get("published")),
                                              text(r.get("outlet")), text(r.get("path"))))
    rows = []
    for record in ordered:
        day = parse_day(record.get("published"))
        copy = ' <span class="tag later">wire copy</span>' if record.get("near_duplicate_of") else ""
        rows.append(f'<tr data-path="{esc(record.get("path"))}"><td class="day">{day.isoformat() if day else "undated"}'
                    f'</td><td>{esc(record.get("outlet"))}</td><td>{esc(language_of(record))}</td>'
                    f'<td class="title">{text_link(record.get("path"), record.get("title") or record.get("path"))}{copy}</td>'
                    f'<td class="n">{num(record.get("word_count"))}</td><td>{source_link(record.get("url"))}</td></tr>')
    if not rows:
        return '<section id="articles">\n<h2>Articles</h2>\n<p class="note">No article was written.</p>\n</section>'
    return (f'<section id="articles">\n<h2>Articles</h2>\n<p class="note">Each title opens the article\'s text '
            f'file in this corpus; the last column is the page it came from.</p>\n<div class="scroll">'
            f'<table class="articles"><thead><tr><th>published</th><th>outlet</th><th>lang</th><th>title</th>'
            f'<th class="n">words</th><th>source</th></tr></thead>\n<tbody>{"".join(rows)}</tbody></table></div>\n'
            f'</section>')


CSS = """
:root { --ink: #1d2327; --muted: #5b6770; --rule: #d8dde1; --paper: #ffffff; --tint: #f4f6f8; --accent: #0072B2; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0; background: var(--paper); color: var(--ink);
  font: 16px/1.5 "Source Sans 3", "Segoe UI", "Helvetica Neue", Helvetica, Arial, "Noto Sans", "DejaVu Sans", sans-serif; }
main { max-width: 1160px; margin: 0 auto; padding: 28px 32px 48px; }
h1 { font-size: 1.9rem; line-height: 1.2; margin: 0.1em 0 0.3em; }
h2 { font-size: 1.3rem; margin: 2em 0 0.4em; padding-bottom: 0.2em; border-bottom: 2px solid var(--ink); }
h3 { font-size: 1rem; margin: 0.2em 0; }
code { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 0.88em; }
a { color: var(--accent); }
.kicker { text-transform: uppercase; letter-spacing: 0.06em; font-size: 0.78rem; color: var(--muted); margin: 0; }
.meta, .note, .muted { color: var(--muted); }
.note { font-size: 0.92rem; max-width: 75ch; }
.warn { color: #b34700; }
.figures { display: flex; flex-wrap: wrap; gap: 12px; margin: 16px 0 0; }
.figure { background: var(--tint); border-radius: 6px; padding: 10px 18px; min-width: 130px; }
.figure .big { display: block; font-size: 1.8rem; font-weight: 700; font-variant-numeric: tabular-nums; }
.figure .what { color: var(--muted); font-size: 0.85rem; }
.figures-title { flex-basis: 100%; margin: 4px 0 -4px; font-weight: 600; color: var(--muted); font-size: 0.85rem; }
svg.timeline { width: 100%; height: auto; display: block; margin: 8px 0; }
svg .window { fill: #eef3f7; }
svg .window-label { fill: var(--muted); font-size: 11px; }
svg .grid { stroke: #e3e7ea; stroke-width: 1; }
svg .axis-line, svg .tick { stroke: var(--ink); stroke-width: 1; }
svg .axis, svg .axis-title { fill: var(--muted); font-size: 11px; font-family: inherit; }
svg .year { font-weight: 600; }
svg .total { fill: var(--ink); font-size: 10px; font-variant-numeric: tabular-nums; }
svg .bar { stroke: #ffffff; stroke-width: 0.5; }
.legend { list-style: none; padding: 0; margin: 4px 0 8px; display: flex; flex-wrap: wrap; gap: 6px 18px; font-size: 0.92rem; }
.legend .swatch { display: inline-block; width: 12px; height: 12px; border-radius: 2px; margin-right: 6px; vertical-align: -1px; }
.legend .n { color: var(--muted); font-variant-numeric: tabular-nums; }
.undated { font-size: 0.92rem; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: 0.92rem; }
th, td { padding: 5px 8px; border-bottom: 1px solid var(--rule); text-align: left; vertical-align: baseline; }
thead th { border-bottom: 2px solid var(--ink); font-weight: 600; white-space: nowrap; }
tbody tr:nth-child(even) { background: var(--tint); }
tfoot th, tfoot td { border-top: 2px solid var(--ink); border-bottom: none; font-weight: 700; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
td.zero { color: #a3adb4; }
th.sub, td.sub { font-size: 0.85em; color: var(--muted); }
td[data-count="written"], th[data-reason="written"], td[data-total="written"] { font-weight: 700; }
td[data-count="errors"], th[data-reason="errors"], td[data-total="errors"] { border-left: 1px solid var(--rule); }
td.days { white-space: nowrap; color: var(--muted); font-size: 0.88em; }
table.compact { width: auto; font-size: 0.85rem; }
details { margin: 8px 0; }
summary { cursor: pointer; color: var(--accent); font-size: 0.92rem; }
.cluster { border-left: 4px solid var(--accent); padding: 4px 14px; margin: 12px 0; background: var(--tint); }
.cluster ul { margin: 4px 0; padding-left: 18px; }
.outlet { font-weight: 600; }
.tag { display: inline-block; font-size: 0.75rem; border-radius: 3px; padding: 0 6px; border: 1px solid; }
.tag.first { color: #00694b; } .tag.later { color: #8a3b00; }
.url { font-size: 0.85em; color: var(--muted); word-break: break-all; }
a.url { white-space: nowrap; word-break: normal; }
td.title { min-width: 24ch; }
td.day { white-space: nowrap; font-variant-numeric: tabular-nums; }
footer { margin-top: 3em; border-top: 1px solid var(--rule); color: var(--muted); font-size: 0.85rem; }
@media print {
  body { font-size: 10.5pt; }
  main { max-width: none; padding: 0; }
  h2 { break-after: avoid; }
  tr, .cluster, svg.timeline, .figure { break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
  .scroll { overflow: visible; }
  details { display: none; }
  table { font-size: 8.5pt; }
  th, td { padding: 2px 4px; }
  thead th, td.days, a.url { white-space: normal; }
  .figure { padding: 4px 10px; min-width: 0; }
}
"""
