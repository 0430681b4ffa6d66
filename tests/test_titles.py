"""A page's title is its headline: the <h1> where the metadata agrees with it, else the declared title without
the section trail and site name that <title> carries around the headline. Pages from `fixtures/titles/`."""

from __future__ import annotations

from lxml import html as lxml_html

from cleaners.metadata import read_metadata
from conftest import FIXTURES

PAGES = FIXTURES / "titles"


def title_of(page: str) -> str | None:
    tree = lxml_html.fromstring((PAGES / f"{page}.html").read_text(encoding="utf-8"))
    return read_metadata(tree, f"https://www.soundeveningpost.test/{page}").title


def test_a_headline_shown_as_a_heading_sheds_the_section_trail_after_it():
    assert title_of("section-trail") == "Ferry fares rise for the third winter running"


def test_a_headline_shown_as_a_heading_sheds_the_station_name_before_it():
    assert title_of("station-name-first") == "Lifeboat crew rescues two kayakers off the point"


def test_a_blogs_name_shown_as_its_top_heading_is_not_taken_for_the_headline():
    assert title_of("blog-name-heading") == "Why the old lighthouse lens came home"


def test_an_h1_that_the_title_agrees_with_is_the_headline():
    assert title_of("headline-in-h1") == "Market hall roof repairs start next week"
