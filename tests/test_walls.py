"""Consent walls and paywall stubs (`cleaners/walls.py`): flagged with their kind, never taken for articles.

The pages are `fixtures/walls/` (see its README and `pages.toml`); the controls carry the same kinds of
cue as the walls, so what clears them is their full body.
"""

from __future__ import annotations

import time
import tomllib
from functools import cache

import pytest

from cleaners import SiteMemory, draft_article, extract, finish_article
from cleaners import walls
from cleaners.lexicon import LEXICON_DIR, load_lexicon, wall_key
from cleaners.walls import CONSENT, PAYWALL, WALL_MAX_WORDS, count_words, page_cues
from conftest import FIXTURES

WALLS = FIXTURES / "walls"
PAGES = {p["file"]: p for p in tomllib.loads((WALLS / "pages.toml").read_text(encoding="utf-8"))["page"]}


def html_of(file: str) -> str:
    return (WALLS / file).read_text(encoding="utf-8")


@cache
def clean(file: str):
    return extract(html_of(file), url=PAGES[file]["url"])


@pytest.mark.parametrize("file", PAGES)
def test_each_page_is_the_wall_its_listing_says(file):
    expected = PAGES[file]["wall"]
    assert clean(file).wall == (None if expected == "none" else expected)


@pytest.mark.parametrize("file", PAGES)
def test_what_a_page_shows_of_its_article_stays_and_the_wall_itself_never_is_text(file):
    text = clean(file).text
    assert [s for s in PAGES[file]["shows"] if s not in text] == []
    assert [h for h in PAGES[file]["hides"] if h in text] == []


def test_the_fixtures_cover_the_issue_row():
    kinds = {(p["wall"], p["language"]) for p in PAGES.values()}
    assert {(CONSENT, "en"), (PAYWALL, "en"), ("none", "en")} <= kinds
    assert kinds & {(CONSENT, "de"), (CONSENT, "fr")} and kinds & {(PAYWALL, "no"), (PAYWALL, "is")}
    assert len([p for p in PAGES.values() if p["wall"] == "none"]) >= 2


def test_a_consent_wall_is_an_article_with_no_text_and_its_kind_not_none():
    """A consent-only page must be told from a page without text: the Draft has no paragraphs but a kind,
    and the Article exists, with empty text."""
    page = PAGES["consent-en.html"]
    draft = draft_article(html_of(page["file"]), url=page["url"])
    assert draft.paragraphs == [] and draft.wall == CONSENT
    article = finish_article(draft)
    assert article is not None and article.text == "" and article.wall == CONSENT
    assert article.to_dict()["wall"] == CONSENT


def test_a_wall_is_not_learnt_as_site_template(tmp_path):
    """Site memory neither strips nor remembers a wall page: it is not the site's article template."""
    memory = SiteMemory(tmp_path)
    page = PAGES["paywall-en.html"]
    for _ in range(5):
        article = extract(html_of(page["file"]), url=page["url"], site_memory=memory)
        assert article.wall == PAYWALL and "marine fuel" in article.text
    assert memory.pages_seen(page["url"]) == 0


def test_the_cues_are_read_from_the_raw_page_and_the_controls_carry_them_too():
    """Pruning removes cookie boxes before extraction, so the raw page is what is read; the controls have
    the same kinds of cue as the walls (phrases and class names), and only their body clears them."""
    lexicon = load_lexicon()
    consent = page_cues(html_of("consent-de.html"), lexicon)
    assert {"sp_message", "cmp"} <= consent[CONSENT] and "wir verwenden cookies" in consent[CONSENT]
    assert not consent[PAYWALL]  # "Bereits Pur-Abonnent?" is the consent wall's own offer, not a paywall
    banner = page_cues(html_of("control-cookie-banner.html"), lexicon)
    assert {"cookie", "we use cookies", "accept all"} <= banner[CONSENT]
    box = page_cues(html_of("control-subscribe-box.html"), lexicon)
    assert "already a subscriber?" in box[PAYWALL]
    stub = page_cues(html_of("paywall-en.html"), lexicon)
    assert {"piano", "tp-container", "isAccessibleForFree: false", "subscribe to continue reading"} <= stub[PAYWALL]


def test_a_paywall_cue_wins_over_a_cookie_banner():
    cues = page_cues(html_of("paywall-no.html"), load_lexicon())
    assert cues[CONSENT] and cues[PAYWALL]
    assert clean("paywall-no.html").wall == PAYWALL


def test_a_full_article_behind_a_hidden_paywall_is_no_wall():
    """Every paywall cue at once (a `div.paywall`, "This story is for subscribers", isAccessibleForFree:
    false) on a page whose whole body is there: an article."""
    html = (FIXTURES / "cleaners" / "paywall-hidden-body.html").read_text(encoding="utf-8")
    assert page_cues(html, load_lexicon())[PAYWALL] >= {"paywall", "isAccessibleForFree: false"}
    article = extract(html, url="https://www.lakeshoreledger.test/business/2025/05/20/lake-ferry-operator-orders-two-electric-boats")
    assert article.wall is None and count_words(article.text) >= WALL_MAX_WORDS


def short_brief(words_of_body: int) -> str:
    """The cookie-banner control cut down to a news brief of about `words_of_body` words."""
    html = html_of("control-cookie-banner.html")
    start, end = html.index('<div class="article-body">'), html.index("</article>")
    sentence = "The lifeboat crew brought both kayakers back to the harbour safely on Wednesday. "
    body = "<p>" + sentence * (words_of_body // len(sentence.split())) + "</p>"
    return html[:start] + f'<div class="article-body">{body}</div></article>' + html[end + len("</article>"):]


def test_a_short_brief_with_a_cookie_banner_is_no_consent_wall():
    """A consent wall hides the whole article; a 70-word brief that carries a cookie banner is an article."""
    article = extract(short_brief(70), url=PAGES["control-cookie-banner.html"]["url"])
    assert article.wall is None and 60 <= article.word_count < WALL_MAX_WORDS


def test_a_section_page_with_a_cookie_dialog_is_no_wall():
    """A page that types itself as no article (og:type website) is no wall, whatever banner it carries:
    it is left to the crawler's own rules for pages with little text."""
    html = html_of("consent-de.html").replace('content="article"', 'content="website"')
    assert extract(html, url=PAGES["consent-de.html"]["url"]).wall is None


def test_a_long_article_never_has_its_page_scanned(monkeypatch):
    """The cue scan runs only for short pages, so the cost per article stays flat."""
    def scan(*args):
        raise AssertionError("the page was scanned")
    monkeypatch.setattr(walls, "page_cues", scan)
    assert extract(html_of("control-subscribe-box.html"), url=PAGES["control-subscribe-box.html"]["url"]).wall is None


def test_every_lexicon_language_has_both_wall_keys():
    files = sorted(LEXICON_DIR.glob("*.toml"))
    assert len(files) >= 17
    for file in files:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
        assert data.get("consent_walls") and data.get("paywalls"), file.name


def test_every_wall_phrase_is_found_in_running_text():
    """Each phrase of each file, inside a sentence, is matched by the compiled lexicon, of its own kind."""
    lexicon = load_lexicon()
    for file in sorted(LEXICON_DIR.glob("*.toml")):
        data = tomllib.loads(file.read_text(encoding="utf-8"))
        for key, pattern in (("consent_walls", lexicon.consent_walls), ("paywalls", lexicon.paywalls)):
            for phrase in data[key]:
                found = pattern.findall(wall_key(f"Vorher. {phrase} — danach."))
                assert wall_key(phrase) in found, (file.name, phrase)


def test_wall_phrases_are_whole_words_and_forgive_typography():
    lexicon = load_lexicon()
    assert not lexicon.consent_walls.search(wall_key("The minister did not reject allegations."))
    assert lexicon.paywalls.search(wall_key("Déjà abonné?  Connectez-vous"))  # no space before "?"
    assert lexicon.paywalls.search(wall_key("You’ve reached your free article limit."))  # curly apostrophe
    assert lexicon.paywalls.search(wall_key("震度5弱。この記事は有料会員限定です。"))  # no word boundaries in Japanese


def test_japanese_text_is_not_short_for_having_no_spaces():
    text = "気象庁は13日、日向灘で震度5弱の地震があったと発表した。" * 10
    assert len(text.split()) == 1 and count_words(text) > WALL_MAX_WORDS


def test_a_hostile_page_is_scanned_in_linear_time():
    """Thousands of unclosed scripts, comments and quotes: a `<script.*?</script>` scan would take a minute."""
    hostile = "<script>x" * 20000 + "<!-- a" * 20000 + '<p class="' * 20000 + "<" * 100000 + "Accept all"
    started = time.perf_counter()
    page_cues(hostile, load_lexicon())
    extract(hostile, url="https://www.harbourside-post.test/news/hostile")
    assert time.perf_counter() - started < 5
