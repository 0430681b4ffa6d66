"""Clean article text from news pages: trafilatura plus pruning, a multilingual lexicon and site profiles.

Usable alone (it never imports Scrapy): `from cleaners import extract; article = extract(html, url)`.
"""

from .article import Article
from .extract import extract
from .site_memory import SiteMemory

__all__ = ["Article", "SiteMemory", "extract"]
