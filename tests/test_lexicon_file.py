"""The boilerplate lexicon's files: every key and value is checked, and a mistake names the file and the key."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml import html

from cleaners.data import toml_files
from cleaners.lexicon import LEXICON_DIR, LexiconError, LinePatterns, load_lexicon, needed_words, read_lexicon_file

FIXTURES = Path(__file__).parent.parent / "fixtures"

ICELANDIC = 'language = "is"\ntail_headings = ["Mest lesið"]\nsee_also = ["Sjá einnig"]\n'


def lexicon_folder(tmp_path, text: str):
    (tmp_path / "is.toml").write_text(text, encoding="utf-8")
    return str(tmp_path)


def test_the_shipped_lexicon_loads():
    lexicon = load_lexicon(LEXICON_DIR)
    assert "most read" in lexicon.tail_headings and lexicon.consent_walls is not None


def test_a_small_file_gives_its_phrases(tmp_path):
    lexicon = load_lexicon(lexicon_folder(tmp_path, ICELANDIC))
    assert lexicon.is_tail_heading("Mest lesið") and lexicon.is_see_also("Sjá einnig: Önnur frétt")
    assert lexicon.line_patterns is None


@pytest.mark.parametrize("text, says", [
    (ICELANDIC + 'tail_heading = ["Fleiri fréttir"]\n', "is.toml: tail_heading: unknown key"),
    (ICELANDIC + 'line_patterns = ["(deila"]\n', "is.toml: line_patterns: not a regular expression"),
    (ICELANDIC + 'paywalls = "Áskrifendur"\n', "is.toml: paywalls: expected a list, got str"),
    (ICELANDIC + 'boilerplate_lines = ["Deila", 3]\n', "is.toml: boilerplate_lines: expected a non-empty str, got 3"),
    ('tail_headings = ["Mest lesið"]\n', "is.toml: language: is required"),
    ('language = "Icelandic"\n', 'is.toml: language: an ISO 639 code like "en"'),
])
def test_a_mistake_names_the_file_and_the_key(tmp_path, text, says):
    with pytest.raises(LexiconError) as error:
        load_lexicon(lexicon_folder(tmp_path, text))
    assert says in str(error.value)


def test_a_line_pattern_that_may_start_anywhere_needs_the_words_it_goes_on_with():
    assert needed_words(r".{0,60}\bclick(?:ing)? here\b.{0,80}") == ("click",)
    assert needed_words(r".{0,60}\b(?:our|join|subscribe to)\b.{0,30}") == ("our", "join", "subscribe")
    assert needed_words(r".{0,80}\bcookies?\b") == ("cookie",)


@pytest.mark.parametrize("pattern", [
    r"sign up (?:for|to) .{0,60}newsletter",  # fixed words first: the engine rejects a line on its first letter
    r".{0,60}(?:our )?telegram",  # an optional group needs nothing
    r".{0,60}\w+ telegram",  # nothing plain to look for
    r".{0,60}\bfollow us|share this",  # a branch at the top needs nothing of the other
    r".{0,60}(?:follow\)us|join)",  # an escaped parenthesis: the group is not read as plain words
])
def test_other_line_patterns_need_no_words(pattern):
    assert needed_words(pattern) == ()


def test_the_line_patterns_judge_every_fixture_line_as_their_one_alternation_does():
    patterns = [pattern for file in toml_files(LEXICON_DIR) for pattern in read_lexicon_file(file).line_patterns]
    alternation = re.compile("|".join(f"(?:{pattern})" for pattern in patterns), re.IGNORECASE)
    lines = [" ".join(line.split()) for page in sorted(FIXTURES.rglob("*.html"))
             for line in html.fromstring(page.read_bytes()).text_content().split("\n") if line.strip()]
    split = LinePatterns.of(patterns)
    verdicts = [split.fullmatch(line) for line in lines]
    assert verdicts == [bool(alternation.fullmatch(line)) for line in lines]
    assert sum(verdicts) >= 20 and split.anywhere  # promo and cookie lines among them, some found by their words


@pytest.mark.parametrize("text, kind", [("Mest lesið", "heading"), ("Sjá einnig", "heading"),
                                        ("Áskrifendur lesa áfram", "offer"), ("Innlent", None)])
def test_a_short_text_is_a_block_heading_an_offer_or_neither(tmp_path, text, kind):
    lexicon = load_lexicon(lexicon_folder(tmp_path, ICELANDIC + 'offers = ["Áskrifendur lesa áfram"]\n'))
    assert lexicon.short_text_kind(text) == kind
    assert lexicon.short_text_kind(text) == kind  # remembered, the same
