"""Relevance: every term group must match; case, diacritics and word endings are forgiven."""

from __future__ import annotations

import unicodedata

from crawler.relevance import RelevanceMatcher, fold

GROUPS = (("Musk", "Маск"), ("Putin*", "Pútín*", "Путин*", "Путін*"))
matcher = RelevanceMatcher(GROUPS)


def test_both_groups_in_the_text_is_on_topic():
    result = matcher.match("Report", "Musk spoke to Putin, officials say.")
    assert result.on_topic and result.matched_terms == ("Musk", "Putin*")


def test_one_group_alone_is_off_topic():
    assert not matcher.match("Tesla earnings", "Musk said sales rose.").on_topic


def test_diacritics_and_case_are_ignored():
    assert matcher.match("", "MUSK og Pútíns menn").on_topic
    assert matcher.match("", "musk og putins menn").on_topic


def test_a_star_matches_word_endings_in_any_script():
    assert matcher.match("", "Илон Маск и окружение Путина").on_topic
    assert matcher.match("", "Ілон Маск і Путіну").on_topic


def test_a_term_without_star_is_a_whole_word():
    assert not matcher.match("", "Muskrat farms near Putin street").on_topic
    assert not matcher.match("", "бизнес Маска и Путина").on_topic  # declined forms need "Маск*"


def test_a_headline_mention_weighs_more_than_one_in_passing():
    in_title = matcher.match("Musk and Putin", "Musk. Putin.").score
    in_text = matcher.match("Report", "Musk. Putin.").score
    assert in_title > in_text > 0


def test_a_japanese_term_matches_inside_running_text():
    """Japanese writes words without spaces between them: a term is found with no word boundary around it."""
    matcher = RelevanceMatcher((("函館朝市",),))
    assert matcher.match("", "きのう函館朝市で新しい店が開いた。").on_topic


def test_folding_deletes_every_combining_mark_of_the_basic_plane_and_nothing_else():
    every = "".join(chr(c) for c in range(0x10000) if not 0xD800 <= c < 0xE000)  # surrogates are no text
    decomposed = unicodedata.normalize("NFKD", every)
    kept = "".join(ch for ch in decomposed if not (ord(ch) < 0x10000 and unicodedata.combining(ch)))
    assert fold(every) == kept.casefold()
