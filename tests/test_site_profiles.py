"""Site profiles (`cleaners/sites/*.toml`): declared knowledge of each fixture outlet, applied by one engine."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from trafilatura.utils import load_html

from cleaners import extract
from cleaners.hosts import on_domains
from cleaners.metadata import read_metadata
from cleaners.sites import find_profile, load_profiles, parse_profile
from conftest import ORIGIN, fixture_pages, page_html

PROFILES = load_profiles()
# AMP copies declare no site name; the crawler resolves them to their canonical page before cleaning.
ARTICLES = [p for p in fixture_pages() if p["kind"] in ("on-topic", "off-topic", "out-of-window") and "amp_of" not in p]
OUTLETS = sorted({p["outlet"] for p in ARTICLES})


def profile_of(page: dict):
    tree = load_html(page_html(page))
    meta = read_metadata(tree, ORIGIN + page["path"])
    return find_profile(PROFILES, (ORIGIN + page["path"], meta.canonical_url), meta.sitename), tree


def page_at(outlet: str, path_part: str) -> dict:
    return next(p for p in ARTICLES if p["outlet"] == outlet and path_part in p["path"])


@pytest.mark.parametrize("outlet", OUTLETS)
def test_every_fixture_outlet_has_a_profile_that_applies_to_its_articles(outlet):
    names = {profile_of(page)[0].name for page in ARTICLES if page["outlet"] == outlet}
    assert names == {outlet}


@pytest.mark.parametrize("outlet", OUTLETS)
def test_every_selector_of_a_profile_still_matches_its_outlet(outlet):
    """A redesign that renames a class would silently turn a profile off: this notices."""
    pages = [page for page in ARTICLES if page["outlet"] == outlet]
    profile = profile_of(pages[0])[0]
    for selector in (*profile.keep, *profile.drop):
        assert any(profile_of(page)[1].cssselect(selector) for page in pages), (outlet, selector)


def test_a_drop_selector_removes_an_in_body_box_no_generic_rule_finds():
    page = page_at("northpost", "musk-and-putin-have-spoken-regularly")
    promo = "The Northpost Weekend arrives every Saturday"
    assert promo in extract(page_html(page), url=ORIGIN + page["path"], profiles=()).text  # the control
    assert promo not in extract(page_html(page), url=ORIGIN + page["path"]).text


def test_a_tail_cue_ends_the_article_in_the_outlets_language():
    page = page_at("fjordposten", "musk-har-snakket-jevnlig-med-putin")
    without, with_profile = (extract(page_html(page), url=ORIGIN + page["path"], profiles=profiles).paragraphs
                             for profiles in ((), PROFILES))
    assert "Tips oss" in without
    assert "Tips oss" not in with_profile and with_profile[-1] == without[without.index("Tips oss") - 1]


def test_keep_adds_a_lead_outside_the_body_container():
    page = page_at("northpost", "musk-and-putin-have-spoken-regularly")
    lead = "Kremlin denies account of talks"
    assert not extract(page_html(page), url=ORIGIN + page["path"], profiles=()).text.startswith(lead)
    assert extract(page_html(page), url=ORIGIN + page["path"]).text.startswith(lead)


def test_a_page_outside_the_outlets_article_template_falls_back_to_the_generic_cleaners():
    page = next(p for p in fixture_pages() if p["outlet"] == "landsfrettir" and p["kind"] == "not-article")
    assert profile_of(page)[0].name == "landsfrettir" and not profile_of(page)[1].cssselect(".article-item__body")
    assert extract(page_html(page), url=ORIGIN + page["path"]) is not None


def test_a_profile_with_an_unknown_key_is_refused_with_its_name():
    with pytest.raises(ValueError, match="'selectors'"):
        parse_profile({"site_names": ["X"], "selectors": [".a"]}, "x.toml")


def test_a_profile_and_an_outlet_see_a_site_the_same_way_with_or_without_www():
    """Site profiles and the crawl's outlet domains share one rule (cleaners/hosts.py): subdomains belong to the
    site, and `www.` is no part of its name on either side."""
    profile = parse_profile({"domains": ["www.visir.example"]}, "visir.toml")
    for url in ("https://visir.example/a", "https://www.visir.example/a", "https://frettir.visir.example/a"):
        assert profile.matches((url,), None) and on_domains(urlsplit(url).hostname, ["www.visir.example"])
    assert not profile.matches(("https://notvisir.example/a",), None)
    assert not on_domains("notvisir.example", ["visir.example"])
