"""A line break in a page's source is a space, as a browser shows it: a paragraph wrapped at 80 columns in
hand-written HTML is one paragraph, not one line of text per source line.

trafilatura's main extractor collapses whitespace itself; its fallbacks (Readability, jusText) and the
agreement check's Readability reading keep the page's own line breaks, which then split paragraphs into
lines. Preformatted text (`<pre>`, `<textarea>`) keeps its lines.
"""

from __future__ import annotations

import re

from lxml.html import HtmlElement

PREFORMATTED = ("pre", "textarea")
LINE_BREAKS = re.compile(r"[\r\n]+")
# Control characters the HTML parser lets through but lxml refuses to be given back (a browser shows none).
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")


def unwrap_source_lines(tree: HtmlElement) -> None:
    """In place: every run of line breaks in the tree's text, outside preformatted elements, becomes a space."""
    kept = {inner for block in tree.iter(*PREFORMATTED) for inner in block.iter()}
    for element in tree.iter():
        text, tail = element.text, element.tail
        if text and "\n" in text and element not in kept:
            element.text = _unwrapped(text)
        if tail and "\n" in tail and (not kept or element.getparent() not in kept):
            element.tail = _unwrapped(tail)


def _unwrapped(text: str) -> str:
    return CONTROL.sub("", LINE_BREAKS.sub(" ", text))
