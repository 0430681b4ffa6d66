"""Real outlets as data (`cleaners/sites/<country>/<name>.toml`): a declared schema, their sources, and one saved
page each (`fixtures/outlets/<country>/<name>/<date>.html`, our own page in the outlet's template) with the text
the cleaners must give for it (`<date>.txt`)."""

from __future__ import annotations

from pathlib import Path

import pytest
from trafilatura.utils import load_html

from cleaners import extract
from cleaners.metadata import read_metadata
from cleaners.sites import find_profile, load_profiles, outlets, parse_profile
from conftest import FIXTURES, normalise, run_storycrawl
from crawler.outlets import outlet_tables
from crawler.story import StoryError, load_story, parse_story

PROFILES = load_profiles()
OUTLETS = outlets(PROFILES)
OUTLET_PAGES = sorted((FIXTURES / "outlets").glob("*/*/*.html"))
GUARDIAN_LIKE = {
    "domains": ["example-news.org"], "languages": ["en"],
    "sources": {"news_sitemaps": ["https://www.example-news.org/sitemaps/news.xml"],
                "feeds": ["https://www.example-news.org/world/rss"]},
    "facts": {"checked": "2026-12-06", "source": "the outlet's robots.txt"},
}


def outlet_id(page: Path) -> str:
    return f"{page.parts[-3]}/{page.parts[-2]}"


def refusal(data: dict, outlet: str | None = None) -> str:
    with pytest.raises(ValueError) as caught:
        parse_profile(data, "sites/xx/example.toml", outlet)
    return str(caught.value)


# --- the schema -------------------------------------------------------------------------------------------------

def test_an_outlet_profile_declares_its_sources_languages_and_where_its_facts_come_from():
    profile = parse_profile(GUARDIAN_LIKE, "sites/xx/example.toml", "xx/example")
    assert profile.outlet.id == "xx/example" and profile.outlet.languages == ("en",)
    assert profile.outlet.sources.urls() == ("https://www.example-news.org/sitemaps/news.xml",
                                            "https://www.example-news.org/world/rss")
    assert str(profile.outlet.facts.checked) == "2026-12-06"


@pytest.mark.parametrize("change, says", [
    ({"domains": "example-news.org"}, "'domains': expected a list, got 'example-news.org'"),
    ({"domains": ["https://example-news.org/"]}, "'domains[0]': a lowercase host name"),
    ({"keep": [".body >> p"]}, "'keep[0]': not a CSS selector"),
    ({"tail_cues": [7]}, "'tail_cues[0]': expected a string, got 7"),
    ({"languages": ["English"]}, "'languages[0]': an ISO 639 code"),
    ({"sources": {"feeds": ["/world/rss"]}}, "'sources.feeds[0]': not an absolute http(s) URL"),
    ({"sources": {"feed": ["https://www.example-news.org/rss"]}}, "'sources.feed': unknown key (known: feeds,"),
    ({"facts": {"checked": "last week", "source": "x"}}, "'facts.checked': expected a date"),
    ({"facts": "2026-12-06"}, "'facts': expected a table"),
    ({"selectors": [".a"]}, "'selectors': unknown key"),
])
def test_a_bad_value_is_refused_naming_the_file_and_the_key(change, says):
    message = refusal({**GUARDIAN_LIKE, **change})
    assert message.startswith("sites/xx/example.toml: ") and says in message


def test_sources_without_their_dated_facts_are_refused():
    without_facts = {k: v for k, v in GUARDIAN_LIKE.items() if k != "facts"}
    assert "a profile with [sources] also needs facts" in refusal(without_facts)


def test_a_profile_in_a_country_folder_must_be_an_outlet():
    assert "give its [sources] and [facts]" in refusal({"domains": ["example-news.org"]}, "xx/example")


# --- a story's `outlets` ----------------------------------------------------------------------------------------

def story_with(tmp_path: Path, lines: str) -> Path:
    path = tmp_path / "story.toml"
    path.write_text('id = "ferries"\n' + lines + '\n[match]\ngroups = [["ferry"]]\n', encoding="utf-8")
    return path


@pytest.mark.parametrize("outlet", sorted(OUTLETS))
def test_each_outlet_becomes_a_source_on_its_own_domains(outlet):
    story = parse_story({"id": "s", "outlets": [outlet], "match": {"groups": [["x"]]}})
    (source,) = story.sources
    declared = OUTLETS[outlet]
    assert source.name == outlet.replace("/", "-")
    assert source.allowed_domains == declared.domains
    assert set(source.sitemaps) | set(source.feeds) == set(declared.sources.urls())


def test_a_story_names_outlets_and_keeps_its_own_sources_first(tmp_path):
    path = story_with(tmp_path, 'outlets = ["uk/guardian"]\n'
                                '[[sources]]\nname = "harbour-blog"\nfeeds = ["https://harbour.example/feed"]\n')
    story = load_story(path)
    assert [s.name for s in story.sources] == ["harbour-blog", "uk-guardian"]
    guardian = story.sources[1]
    assert guardian.sitemaps == ("https://www.theguardian.com/sitemaps/news.xml", "https://www.theguardian.com/robots.txt")
    assert guardian.feeds == ("https://www.theguardian.com/world/rss",) and guardian.allowed_domains == ("theguardian.com",)


def test_outlets_alone_are_enough_sources(tmp_path):
    assert [s.name for s in load_story(story_with(tmp_path, 'outlets = ["uk/guardian"]')).sources] == ["uk-guardian"]


def test_an_unknown_outlet_is_refused_naming_the_key_and_the_close_matches(tmp_path):
    with pytest.raises(StoryError) as caught:
        load_story(story_with(tmp_path, 'outlets = ["uk/guardian", "uk/gaurdian"]'))
    assert caught.value.key == "outlets[1]"
    assert "unknown outlet 'uk/gaurdian'" in str(caught.value) and "close matches: uk/guardian" in str(caught.value)


def test_an_outlet_named_without_its_country_is_matched_by_name():
    with pytest.raises(ValueError, match="close matches: uk/guardian"):
        outlet_tables(["guardian"])


def test_an_unknown_outlet_with_no_close_match_lists_the_known_ones():
    with pytest.raises(ValueError) as caught:
        outlet_tables(["xx/nothing-like-it"])
    assert "known outlets: " in str(caught.value) and all(o in str(caught.value) for o in OUTLETS)


@pytest.mark.parametrize("value, says", [
    ("uk/guardian", "a non-empty list of outlet ids"),
    ([], "a non-empty list of outlet ids"),
    (["uk/guardian", 3], "an outlet id like"),
    (["uk/guardian", "uk/guardian"], "named twice: uk/guardian"),
])
def test_a_bad_outlets_value_is_refused(value, says):
    with pytest.raises(StoryError, match=says):
        parse_story({"id": "s", "outlets": value, "match": {"groups": [["x"]]}})


def test_an_unknown_outlet_ends_the_crawl_command_with_exit_2_and_one_line(tmp_path):
    result = run_storycrawl("crawl", str(story_with(tmp_path, 'outlets = ["uk/gaurdian"]')), "--out", str(tmp_path / "c"))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "outlets[0]: unknown outlet 'uk/gaurdian'" in result.stderr and not (tmp_path / "c").exists()


# --- one saved page per outlet ----------------------------------------------------------------------------------

def cleaned(page: Path, **options):
    html = page.read_text(encoding="utf-8")
    canonical = read_metadata(load_html(html), None).canonical_url  # the URL the crawler would have fetched
    return extract(html, url=canonical, **options)


def expected_text(page: Path) -> str:
    return normalise(page.with_suffix(".txt").read_text(encoding="utf-8"))


def profile_of(page: Path):
    tree = load_html(page.read_text(encoding="utf-8"))
    meta = read_metadata(tree, None)
    return find_profile(PROFILES, (meta.canonical_url,), meta.sitename), tree


@pytest.mark.parametrize("outlet", sorted(OUTLETS))
def test_every_outlet_has_a_saved_page_with_its_expected_text(outlet):
    pages = [p for p in OUTLET_PAGES if outlet_id(p) == outlet]
    assert pages and all(p.with_suffix(".txt").is_file() for p in pages)


@pytest.mark.parametrize("page", OUTLET_PAGES, ids=outlet_id)
def test_a_saved_page_is_cleaned_to_its_expected_text_under_its_outlets_profile(page):
    profile, _ = profile_of(page)
    assert profile.outlet is not None and profile.outlet.id == outlet_id(page)
    assert normalise(cleaned(page).as_text_file()) == expected_text(page)


@pytest.mark.parametrize("page", [p for p in OUTLET_PAGES if any(
    (profile_of(p)[0].keep, profile_of(p)[0].drop, profile_of(p)[0].tail_cues))], ids=outlet_id)
def test_an_outlets_cleaning_rules_are_needed_by_its_saved_page(page):
    """Rules are data a page justifies: without the profile the generic cleaners get this page wrong."""
    assert normalise(cleaned(page, profiles=()).as_text_file()) != expected_text(page)


@pytest.mark.parametrize("page", OUTLET_PAGES, ids=outlet_id)
def test_every_selector_of_an_outlet_matches_its_saved_page(page):
    profile, tree = profile_of(page)
    assert all(tree.cssselect(selector) for selector in (*profile.keep, *profile.drop))
