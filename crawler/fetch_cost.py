"""What a crawl asked the outlets for: per outlet, requests by kind, bytes, listings skipped by date, and
articles fetched that turned out out of the window ("wasted").

Kinds: `robots` (robots.txt), `sitemap`, `feed`, `api` (GDELT), `page` (a start page, or a page a followed
link led to that was no article: an archive day, a section page), `article` (every other article candidate
fetched: an entry of a feed, sitemap or GDELT answer that was no article included).
Counted from each response received (retries and redirects included, as the outlet saw them); a robots.txt
the spider reused from the robots middleware is not counted twice (it was not fetched twice).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from types import SimpleNamespace
from urllib.parse import urlsplit

from .robots import SHARED_FLAG

KINDS = ("robots", "sitemap", "feed", "api", "page", "article")

listing_skipped = object()  # signal: a listing not fetched because of its date; kwargs: record (dict)
fetched_listing_page = object()  # signal: a page a followed link led to was a listing; kwargs: outlet


class FetchCost:
    def __init__(self):
        self.requests: dict[str, Counter] = defaultdict(Counter)
        self.bytes: Counter = Counter()
        self.skipped: Counter = Counter()
        self.wasted: Counter = Counter()
        self.links_dated_out: Counter = Counter()  # links and entries not fetched: their URL's date is outside the window
        self.hosts: dict[str, str] = {}  # host -> outlet, for robots.txt requests the spider did not make

    def on_response(self, request, response) -> None:
        if SHARED_FLAG in response.flags:
            return
        outlet, kind = self.outlet_and_kind(request)
        self.requests[outlet][kind] += 1
        self.bytes[outlet] += len(response.body)

    def outlet_and_kind(self, request) -> tuple[str, str]:
        meta = request.meta
        host = urlsplit(request.url).hostname or "?"
        if "candidate" in meta:
            outlet = meta["candidate"]["outlet"]
            kind = "article"
        else:
            outlet = meta.get("source") or self.hosts.get(host, host)
            kind = meta.get("fetch_kind") or ("robots" if urlsplit(request.url).path == "/robots.txt" else "page")
        self.hosts.setdefault(host, outlet)
        return outlet, kind

    def on_decision(self, decision: dict) -> None:
        if decision["reason"] == "out_of_window" and decision["detail"].startswith("dated by URL"):
            self.links_dated_out[decision["outlet"]] += 1

    def on_listing_page(self, outlet: str) -> None:
        self.requests[outlet]["article"] -= 1
        self.requests[outlet]["page"] += 1

    def as_report(self, outlets) -> dict:
        """Per outlet and in total: requests by kind, bytes, listings skipped by date, wasted articles."""
        report = {}
        for outlet in sorted(set(outlets) | set(self.requests) | set(self.skipped) | set(self.links_dated_out)):
            kinds = {kind: self.requests[outlet][kind] for kind in KINDS}
            report[outlet] = {"requests": sum(kinds.values()), **kinds, "bytes": self.bytes[outlet],
                              "listings_skipped_by_date": self.skipped[outlet],
                              "links_skipped_by_url_date": self.links_dated_out[outlet], "wasted": self.wasted[outlet]}
        total = {key: sum(o[key] for o in report.values()) for key in ("requests", *KINDS, "bytes", "listings_skipped_by_date",
                                                                        "links_skipped_by_url_date", "wasted")}
        return {"outlets": report, "total": total}


def merged_fetch_cost(costs: list[dict | None]) -> dict:
    """The shards' fetch costs summed, per outlet and in total (`storycrawl merge`)."""
    outlets: dict[str, Counter] = defaultdict(Counter)
    for cost in costs:
        for outlet, counts in ((cost or {}).get("outlets") or {}).items():
            outlets[outlet].update({key: value for key, value in counts.items() if isinstance(value, int)})
    keys = ("requests", *KINDS, "bytes", "listings_skipped_by_date", "links_skipped_by_url_date", "wasted")
    report = {outlet: {key: counts[key] for key in keys} for outlet, counts in sorted(outlets.items())}
    return {"outlets": report, "total": {key: sum(o[key] for o in report.values()) for key in keys}}


def format_cost(total: dict) -> str:
    """The console summary's line."""
    kinds = ", ".join(f"{kind} {total[kind]}" for kind in KINDS if total[kind])
    return (f"fetch cost: {total['requests']} requests ({kinds or 'none'}), {total['bytes'] / 1e6:.1f} MB; "
            f"{total['listings_skipped_by_date']} listing(s) and {total['links_skipped_by_url_date']} link(s) skipped by "
            f"date, {total['wasted']} article(s) fetched out of the window")


def fetch_cost_view(report) -> SimpleNamespace | None:
    """What report.html's section shows (crawler/templates/report.html): requests by kind per outlet, listings
    skipped by date (by reason), budgets reached; None when the report has no fetch cost."""
    cost = report.fetch_cost
    if not isinstance(cost, dict) or not cost.get("outlets"):
        return None
    columns = ("requests", *KINDS, "listings_skipped_by_date", "links_skipped_by_url_date", "wasted")

    def row(name: str, counts: dict, cell: str = "td") -> tuple:
        return name, [(c, int(counts.get(c) or 0)) for c in columns], f"{(counts.get('bytes') or 0) / 1e6:.1f}", cell

    reasons = Counter((s.get("source"), s.get("reason")) for s in report.skipped_listings if isinstance(s, dict))
    skipped = [f"{source}: {n} ({reason})" for (source, reason), n in sorted(reasons.items())]
    budgets = [f"request budget reached: {b.get('max_requests')} for {b.get('scope')}, "
               f"{b.get('refused')} request(s) not made" for b in report.budget if isinstance(b, dict)]
    rows = [row(name, counts) for name, counts in cost["outlets"].items()]
    return SimpleNamespace(columns=columns, notes=skipped + budgets, rows=[*rows, row("total", cost["total"], "th")])
