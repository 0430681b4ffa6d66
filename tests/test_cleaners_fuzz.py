"""The cleaners under hostile input: they never raise, and every page finishes.

Generated pages mix the structures the cleaners act on (cue classes, hidden copies, block headings,
link lists, split bodies, JSON-LD) with random text, so every rule meets input it was not written for.
Pathological pages (deep nesting, one enormous line, twenty thousand paragraphs, broken bytes) are
fixed cases. Hypothesis's deadline bounds each page's time; it is generous, because the point is "ends",
not "is fast" (speed is measured in bench/).
"""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cleaners import SiteMemory, extract
from cleaners.article import Article

CUE_CLASSES = ["article-body", "articleBody", "share-tools", "imageCaption", "most-read", "hasCaption", "comments",
               "related", "promoBox", "newsletter", "paywall", "entry-content", "post", "caption", "ad-slot", ""]
HEADINGS = ["Mest lesið", "Read more", "Czytaj więcej", "More from The Nation", "DON'T MISS", "Ähnliche:",
            "Читайте також", "Explore more on these topics", "Share", "Reuse this content"]
TAGS = ["div", "p", "section", "article", "aside", "ul", "li", "a", "span", "h1", "h2", "figure", "figcaption",
        "main", "nav", "footer", "header", "table", "td", "script", "style", "noscript", "template", "blockquote"]
PAGE_DEADLINE_MS = 5000

words = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=0, max_size=200)
texts = st.one_of(words, st.sampled_from(HEADINGS), st.just("Stand: 22.04.2024, 06:00 Uhr"),
                  st.just("This is a long enough sentence about the harbour, the ferry and the council. " * 3))


@st.composite
def attributes(draw) -> str:
    parts = []
    if draw(st.booleans()):
        parts.append(f'class="{draw(st.sampled_from(CUE_CLASSES))}"')
    if draw(st.integers(0, 5)) == 0:
        parts.append(draw(st.sampled_from(['hidden', 'style="display:none"', 'role="navigation"', 'id="comments"',
                                           'href="/news/other-story"', 'href="#section-2"', 'itemprop="articleBody"'])))
    return (" " + " ".join(parts)) if parts else ""


def elements(depth: int = 0):
    leaf = texts.map(lambda t: t.replace("<", "&lt;"))
    if depth >= 4:
        return leaf
    return st.one_of(leaf, st.builds(
        lambda tag, attrs, children: f"<{tag}{attrs}>{''.join(children)}</{tag}>",
        st.sampled_from(TAGS), attributes(), st.lists(st.deferred(lambda: elements(depth + 1)), max_size=5)))


@st.composite
def pages(draw) -> str:
    head = ""
    if draw(st.booleans()):
        data = {"@type": draw(st.sampled_from(["NewsArticle", "WebPage", "Thing"])), "headline": draw(words),
                "datePublished": draw(st.sampled_from(["2024-10-25", "not a date", "", "2024-13-45T99:00"]))}
        head += f'<script type="application/ld+json">{json.dumps(data)}</script>'
    if draw(st.booleans()):
        head += f'<meta property="og:title" content="{draw(words).replace(chr(34), "")}">'
    body = "".join(draw(st.lists(elements(), max_size=12)))
    lang = draw(st.sampled_from(["en", "is", "uk", "", "xx-YY", "ja"]))
    return f'<!DOCTYPE html><html lang="{lang}"><head>{head}</head><body>{body}</body></html>'


def assert_article_or_none(result) -> None:
    """None, an article with text, or a consent wall or paywall stub, which may show no text at all (see
    cleaners.finish_article): hypothesis found `<div class="paywall" hidden></div>` alone on a page."""
    assert result is None or (isinstance(result, Article) and (result.text.strip() or result.wall))


@settings(max_examples=100, deadline=PAGE_DEADLINE_MS, suppress_health_check=[HealthCheck.too_slow])
@given(pages())
def test_generated_pages_give_an_article_or_none_and_never_raise(html):
    assert_article_or_none(extract(html, url="https://news.example.test/a/1"))


@settings(max_examples=60, deadline=PAGE_DEADLINE_MS)
@given(st.binary(max_size=4000))
def test_arbitrary_bytes_give_an_article_or_none_and_never_raise(data):
    assert_article_or_none(extract(data))


@settings(max_examples=25, deadline=PAGE_DEADLINE_MS, suppress_health_check=[HealthCheck.too_slow,
                                                                           HealthCheck.function_scoped_fixture])
@given(st.lists(pages(), min_size=1, max_size=5))
def test_site_memory_never_raises_on_generated_pages(tmp_path, batch):
    memory = SiteMemory(tmp_path, min_pages=1)
    for n, html in enumerate(batch):
        assert_article_or_none(extract(html, url=f"https://news.example.test/a/{n}", site_memory=memory))
    memory.save()


PATHOLOGICAL = {
    "empty": "",
    "whitespace": " \n\t " * 100,
    "nul bytes": "<html><body><p>a\x00b\x00c</p></body></html>",
    "deep nesting": "<div>" * 20_000 + "<p>Deep inside the page there is one sentence of text.</p>" + "</div>" * 20_000,
    "one enormous line": "<html><body><p>" + "word " * 400_000 + "</p></body></html>",
    "many paragraphs": "<html><body>" + "<p>Short paragraph number one of very many.</p>" * 20_000 + "</body></html>",
    "unclosed tags": "<html><body>" + "<div><p><span>unclosed text about the ferry " * 3000,
    "only scripts": "<html><head><script>var a = 1;</script></head><body><script>" + "x=1;" * 10_000 + "</script></body></html>",
    "a huge attribute": '<html><body><div class="' + "related " * 100_000 + '"><p>Text.</p></div></body></html>',
    "broken json-ld": '<html><head><script type="application/ld+json">{"@type": "NewsArticle", "headline": </script>'
                      "</head><body><p>Body text of a page whose metadata is broken.</p></body></html>",
    "comment bomb": "<html><body>" + "<!--" * 50_000 + "<p>text</p></body></html>",
}


@pytest.mark.parametrize("name", PATHOLOGICAL)
def test_pathological_pages_give_an_article_or_none(name):
    assert_article_or_none(extract(PATHOLOGICAL[name], url="https://news.example.test/x"))


@pytest.mark.parametrize("encoding", ["cp1251", "koi8-r", "shift_jis", "latin-1"])
def test_undeclared_legacy_encodings_never_raise(encoding):
    text = {"cp1251": "Новости дня: паром отменён из-за шторма.", "koi8-r": "Новости дня: паром отменён из-за шторма.",
            "shift_jis": "フェリーは嵐のため欠航しました。", "latin-1": "Le ferry a été annulé à cause de la tempête."}[encoding]
    page = f"<html><body><article><p>{text * 20}</p></article></body></html>".encode(encoding)
    assert_article_or_none(extract(page))
