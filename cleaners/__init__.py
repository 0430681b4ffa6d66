"""Clean article text from news pages: trafilatura plus pruning, a multilingual lexicon and site profiles.

Usable alone (it never imports Scrapy): `from cleaners import extract; article = extract(html, url)`.
"""

from .article import Article
from .deep import parse_page
from .extract import Draft, draft_article, extract, finish_article
from .options import CleaningOptions
from .site_memory import SiteMemory

__all__ = ["Article", "CleaningOptions", "Draft", "SiteMemory", "draft_article", "extract", "finish_article", "parse_page"]
