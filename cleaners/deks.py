"""Where a dek stands: in the page header (page furniture, not text) or in the article's flow (its lead).

A description repeated as a heading in the extracted body is a dek. Printed in the header area it goes with
the headline; printed lower, as the first paragraph of the story, it is body and stays.
"""

from __future__ import annotations

import re

# A dek repeated in the page header is page furniture; set below the header, in the body's flow, it is the
# article's lead paragraph. Header areas: <header>, <hgroup>, an element named "…head…" or "…hero…"
# ("article-head", "articleHeader", "doc_header", "sub-head", "c-entry-hero"), or the block right under the <h1>.
HEADER_TAGS = {"header", "hgroup"}
HEADER_NAME = re.compile(r"head|hero", re.IGNORECASE)
BODY_FRAMES = {"article", "main", "body"}
NOT_SHOWN = {"script", "style", "noscript", "template"}
DEK_PREFIX_CHARS = 40


def in_page_header(tree, text: str) -> bool:
    """Whether `text` stands in the page's header area (see HEADER_NAME), not in the article's flow."""
    prefix = " ".join(text.split())[:DEK_PREFIX_CHARS]
    if not prefix:
        return False
    for node in tree.xpath("//text()[contains(normalize-space(.), $prefix)]", prefix=prefix):
        element = node.getparent()
        if node.is_tail:  # the text after an element belongs to that element's parent
            element = element.getparent()
        if element is None or element.tag in NOT_SHOWN:  # JSON-LD and scripts repeat the description anywhere
            continue
        if _under_headline(element):
            return True
        for ancestor in (element, *element.iterancestors()):
            names = f"{ancestor.get('class', '')} {ancestor.get('id', '')}"
            if ancestor.tag in HEADER_TAGS or HEADER_NAME.search(names):
                return True
            if ancestor.tag in BODY_FRAMES:
                break
    return False


def _under_headline(element) -> bool:
    """The block holding only this text (the element and its wrappers) comes right after the <h1>."""
    length = len(element.text_content().strip())
    block = element
    while (block.getparent() is not None and block.getparent().tag not in BODY_FRAMES
           and len(block.getparent().text_content().strip()) == length):
        block = block.getparent()
    previous = block.getprevious()
    while previous is not None and not isinstance(previous.tag, str):  # comments, processing instructions
        previous = previous.getprevious()
    return previous is not None and previous.tag == "h1"
