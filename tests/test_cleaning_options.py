"""Cleaning steps as named switches (`CleaningOptions`), and the rules that keep the cleaners from collapsing on
pages unlike the ones they were written on: taxonomy classes and slug ids are no cues, only short lines are
deduplicated, a fast pass that read little is redone, and a second opinion where an independent extractor
disagrees. Pages from `fixtures/cleaners/`."""

from __future__ import annotations

from functools import cache

import pytest
from lxml import html as lxml_html
from trafilatura import bare_extraction

from cleaners import CleaningOptions, extract
from cleaners.agreement import (IndependentReading, agreement, independent_text, is_clean_subset, medoid,
                                needs_vote, reads_as_layout_table, shingle_set)
from cleaners.extract import (FALLBACK_BELOW_SHARE, drop_scripts_and_styles, extract_body, fast_pass_will_do, read_a_sliver,
                              second_opinion)
from cleaners.metadata import PageMetadata
from cleaners.options import TRAFILATURA_DEFAULTS
from cleaners.sites import NO_PROFILE
from cleaners.lexicon import load_lexicon
from cleaners.postclean import DUPLICATE_MAX_CHARS, clean_paragraphs, drop_adjacent_duplicates, tidy_line
from cleaners.prune import _cue_verdict, _cue_words, _name_verdict_of, paragraph_chars, prune_non_body
from conftest import FIXTURES
from test_cleaning_rules import URLS

PAGES = FIXTURES / "cleaners"
TAXONOMY_PAGE = "taxonomy-classes-and-slug-ids"
TAXONOMY_URL = "https://www.quarrylanejournal.test/community/2025/09/12/allotment-society-shares-its-harvest"
ENTRY_PAGE = "hentry-tagged-links"
CUED_BOX_PAGE = "article-in-a-cued-box"
CUED_BOX_URL = "https://www.fernhollowbulletin.test/travel/2025/10/02/night-ferry-returns"
WITHOUT_SECOND_OPINION = CleaningOptions().without("agreement_check")


def html_of(page: str) -> str:
    return (PAGES / f"{page}.html").read_text(encoding="utf-8")


def on_page(page: str, xpath: str) -> list[str]:
    return [" ".join(el.text_content().split()) for el in lxml_html.fromstring(html_of(page)).xpath(xpath)]


@cache
def text_of(page: str, url: str | None = None, options: CleaningOptions | None = None) -> str:
    article = extract(html_of(page), url=url, options=options)
    return article.text if article else ""


# --- The switches

def test_every_step_has_a_name_and_is_on_by_default():
    steps = CleaningOptions.steps()
    assert len(steps) == len(set(steps)) >= 20
    assert all(getattr(CleaningOptions(), step) is True for step in steps)


def test_switching_off_an_unknown_step_is_an_error_not_a_no_op():
    with pytest.raises(ValueError, match="unknown cleaning step.*prune_everything"):
        CleaningOptions().without("prune_everything")


def test_a_step_switched_off_is_off_and_the_others_stay_on():
    options = CleaningOptions().without("prune_by_cues", "strip_headline")
    assert not options.prune_by_cues and not options.strip_headline
    assert all(getattr(options, s) for s in CleaningOptions.steps() if s not in ("prune_by_cues", "strip_headline"))


# A page on which switching the step off changes the text, with the steps that would do the same work
# switched off too: every switch is wired to its step.
STEP_PAGES = {
    "join_split_body": ("split-body", ()), "prune_by_cues": ("camelcase-cues", ()),
    "prune_lexicon_blocks": ("dont-miss-box", ()), "prune_link_lists": ("link-lists", ()),
    "prune_kicker_teasers": ("boxes-and-keyword-links", ("drop_clutter_lines", "prune_lexicon_blocks")),
    "prune_headline_links": ("headline-link-cards", ()), "prune_hidden_copies": ("hidden-print-copy", ()),
    "unwrap_linked_paragraphs": ("linked-sentence-in-wrappers", ("unlink_keyword_links",)),
    "unlink_keyword_links": ("boxes-and-keyword-links", ()), "agreement_check": (CUED_BOX_PAGE, ()),
    "embedded_body": ("client-rendered-body", ()), "drop_leading_timestamps": ("leading-dateline-and-live-times", ()),
    "drop_leading_bylines": ("byline-creator", ()), "strip_headline": ("kicker-above-headline", ()),
    "strip_deks": ("dek-as-subheading", ()), "drop_clutter_lines": ("closing-promo-lines", ()),
    "readability_subset_on_layout_tables": ("layout-table-article", ()),
}


# trafilatura's fast pass leaves hidden elements out itself: a hidden copy reaches the text through its
# fallbacks (Readability, jusText), so the step is shown where they run.
FALLBACKS_ALWAYS = CleaningOptions(trafilatura=tuple({**TRAFILATURA_DEFAULTS, "fast": False}.items()))
SHOWN_WITH_FALLBACKS = {"prune_hidden_copies"}


@pytest.mark.parametrize("step", sorted(STEP_PAGES))
def test_switching_a_step_off_changes_what_it_acts_on(step):
    page, also_off = STEP_PAGES[step]
    url = URLS.get(page, CUED_BOX_URL)
    base = (FALLBACKS_ALWAYS if step in SHOWN_WITH_FALLBACKS else CleaningOptions()).without(*also_off)
    assert text_of(page, url, base.without(step)) != text_of(page, url, base)


def test_switching_the_tail_cut_off_keeps_what_follows_a_most_read_heading():
    lines = ["The ferry runs again from Monday.", "It was out of service for a month.", "Most read", "Teaser."]
    lexicon = load_lexicon()
    assert clean_paragraphs(lines, title=None, deks=[], lexicon=lexicon) == lines[:2]
    off = CleaningOptions().without("cut_at_tail_heading", "drop_clutter_lines")
    assert clean_paragraphs(lines, title=None, deks=[], lexicon=lexicon, options=off) == lines


# --- Taxonomy classes, slug ids and an hAtom entry's classes are no cues (prune.TAXONOMY_CLASS, SLUG_ID_PARTS, ENTRY_CLASS)

@pytest.mark.parametrize("classes", ["tag-social-media", "category-sharing", "tag-politics category-world post",
                                     "topic-energy type-post status-publish"])
def test_a_posts_own_taxonomy_classes_are_no_cue(classes):
    assert _cue_verdict(_cue_words(classes)) is None


@pytest.mark.parametrize("classes", ["post-tags", "tags", "tag-list", "entry-tags", "article__tags", "topics-box"])
def test_a_box_of_tags_is_still_a_cue(classes):
    assert _cue_verdict(_cue_words(classes)) is False


@pytest.mark.parametrize("classes", ["post-88 post type-post status-publish hentry category-notes tag-links",
                                     "hentry tag-box"])
def test_an_hatom_entry_is_no_cue_whatever_its_tags_name(classes):
    assert _name_verdict_of(classes, False) is None


@pytest.mark.parametrize("classes", ["post-88 post type-post status-publish category-notes tag-links", "tag-links"])
def test_the_same_tag_words_without_the_entry_are_a_cue(classes):
    assert _name_verdict_of(classes, False) is False


def test_a_short_post_tagged_with_a_box_word_keeps_its_paragraphs_beside_a_heavier_column():
    tree = lxml_html.fromstring(html_of(ENTRY_PAGE))
    post, column = tree.xpath("//div[contains(@class, 'hentry')]")[0], tree.xpath("//div[@class='column-right']")[0]
    assert len(column.text_content()) > len(post.text_content())  # the control: the body guard alone would not save it
    prune_non_body(tree, load_lexicon())
    assert len(tree.xpath("//div[contains(@class, 'hentry')]//p")) == 2


def test_the_tag_links_inside_the_entry_still_go():
    tree = lxml_html.fromstring(html_of(ENTRY_PAGE))
    prune_non_body(tree, load_lexicon())
    assert not tree.xpath("//span[@class='tag-links']")


def test_the_text_holds_the_short_posts_paragraphs():
    assert all(paragraph in text_of(ENTRY_PAGE) for paragraph in on_page(ENTRY_PAGE, "//div[@class='entry-content']/p"))


def test_a_post_container_wearing_tag_and_category_classes_survives_pruning_beside_a_heavier_column():
    tree = lxml_html.fromstring(html_of(TAXONOMY_PAGE))
    post, column = tree.xpath("//div[contains(@class, 'tag-social-media')]")[0], tree.xpath("//div[@class='column-right']")[0]
    assert len(column.text_content()) > len(post.text_content())  # the control: the body guard alone would not save it
    prune_non_body(tree, load_lexicon())
    assert tree.xpath("//div[contains(@class, 'tag-social-media')]//p")


def test_the_box_of_tags_and_the_share_tools_under_the_post_go():
    tree = lxml_html.fromstring(html_of(TAXONOMY_PAGE))
    prune_non_body(tree, load_lexicon())
    assert not tree.xpath("//div[@class='post-tags'] | //div[@id='share-tools']")


def test_the_article_text_is_the_post_not_the_column_beside_it():
    body = on_page(TAXONOMY_PAGE, "//div[@class='entry-content']/p")
    text = text_of(TAXONOMY_PAGE, TAXONOMY_URL)
    assert all(paragraph in text for paragraph in body) and "reading group" not in text


def test_subheadings_whose_anchor_ids_hold_a_cue_word_stay():
    subheadings = on_page(TAXONOMY_PAGE, "//h2[@id]")
    assert [s.split()[0] for s in subheadings] == ["Sharing", "Social"]
    text = text_of(TAXONOMY_PAGE, TAXONOMY_URL, WITHOUT_SECOND_OPINION)
    assert all(subheading in text.split("\n") for subheading in subheadings)


# --- The body guard knows the body by an independent reading's longest paragraphs (prune._BodyGuard)

def test_a_cued_container_holding_the_independent_readings_longest_paragraphs_is_not_pruned():
    tree = lxml_html.fromstring(html_of(CUED_BOX_PAGE))
    prune_non_body(tree, load_lexicon(), independent=independent_text(html_of(CUED_BOX_PAGE)))
    assert tree.xpath("//div[contains(@class, 'promo-feature')]/p")


def test_without_an_independent_reading_the_same_container_goes():
    tree = lxml_html.fromstring(html_of(CUED_BOX_PAGE))
    prune_non_body(tree, load_lexicon())
    assert not tree.xpath("//div[contains(@class, 'promo-feature')]")


# --- A line as the text file shows it (postclean.tidy_line)

@pytest.mark.parametrize("invisible", ["\u00ad", "\u200b", "\u2060", "\ufeff"])
def test_an_invisible_character_inside_a_word_is_not_in_the_line(invisible):
    assert tidy_line(f"the Prisoner{invisible}s' Dilemma ") == "the Prisoners' Dilemma"


def test_a_zero_width_joiner_and_non_joiner_stay_they_shape_words():
    persian = "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"  # "mi-khaham": the non-joiner keeps its prefix apart
    firefighter = "\U0001f469\u200d\U0001f692"  # one emoji, joined
    assert tidy_line(f"{persian} {firefighter}") == f"{persian} {firefighter}"


# --- Only short lines are deduplicated (postclean.drop_adjacent_duplicates)

def test_a_short_line_printed_twice_in_a_row_is_kept_once():
    caption = "The north quay at low tide. Photo: Harbour Trust"
    assert drop_adjacent_duplicates(["First.", caption, caption, "Last."]) == ["First.", caption, "Last."]


def test_a_paragraph_printed_twice_is_kept_twice():
    refrain = ("We will keep the ferry running as long as there is one islander who needs it, the operator's "
               "founder told every meeting he ever spoke at, and the same sentence closed each of the letters he "
               "wrote to the council.")
    assert len(refrain) > DUPLICATE_MAX_CHARS
    assert drop_adjacent_duplicates([refrain, refrain, "Then the vote."]) == [refrain, refrain, "Then the vote."]


def test_a_code_samples_closing_braces_are_kept_each():
    sample = ["int main(void) {", "for (int i = 0; i < 3; i++) {", 'puts("hello, world!");', "}", "}"]
    assert drop_adjacent_duplicates(sample) == sample


# --- Scripts and styles are deleted once, before trafilatura copies the page (extract.drop_scripts_and_styles)

SCRIPTS_PAGE = "scripts-inside-the-body"


def scripts_dropped() -> lxml_html.HtmlElement:
    tree = lxml_html.fromstring(html_of(SCRIPTS_PAGE))
    drop_scripts_and_styles(tree)
    return tree


def test_scripts_and_styles_are_gone_before_trafilatura_reads_the_page():
    tree = scripts_dropped()
    assert not tree.xpath("//style | //script[not(@type='application/ld+json')]")


def test_the_json_ld_script_stays_for_trafilaturas_baseline():
    assert len(scripts_dropped().xpath("//script[@type='application/ld+json']")) == 1


def test_the_words_after_a_script_inside_a_paragraph_stay_in_it():
    assert "said the change had been tested over three weekends" in text_of(SCRIPTS_PAGE)
    assert "trackMention" not in text_of(SCRIPTS_PAGE) and "font-family" not in text_of(SCRIPTS_PAGE)


# --- The fast pass is redone with trafilatura's fallbacks where it read little (extract.fast_pass_will_do)

def fast_pass_of(page: str):
    """The fast pass's document on the page, and the page's paragraph text in characters."""
    tree = lxml_html.fromstring(html_of(page))
    document = bare_extraction(tree, with_metadata=False, fast=True, include_comments=False, include_tables=True)
    return document, paragraph_chars(tree)


def test_a_fast_pass_that_read_the_article_is_kept():
    document, paragraphs = fast_pass_of("more-cues")
    assert fast_pass_will_do(document, paragraphs)


def test_a_fast_pass_far_shorter_than_an_independent_reading_is_redone():
    document, paragraphs = fast_pass_of("more-cues")
    longer = IndependentReading(html_of("link-lists"))  # a reading with more than twice the fast pass's text
    assert len(longer.text) > 2 * len(document.text)
    assert fast_pass_will_do(document, paragraphs, IndependentReading(html_of("more-cues")))  # the control
    assert not fast_pass_will_do(document, paragraphs, longer)


def test_a_fast_pass_that_read_only_short_lines_is_redone():
    document, paragraphs = fast_pass_of("more-cues")
    document.text = "\n".join(["News", "Region", "Business", "Sport", "Contact"] * 4)
    assert not fast_pass_will_do(document, paragraphs)


def test_a_fast_pass_that_read_a_third_of_the_pages_paragraphs_is_kept():
    """The readers' letters under the article are most of the page's <p> text; the fast pass read the article
    alone, and that is no reason to redo it (the fallbacks would take the letters back)."""
    document, paragraphs = fast_pass_of("uncued-reader-letters")
    assert FALLBACK_BELOW_SHARE * paragraphs < len(document.text) < paragraphs / 2
    assert fast_pass_will_do(document, paragraphs)


def test_a_fast_pass_that_read_a_sliver_of_the_pages_paragraphs_is_redone():
    document, paragraphs = fast_pass_of("uncued-reader-letters")
    document.text = document.text.split("\n")[0]  # the first paragraph of four
    assert len(document.text) < FALLBACK_BELOW_SHARE * paragraphs
    assert not fast_pass_will_do(document, paragraphs)


# --- A fast pass that read a sliver of the page's paragraphs: the full cascade's text is put to the vote
# (extract.read_a_sliver)

LETTERS_PAGE = "reader-letters-outweigh-article"
LETTERS_URL = "https://www.brackenfordgazette.test/news/2025/02/11/town-pool-to-close"


def test_a_fast_pass_that_read_a_sliver_of_the_pages_paragraphs_reads_as_one():
    document, paragraphs = fast_pass_of("uncued-reader-letters")
    assert not read_a_sliver(document, paragraphs)  # the control: the article, a third of the <p> text
    document.text = document.text.split("\n")[0]
    assert read_a_sliver(document, paragraphs)


def test_a_fast_pass_that_read_nothing_is_no_sliver_but_redone():
    document, paragraphs = fast_pass_of("uncued-reader-letters")
    document.text = ""
    assert not read_a_sliver(document, paragraphs) and not fast_pass_will_do(document, paragraphs)


def test_a_sliver_is_redone_and_put_to_the_vote_unless_switched_off():
    def to_vote(options: CleaningOptions) -> bool:
        html = html_of(LETTERS_PAGE)
        return extract_body(lxml_html.fromstring(html), LETTERS_URL, options, IndependentReading(html))[1]
    assert to_vote(CleaningOptions())
    assert not to_vote(CleaningOptions().without("vote_on_a_sliver"))


def test_a_sliver_page_keeps_the_article_and_leaves_the_letters():
    """Eight letters in an <aside> outweigh the article's <p> text, and the fast pass read the article alone.
    The full cascade's text goes to the vote; Readability reads the letters too, resiliparse does not."""
    text = text_of(LETTERS_PAGE, LETTERS_URL)
    assert text.split("\n") == on_page(LETTERS_PAGE, "//article/p")


NO_PARAGRAPHS_PAGE = "page-without-paragraphs"
NO_PARAGRAPHS_URL = "https://www.harbour-herald.test/coast/2024/12/14/ferry-winter-crossings"


def test_a_page_without_paragraphs_leaves_its_reactions_and_boxes_to_the_full_cascade():
    text = text_of(NO_PARAGRAPHS_PAGE, NO_PARAGRAPHS_URL)
    for clutter in ("Your reactions", "islandmum", "Elsewhere on the coast", "Lighthouse keeper", "All rights reserved"):
        assert clutter not in text


def test_a_page_without_paragraphs_keeps_every_article_paragraph_whole():
    # the second paragraph is wrapped over three lines in the page's source: it is still one line of the text
    assert text_of(NO_PARAGRAPHS_PAGE, NO_PARAGRAPHS_URL).split("\n") == on_page(NO_PARAGRAPHS_PAGE, "//div[@class='par']")


def test_without_the_full_cascade_a_page_without_paragraphs_is_read_whole():
    text = text_of(NO_PARAGRAPHS_PAGE, NO_PARAGRAPHS_URL, CleaningOptions().without("full_cascade_when_short"))
    assert "islandmum" in text and "Elsewhere on the coast" in text


# --- A second opinion where an independent extractor disagrees (cleaners/agreement.py)

def test_an_article_in_a_container_with_a_promo_class_is_kept_with_the_independent_reading():
    body = on_page(CUED_BOX_PAGE, "//div[contains(@class, 'promo-feature')]/p")
    text = text_of(CUED_BOX_PAGE, CUED_BOX_URL)
    assert all(paragraph in text for paragraph in body) and "Lost property" not in text


def test_without_the_second_opinion_the_cue_prunes_that_article():
    body = on_page(CUED_BOX_PAGE, "//div[contains(@class, 'promo-feature')]/p")
    assert not [p for p in body if p in text_of(CUED_BOX_PAGE, CUED_BOX_URL, WITHOUT_SECOND_OPINION)]


def test_texts_that_agree_need_no_vote_and_texts_that_do_not_do():
    body = shingle_set(" ".join(on_page(CUED_BOX_PAGE, "//div[contains(@class, 'promo-feature')]/p")))
    rail = shingle_set(" ".join(on_page(CUED_BOX_PAGE, "//aside//p")))
    assert agreement(body, body) == 1.0 and not needs_vote(body, body)
    assert needs_vote(rail, body)


def test_an_independent_extractor_that_found_nothing_calls_no_vote():
    assert not needs_vote(shingle_set("Some text the cleaners kept from the page."), set())


def test_the_vote_keeps_the_text_the_others_agree_with_and_an_empty_one_never_wins():
    body = shingle_set(" ".join(on_page(CUED_BOX_PAGE, "//div[contains(@class, 'promo-feature')]/p")))
    rail = shingle_set(" ".join(on_page(CUED_BOX_PAGE, "//aside//p")))
    assert medoid([rail, body, body]) == 1
    assert medoid([body, set(), set()]) == 0  # two empty readings agree with each other, and both are wrong
    assert medoid([body, body]) == 0  # a tie goes to the cleaners' own text


# --- A layout table's text is put to the vote, however long

MENU_ROW = "| Home | News | Sport | Business | Weather | Letters | Property | Motoring | Jobs | Classifieds | Contact |"


def as_table_rows(lines: list[str]) -> list[str]:
    return [f"| {line} |" for line in lines]


def second_opinion_on(page: str, paragraphs: list[str]) -> list[str]:
    html = html_of(page)
    return second_opinion(paragraphs, IndependentReading(html), PageMetadata(), NO_PROFILE, load_lexicon(),
                          CleaningOptions())


def test_text_mostly_in_table_rows_reads_as_a_layout_table():
    body = on_page(CUED_BOX_PAGE, "//div[contains(@class, 'promo-feature')]/p")
    assert reads_as_layout_table([MENU_ROW] * 3 + as_table_rows(body))


def test_prose_with_a_data_table_does_not_read_as_a_layout_table():
    body = on_page(CUED_BOX_PAGE, "//div[contains(@class, 'promo-feature')]/p")
    assert not reads_as_layout_table(body + ["| Crossing | Departs | Arrives |", "| Night ferry | 23:10 | 06:40 |"])


def test_a_long_layout_table_reading_gives_way_to_the_readings_that_agree():
    body = on_page(CUED_BOX_PAGE, "//div[contains(@class, 'promo-feature')]/p")
    rows = [MENU_ROW] * 40 + as_table_rows(body)  # over CHECKED_BELOW_CHARS: without the table rule, never voted
    kept = "\n".join(second_opinion_on(CUED_BOX_PAGE, rows))
    assert all(paragraph in kept for paragraph in body) and "Classifieds" not in kept


def test_a_long_text_from_a_sliver_fast_pass_is_put_to_the_vote():
    body = on_page(CUED_BOX_PAGE, "//div[contains(@class, 'promo-feature')]/p")
    lines = [MENU_ROW.strip("| ")] * 40 + body
    kept = "\n".join(second_opinion(lines, IndependentReading(html_of(CUED_BOX_PAGE)), PageMetadata(), NO_PROFILE,
                                     load_lexicon(), CleaningOptions(), to_vote=True))
    assert all(paragraph in kept for paragraph in body) and "Classifieds" not in kept


def test_a_long_text_of_plain_lines_is_not_put_to_the_vote():
    body = on_page(CUED_BOX_PAGE, "//div[contains(@class, 'promo-feature')]/p")
    lines = [MENU_ROW.strip("| ")] * 40 + body
    assert second_opinion_on(CUED_BOX_PAGE, lines) == lines


# --- On a layout table, Readability's reading of the article's cell, when the other readings hold it whole

LAYOUT_TABLE_PAGE = "layout-table-article"
LAYOUT_TABLE_URL = "https://www.kestrelbaycourier.test/news/harbour/ferry-winter-timetable"


def test_a_layout_tables_text_is_its_article_cell_without_the_menus_and_headlines_around_it():
    story = on_page(LAYOUT_TABLE_PAGE, "//td/p")
    text = text_of(LAYOUT_TABLE_PAGE, LAYOUT_TABLE_URL)
    assert all(paragraph in text for paragraph in story)
    assert not [cell for cell in ("Latest headlines", "Local news", "Lifeboat crew", "All rights reserved")
                if cell in text]


def test_a_paragraph_wrapped_over_lines_in_the_source_is_one_paragraph_of_readabilitys_reading():
    wrapped = lxml_html.fromstring(html_of(LAYOUT_TABLE_PAGE)).xpath("//td/p")[1].text_content()
    assert wrapped.count("\n") >= 2  # the page's own line breaks, as hand-written HTML has them
    paragraphs = extract(html_of(LAYOUT_TABLE_PAGE), url=LAYOUT_TABLE_URL).paragraphs
    assert " ".join(wrapped.split()) in paragraphs


def test_without_the_rule_the_vote_keeps_the_tables_other_cells():
    options = CleaningOptions().without("readability_subset_on_layout_tables")
    assert "Latest headlines" in text_of(LAYOUT_TABLE_PAGE, LAYOUT_TABLE_URL, options)


def test_a_reading_both_others_hold_whole_and_that_leaves_out_the_other_cells_is_a_clean_subset():
    story = shingle_set(" ".join(on_page(LAYOUT_TABLE_PAGE, "//td/p")))
    page = shingle_set(" ".join(on_page(LAYOUT_TABLE_PAGE, "//table")))
    assert is_clean_subset(story, [page, page], length_ratio=0.6)


def test_a_reading_one_other_does_not_hold_is_no_clean_subset():
    story = shingle_set(" ".join(on_page(LAYOUT_TABLE_PAGE, "//td/p")))
    page = shingle_set(" ".join(on_page(LAYOUT_TABLE_PAGE, "//table")))
    rail = shingle_set(" ".join(on_page(CUED_BOX_PAGE, "//aside//p")))
    assert not is_clean_subset(story, [page, rail], length_ratio=0.6)


@pytest.mark.parametrize("length_ratio", [0.2, 0.95])
def test_a_fragment_or_nearly_all_of_the_cleaners_text_is_no_clean_subset(length_ratio):
    story = shingle_set(" ".join(on_page(LAYOUT_TABLE_PAGE, "//td/p")))
    page = shingle_set(" ".join(on_page(LAYOUT_TABLE_PAGE, "//table")))
    assert not is_clean_subset(story, [page, page], length_ratio)  # recall first: it may have left out a part


def test_a_reading_too_short_to_measure_is_no_clean_subset():
    line = shingle_set(on_page(LAYOUT_TABLE_PAGE, "//td/p")[0])
    page = shingle_set(" ".join(on_page(LAYOUT_TABLE_PAGE, "//table")))
    assert len(line) < 50 and not is_clean_subset(line, [page, page], length_ratio=0.6)
