"""The boilerplate lexicon's files: every key and value is checked, and a mistake names the file and the key."""

from __future__ import annotations

import pytest

from cleaners.lexicon import LEXICON_DIR, LexiconError, load_lexicon

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
