"""Parsing a page: as trafilatura does, with C-level element classes, and deep nesting too.

Element classes: lxml.html's parser asks a Python function which class each element proxy gets (forms and
inputs have their own), and the cleaners and trafilatura create thousands of proxies a page. The cleaners'
parser gives every element lxml.html's `HtmlElement` from a C lookup: the same methods, a page read about 1 ms
sooner. The options are trafilatura's (`trafilatura.utils.HTML_PARSER`).

Nesting: libxml2's HTML parser stops at 256 levels of nesting unless told otherwise (XML_PARSE_HUGE, lxml's
`huge_tree`): everything deeper is dropped, so an article inside 300 wrapper elements came out as a page with
no text. `parse_page` parses as trafilatura's `load_html` does and, only when that parse hit the limit, parses
again with `huge_tree` and unwraps text-less wrapper elements below MAX_DEPTH, so the rest of the cleaners get a
tree of ordinary depth with the article's text in it.
"""

from __future__ import annotations

from lxml.etree import ElementDefaultClassLookup
from lxml.html import HtmlComment, HtmlElement, HtmlEntity, HTMLParser, HtmlProcessingInstruction, fromstring
from trafilatura.utils import decode_file, is_dubious_html, repair_faulty_html

MAX_DEPTH = 200
WRAPPERS = {"div", "span", "font", "center", "section", "b", "i", "u", "em", "strong", "small", "big"}
PARSER_OPTIONS = {"collect_ids": False, "default_doctype": False, "encoding": "utf-8", "remove_comments": True,
                  "remove_pis": True}


def html_parser(**options) -> HTMLParser:
    parser = HTMLParser(**PARSER_OPTIONS, **options)
    parser.set_element_class_lookup(ElementDefaultClassLookup(
        element=HtmlElement, comment=HtmlComment, pi=HtmlProcessingInstruction, entity=HtmlEntity))
    return parser


# trafilatura rejects a document that does not say "html" in its first 50 characters and parses into fewer than
# two top-level elements: text that is not a page (plain text, JSON, a feed). A page without doctype, <html> and
# <head> whose content sits in one wrapper element (hand-written, truncated, or in an archive's own wrapper) fits
# that test too, yet a browser renders it: it is read when it holds the elements of a page.
PAGE_MARKUP = ("boolean(/html/body//*[self::div or self::table or self::td or self::a or self::span or self::br"
               " or self::font or self::ul or self::ol or self::h1 or self::h2 or self::h3 or self::article or self::pre])")

PAGE_PARSER = html_parser()
DEEP_PARSER = html_parser(huge_tree=True)


def parse_page(html: bytes | str) -> HtmlElement | None:
    tree = load_page(html)
    if tree is None or not any("Excessive depth" in error.message for error in PAGE_PARSER.error_log):
        return tree
    data = html.encode("utf-8", "surrogatepass") if isinstance(html, str) else html
    deep = fromstring(data, parser=DEEP_PARSER)
    flatten(deep, MAX_DEPTH)
    return deep


def load_page(html: bytes | str) -> HtmlElement | None:
    """trafilatura's `load_html` for bytes and strings, step by step, with the cleaners' parser: decoded as
    trafilatura decodes, repaired as it repairs, rejected when it rejects unless it holds a page's elements
    (PAGE_MARKUP)."""
    text = decode_file(html)
    beginning = text[:50].lower()
    dubious = is_dubious_html(beginning)
    text = repair_faulty_html(text, beginning)
    tree, parsed_bytes = None, False
    try:
        tree = fromstring(text, parser=PAGE_PARSER)
    except ValueError:  # a Unicode string with an encoding declaration: lxml wants bytes
        tree, parsed_bytes = _parse_bytes(text), True
    except Exception:  # as trafilatura: the bytes get their chance below
        pass
    if (tree is None or len(tree) < 1) and not parsed_bytes:
        tree = _parse_bytes(text)
    if tree is not None and dubious and len(tree) < 2 and not tree.xpath(PAGE_MARKUP):
        return None  # not HTML at all: plain text, JSON, a feed
    return tree


def _parse_bytes(text: str) -> HtmlElement | None:
    try:
        return fromstring(text.encode("utf-8", "surrogatepass"), parser=PAGE_PARSER)
    except Exception:  # as trafilatura: a page lxml cannot parse is a page without text
        return None


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
