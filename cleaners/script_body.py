"""The article body a script carries when the page's markup has none.

Client-rendered sites (Next.js app router, Nuxt, React hydration states) may send an empty article shell
and the body as escaped HTML inside a JavaScript string: `self.__next_f.push([1,"\\u003cp\\u003e…"])`,
`"contentHtml":"<p>…"`. Only when the markup gave no text does the cleaner look there: the largest such
fragment becomes a small page of its own, cleaned like any other.
"""

from __future__ import annotations

import json
import re

from lxml.html import HtmlElement, document_fromstring

# A JavaScript or JSON string literal long enough to hold paragraphs; escapes are kept for json.loads.
STRING_LITERAL = re.compile(r'"((?:[^"\\\n]|\\.){200,})"')
PARAGRAPH_OPEN = re.compile(r"<p[\s>]", re.IGNORECASE)
# Escaped forms of "<p": a cheap test before decoding any string of a (often large) script.
ESCAPED_PARAGRAPH = ("\\u003cp", "\\u003Cp", "<p")
MIN_PARAGRAPHS = 3  # one "<p>" in a string is a snippet (a teaser, a caption), not a body
MAX_DEPTH = 3  # a JSON document inside a JS string inside a script: strings are unescaped this many times
# Slots the client fills in (an ad, a widget): "$$ARTICLEAD$$", "{{ related }}", "%%PLAYER%%".
PLACEHOLDER = re.compile(r"\$\$[A-Z0-9_]+\$\$|\{\{\s*[\w.]+\s*\}\}|%%[A-Z0-9_]+%%")


def embedded_body(html_scripts: list[str]) -> HtmlElement | None:
    """A page (`<html><body><article>…`) made of the largest HTML fragment in the scripts, or None."""
    best = max(_fragments(html_scripts), key=lambda fragment: (_paragraph_count(fragment), len(fragment)), default=None)
    if best is None:
        return None
    return document_fromstring(f"<html><body><article>{PLACEHOLDER.sub('', best)}</article></body></html>")


def inline_scripts(tree: HtmlElement) -> list[str]:
    """The text of the page's inline scripts, JSON-LD and the like excluded (they hold metadata, not HTML)."""
    return [script.text for script in tree.iter("script")
            if script.text and not script.get("src") and "ld+json" not in (script.get("type") or "")]


def _fragments(scripts: list[str]):
    for script in scripts:
        yield from _html_strings(script, MAX_DEPTH)


def _html_strings(text: str, depth: int):
    """Decoded string literals holding paragraphs; a literal that is itself escaped JSON is opened again."""
    if depth == 0 or not any(marker in text for marker in ESCAPED_PARAGRAPH):
        return
    for match in STRING_LITERAL.finditer(text):
        literal = match.group(1)
        if not any(marker in literal for marker in ESCAPED_PARAGRAPH):
            continue
        try:
            decoded = json.loads(f'"{literal}"')
        except ValueError:
            continue
        if _paragraph_count(decoded) >= MIN_PARAGRAPHS:
            yield decoded
        yield from _html_strings(decoded, depth - 1)


def _paragraph_count(fragment: str) -> int:
    return len(PARAGRAPH_OPEN.findall(fragment))
