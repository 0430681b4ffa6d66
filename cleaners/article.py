"""The result of cleaning one page."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from .lexicon import UNSPACED_SCRIPT


@dataclass
class Article:
    url: str | None
    canonical_url: str | None
    title: str
    text: str  # the body only: paragraphs separated by "\n", no title
    authors: list[str] = field(default_factory=list)
    published: str | None = None  # ISO date or datetime, as the page gives it when it gives ISO
    published_from: str = "unknown"  # "metadata" | "page" (found by htmldate) | "unknown": really undated
    modified: str | None = None
    language: str | None = None  # of the body as detected, e.g. "en", "is", "no"; the declared one if unsure
    declared_language: str | None = None  # what the page says (<html lang>, og:locale...), primary subtag
    sitename: str | None = None
    description: str | None = None
    page_type: str | None = None  # og:type / JSON-LD @type, e.g. "article", "NewsArticle"
    amp_url: str | None = None  # the AMP copy the page declares: another URL of the same article
    wall: str | None = None  # "consent" | "paywall": the page is a wall, not an article; `text` is what it shows

    @property
    def paragraphs(self) -> list[str]:
        return [p for p in self.text.split("\n") if p.strip()]

    @property
    def word_count(self) -> int:
        return count_words(self.text)

    def as_text_file(self) -> str:
        """The corpus format: title, blank line, paragraphs separated by blank lines."""
        return self.title + "\n\n" + "\n\n".join(self.paragraphs) + "\n"

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)


def count_words(text: str) -> int:
    """Words as a reader counts them: Chinese and Japanese characters count half a word each (their words
    average about two characters), so a Japanese article is not "short" for having no spaces."""
    return len(text.split()) + len(UNSPACED_SCRIPT.findall(text)) // 2
