"""Site template learning: text under every article of one site is template, whatever its words."""

from __future__ import annotations

import os
import stat
from functools import cache

import pytest

from cleaners import SiteMemory, extract
from conftest import FIXTURES

HARBOUR_TIMES = FIXTURES / "site-memory" / "harbourtimes"
FERRY, LIBRARY, FISH_MARKET, BUS, BEACH, FERRY_REPUBLISHED = PAGES = [
    "island-ferry-adds-late-sailings",
    "central-library-reopens-after-roof-repairs",
    "fish-market-to-open-on-saturdays",
    "number-7-bus-to-serve-gull-point",
    "volunteers-clear-litter-from-north-beach",
    "later-ferry-sailings-what-the-new-timetable-means",
]
# The two paragraphs that end every Harbour Times article; no lexicon or class cue knows them.
TEMPLATE = [
    "The Harbour Times is owned by its readers and answers to no shareholder. If this reporting matters to you, "
    "become a member from four pounds a month at the front desk on Quay Street or through the members page.",
    "Reporting for the Harbour Times newsroom on the east pier. Please send corrections and clarifications to the "
    "duty editor at desk@harbourtimes.test, quoting the headline and the date of the story.",
]


def url_of(page: str, host: str = "www.harbourtimes.test") -> str:
    return f"https://{host}/news/{page}"


def clean(page: str, memory: SiteMemory | None = None, url: str | None = None) -> list[str]:
    html = (HARBOUR_TIMES / f"{page}.html").read_text(encoding="utf-8")
    return extract(html, url=url or url_of(page), site_memory=memory).paragraphs


@cache
def plain(page: str) -> tuple[str, ...]:
    """The page's paragraphs as cleaned without a site memory: article text, then the template."""
    return tuple(clean(page))


def without_template(page: str) -> list[str]:
    return list(plain(page)[:-len(TEMPLATE)])


def taught(memory: SiteMemory, pages: list[str], host: str = "www.harbourtimes.test") -> SiteMemory:
    for page in pages:
        clean(page, memory, url=url_of(page, host))
    return memory


@pytest.mark.parametrize("page", PAGES)
def test_without_a_site_memory_every_page_ends_with_the_template(page):
    assert list(plain(page)[-2:]) == TEMPLATE and len(without_template(page)) >= 5


def test_the_first_three_pages_keep_the_template_not_yet_seen_on_three_others():
    memory = SiteMemory()
    for page in [FERRY, LIBRARY, FISH_MARKET]:
        assert clean(page, memory) == list(plain(page))


def test_the_fourth_and_fifth_pages_lose_exactly_the_template():
    memory = taught(SiteMemory(), [FERRY, LIBRARY, FISH_MARKET])
    for page in [BUS, BEACH]:
        assert clean(page, memory) == without_template(page)


def test_the_memory_is_saved_as_one_file_per_site_named_without_www(tmp_path):
    memory = taught(SiteMemory(tmp_path), [FERRY, LIBRARY, FISH_MARKET, BUS])
    assert memory.save() == [tmp_path / "harbourtimes.test.json"]
    assert [p.name for p in tmp_path.iterdir()] == ["harbourtimes.test.json"]


def test_the_memory_file_is_written_like_the_corpus_files_its_mode_from_the_umask(tmp_path):
    """One atomic writer (cleaners/atomic.py) for the corpus and the memory: colleagues who may read the corpus
    may read its state too."""
    umask = os.umask(0o022)
    os.umask(umask)
    taught(SiteMemory(tmp_path), [FERRY, LIBRARY, FISH_MARKET, BUS]).save()
    assert stat.S_IMODE((tmp_path / "harbourtimes.test.json").stat().st_mode) == 0o666 & ~umask


def test_a_new_memory_on_the_same_folder_starts_with_what_the_last_one_learned(tmp_path):
    taught(SiteMemory(tmp_path), [FERRY, LIBRARY, FISH_MARKET, BUS]).save()
    assert clean(BEACH, SiteMemory(tmp_path)) == without_template(BEACH)


def test_cleaning_the_same_page_again_does_not_count_as_another_page():
    memory = taught(SiteMemory(), [FERRY, FERRY, FERRY])
    assert clean(LIBRARY, memory) == list(plain(LIBRARY))


def test_a_page_cleaned_again_is_not_among_its_own_other_pages():
    memory = taught(SiteMemory(), [FERRY, LIBRARY, FISH_MARKET])
    assert clean(FERRY, memory) == list(plain(FERRY))  # the template is on two other pages, not three


def test_the_same_article_under_another_address_of_its_site_is_the_same_page():
    memory = SiteMemory()
    for url in [url_of(FERRY), url_of(FERRY) + "?utm_source=rss", url_of(FERRY).replace("/news/", "/amp/news/")]:
        clean(FERRY, memory, url=url)
    assert memory.pages_seen(url_of(FERRY)) == 1


def test_the_www_host_and_the_bare_host_are_one_site():
    memory = taught(SiteMemory(), [FERRY, LIBRARY, FISH_MARKET], host="www.harbourtimes.test")
    assert clean(BEACH, memory, url=url_of(BEACH, host="harbourtimes.test")) == without_template(BEACH)


def test_another_sites_pages_teach_nothing_about_this_one():
    memory = taught(SiteMemory(), [FERRY, LIBRARY, FISH_MARKET, BUS])
    assert clean(BEACH, memory, url=url_of(BEACH, host="www.other.test")) == list(plain(BEACH))


def test_a_republished_story_keeps_its_article_paragraphs():
    memory = taught(SiteMemory(), [FERRY, LIBRARY, FISH_MARKET, BUS, BEACH])
    assert clean(FERRY_REPUBLISHED, memory) == without_template(FERRY_REPUBLISHED)


def test_a_page_that_would_lose_more_than_half_its_text_is_kept_whole():
    # With min_pages=1 the republished story's paragraphs, already seen on page 1, count as template too:
    # only the cap on the share a page may lose keeps the copy from being emptied.
    memory = taught(SiteMemory(min_pages=1), [FERRY, LIBRARY, FISH_MARKET, BUS, BEACH])
    assert clean(FERRY_REPUBLISHED, memory) == list(plain(FERRY_REPUBLISHED))


@pytest.mark.parametrize("damage", [b"\xff\xfe{not json", b"[1, 2, 3]", b'{"blocks": {"ab12": "many"}}',
                                    b'{"pages": 7}', b"null"])
def test_a_damaged_state_file_is_an_empty_memory(tmp_path, damage):
    (tmp_path / "harbourtimes.test.json").write_bytes(damage)
    memory = SiteMemory(tmp_path)
    assert clean(BEACH, memory) == list(plain(BEACH))
    assert memory.pages_seen(url_of(BEACH)) == 1
