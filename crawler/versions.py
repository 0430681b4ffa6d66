"""The versions of the libraries that make a corpus, recorded in report.json: the same pages cleaned by another
trafilatura or lxml can give other texts, so a corpus says what made it."""

from __future__ import annotations

import platform
from importlib.metadata import PackageNotFoundError, version

# The crawler itself, the crawl, and every library that decides what text is kept.
LIBRARIES = ("storycrawler", "scrapy", "twisted", "trafilatura", "lxml", "resiliparse", "htmldate", "py3langid",
             "charset-normalizer", "feedparser", "datasketch", "warcio", "w3lib", "pydantic")


def library_versions() -> dict[str, str | None]:
    """{"python": "3.11.2", "storycrawler": "0.1.0", "scrapy": ...}; None for a library not installed."""
    found: dict[str, str | None] = {"python": platform.python_version()}
    for name in LIBRARIES:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = None
    return found
