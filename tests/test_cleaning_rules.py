"""The newer cleaning rules, one page each (`fixtures/cleaners/`): what a rule removes, and what it must leave."""

from __future__ import annotations

import json
from functools import cache

import pytest
import trafilatura
from lxml import html as lxml_html
from lxml.html import HtmlElement

from cleaners import extract
from cleaners.article import Article
from cleaners.lexicon import Lexicon, load_lexicon
from cleaners.postclean import is_timestamp_line
from cleaners.prune import CUE_RE, _cue_words, prune_non_body
from conftest import FIXTURES

PAGES = FIXTURES / "cleaners"
URLS = {
    "dont-miss-box": "https://www.millbrookcourier.test/news/2025/03/14/riverside-pool-reopens-after-two-year-refurbishment",
    "link-lists": "https://www.eastvalerecord.test/local/2025/03/03/fortnightly-bin-collections-what-changes",
    "paywall-hidden-body": "https://www.lakeshoreledger.test/business/2025/05/20/lake-ferry-operator-orders-two-electric-boats",
    "hidden-print-copy": "https://www.corranvalleygazette.test/community/village-hall-wins-grant-to-replace-leaking-roof",
    "dek-as-subheading": "https://www.pinewoodherald.test/transport/pinewood-station-to-get-step-free-access-by-2027",
    "dek-as-lead": "https://www.saltmarshobserver.test/nature/record-number-of-avocets-winter-on-the-estuary",
    "kicker-above-headline": "https://www.ashfordbaychronicle.test/local-politics/council-votes-to-close-harbour-street-to-cars-on-summer-weekends",
    "kicker-glued-to-headline": "https://www.elbtaler-anzeiger.test/stadt/nahverkehr/neue-strassenbahnlinie-faehrt-ab-mai-bis-zum-hauptbahnhof",
    "leading-dateline-and-live-times": "https://news.kestrelpoint.test/weather/storm-ilse-live-updates",
    "prose-with-section-words": "https://www.caldereveningstar.test/entertainment/calder-fm-overhauls-its-schedule",
    "closing-promo-lines": "https://www.westbrookgazette.test/business/brewery-to-open-taproom-in-old-fire-station",
    "split-body": "https://www.glenmoretribune.test/news/2025/04/02/ferry-timetable-to-change-as-harbour-dredging-begins",
    "read-more-card": "https://www.ardleypost.test/local/2025/05/09/town-hall-clock-to-strike-again-after-restoration",
    "camelcase-cues": "https://www.kirkhavendaily.test/food/2025/06/18/bakery-apprentices-win-national-bread-competition",
    "client-rendered-body": "https://www.tidewatercourier.test/news/article/TC20250312",
    "teaser-lists-and-sources": "https://www.auental-bote.test/region/2025/06/03/faehre-nach-lindholm-faehrt-wieder",
    "offer-box": "https://www.saalekurier.test/digital/2025/06/03/stadtbibliothek-verleiht-jetzt-e-reader",
    "headline-variants": "https://www.norderstedter-rundblick.test/kultur/2025/06/03/museum-zeigt-fundstuecke-aus-dem-moor",
    "embed-placeholder": "https://www.harzecho.test/sport/2025/06/03/radrennen-fuehrt-erstmals-ueber-den-brocken",
    "headline-link-cards": "https://www.fjordpost.test/news/2025/06/03/new-footbridge-over-the-river-opens",
    "more-cues": "https://www.lindenvale-times.test/news/2025/06/03/market-square-to-get-new-trees",
    "byline-creator": "https://www.kestrelbay-news.test/local/2025/06/03/harbour-crane-returns-as-a-landmark",
    "boxes-and-keyword-links": "https://www.wealdonmercury.test/news/2025/11/06/storm-ilona-rail-lines-reopen",
    "dek-below-header": "https://www.brackenmouthecho.test/transport/harbour-ferry-to-run-every-twenty-minutes-from-june",
    "dek-in-header": "https://www.brackenmouth-evening-echo.test/transport/harbour-ferry-to-run-every-twenty-minutes-from-june",
    "linked-sentence-in-wrappers": "https://www.oxleyvalecourier.test/sport/millrace-rowers-win-county-regatta-again",
    "widget-lines": "https://www.harlingstandard.test/sport/2025/10/14/rovers-climb-back-to-the-top",
    "highlighted-code": "https://www.tarnforddigital.test/tech/2025/09/02/bin-day-reminder-code-published",
}
# The controls' lexicon: no headings, phrases, promo patterns or section labels, so only structure is judged.
NO_LEXICON = Lexicon(tail_headings=frozenset(), see_also=(), boilerplate_lines=frozenset(), line_patterns=None,
                     section_labels=None)


def html_of(page: str) -> str:
    return (PAGES / f"{page}.html").read_text(encoding="utf-8")


@cache
def clean(page: str) -> Article:
    return extract(html_of(page), url=URLS[page])


def on_page(page: str, xpath: str) -> list[str]:
    """The text of each element the XPath finds on the raw page, whitespace as a reader sees it."""
    return [" ".join(el.text_content().split()) for el in lxml_html.fromstring(html_of(page)).xpath(xpath)]


@pytest.mark.parametrize("page", URLS)
def test_each_page_is_an_article_of_five_paragraphs_or_more_at_its_canonical_url(page):
    article = clean(page)
    assert article.canonical_url == URLS[page] and article.page_type == "NewsArticle" and len(article.paragraphs) >= 5


# --- A block heading inside the body ("DON'T MISS") over a paragraph of links (prune._heading_with_link_lists)

def test_a_dont_miss_heading_inside_the_body_goes_with_its_paragraph_of_links():
    headings = on_page("dont-miss-box", "//div[@class='story-body']/p[strong or b]")
    headlines = on_page("dont-miss-box", "//div[@class='story-body']/p/a")
    assert headings == ["DON'T MISS", "READ MORE"] and len(headlines) == 6  # one box with "|", one with <br>
    unpruned = extract(html_of("dont-miss-box"), url=URLS["dont-miss-box"], lexicon=NO_LEXICON).text
    assert all(text in unpruned for text in headings + headlines)  # the control: not a box to trafilatura alone
    text = clean("dont-miss-box").text
    assert not [leaked for leaked in headings + headlines if leaked in text]


def test_every_article_paragraph_after_a_dont_miss_box_stays():
    after = on_page("dont-miss-box", "//div[@class='story-body']/p[strong]/following-sibling::p[not(a or b)]")
    assert len(after) == 5
    assert clean("dont-miss-box").paragraphs[-5:] == after


# --- Lists of links to other articles (prune._drop_link_lists)

def test_a_list_of_headline_links_goes_from_within_and_from_the_end_of_the_body():
    within = on_page("link-lists", "//ul[@class='inline-links']/li")
    at_end = on_page("link-lists", "//ul[@class='more-links']/li")
    links = on_page("link-lists", "//ul[@class='inline-links' or @class='more-links']/li/a")
    assert len(within) == 3 and len(at_end) == 4 and links == within + at_end  # every item is one whole link
    text = clean("link-lists").text
    assert not [headline for headline in within + at_end if headline in text]


def test_a_list_of_facts_without_links_stays():
    facts = on_page("link-lists", "//ul[@class='key-dates']/li")
    assert len(facts) == 4
    assert all(f"- {fact}" in clean("link-lists").paragraphs for fact in facts)


def test_a_list_of_sentences_with_one_inline_link_each_stays():
    items = on_page("link-lists", "//ul[@class='help-list']/li")
    assert len(items) == 3 and len(on_page("link-lists", "//ul[@class='help-list']/li/a")) == 3  # every item links out
    assert all(f"- {item}" in clean("link-lists").paragraphs for item in items)


def test_a_table_of_contents_of_in_page_anchors_stays():
    entries = on_page("link-lists", "//ul[@class='contents']/li")
    anchors = lxml_html.fromstring(html_of("link-lists")).xpath("//ul[@class='contents']/li/a/@href")
    assert len(entries) == 4 and all(href.startswith("#") for href in anchors)
    assert all(f"- {entry}" in clean("link-lists").paragraphs for entry in entries)


# --- Hidden elements: a paywalled body is not a copy, a print copy is (prune._drop_hidden_copies)

def test_a_paywalled_body_hidden_until_unlocked_stays_though_json_ld_carries_it_too():
    tree = lxml_html.fromstring(html_of("paywall-hidden-body"))
    assert tree.xpath("//div[@class='paywall']")[0].get("hidden") is not None
    hidden = on_page("paywall-hidden-body", "//div[@class='paywall']/p")
    article_body = json.loads(tree.xpath("//script[@type='application/ld+json']")[0].text)["articleBody"]
    assert len(hidden) == 3 and all(paragraph in article_body for paragraph in hidden)  # the script's copy
    assert clean("paywall-hidden-body").paragraphs[-3:] == hidden


def test_a_hidden_print_copy_of_the_visible_body_goes():
    body = on_page("hidden-print-copy", "//div[@class='entry']/p")
    assert on_page("hidden-print-copy", "//div[@class='print-copy' and @hidden]/p") == body  # the copy is on the page
    assert clean("hidden-print-copy").paragraphs == body  # each paragraph once


# --- The description on the page: a subheading dek is metadata, a lead paragraph is body (extract + postclean)

def test_a_description_printed_as_a_subheading_under_the_headline_is_not_text():
    dek = clean("dek-as-subheading").description
    assert on_page("dek-as-subheading", "//h1/following-sibling::*[1][self::h2]") == [dek]
    first = on_page("dek-as-subheading", "//div[@class='story-text']/p")[0]
    assert dek not in clean("dek-as-subheading").text and clean("dek-as-subheading").paragraphs[0] == first


def test_the_bodys_own_subheadings_stay_when_the_dek_goes():
    subheadings = on_page("dek-as-subheading", "//div[@class='story-text']/h2")
    assert subheadings == ["Years of campaigning"]
    assert "Years of campaigning" in clean("dek-as-subheading").paragraphs


def test_a_description_printed_as_the_lead_paragraph_is_the_first_paragraph():
    lead = on_page("dek-as-lead", "//p[@class='lead']")
    assert lead == [clean("dek-as-lead").description]  # the control: it is the declared description
    assert clean("dek-as-lead").paragraphs[0] == lead[0]


def test_a_description_printed_as_a_subheading_below_the_page_header_is_the_first_paragraph():
    dek = on_page("dek-below-header", "//header/following-sibling::div/h2")
    assert dek == [clean("dek-below-header").description]  # the control: it is the declared description
    assert on_page("dek-below-header", "//header/h1/following-sibling::*[1]")[0] != dek[0]  # not under the <h1>
    assert clean("dek-below-header").paragraphs[0] == dek[0]


def test_a_description_printed_as_a_subheading_inside_the_page_header_is_not_text():
    dek = on_page("dek-in-header", "//header/h2")
    assert dek == [clean("dek-in-header").description]
    assert dek[0] in trafilatura.extract(html_of("dek-in-header"))  # the control: trafilatura alone keeps it
    assert dek[0] not in clean("dek-in-header").text


# --- A kicker over the headline repeated in the body (postclean.strip_repeated_headline)

def test_a_kicker_line_over_the_repeated_headline_is_not_text_and_neither_is_the_headline():
    kicker = on_page("kicker-above-headline", "//div[@class='article-main']/p[following-sibling::h1]")
    first = on_page("kicker-above-headline", "//div[@class='article-main']/h1/following-sibling::p")[0]
    assert kicker == ["Local politics"]
    article = clean("kicker-above-headline")
    assert "Local politics" not in article.text and article.title not in article.text
    assert article.paragraphs[0] == first


def test_a_kicker_glued_to_the_front_of_the_headline_is_not_text_and_neither_is_the_headline():
    headline = "Neue Straßenbahnlinie fährt ab Mai bis zum Hauptbahnhof"
    assert on_page("kicker-glued-to-headline", "//h1") == ["Nahverkehr" + headline]  # no space between the two
    article = clean("kicker-glued-to-headline")
    assert article.title == headline
    assert "Nahverkehr" not in article.text and headline not in article.text
    assert article.paragraphs[0].startswith("Die Straßenbahnlinie 7 fährt vom 5. Mai an")


# --- Date lines: the dateline at the top goes, a live blog's times further down stay (postclean)

def test_a_dateline_among_the_first_lines_of_the_body_is_not_text():
    assert on_page("leading-dateline-and-live-times", "//h1/following-sibling::p[1]") == ["Updated: 12.03.2025, 14:05"]
    first = on_page("leading-dateline-and-live-times", "//div[@class='live-body']/p")[1]
    assert "12.03.2025" not in clean("leading-dateline-and-live-times").text
    assert clean("leading-dateline-and-live-times").paragraphs[0] == first


def test_a_live_blogs_time_lines_further_down_the_body_stay():
    times = ["4:14 p.m.", "3:52 p.m.", "3:30 p.m."]
    assert all(is_timestamp_line(time) for time in times)  # the control: only their place keeps them
    paragraphs = clean("leading-dateline-and-live-times").paragraphs
    assert [p for p in paragraphs if p in times] == times and paragraphs.index("4:14 p.m.") >= 4


# --- Section labels in prose (lexicon.is_headline_list)

def test_prose_that_names_section_labels_three_times_is_not_a_headline_list():
    paragraph = on_page("prose-with-section-words", "//div[@class='story-content']/p")[1]
    labels = load_lexicon().section_labels.findall(paragraph)
    assert labels == ["World", "Sport", "Business"] and len(paragraph) > 100  # the control: a candidate by its words
    assert paragraph in clean("prose-with-section-words").paragraphs


def test_the_last_stop_of_a_paragraph_counts_as_a_sentence_end():
    paragraph = on_page("prose-with-section-words", "//div[@class='story-content']/p")[-1]
    labels = load_lexicon().section_labels.findall(paragraph)
    assert labels == ["World", "Sport", "Business"] and paragraph.count(". ") == 1  # two sentences, one stop mid-line
    assert paragraph in clean("prose-with-section-words").paragraphs


# --- Promo lines at the end of the body (lexicon/en.toml line_patterns)

def test_closing_follow_us_and_send_us_a_story_lines_are_not_text():
    *body, follow, tip = on_page("closing-promo-lines", "//div[@class='body-copy']/p")
    assert follow.startswith("Follow The Westbrook Gazette on Facebook") and tip.startswith("Have a story?")
    unfiltered = extract(html_of("closing-promo-lines"), url=URLS["closing-promo-lines"], lexicon=NO_LEXICON)
    assert unfiltered.paragraphs[-2:] == [follow, tip]  # the control: nothing but the lexicon removes them
    assert clean("closing-promo-lines").paragraphs == body


def test_a_sentence_that_mentions_facebook_in_passing_stays():
    sentence = on_page("closing-promo-lines", "//div[@class='body-copy']/p")[1]
    assert sentence.startswith("The company said on Facebook that")
    assert sentence in clean("closing-promo-lines").paragraphs


# --- Syntax-highlighted code: token classes are no cues (prune._code_elements)

def test_every_token_of_a_highlighted_code_listing_stays():
    listing = lxml_html.fromstring(html_of("highlighted-code")).xpath("//pre")[0].text_content()
    lines = [" ".join(line.split()) for line in listing.split("\n") if line.strip()]
    assert lines[0] == "# rounds.py" and len(lines) == 4  # a "token comment" span, and "token keyword" spans in every line
    paragraphs = clean("highlighted-code").paragraphs
    assert paragraphs[2:6] == lines


def test_a_cued_box_beside_the_code_still_goes():
    shares = on_page("highlighted-code", "//div[@class='share-tools']/a")
    assert len(shares) == 3
    assert not [share for share in shares if share in clean("highlighted-code").text]


# --- Page widgets printed as lines of the body (lexicon/*.toml boilerplate_lines, line_patterns)

WIDGET_LINES = ["4 min read", "Back to top ↑", "Start Quote", "End Quote", "Printer-friendly version", "Add comment"]


def test_widget_lines_in_the_body_go():
    unfiltered = extract(html_of("widget-lines"), url=URLS["widget-lines"], lexicon=NO_LEXICON).paragraphs
    assert [line for line in unfiltered if line in WIDGET_LINES] == WIDGET_LINES  # the control: only the lexicon removes them
    assert clean("widget-lines").paragraphs == [line for line in unfiltered if line not in WIDGET_LINES]


def test_a_table_row_of_empty_cells_is_no_paragraph_and_a_rule_still_is():
    assert on_page("widget-lines", "//div[@class='story']/table/tr[last()]/td") == ["", ""]
    paragraphs = clean("widget-lines").paragraphs
    assert "| Cressbrook v Harling Rovers | 0-2 |" in paragraphs and "* * *" in paragraphs
    assert not [p for p in paragraphs if not p.strip("| ")]


def test_sentences_that_say_back_to_top_or_minute_read_stay():
    sentences = [p for p in on_page("widget-lines", "//div[@class='story']//p") if "back to top" in p or "minute read" in p]
    assert len(sentences) == 2
    assert all(sentence in clean("widget-lines").paragraphs for sentence in sentences)


@pytest.mark.parametrize("line", ["5 min read", "Reading time: 3 minutes", "Lesedauer: 4 Minuten", "Lesezeit: ca. 3 Min.",
                                  "Temps de lecture : 4 min", "3 min de lectura", "Tempo de leitura: 2 minutos",
                                  "Tempo di lettura: 5 minuti", "Leestijd 4 minuten"])
def test_a_reading_time_label_is_clutter_in_each_language(line):
    assert load_lexicon().is_clutter_line(line)


@pytest.mark.parametrize("line", ["Die Lesedauer des Berichts beträgt vier Minuten, sagt die Autorin.",
                                  "It was a 5 min read, she said, and worth every second."])
def test_a_sentence_about_reading_time_is_not(line):
    assert not load_lexicon().is_clutter_line(line)


# --- A body split into chunks around an ad (split_body.join_split_body)

def test_a_body_split_in_two_containers_around_an_ad_is_read_whole():
    chunks = on_page("split-body", "//article[1]//div[contains(@class, 'article-body')]")
    body = on_page("split-body", "//article[1]//div[contains(@class, 'article-body')]/p")
    assert len(chunks) == 2 and len(body) == 6
    alone = trafilatura.extract(html_of("split-body"))
    assert body[3] not in alone  # the control: trafilatura reads the first container only
    assert clean("split-body").paragraphs == body


def test_the_next_article_of_an_endless_scroll_page_is_not_joined_to_the_body():
    next_story = on_page("split-body", "//article[2]//p")
    assert len(next_story) == 2
    assert on_page("split-body", "//article[2]/h1") and on_page("split-body", "//article[2]//div[contains(@class, 'article-body')]")
    assert not [paragraph for paragraph in next_story if paragraph in clean("split-body").text]


# --- A "Read more" card inside the body: a headline link and its summary (prune._teaser_card_around)

def test_a_read_more_card_goes_with_its_headline_and_summary():
    card = on_page("read-more-card", "//div[@class='inline-box']//*[self::p or self::a]")
    assert card[0] == "Read more" and len(card) == 3
    unpruned = extract(html_of("read-more-card"), url=URLS["read-more-card"], lexicon=NO_LEXICON).text
    assert card[2] in unpruned  # the control: without the heading lexicon the summary is body to trafilatura
    assert not [part for part in card if part in clean("read-more-card").paragraphs]


def test_a_sentence_that_starts_with_read_more_stays():
    closing = on_page("read-more-card", "//div[@class='story-body']/p")[-1]
    assert closing.startswith("Read more about the clock's history")
    assert clean("read-more-card").paragraphs[-1] == closing


# --- Class names in camelCase carry cues too; state classes ("hasCaption") do not (prune._cue_words)

def test_camelcase_caption_and_promo_boxes_go():
    caption = on_page("camelcase-cues", "//p[@class='imageCaption']")
    promo = on_page("camelcase-cues", "//div[@class='promoBox']/p")
    assert not CUE_RE.search("imagecaption") and not CUE_RE.search("promobox")  # the control: lowercased, no cue
    alone = trafilatura.extract(html_of("camelcase-cues"))
    assert caption[0] in alone and promo[0] in alone
    text = clean("camelcase-cues").text
    assert caption[0] not in text and promo[0] not in text


def test_a_lead_in_a_box_whose_class_says_it_has_a_caption_stays():
    lead = on_page("camelcase-cues", "//div[@class='articleLead hasCaption']/p")
    assert len(lead) == 1
    assert clean("camelcase-cues").paragraphs[0] == lead[0]


# --- A client-rendered page's body, sent as escaped HTML inside a script's string (script_body)

def embedded_fragment(page: str) -> HtmlElement:
    """The body the fixture's script carries: its push string holds "5:" and a JSON document."""
    script = next(s.text for s in lxml_html.fromstring(html_of(page)).iter("script") if s.text and "contentHtml" in s.text)
    pushed = json.loads(script[script.index("[1,") + 3:script.rindex("])")])
    return lxml_html.fragment_fromstring(json.loads(pushed.removeprefix("5:"))["article"]["contentHtml"], create_parent="div")


def test_a_body_sent_only_in_a_script_string_is_the_text():
    fragment = embedded_fragment("client-rendered-body")
    body = [" ".join(p.text_content().split()) for p in fragment.xpath("p | h3")]
    assert clean("client-rendered-body").paragraphs == body


def test_the_caption_and_the_ad_slot_of_a_script_body_are_not_text():
    caption = " ".join(embedded_fragment("client-rendered-body").xpath("div[@class='caption']")[0].text_content().split())
    text = clean("client-rendered-body").text
    assert caption and caption not in text and "$$" not in text


def test_a_page_whose_markup_has_its_body_never_reads_script_strings():
    page = html_of("camelcase-cues")
    script = next(s for s in html_of("client-rendered-body").split("<script>") if "contentHtml" in s).split("</script>")[0]
    with_script = page.replace("</body>", f"<script>{script}</script></body>")
    assert extract(with_script, url=URLS["camelcase-cues"]).paragraphs == clean("camelcase-cues").paragraphs


def test_a_consent_wall_never_reads_a_body_from_a_script_string():
    script = next(s for s in html_of("client-rendered-body").split("<script>") if "contentHtml" in s).split("</script>")[0]
    wall = (FIXTURES / "walls" / "consent-en.html").read_text(encoding="utf-8").replace("</body>", f"<script>{script}</script></body>")
    article = extract(wall)
    assert article.wall == "consent" and article.text == ""


def pruned(page: str):
    """The page's tree after pruning, as trafilatura would get it."""
    tree = lxml_html.fromstring(html_of(page))
    prune_non_body(tree, load_lexicon())
    return tree


def texts(tree, xpath: str) -> list[str]:
    return [" ".join(el.text_content().split()) for el in tree.xpath(xpath)]


# --- Teaser lists inside the body: a bold kicker over each headline link (prune._is_kicker_teaser)

def test_a_list_of_two_kicker_and_headline_links_goes():
    teasers = on_page("teaser-lists-and-sources", "//div[@class='story-body']/ul[1]/li")
    assert teasers == ["Verkehr: Brücke am Mühlbach wird im Sommer gesperrt",
                       "Neue Preise? Der Kreis prüft teurere Tickets für Pendler"]
    text = clean("teaser-lists-and-sources").text
    assert not [teaser for teaser in teasers if teaser in text]


def test_a_list_of_two_links_without_kickers_stays():
    links = on_page("teaser-lists-and-sources", "//div[@class='story-body']/ul[2]/li")
    assert len(links) == 2 and links[0] == "Fahrplan der Reederei Lindholm"
    kept = texts(pruned("teaser-lists-and-sources"), "//div[@class='story-body']/ul/li")
    assert [link for link in links if link in kept] == links


# --- An empty ad slot is no entry of a link list (prune._drop_link_lists)

def test_a_list_of_headline_links_with_an_empty_ad_slot_goes():
    entries = on_page("teaser-lists-and-sources", "//aside/ul/li")
    assert len(entries) == 4 and entries[-1] == ""  # the control: the fourth item has no link and no text
    assert not pruned("teaser-lists-and-sources").xpath("//aside//li")


# --- A tail heading over a list without links: the sources (prune._heading_with_link_lists, any_list)

def test_a_list_of_sources_under_its_heading_goes():
    sources = on_page("teaser-lists-and-sources", "//div[@class='sources-box']//li")
    assert sources == ["Pressemitteilung der Reederei", "Gespräch mit dem Kapitän"]
    text = clean("teaser-lists-and-sources").text
    assert "Verwendete Quellen" not in text and not [source for source in sources if source in text]
    assert clean("teaser-lists-and-sources").paragraphs[-1].startswith("Mehr zum Fahrplan steht im")


# --- A subscription offer box (prune._offer_box, lexicon `offers`)

def test_a_free_trial_offer_box_goes_with_its_pitch():
    box = on_page("offer-box", "//div[contains(@class, 'box-light')]/p")
    assert box[0] == "2 Wochen kostenlos testen"
    unfiltered = extract(html_of("offer-box"), url=URLS["offer-box"], lexicon=NO_LEXICON).text
    assert box[1] in unfiltered  # the control: without the lexicon the pitch is body to trafilatura
    text = clean("offer-box").text
    assert not [line for line in box if line in text]


def test_a_body_sentence_about_a_free_trial_stays():
    sentence = on_page("offer-box", "//div[@class='text']/p")[2]
    assert "kostenlos testen" in sentence
    assert sentence in clean("offer-box").paragraphs


# --- Headlines the page declares besides its title (metadata headlines, postclean.headline_key)

def test_a_kicker_and_the_og_title_wording_repeated_without_its_colon_are_not_text():
    article = clean("headline-variants")
    assert article.title == "Moorfunde im Heimatmuseum"  # the control: the title has other words
    assert on_page("headline-variants", "//div[@class='story-body']/p")[0] == "Ausstellung Museum zeigt Fundstücke aus dem Moor"
    assert "Museum zeigt Fundstücke aus dem Moor" not in article.text


def test_an_alternative_headline_that_the_description_repeats_is_a_caption_and_stays():
    caption = on_page("headline-variants", "//div[@class='story-body']/p")[1]
    assert caption.startswith("Ausstellung: Ein Holzschwert") and caption in html_of("headline-variants").split("alternativeHeadline")[1]
    assert caption in clean("headline-variants").paragraphs


# --- An embed held back until the reader consents (lexicon/de.toml)

def test_an_embed_placeholder_and_the_link_printed_in_its_place_are_not_text():
    alone = trafilatura.extract(html_of("embed-placeholder"))
    assert "Link zum YouTube-Inhalt" in alone  # the control: trafilatura keeps the link line
    text = clean("embed-placeholder").text
    assert "Empfohlener redaktioneller Inhalt" not in text and "externen Inhalt" not in text
    assert "Link zum YouTube-Inhalt" not in text


def test_a_cross_link_set_off_by_arrows_is_not_text():
    assert ">> Hier finden Sie alle Etappen im Überblick" in trafilatura.extract(html_of("embed-placeholder"))  # the control
    assert not [p for p in clean("embed-placeholder").paragraphs if p.startswith(">>")]


def test_a_sentence_starting_hier_finden_sie_without_arrows_stays():
    assert clean("embed-placeholder").paragraphs[-1].startswith("Hier finden Sie als Zuschauer am Renntag")


# --- A link around a heading is a teaser card (prune._drop_headline_links)

def test_a_teaser_card_whose_link_holds_a_heading_goes():
    card = on_page("headline-link-cards", "//article[@class='preview']//h3")
    alone = trafilatura.extract(html_of("headline-link-cards"))
    assert card[0] in alone  # the control: trafilatura keeps the card's headline
    assert card[0] not in clean("headline-link-cards").text


def test_the_bodys_own_subheadings_stay_beside_a_teaser_card():
    paragraphs = clean("headline-link-cards").paragraphs
    assert "Cheaper than planned" in paragraphs and "A party on the riverbank" in paragraphs


# --- More class cues: image descriptions, debug panels, polls, author biographies (prune.CUE_RE)

def test_an_image_description_and_a_debug_panel_in_the_body_go():
    description = on_page("more-cues", "//p[@class='image-description']")[0]
    alone = trafilatura.extract(html_of("more-cues"))
    assert description in alone and "showPaywall" in alone  # the control: trafilatura keeps both
    text = clean("more-cues").text
    assert description not in text and "showPaywall" not in text


@pytest.mark.parametrize("value", ["poll-widget", "Article_elementPoll__0I_DP", "author__biography", "slice-author-bio",
                                   "mediaDescription", "bildunterschrift", "debug-piano"])
def test_poll_biography_image_description_and_debug_classes_are_cues(value):
    assert CUE_RE.search(_cue_words(value))


@pytest.mark.parametrize("value", ["image-gallery", "media-body", "pollution-map", "story-text"])
def test_classes_that_merely_start_like_a_cue_are_not_cues(value):
    assert not CUE_RE.search(_cue_words(value))


# --- A byline naming the JSON-LD creator (metadata credited, postclean.drop_leading_bylines)

def test_a_byline_naming_the_json_ld_creator_is_not_text_and_the_authors_stay_as_declared():
    assert "Tomas Lindqvist" in trafilatura.extract(html_of("byline-creator"))  # the control
    article = clean("byline-creator")
    assert "Tomas Lindqvist" not in article.text and article.authors == ["Kestrel Bay News"]
# --- A sentence with two short links, alone in its wrapper divs, is prose, not a menu (prune._unwrap_linked_paragraphs)

def test_a_sentence_with_two_short_links_alone_in_wrapper_divs_stays():
    first = on_page("linked-sentence-in-wrappers", "//div[@class='para-slot'][1]//p")
    assert first[0] not in trafilatura.extract(html_of("linked-sentence-in-wrappers"))  # the control
    assert clean("linked-sentence-in-wrappers").paragraphs[0] == first[0]


def test_a_row_of_short_links_in_the_same_wrappers_is_not_text():
    row = on_page("linked-sentence-in-wrappers", "//div[@class='para-slot'][last()]//p")
    assert row == ["Rowing · Sport · Millrace"]
    assert "Rowing · Sport" not in clean("linked-sentence-in-wrappers").text


# --- A fact box is never the body, however long (prune.BOX_CUE_RE); cross-links and keyword links in paragraphs

def test_a_fact_box_longer_than_the_story_goes():
    box = on_page("boxes-and-keyword-links", "//div[@class='story-factbox']/p")
    story = on_page("boxes-and-keyword-links", "//div[@class='story-body']/p")
    assert sum(map(len, box)) > sum(map(len, story))  # the control: the body guard alone would keep it
    text = clean("boxes-and-keyword-links").text
    assert not [line for line in box if line in text]


def test_a_bold_lead_in_over_one_headline_link_goes():
    teaser = on_page("boxes-and-keyword-links", "//p[strong and a][1]")[0]
    assert teaser.startswith("READ NEXT |") and teaser in trafilatura.extract(html_of("boxes-and-keyword-links"))
    assert "Volunteers fill ten thousand sandbags" not in clean("boxes-and-keyword-links").text


def test_a_bold_lead_in_over_a_sentence_with_a_link_stays():
    update = on_page("boxes-and-keyword-links", "//p[starts-with(normalize-space(.), 'Update:')]")
    assert len(update) == 1 and update[0] in clean("boxes-and-keyword-links").paragraphs


def test_a_keyword_link_inside_a_sentence_stays_whatever_its_class():
    sentence = on_page("boxes-and-keyword-links", "//p[a[contains(@class, 'keyword')] and contains(., 'Trains')]")
    assert sentence == ["Trains are running again on every line in the county after Network Rail engineers pumped the last "
                        "of the floodwater out of the cutting near Hollins Cross on Thursday morning."]
    assert sentence[0] in clean("boxes-and-keyword-links").paragraphs


def test_a_keyword_link_that_ends_its_line_goes():
    assert on_page("boxes-and-keyword-links", "//p[starts-with(., 'More on:')]") == ["More on: Flooding"]
    assert "Flooding" not in clean("boxes-and-keyword-links").text


def test_a_row_of_names_linked_to_topic_pages_stays():
    rows = on_page("boxes-and-keyword-links", "//p[a[contains(@href, '/topics/')]]")
    assert rows == ["Kent: Ashford, Dover", "Sussex: Rye, Hastings"]
    assert not [row for row in rows if row in trafilatura.extract(html_of("boxes-and-keyword-links"))]  # the control
    paragraphs = clean("boxes-and-keyword-links").paragraphs
    assert [row for row in rows if row in paragraphs] == rows
