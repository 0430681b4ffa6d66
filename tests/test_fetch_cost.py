"""The fetch cost's sums (crawler/fetch_cost.py): per outlet and in total, and over shards."""

from __future__ import annotations

from crawler.fetch_cost import format_cost, merged_fetch_cost


def shard_cost(articles: int, skipped: int) -> dict:
    outlet = {"requests": articles + 2, "robots": 1, "sitemap": 1, "feed": 0, "api": 0, "page": 0,
              "article": articles, "bytes": 1000 * articles, "listings_skipped_by_date": skipped,
              "links_skipped_by_url_date": 0, "wasted": 1}
    return {"outlets": {"north": outlet}, "total": dict(outlet)}


def test_shards_costs_add_up_per_outlet_and_in_total():
    merged = merged_fetch_cost([shard_cost(10, 5), None, shard_cost(4, 0)])
    assert merged["outlets"]["north"]["requests"] == 18 and merged["outlets"]["north"]["robots"] == 2
    assert merged["total"]["listings_skipped_by_date"] == 5 and merged["total"]["wasted"] == 2


def test_the_console_line_names_every_kind_fetched_and_what_was_skipped():
    line = format_cost(shard_cost(10, 5)["total"])
    assert line.startswith("fetch cost: 12 requests (robots 1, sitemap 1, article 10)")
    assert "5 listing(s) and 0 link(s) skipped by date, 1 article(s) fetched out of the window" in line
