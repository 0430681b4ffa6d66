"""The cleaners on the fixture web's pages: exact expected text, and no clutter left, in every language."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from cleaners import extract
from cleaners.language import body_language, detect_language, filed_language
from cleaners.lexicon import load_lexicon
from cleaners.metadata import primary_language
from cleaners.postclean import clean_paragraphs
from cleaners.sites import find_profile, load_profiles
from conftest import EXPECTED, ORIGIN, ROOT, fixture_pages, normalise, page_file, page_html

ARTICLE_PAGES = [p for p in fixture_pages() if p["kind"] in ("on-topic", "off-topic", "out-of-window")]
ON_TOPIC = [p for p in ARTICLE_PAGES if p["kind"] == "on-topic" and "amp_of" not in p]
# Clutter the fixture web carries (issue 1/7's list); none of it may reach an article's text.
CLUTTER = ["Mest lesið", "Fleiri fréttir", "Sjá meira", "Sjá einnig", "Les også", "Mest lest", "Other News",
           "Інші новини", "Читайте також", "Read also", "Читайте также", "Популярное", "Explore more on these topics",
           "Reuse this content", "Leave a Comment", "This article is more than", "Weitere Artikel", "Mehr zum Thema",
           "layout: post", "Like this", "vafrakökur", "informasjonskapsler", "Wir verwenden Cookies", "Polski",
           "Комментарии", "Поделиться", "Newsletter abonnieren", "Kopier lenke", "Innlent", "Erlent"]


def expected_file(page: dict) -> Path:
    slug = [s for s in page["path"].split("/") if s][-1]
    matches = list(EXPECTED.glob(f"*/{page['outlet']}/{page['published']}-{slug}.txt"))
    assert len(matches) == 1, page
    return matches[0]


def test_the_fixture_web_has_six_outlets_in_five_languages_or_more():
    languages = {p.parts[-3] for p in EXPECTED.rglob("*.txt")}
    outlets = {p.parts[-2] for p in EXPECTED.rglob("*.txt")}
    assert len(outlets) >= 6 and len(languages) >= 5


@pytest.mark.parametrize("page", ON_TOPIC, ids=lambda p: f"{p['outlet']}{p['path']}")
def test_each_on_topic_page_gives_exactly_its_expected_text(page):
    article = extract(page_html(page), url=ORIGIN + page["path"])
    assert normalise(article.as_text_file()) == normalise(expected_file(page).read_text(encoding="utf-8"))


@pytest.mark.parametrize("page", ARTICLE_PAGES, ids=lambda p: f"{p['outlet']}{p['path']}")
def test_no_clutter_survives_on_any_article_page(page):
    article = extract(page_html(page), url=ORIGIN + page["path"])
    leaked = [cue for cue in CLUTTER if cue.casefold() in article.text.casefold()]
    assert not leaked


@pytest.mark.parametrize("page", ON_TOPIC, ids=lambda p: f"{p['outlet']}{p['path']}")
def test_metadata_of_each_on_topic_page(page):
    article = extract(page_html(page), url=ORIGIN + page["path"])
    assert article.published.startswith(page["published"])
    assert article.title == page["title"]
    assert article.language == expected_file(page).parts[-3]
    assert article.canonical_url == ORIGIN + page["path"]


def test_a_page_names_the_amp_copy_it_declares():
    amp = next(p for p in fixture_pages() if "amp_of" in p)
    canonical = next(p for p in ON_TOPIC if p["path"] == amp["amp_of"])
    assert extract(page_html(canonical), url=ORIGIN + canonical["path"]).amp_url == ORIGIN + amp["path"]
    assert extract(page_html(amp), url=ORIGIN + amp["path"]).amp_url is None


def test_the_headline_and_a_repeated_dek_are_not_body():
    lexicon = load_lexicon()
    cleaned = clean_paragraphs(["Headline", "The dek.", "Body one.", "Body two."], title="Headline",
                               deks=["Something else", "The dek."], lexicon=lexicon)
    assert cleaned == ["Body one.", "Body two."]


def test_the_text_ends_at_a_tail_heading_in_any_language():
    lexicon = load_lexicon()
    for heading in ["Mest lesið", "Other News", "Інші новини", "Les plus lus", "Weitere Artikel", "Lo más leído"]:
        assert clean_paragraphs(["Body text.", heading, "Teaser."], title=None, deks=[], lexicon=lexicon) == ["Body text."]


def test_a_more_from_the_outlet_heading_ends_the_text_whatever_the_outlet():
    lexicon = load_lexicon()
    for heading in ["More from The Nation", "More from Kirkhaven Daily:"]:
        assert clean_paragraphs(["Body text.", heading, "Teaser."], title=None, deks=[], lexicon=lexicon) == ["Body text."]


def test_a_sentence_beginning_more_from_is_not_a_tail_heading():
    lexicon = load_lexicon()
    sentence = "More from the minister's speech is expected on Monday."
    assert clean_paragraphs(["Body text.", sentence, "End."], title=None, deks=[], lexicon=lexicon)[1] == sentence


def test_a_tail_heading_early_in_a_long_text_does_not_end_it():
    lexicon = load_lexicon()
    body = [f"Paragraph {i} of a long article that goes on after the box." for i in range(6)]
    assert clean_paragraphs(["Lead paragraph.", "Most read", *body], title=None, deks=[], lexicon=lexicon)[-1] == body[-1]


def test_a_byline_among_the_first_lines_is_not_body():
    lexicon = load_lexicon()
    for byline in ["Von Nina Weber", "By Nina Weber and Tom Hale", "박준석 기자 외 1명"]:
        cleaned = clean_paragraphs([byline, "Body one.", "Body two."], title=None, deks=[], lexicon=lexicon,
                                   authors=["Nina Weber", "Tom Hale", "박준석"])
        assert cleaned == ["Body one.", "Body two."], byline


def test_a_sentence_naming_the_author_stays():
    lexicon = load_lexicon()
    sentence = "Nina Weber wrote this report."
    cleaned = clean_paragraphs([sentence, "Body."], title=None, deks=[], lexicon=lexicon, authors=["Nina Weber"])
    assert cleaned == [sentence, "Body."]


def test_a_run_together_headline_list_is_dropped():
    lexicon = load_lexicon()
    line = "Hljóp inn í brennandi hús Innlent Fundu nýja vetrarbraut Erlent Laun lækkuð um helming Innlent Veður"
    assert clean_paragraphs(["Body.", line + " og meira"], title=None, deks=[], lexicon=lexicon) == ["Body."]


def test_a_caption_printed_twice_is_kept_once():
    lexicon = load_lexicon()
    caption = "Elon Musk at a rally in Pennsylvania."
    assert clean_paragraphs([caption, caption, "Body."], title=None, deks=[], lexicon=lexicon) == [caption, "Body."]


def test_breaking_story_and_comment_forum_lines_are_not_body():
    lexicon = load_lexicon()
    lines = ["This is a breaking news story and will be updated.", "Join our commenting forum"]
    assert clean_paragraphs(["Body.", *lines], title=None, deks=[], lexicon=lexicon) == ["Body."]


def test_a_sentence_about_telegram_is_not_a_promo():
    lexicon = load_lexicon()
    sentence = "Rogozin wrote on his Telegram channel that Musk would answer for it."
    assert clean_paragraphs(["Body.", sentence], title=None, deks=[], lexicon=lexicon) == ["Body.", sentence]


def test_norwegian_bokmaal_files_under_no():
    assert primary_language("nb-NO") == "no" and primary_language("en-GB") == "en" and primary_language("x") is None


def test_declared_and_detected_norwegian_share_one_code():
    """The declared language (a page's lang) and the detected one are filed by one table, so they agree."""
    assert primary_language("nn-NO") == filed_language("nn") == filed_language("nb") == filed_language("no") == "no"


def test_a_site_profile_drops_its_selectors_and_ends_at_its_cues(tmp_path):
    (tmp_path / "example.toml").write_text(
        'domains = ["example.org"]\ndrop = [".promo-x"]\ntail_cues = ["Om forfatteren"]\n')
    profiles = load_profiles(tmp_path)
    paragraphs = "".join(f"<p>Paragraph {i} of the article has enough words to count as body text.</p>" for i in range(5))
    html = (f"<html><body><article><h1>T</h1>{paragraphs}<p class='promo-x'>Buy our app now and save money.</p>"
            "<p>Om forfatteren</p><p>Jane writes about space for the paper.</p></article></body></html>")
    article = extract(html, url="https://www.example.org/a", profiles=profiles)
    assert "Buy our app" not in article.text and "Jane writes" not in article.text
    assert find_profile(profiles, ("https://other.example/a",), None).name == ""


def test_python_m_cleaners_prints_the_text_file_format():
    page = ON_TOPIC[0]
    result = subprocess.run([sys.executable, "-m", "cleaners", str(page_file(page)), "--url", ORIGIN + page["path"]],
                            capture_output=True, text=True, cwd=ROOT, check=True)
    assert result.stdout.startswith(page["title"] + "\n\n")


def test_python_m_cleaners_json_has_the_article_fields():
    page = ON_TOPIC[0]
    result = subprocess.run([sys.executable, "-m", "cleaners", str(page_file(page)), "--json"],
                            capture_output=True, text=True, cwd=ROOT, check=True)
    assert {"url", "canonical_url", "title", "text", "authors", "published", "language", "sitename",
            "description"} <= set(json.loads(result.stdout))


def test_the_body_language_is_detected_in_every_fixture_language():
    detected = {extract(page_html(p), url=ORIGIN + p["path"]).language for p in ON_TOPIC}
    assert detected == {"is", "en", "no", "uk", "ru", "de"}


def test_a_page_declaring_its_sites_language_is_filed_under_its_bodys_language():
    page = next(p for p in ON_TOPIC if p["path"].endswith("nasa-chief-wants-musk-putin-contacts-investigated"))
    article = extract(page_html(page), url=ORIGIN + page["path"])
    assert (article.declared_language, article.language) == ("uk", "en")


def test_too_short_a_text_keeps_the_declared_language():
    assert body_language("Musk.", "is") == "is" and detect_language("Musk.") == (None, 0.0)


def test_a_page_without_html_and_head_elements_is_read_as_a_browser_renders_it():
    """No doctype, no <html>, no <head>: a hand-written page, a truncated one, a page in an archive's wrapper."""
    article = extract((ROOT / "fixtures" / "cleaners" / "page-without-html-element.html").read_bytes())
    assert article is not None
    assert article.text.startswith("The island ferry will run four crossings a day")
    assert "a late sailing on Friday evenings" in article.text


def test_a_preformatted_page_in_a_wrapper_element_is_read():
    lines = "\n\n".join(f"Entry {n}: the ferry left the island at a quarter to seven, on time, with the mail and "
                        f"forty passengers aboard, and the crossing took just under an hour." for n in range(1, 7))
    article = extract(f'<document source="notes">\n<pre>\n{lines}\n</pre>\n'.encode())
    assert article is not None and "Entry 6: the ferry left the island" in article.text


@pytest.mark.parametrize("document", [
    b"Plain notes without a single tag, long enough to be read as a paragraph of text if it were a page. " * 5,
    b'{"headline": "Ferry timetable changes", "body": "The island ferry will run four crossings a day."}',
    b'<?xml version="1.0"?><rss version="2.0"><channel><title>Almanac</title><item><title>Ferry timetable'
    b" changes</title><description>The island ferry will run four crossings a day.</description></item></channel></rss>",
])
def test_a_document_that_is_not_a_page_gives_no_article(document):
    assert extract(document) is None
