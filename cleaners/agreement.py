"""A second opinion where the cleaners may have read the wrong part of the page.

Pruning and trafilatura's fast pass fail by collapsing: a table or `<br>` layout whose `<p>` text is a menu,
a post container pruned for a taxonomy class, and the extraction keeps a few lines of the wrong block. Such
a page is told by an independent extractor: resiliparse's main-content text (a different algorithm, a C
parser, about a tenth of trafilatura's time) has a text, and shares little of it with the cleaners'. Only
then does the Readability algorithm read the page as it came, and of the three texts the one the other two
agree with most is kept (the medoid): extractors that fail differently rarely agree on the same wrong text.
Long texts are not checked (unless they read as a layout table, or trafilatura's fast pass read a sliver of the
page's paragraphs and its fallbacks read on: cleaners/extract.py `read_a_sliver`), and where the cleaners and resiliparse
agree, which is most pages, Readability is not run. resiliparse's reading itself is taken on every page: the
body guard of the pruner (cleaners/prune.py) uses its longest paragraphs.
"""

from __future__ import annotations

import re
from functools import cached_property

from resiliparse.extract.html2text import extract_plain_text
from resiliparse.parse.encoding import bytes_to_str, detect_encoding
from resiliparse.parse.html import HTMLTree
from trafilatura.external import try_readability

from .deep import load_page
from .whitespace import unwrap_source_lines

BLOCKS = ("p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "tr", "blockquote", "pre", "dd", "dt",
          "br", "section", "article", "ul", "ol", "table")
WORD = re.compile(r"\w+")
SHINGLE = 3
# Below this shingle F1 between the cleaners' text and resiliparse's, the page is put to the vote. Chosen on
# all benchmark sets together: it marks most collapsed pages, and few where the cleaners are right because
# they pruned what both others keep (a higher bar, or a length test, costs the news sets their precision).
AGREEMENT_MIN = 0.3


# The cleaners' text this long is no collapse: it is not put to the vote (most articles; the vote's cost goes
# to the short and doubtful texts, where nearly all the collapses were on the benchmark sets).
CHECKED_BELOW_CHARS = 3000


# trafilatura writes a table's rows as "| cell | cell |" lines. When most of the cleaners' text comes as such rows,
# the page is laid out in tables (the web of the 2000s), and its menus, tickers and footers are cells of the same
# tables as the article: the text is put to the vote whatever its length or agreement.
TABLE_ROW = "|"
LAYOUT_TABLE_SHARE = 0.5
# On such a page trafilatura and resiliparse read whole tables, menus and tickers with the article; Readability
# scores blocks and keeps the article's cell. Its reading wins when both others hold nearly all of it, it is
# not a fragment of theirs, and it leaves out enough to be a table's other cells, not a stray line of the
# article (recall first).
CLEAN_SUBSET_SHARE = 0.9
CLEAN_SUBSET_LENGTH = (0.3, 0.9)
CLEAN_SUBSET_MIN_SHINGLES = 50  # fewer, and one line more or less moves the share past the bar


class IndependentReading:
    """The other readers' texts of one page: resiliparse's (`text`) and Readability's (`readability`, lines),
    each read when first asked for, and once."""

    def __init__(self, html: bytes | str):
        self.html = html

    @cached_property
    def text(self) -> str:
        return independent_text(self.html)

    @cached_property
    def shingles(self) -> set[tuple[str, ...]]:
        return shingle_set(self.text)

    @cached_property
    def readability(self) -> list[str]:
        return readability_lines(self.html)


def independent_text(html: bytes | str) -> str:
    """resiliparse's main-content text of the page as it came, paragraphs on lines."""
    if isinstance(html, bytes):
        html = bytes_to_str(html, detect_encoding(html) or "utf-8")
    return extract_plain_text(HTMLTree.parse(html), main_content=True, alt_texts=False, links=False,
                              list_bullets=False, preserve_formatting=True)


def readability_lines(html: bytes | str) -> list[str]:
    """The Readability algorithm's article (trafilatura's port of it), as lines: a third way of reading a page."""
    tree = load_page(html)
    summary = try_readability(tree) if tree is not None else None
    if summary is None:
        return []
    unwrap_source_lines(summary)
    for element in summary.iter(*BLOCKS):  # a line ends where a block does
        element.text = "\n" + (element.text or "")
        element.tail = "\n" + (element.tail or "")
    return [" ".join(line.split()) for line in summary.text_content().split("\n") if line.strip()]


def shingle_set(text: str) -> set[tuple[str, ...]]:
    """Word 3-grams (fewer words: the words themselves), built by zip: a third of slicing's cost."""
    words = WORD.findall(text.casefold())
    if len(words) < SHINGLE:
        return {(word,) for word in words}
    return set(zip(*(words[i:] for i in range(SHINGLE))))


def agreement(a: set, b: set) -> float:
    """F1 of two shingle sets: 1.0 for the same text, 0.0 for texts with nothing in common."""
    if not a and not b:
        return 1.0
    return 2 * len(a & b) / (len(a) + len(b))


def reads_as_layout_table(paragraphs: list[str]) -> bool:
    """Most of the text is in table rows."""
    total = sum(map(len, paragraphs))
    return bool(total) and sum(len(p) for p in paragraphs if p.startswith(TABLE_ROW)) > LAYOUT_TABLE_SHARE * total


def contained(part: set, whole: set) -> float:
    """The share of `part`'s shingles that `whole` holds too."""
    return len(part & whole) / len(part) if part else 0.0


def is_clean_subset(reading: set, others: list[set], length_ratio: float) -> bool:
    """A reading that every other holds nearly whole (CLEAN_SUBSET_SHARE), neither a fragment of the first
    nor nearly all of it (its length over the first's, CLEAN_SUBSET_LENGTH): what they add is what it left out."""
    shortest, longest = CLEAN_SUBSET_LENGTH
    return (len(reading) >= CLEAN_SUBSET_MIN_SHINGLES and shortest <= length_ratio <= longest
            and all(contained(reading, other) >= CLEAN_SUBSET_SHARE for other in others))


def needs_vote(ours: set, independent: set) -> bool:
    """An independent text that says something, and little of it what the cleaners say."""
    return bool(independent) and agreement(ours, independent) < AGREEMENT_MIN


def medoid(candidates: list[set]) -> int:
    """The index of the candidate closest to all the others; the first wins a tie (the cleaners' own text),
    and an empty one never wins (two extractors that found nothing agree, and are both wrong)."""
    scores = [sum(agreement(c, other) for j, other in enumerate(candidates) if j != i) if c else -1.0
              for i, c in enumerate(candidates)]
    return max(range(len(candidates)), key=lambda i: (scores[i], -i))
