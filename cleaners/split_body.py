"""Join an article body that the page splits into several containers.

Sites cut long bodies into chunks around ads, videos or paywall markers: two `div.articleBody` in a
row, or one "body container" per chunk. trafilatura reads only the first container its body
expressions find, so everything after the first ad would be lost. Chunks are joined when they are
containers of the same kind (same tag, a class in common), none inside another, each holding real paragraph text,
and no other headline (`h1`) stands between them (that would be the next article of an endless-scroll
page, not the rest of this one).
"""

from __future__ import annotations

import re

from lxml.etree import XPath
from lxml.html import HtmlElement
from trafilatura.xpaths import BODY_XPATH

MIN_CHUNK_CHARS = 400  # a smaller container of the same class is a teaser or an image box, not a chunk
HEADLINES = XPath("//h1")
# trafilatura's body expressions test regular expressions in Python callbacks, element by element: a few ms a
# page. Class strings come back from one C-level XPath; a page is not split unless two containers share a
# body-like class name, so the expressions run only where it may be.
CONTAINER_CLASSES = XPath("//div/@class | //section/@class | //article/@class | //main/@class", smart_strings=False)
BODY_LIKE = re.compile(r"article[-_]*(?:body|content|text)|body[-_]*(?:text|container|inner|copy)"
                       r"|(?:entry|post|story|text)[-_]*(?:content|body|text)")


def join_split_body(tree: HtmlElement) -> int:
    """Move the later chunks' children into the first chunk, in place; returns how many were joined."""
    if not _may_be_split(tree):
        return 0
    containers = _first_body_containers(tree)
    if len(containers) < 2 or _paragraph_chars(containers[0]) < MIN_CHUNK_CHARS:
        return 0
    first, *rest = containers
    chunks = _chunks_of_this_article(tree, first, [c for c in rest if _same_kind(first, c)])
    for chunk in chunks:
        first.extend(list(chunk))
        chunk.getparent().remove(chunk)
    return len(chunks)


def _chunks_of_this_article(tree: HtmlElement, first: HtmlElement, candidates: list[HtmlElement]) -> list[HtmlElement]:
    """Candidates with real text, up to the next headline: after it they belong to the next article."""
    order = {element: n for n, element in enumerate(tree.iter())}
    next_headline = min((order[h] for h in HEADLINES(tree) if order[h] > order[first]), default=len(order))
    return [c for c in candidates if order[c] < next_headline and _paragraph_chars(c) >= MIN_CHUNK_CHARS]


def _may_be_split(tree: HtmlElement) -> bool:
    """Some body-like class name is worn by two containers."""
    tokens_of: dict[str, list[str]] = {}  # a page repeats its class strings: read each once
    seen: set[str] = set()
    for value in CONTAINER_CLASSES(tree):
        if value not in tokens_of:
            tokens_of[value] = [t for t in set(value.split()) if BODY_LIKE.search(t.lower())]
        for token in tokens_of[value]:
            if token in seen:
                return True
            seen.add(token)
    return False


def _first_body_containers(tree: HtmlElement) -> list[HtmlElement]:
    """What trafilatura's first matching body expression finds, in document order."""
    for expression in BODY_XPATH:
        found = [e for e in expression(tree) if e is not None]
        if found:
            return found
    return []


def _same_kind(first: HtmlElement, other: HtmlElement) -> bool:
    nested = first in other.iterancestors() or other in first.iterancestors()
    shared_class = set((first.get("class") or "").split()) & set((other.get("class") or "").split())
    return not nested and other.tag == first.tag and (bool(shared_class) or first.get("class") == other.get("class"))


def _paragraph_chars(element: HtmlElement) -> int:
    return sum(len(p.text_content().strip()) for p in element.iter("p"))
