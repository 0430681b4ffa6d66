"""Story files: what they accept, and that every mistake names its key."""

from __future__ import annotations

import datetime as dt
import tomllib

import pytest

from conftest import DEMO_STORY, ROOT, run_storycrawl
from crawler.story import StoryError, load_story, parse_story

MINIMAL = {"id": "s", "match": {"groups": [["Musk"]]}, "sources": [{"name": "a", "urls": ["https://a.example/x"]}]}


def with_changes(**changes) -> dict:
    data = tomllib.loads(DEMO_STORY.read_text())
    data.update(changes)
    return data


def test_the_demo_story_loads_with_its_window_and_sources():
    story = load_story(DEMO_STORY)
    assert story.since == dt.date(2024, 10, 20) and story.until == dt.date(2024, 12, 31)
    assert [s.name for s in story.sources] == ["landsfrettir", "northpost", "fjordposten", "kyivwire", "vestnik",
                                               "openfield", "rheinblatt"]
    assert story.sources[2].follow.depth == 2 and story.sources[6].gdelt.query == "Musk Putin"


def test_the_real_world_story_loads():
    story = load_story(ROOT / "stories" / "musk-putin-2024.toml")
    assert len(story.sources) >= 5


def test_window_is_inclusive_and_undated_articles_are_in_it():
    story = parse_story({**MINIMAL, "since": dt.date(2024, 10, 20), "until": dt.date(2024, 10, 31)})
    assert story.in_window(dt.date(2024, 10, 20)) and story.in_window(dt.date(2024, 10, 31))
    assert not story.in_window(dt.date(2024, 11, 1)) and not story.in_window(dt.date(2022, 10, 11))
    assert story.in_window(None)


@pytest.mark.parametrize("data, key", [
    ({**MINIMAL, "tittle": "x"}, "tittle"),
    ({**MINIMAL, "since": "last week"}, "since"),
    ({**MINIMAL, "since": dt.date(2024, 11, 1), "until": dt.date(2024, 10, 1)}, "until"),
    ({**MINIMAL, "match": {"groups": []}}, "match.groups"),
    ({**MINIMAL, "match": {"groups": [["Musk"]], "mode": "any"}}, "match.mode"),
    ({**MINIMAL, "sources": [{"name": "a", "feeds": ["ftp://a.example/rss"]}]}, "sources.a.feeds"),
    ({**MINIMAL, "sources": [{"name": "a", "urls": "https://a.example/x"}]}, "sources.a.urls"),
    ({**MINIMAL, "sources": [{"name": "a", "urls": ["https://a.example/"], "sitemap": []}]}, "sources[0].sitemap"),
    ({**MINIMAL, "sources": [{"name": "a", "start_urls": ["https://a.example/"], "follow": {"depth": -1}}]},
     "sources.a.follow.depth"),
    ({**MINIMAL, "sources": [{"name": "a", "start_urls": ["https://a.example/"], "follow": {"allow": ["("]}}]},
     "sources.a.follow.allow"),
    ({**MINIMAL, "sources": [{"name": "a"}]}, "sources.a"),
    ({**MINIMAL, "sources": [{"name": "A B", "urls": ["https://a.example/"]}]}, "sources[0].name"),
    ({**MINIMAL, "sources": [{"name": "a", "gdelt": {"query": "x", "max_records": 1000}}]}, "sources.a.gdelt.max_records"),
    ({k: v for k, v in MINIMAL.items() if k != "id"}, "id"),
    # a wrong type for a nested key
    ({**MINIMAL, "sources": [{"name": "a", "start_urls": ["https://a.example/"], "follow": {"depth": "2"}}]},
     "sources.a.follow.depth"),
    ({**MINIMAL, "sources": [{"name": "a", "start_urls": ["https://a.example/"], "follow": {"allow": "/news/"}}]},
     "sources.a.follow.allow"),
    ({**MINIMAL, "sources": [{"name": "a", "start_urls": ["https://a.example/"], "follow": "deep"}]},
     "sources.a.follow"),
    ({**MINIMAL, "sources": [{"name": "a", "gdelt": {"query": "x", "endpoint": 5}}]}, "sources.a.gdelt.endpoint"),
    ({**MINIMAL, "sources": [{"name": "a", "gdelt": {"query": "x", "max_records": True}}]},
     "sources.a.gdelt.max_records"),
    ({**MINIMAL, "sources": [{"name": "a", "urls": ["https://a.example/"], "allowed_domains": "a.example"}]},
     "sources.a.allowed_domains"),
    ({**MINIMAL, "sources": {"name": "a", "urls": ["https://a.example/"]}}, "sources"),
    ({**MINIMAL, "match": {"groups": [["Musk", 1]]}}, "match.groups[0]"),
    ({**MINIMAL, "sources": []}, "sources"),
    ({**MINIMAL, "languages": []}, "languages"),
    ({**MINIMAL, "languages": ["English"]}, "languages"),
    ({**MINIMAL, "languages": "en"}, "languages"),
    ({**MINIMAL, "max_articles": 0}, "max_articles"),
    ({**MINIMAL, "max_articles": "10"}, "max_articles"),
    ({**MINIMAL, "sources": [{"name": "a", "urls": ["https://a.example/"], "max_articles": -3}]}, "sources.a.max_articles"),
    ({**MINIMAL, "outlets": "is/visir"}, "outlets"),
    ({**MINIMAL, "outlets": ["is/visir", 7]}, "outlets[1]"),
])
def test_a_bad_key_or_value_is_rejected_naming_the_key(data, key):
    with pytest.raises(StoryError) as error:
        parse_story(data)
    assert error.value.key == key


def test_languages_and_article_caps_are_read_from_the_story():
    story = parse_story({**MINIMAL, "languages": ["en", "ru", "en"], "max_articles": 50,
                         "sources": [{"name": "a", "urls": ["https://a.example/x"], "max_articles": 5},
                                     {"name": "b", "urls": ["https://b.example/x"]}]})
    assert story.languages == ("en", "ru") and story.max_articles == 50
    assert [s.max_articles for s in story.sources] == [5, None]


def test_outlets_named_by_the_story_are_passed_on_in_order():
    story = parse_story({**MINIMAL, "outlets": ["is/visir", "uk/guardian"]})
    assert story.outlets == ("is/visir", "uk/guardian")
    assert parse_story(MINIMAL).outlets == ()


def test_an_unknown_key_lists_the_known_ones():
    with pytest.raises(StoryError) as error:
        parse_story({**MINIMAL, "sources": [{**MINIMAL["sources"][0], "feed": ["https://a.example/rss"]}]})
    assert error.value.key == "sources[0].feed" and "known keys: allowed_domains, feeds, follow" in str(error.value)


def test_an_empty_sources_list_exits_2_instead_of_crawling_nothing(tmp_path):
    empty = tmp_path / "empty.toml"
    empty.write_text('id = "s"\nsources = []\n[match]\ngroups = [["Musk"]]\n')
    result = run_storycrawl("crawl", str(empty), "--out", str(tmp_path / "corpus"))
    assert result.returncode == 2 and "sources: is empty" in result.stderr
    assert not (tmp_path / "corpus").exists()


def test_loopback_addresses_with_ports_are_accepted():
    story = parse_story({**MINIMAL, "sources": [{"name": "a", "sitemaps": ["http://127.0.0.9:8123/robots.txt"]}]})
    assert story.sources[0].hosts() == {"127.0.0.9"}


def test_the_command_line_exits_2_naming_the_key(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text(DEMO_STORY.read_text().replace("until = ", "untill = "))
    result = run_storycrawl("crawl", str(bad), "--out", str(tmp_path / "corpus"))
    assert result.returncode == 2
    assert "untill" in result.stderr and "unknown key" in result.stderr
    assert not (tmp_path / "corpus").exists()


def test_a_wrong_type_for_a_nested_key_exits_2_naming_the_key(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text(DEMO_STORY.read_text().replace("follow = { depth = 2,", 'follow = { depth = "2",', 1))
    result = run_storycrawl("crawl", str(bad), "--out", str(tmp_path / "corpus"))
    assert result.returncode == 2
    assert "sources.northpost.follow.depth" in result.stderr
    assert not (tmp_path / "corpus").exists()


@pytest.mark.parametrize("content", [b'id = "caf\xe9"\n', None], ids=["not UTF-8", "a directory"])
def test_an_unreadable_story_file_exits_2(tmp_path, content):
    story = tmp_path / "story.toml"
    if content is None:
        story.mkdir()
    else:
        story.write_bytes(content)
    result = run_storycrawl("crawl", str(story), "--out", str(tmp_path / "corpus"))
    assert result.returncode == 2 and "story:" in result.stderr and "Traceback" not in result.stderr


def test_a_source_can_turn_url_dates_off():
    source = {**MINIMAL["sources"][0], "url_dates": False}
    assert parse_story({**MINIMAL, "sources": [source]}).sources[0].url_dates is False
    assert parse_story(MINIMAL).sources[0].url_dates is None  # the URL_DATES_ENABLED setting decides


def test_url_dates_must_be_true_or_false():
    with pytest.raises(StoryError) as error:
        parse_story({**MINIMAL, "sources": [{**MINIMAL["sources"][0], "url_dates": "no"}]})
    assert error.value.key == "sources.a.url_dates"


def test_request_budgets_for_the_crawl_and_a_source():
    story = parse_story({**MINIMAL, "max_requests": 500, "sources": [{**MINIMAL["sources"][0], "max_requests": 40}]})
    assert story.max_requests == 500 and story.sources[0].max_requests == 40


@pytest.mark.parametrize("value", [0, -3, "100", True])
def test_a_request_budget_is_a_positive_whole_number(value):
    with pytest.raises(StoryError) as error:
        parse_story({**MINIMAL, "max_requests": value})
    assert error.value.key == "max_requests"
