"""Pages nested deeper than lxml parses by default.

libxml2's HTML parser stops at 256 levels of nesting unless told otherwise (XML_PARSE_HUGE, lxml's
`huge_tree`): everything deeper is dropped, so an article inside 300 wrapper elements came out as a page with
no text. `parse_page` parses as trafilatura does and, only when that parse hit the limit, parses again with
`huge_tree` and unwraps text-less wrapper elements below MAX_DEPTH, so the rest of the cleaners get a tree of
ordinary depth with the article's text in it.
"""

from __future__ import annotations

from lxml.html import HtmlElement, HTMLParser, fromstring
from trafilatura.utils import HTML_PARSER, load_html

MAX_DEPTH = 200
WRAPPERS = {"div", "span", "font", "center", "section", "b", "i", "u", "em", "strong", "small", "big"}
DEEP_PARSER = HTMLParser(collect_ids=False, default_doctype=False, encoding="utf-8", remove_comments=True,
                         remove_pis=True, huge_tree=True)


def parse_page(html: bytes | str) -> HtmlElement | None:
    tree = load_html(html)
    if tree is None or not any("Excessive depth" in error.message for error in HTML_PARSER.error_log):
        return tree
    data = html.encode("utf-8", "surrogatepass") if isinstance(html, str) else html
    deep = fromstring(data, parser=DEEP_PARSER)
    flatten(deep, MAX_DEPTH)
    return deep


def flatten(tree: HtmlElement, max_depth: int) -> None:
    """Unwraps wrapper elements without text of their own that lie deeper than `max_depth`: their children
    (and any tail text) take their place."""
    deep, stack = [], [(tree, 0)]
    while stack:
        element, depth = stack.pop()
        stack.extend((child, depth + 1) for child in element if isinstance(child.tag, str))
        if depth > max_depth and element.tag in WRAPPERS and not (element.text or "").strip():
            deep.append(element)
    for element in deep:
        element.drop_tag()
