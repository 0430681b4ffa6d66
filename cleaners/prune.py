"""Pre-extraction pruning: remove elements that are never article body, before trafilatura sees the tree.

Judged by structure and by class/id/role cues, never by page: comment sections, recirculation blocks
(a lexicon heading over a list of links), teaser lists and cards, bold-kicker cross-links, subscription
offer boxes, fact boxes, share and print tools, newsletter and consent boxes, hidden copies of the body,
footnote markers, printed front matter. An element holding a large part of the page's paragraph text is
never removed, whatever its class says (a fact box aside): that is the article itself.

Two repairs, not removals: a linked sentence alone in wrapper divs is unwrapped, and so are links to topic
pages inside a paragraph, so that trafilatura does not take either for a menu (`_unwrap_linked_paragraphs`,
`_unlink_keyword_links`).
"""

from __future__ import annotations

import re
from copy import deepcopy
from functools import cached_property, lru_cache

from lxml.etree import XPath, strip_elements
from lxml.html import HtmlElement

from .lexicon import Lexicon
from .options import CleaningOptions
from .split_body import BODY_LIKE

BODY_SHARE_LIMIT = 0.4  # an element with more of the page's <p> text than this is (or holds) the body
ANCHORS = 3  # the independent reading's longest paragraphs: two of them inside an element make it the body's
ANCHOR_MIN_CHARS = 150
ANCHOR_CHARS = 60
LINK_DENSITY_MIN = 0.45  # recirculation blocks are mostly links
LINK_LIST_ITEMS = 3  # fewer links than this in a list are as likely sources as recirculation
LINK_LIST_MIN = 0.7  # a paragraph of links after a "DON'T MISS" heading: nearly all of it is link text
OFFER_BOX_MAX_CHARS = 700  # a subscription box: its offer, two or three lines of pitch, its buttons
TEASER_MAX_CHARS = 500  # a "Read more" card: a headline link and its summary, never a body's worth of text
TEASER_HEADLINE_CHARS = 20  # the card's link carries another article's headline, not "here"
KICKER_ENDS = (":", "?", "!", "|", "»", ">")
KICKER_SLACK = 3  # the spaces and colon between a teaser's kicker and its linked headline

_CUES = [
    r"comments?", r"comment-(?:list|section|form|area|thread|s)", r"respond", r"disqus", r"reply",
    r"related(?:-\w+)?", r"most-(?:read|viewed|popular|shared|lest)", r"popular", r"trending",
    r"recirc\w*", r"more-(?:news|stories|articles)", r"read-(?:more|also|next)", r"also-read",
    r"recommend\w*", r"outbrain", r"taboola",
    r"share(?:-\w+)?", r"sharing", r"sharebar", r"social(?:-\w+)?", r"print-tools", r"reuse",
    r"newsletter\w*", r"subscribe", r"subscription", r"signup", r"sign-up",
    r"cookies?(?:-\w+)?", r"consent", r"gdpr",
    r"ads?", r"advert\w*", r"sponsor\w*", r"promo(?:-\w+)?",
    r"breadcrumbs?",
    r"caption(?:-\w+)?", r"credits?", r"byline", r"dateline",
    r"(?:media|image|img|photo|picture|foto|bild)-?(?:desc\w*|credits?|source|unterschrift|legend\w*|subtitle)",
    r"footnotes?", r"front-?matter",
    r"sr-only", r"visually-hidden", r"screen-reader-text",
    r"lang(?:uage)?-(?:switch\w*|select\w*|menu|bar)", r"skip-link",
    r"sidebar", r"toolbar",
    r"polls?", r"quiz\w*", r"survey", r"debug\w*",
    r"author-?bio\w*", r"biography", r"about-(?:the-)?author",
]
CUE_RE = re.compile(r"(?:^|[\s_-])(?:%s)(?:$|[\s_-])" % "|".join(_CUES))
# Taxonomy words name a box of tags only as a whole name or before a part's name ("tags", "post-tags",
# "tag-list"): before any other word they are a CMS's label of the post's own tags and categories
# ("tag-politics category-world" on the article's container, "tag-social-media"), not a box.
_PART = r"(?:list|cloud|box|container|wrap\w*|links?|area|bar|block|section|nav|widget|module|items?|row|title|heading|label)"
TAXONOMY_CUE_RE = re.compile(r"(?:^|[\s_-])(?:tags?|keywords?|topics?)(?:$|\s|[_-]%s(?:$|[\s_-]))" % _PART)
TAXONOMY_WORDS = ("tag", "keyword", "topic")  # what TAXONOMY_CUE_RE needs, before it is tried
TAXONOMY_PREFIXES = ("tag", "categor", "cat", "topic", "post_tag", "format", "type", "status")  # TAXONOMY_CLASS's starts
TAXONOMY_CLASS = re.compile(r"(?:tags?|categor(?:y|ies)|cat|topics?|post_tag|format|type|status)[-_](?!%s(?:$|[-_]))" % _PART)
SLUG_SEPARATORS = re.compile(r"[-_]+")
# The hAtom microformat's entry: the post itself, whatever its tag and category classes say ("tag-links").
ENTRY_CLASS = "hentry"
SLUG_ID_PARTS = 5  # an id of this many words ("sharing-with-friends-and-family") is a heading's slug, not a name
# Boxes set beside the story ("Fakten", a timeline, a transcript): never its container, so the body guard
# does not protect them, however much text they hold.
BOX_CUE_RE = re.compile(r"(?:^|[\s_-])(?:fact|info)-?box(?:$|[\s_-])")
CAMEL_HUMP = re.compile(r"(?<=[a-z]{2})(?=[A-Z][a-z]{2})")  # word humps only: "n1AuAdJl"-style ids stay whole
STATE_PREFIXES = ("has-", "is-", "with-", "no-")
ROLES = {"navigation", "complementary", "contentinfo", "banner", "search", "dialog", "alertdialog"}
HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden")
FRONT_MATTER = re.compile(r"^\s*---\s*\n(?:[\w-]+\s*:.*\n)+\s*---\s*$")
NEVER_PRUNED = {"html", "body"}
NEVER_PRUNED_BY_CUE = NEVER_PRUNED | {"article", "main"}  # CMSs decorate them with "tag-x category-y" classes
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}  # a subheading's anchor id is its own text: "h-share-your-views"
# Words inside running text: "auf Basis von <a class="taxonomy-entity keyword">SEPA</a> und Karten" is a
# sentence, whatever its link's class says.
INLINE = {"a", "span", "em", "strong", "b", "i", "abbr", "mark", "small", "time", "cite", "q"}  # not <sup>: a reference mark
# Code is text whatever its classes say: syntax highlighters wrap each token in a span named for its kind
# ("token comment", "hljs-meta", "keyword"), and a cue pruner would cut "// add.c" and "int" out of the listing.
CODE = ("pre", "code")
# XPath preselection: lxml walks the tree in C; Python then looks only at the few candidates.
NAME_ATTRIBUTES = XPath("//@class | //@id")
ROLE_ATTRIBUTES = XPath("//@role")
# Script and style text first: normalising their long strings would cost more than the rest of the page.
SHORT_TEXTS = XPath("//text()[not(parent::script or parent::style)]"
                    "[string-length(normalize-space(.)) > 2][string-length(normalize-space(.)) <= 80]")
# From the attributes up: asking every element about its style costs twice as much.
HIDDEN = XPath("(//@hidden | //@style[contains(., 'none') or contains(., 'hidden')])/..")
INVISIBLE_TAGS = ("script", "style", "template", "noscript")
SAMPLE_CHARS = 80  # a hidden element sharing a run this long with the visible page repeats it
LISTS = XPath("//ul[li//a] | //ol[li//a]")
KICKER_PARAGRAPHS = XPath("//p[(.//strong or .//b) and .//a]")
HEADLINE_LINKS = XPath("//a[@href][.//h2 or .//h3 or .//h4 or .//h5 or .//h6]")
LINKED_PARAGRAPHS = XPath("//p[count(.//a) >= 2]")
# Keyword links a CMS sets on names in running text point at its topic or tag pages.
KEYWORD_PARAGRAPHS = XPath("//p[.//a[@href]]")
WORD = re.compile(r"[^\W\d_]")
KEYWORD_HREF = re.compile(r"/(?:topics?|tags?|themen|thema|schlagw\w*|keywords?|stichw\w*|temas?|sujets?"
                          r"|argomenti|emner)/", re.IGNORECASE)
WRAPPED_PROSE_MIN = 80  # shorter paragraphs are as likely link rows ("Sport | Football") as sentences
WRAPPED_PROSE_MAX = 300  # trafilatura tests a lone block's links only below this length
PROSE_END = re.compile(r"[.!?…][\"'”»’)]*$")
# From the blocks' own text nodes up: building every div's whole string value to test its start costs twice as
# much, and every text node of the page, script text included, half as much again.
DASHED_BLOCKS = XPath("(//pre | //code | //div | //p)/text()[contains(., '---')][starts-with(normalize-space(.), '---')]/..")
ALL_TEXT = XPath("//text()", smart_strings=False)  # joined, never asked for their parents
TEXT_OUTSIDE_LINKS = XPath(".//text()[not(ancestor::a)]", smart_strings=False)


def prune_non_body(tree: HtmlElement, lexicon: Lexicon, drop_selectors: tuple[str, ...] = (),
                   options: CleaningOptions = CleaningOptions(), independent: str = "") -> int:
    """Remove non-body elements in place, each kind if its step is on; returns how many were removed.

    `independent`: another extractor's text of the page, whose longest paragraphs mark the body's container."""
    guard = _BodyGuard(tree, independent)
    removed = _drop_selected(tree, drop_selectors)
    steps = (
        (options.prune_by_cues, lambda: _drop_by_cues(tree, guard)),
        (options.prune_lexicon_blocks, lambda: _drop_by_short_lines(tree, lexicon, guard)),
        (options.prune_link_lists, lambda: _drop_link_lists(tree, guard)),
        (options.prune_kicker_teasers, lambda: _drop_kicker_teaser_paragraphs(tree, guard)),
        (options.prune_headline_links, lambda: _drop_headline_links(tree, guard)),
        (options.prune_hidden_copies, lambda: _drop_hidden_copies(tree)),
        (options.prune_footnote_markers, lambda: _drop_footnote_markers(tree)),
        (options.prune_front_matter, lambda: _drop_front_matter(tree)),
    )
    removed += sum(step() for enabled, step in steps if enabled)
    if options.unwrap_linked_paragraphs:
        _unwrap_linked_paragraphs(tree)
    if options.unlink_keyword_links:
        _unlink_keyword_links(tree)
    return removed


class _BodyGuard:
    """Knows how much text the page has, to refuse removing the body's own container.

    Paragraph text is the better measure; all text covers bodies written as <div>s and <br>s. An element
    holding two of the longest paragraphs an independent extractor read is the body's container too, however
    small its share beside heavy sidebars.
    """

    def __init__(self, tree: HtmlElement, independent: str = ""):
        self.tree = tree
        lines = sorted((" ".join(line.split()) for line in independent.split("\n")), key=len, reverse=True)
        self.anchors = [line[:ANCHOR_CHARS] for line in lines[:ANCHORS] if len(line) >= ANCHOR_MIN_CHARS]

    # The page is measured when first asked (after the site profile's drops and any box already removed, which
    # are not body either): many pages have nothing to remove, and are never measured.
    @cached_property
    def paragraphs(self) -> int:
        return paragraph_chars(self.tree) or 1

    @cached_property
    def text(self) -> int:
        return len(self.tree.text_content()) or 1

    def holds_body(self, el: HtmlElement) -> bool:
        """Most elements asked about are a few words (a share button, a caption): their length settles the
        paragraph share (paragraphs do not nest, so an element's paragraph text is at most its text) and the
        anchors (each ANCHOR_CHARS long) without reading their paragraphs."""
        text = el.text_content()
        if len(text) / self.text > BODY_SHARE_LIMIT:
            return True
        if (len(text) / self.paragraphs > BODY_SHARE_LIMIT
                and sum(len(p.text_content()) for p in el.iter("p")) / self.paragraphs > BODY_SHARE_LIMIT):
            return True
        if len(self.anchors) < ANCHORS or len(text) < ANCHOR_CHARS:
            return False
        text = " ".join(text.split())
        return sum(anchor in text for anchor in self.anchors) >= ANCHORS - 1


def paragraph_chars(tree: HtmlElement) -> int:
    """The text of the page's `<p>` elements, in characters."""
    return sum(len(p.text_content()) for p in tree.iter("p"))


def _drop(elements) -> int:
    count = 0
    for el in elements:
        if el.getparent() is not None:
            el.drop_tree()  # keeps the tail text, which belongs to the parent
            count += 1
    return count


def _drop_selected(tree: HtmlElement, selectors: tuple[str, ...]) -> int:
    return sum(_drop(tree.cssselect(selector)) for selector in selectors)


def _cued_elements(tree: HtmlElement) -> dict[HtmlElement, bool]:
    """Elements whose class, id or role is a cue, each with whether it names a box (`BOX_CUE_RE`). The
    attribute values come back as strings, so only the few cued elements cost a Python element object; a
    page repeats its class strings, so each is judged once."""
    cued: dict[HtmlElement, bool] = {}
    for xpath, verdict_of in ((NAME_ATTRIBUTES, _name_verdict), (ROLE_ATTRIBUTES, _role_verdict)):
        verdicts: dict[str, bool | None] = {}
        for value in xpath(tree):
            verdict = verdicts.get(value, ...)
            if verdict is ...:
                verdict = verdicts[value] = verdict_of(value)
            if verdict is not None:
                element = value.getparent()
                cued[element] = cued.get(element, False) or verdict
    return cued


def _role_verdict(role: str) -> bool | None:
    return False if role.lower() in ROLES else None


def _name_verdict(value) -> bool | None:
    return _name_verdict_of(str(value), value.attrname == "id")


@lru_cache(maxsize=16384)
def _name_verdict_of(value: str, is_id: bool) -> bool | None:
    """Memoised across pages: a site repeats its class names on every page, and CMSs share theirs."""
    if is_id and len(SLUG_SEPARATORS.split(value.strip())) >= SLUG_ID_PARTS:
        return None
    if not is_id and ENTRY_CLASS in value.split():
        return None
    return _cue_verdict(_cue_words(value))


def _cue_verdict(words: str) -> bool | None:
    """None: no cue; False: a cue; True: a box cue. The box and taxonomy patterns are tried only on names that
    hold their words (a C-level substring test is a tenth of a search): a page has hundreds of names."""
    if "box" in words and BOX_CUE_RE.search(words):
        return True
    if CUE_RE.search(words):
        return False
    return False if any(word in words for word in TAXONOMY_WORDS) and TAXONOMY_CUE_RE.search(words) else None


def _cue_words(value: str) -> str:
    """"imageCaption shareBar" reads as "image-caption share-bar": camelCase names carry cues too.

    State classes ("hasCaption", "with-sidebar", "is-sharing") describe the element, not what it is, and
    taxonomy classes ("tag-social-media") label the post: both skipped.
    """
    words = (value if value.islower() else CAMEL_HUMP.sub("-", value).lower()).split()  # humps need capitals
    return " ".join(w for w in words if not _is_state_or_taxonomy_class(w))


def _is_state_or_taxonomy_class(word: str) -> bool:
    return word.startswith(STATE_PREFIXES) or (word.startswith(TAXONOMY_PREFIXES) and bool(TAXONOMY_CLASS.match(word)))


def _drop_by_cues(tree: HtmlElement, guard: _BodyGuard) -> int:
    """In document order, so an element inside one already dropped (a share button in its share bar) costs
    no body-guard measurement."""
    root, removed, code = tree.getroottree().getroot(), 0, _code_elements(tree)
    for el, is_box in _cued_elements(tree).items():
        if (el.tag in NEVER_PRUNED_BY_CUE or el.tag in HEADINGS or el.getroottree().getroot() is not root
                or _in_running_text(el) or el in code):
            continue
        if is_box or not guard.holds_body(el):
            removed += _drop([el])
    return removed


def _code_elements(tree: HtmlElement) -> set[HtmlElement]:
    """The page's `<pre>` and `<code>` elements and everything inside them: none on most pages, found in one walk."""
    return {inner for block in tree.iter(*CODE) for inner in block.iter()}


def _in_running_text(el: HtmlElement) -> bool:
    """An inline element with words on both sides of it in its parent: part of a sentence."""
    if el.tag not in INLINE or not (el.tail or "").strip():
        return False
    before = el.getprevious()
    text_before = (before.tail if before is not None else el.getparent().text) or ""
    return bool(text_before.strip())


def _drop_by_short_lines(tree: HtmlElement, lexicon: Lexicon, guard: _BodyGuard) -> int:
    """Blocks a short line heads: recirculation blocks and subscription boxes, found in one pass over the
    page's short texts (a heading is one text node: cheaper than every element's text)."""
    doomed = []
    for text in SHORT_TEXTS(tree):
        kind = lexicon.short_text_kind(text)
        if kind == "heading":
            doomed.extend(_recirculation_block(text, lexicon, guard))
        elif kind == "offer":
            box = _offer_box(text, guard)
            if box is not None:
                doomed.append(box)
    return _drop(doomed)


def _recirculation_block(text, lexicon: Lexicon, guard: _BodyGuard) -> list[HtmlElement]:
    """A "Mest lesið" / "Читайте также" heading over a list of links: the block, not just the heading."""
    el = text.getparent().getparent() if text.is_tail else text.getparent()
    if el is None:
        return []
    block = _link_block_around(el, guard)
    if block is None:
        block = _teaser_card_around(el, guard)
    if block is not None:
        return [block]
    return _heading_with_link_lists(el, guard, any_list=lexicon.is_tail_heading(text))


def _offer_box(text, guard: _BodyGuard) -> HtmlElement | None:
    """"この記事は会員限定です" / "2 Wochen kostenlos testen" standing alone over a pitch and buttons: the
    whole box, up to its largest container that is still small. The line must be the whole text of its
    element (a heading, a label, a button): a sentence of the body that mentions a free trial is kept.
    """
    el = text.getparent()
    if el is None or text.is_tail or " ".join(el.text_content().split()) != " ".join(text.split()):
        return None
    box = None
    for candidate in (el, *el.iterancestors()):
        if (candidate.tag in NEVER_PRUNED_BY_CUE or guard.holds_body(candidate)
                or len(" ".join(candidate.text_content().split())) > OFFER_BOX_MAX_CHARS):
            break
        box = candidate
    return box


def _heading_with_link_lists(heading: HtmlElement, guard: _BodyGuard, any_list: bool = False) -> list[HtmlElement]:
    """<p>DON'T MISS</p><p><a>…</a> <a>…</a></p> inside the body: the heading and the link lists after it.

    Under a tail heading ("Verwendete Quellen", "Most read") any list is taken, links or not: a list of
    sources names them without linking them.
    """
    label = " ".join(heading.text_content().split())
    while (heading.getparent() is not None and heading.getparent().tag not in NEVER_PRUNED
           and " ".join(heading.getparent().text_content().split()) == label):
        heading = heading.getparent()
    lists = []
    for sibling in heading.itersiblings():
        if not isinstance(sibling.tag, str) or guard.holds_body(sibling):
            break
        if not (any_list and sibling.tag in ("ul", "ol")) and _link_density(sibling) < LINK_LIST_MIN:
            break
        lists.append(sibling)
    return [heading, *lists] if lists else []


def _link_block_around(heading: HtmlElement, guard: _BodyGuard) -> HtmlElement | None:
    block = None
    for ancestor in heading.iterancestors():
        if ancestor.tag in NEVER_PRUNED or guard.holds_body(ancestor) or _link_density(ancestor) < LINK_DENSITY_MIN:
            break
        block = ancestor
    return block


def _teaser_card_around(heading: HtmlElement, guard: _BodyGuard) -> HtmlElement | None:
    """"Czytaj więcej" over one linked headline and its summary, set inside the body: the whole card.

    Its summary is prose, so the link density test misses it; the card is small and links elsewhere.
    """
    card = None
    for ancestor in heading.iterancestors():
        if (ancestor.tag in NEVER_PRUNED or guard.holds_body(ancestor)
                or len(" ".join(ancestor.text_content().split())) > TEASER_MAX_CHARS):
            break
        card = ancestor
    if card is not None and any(_headline_link(a) for a in card.iter("a")):
        return card
    return None


def _headline_link(a: HtmlElement) -> bool:
    href = a.get("href") or "#"
    return not href.startswith("#") and len(" ".join(a.text_content().split())) >= TEASER_HEADLINE_CHARS


def _link_density(el: HtmlElement) -> float:
    text = len(" ".join(el.text_content().split())) or 1
    links = sum(len(" ".join(a.text_content().split())) for a in el.iter("a"))
    return links / text


def _drop_link_lists(tree: HtmlElement, guard: _BodyGuard) -> int:
    """A list whose every item is a link to another page ("related", "more on this"): navigation, not body.

    In-page anchors (a table of contents) and lists with prose around their links are kept.
    """
    doomed = []
    for items in LISTS(tree):
        entries = [li for li in items if li.tag == "li" and li.text_content().strip()]  # an empty ad slot is no entry
        if not entries or guard.holds_body(items):
            continue
        if len(entries) < LINK_LIST_ITEMS:
            if all(_is_kicker_teaser(li) for li in entries):
                doomed.append(items)
            continue
        if all(_links_elsewhere(li) for li in entries) and _link_density(items) >= LINK_LIST_MIN:
            doomed.append(items)
    return _drop(doomed)


def _drop_kicker_teaser_paragraphs(tree: HtmlElement, guard: _BodyGuard) -> int:
    """<p><strong>READ ANOTHER STORY HERE |</strong> <a>Other headline</a></p> set between the body's
    paragraphs: a cross-link in any language, told by its form (`_is_kicker_teaser`), not by its words."""
    return _drop([p for p in KICKER_PARAGRAPHS(tree) if _is_kicker_teaser(p) and not guard.holds_body(p)])


def _is_kicker_teaser(element: HtmlElement) -> bool:
    """"<strong>US-Politik:</strong> <a>Alle Entwicklungen im Newsblog</a>" (a list item or a paragraph): a
    bold kicker ending in a colon, "?", "!", "|" or an arrow, then another article's headline as a link, and
    nothing else. A source, a deal ("<b>Use code X</b> <a>to get it at Dell</a>") or links without the kicker
    are kept."""
    text = " ".join(element.text_content().split())
    bold = [" ".join(b.text_content().split()) for b in element.iter("strong", "b") if b.find(".//a") is None]
    links = [a for a in element.iter("a") if not (a.get("href") or "#").startswith("#")]
    linked = sum(len(" ".join(a.text_content().split())) for a in links)
    kicker = " ".join(b for b in bold if b)
    punctuated = kicker.endswith(KICKER_ENDS) or text[len(kicker):].lstrip().startswith(KICKER_ENDS)
    return (bool(kicker) and punctuated and text.startswith(kicker) and linked >= TEASER_HEADLINE_CHARS
            and len(text) - len(kicker) - linked <= KICKER_SLACK)


def _drop_headline_links(tree: HtmlElement, guard: _BodyGuard) -> int:
    """<a href="/other-story"><figure/><h3>Other story</h3></a> set in the body: a teaser card. A body's own
    subheadings carry links (<h2><a>), never sit in one; in-page anchors and short labels are kept."""
    doomed = []
    for a in HEADLINE_LINKS(tree):
        if (a.get("href") or "#").startswith("#"):
            continue
        length = len(" ".join(a.text_content().split()))
        if TEASER_HEADLINE_CHARS <= length <= TEASER_MAX_CHARS and not guard.holds_body(a):
            doomed.append(a)
    return _drop(doomed)


def _links_elsewhere(li: HtmlElement) -> bool:
    return any(not (a.get("href") or "#").startswith("#") for a in li.iter("a"))


def _is_hidden(el: HtmlElement) -> bool:
    return el.get("hidden") is not None or bool(HIDDEN_STYLE.search(el.get("style") or ""))


def _drop_hidden_copies(tree: HtmlElement) -> int:
    """A hidden element repeating text that is visible elsewhere on the page (a print or microdata copy).

    Compared with visible text only: JSON-LD's articleBody, or a hidden print copy, repeats a body that is
    only hidden until a paywall opens, and two hidden copies must not vouch for each other. Two samples
    (the start, the middle) because a print copy may open with the headline where the page has a byline.
    """
    hidden = [(el, " ".join(el.text_content().split())) for el in HIDDEN(tree) if _is_hidden(el)]
    hidden = [(el, text) for el, text in hidden if len(text) >= 2 * SAMPLE_CHARS]
    if hidden:  # most hidden boxes (menus, dialogs) say nothing twice: the whole text tells, without a copy
        page = " ".join("".join(ALL_TEXT(tree)).split())
        hidden = [(el, text) for el, text in hidden if any(_twice(sample, page) for sample in _samples(text))]
    if not hidden:
        return 0
    visible = _visible_text(tree)
    return _drop([el for el, text in hidden if any(sample in visible for sample in _samples(text))])


def _twice(sample: str, text: str) -> bool:
    first = text.find(sample)
    return first >= 0 and text.find(sample, first + 1) >= 0


def _visible_text(tree: HtmlElement) -> str:
    """The page's text without scripts and hidden elements (their tails are visible).

    Stripping a copy costs a fifth of asking every text node about its ancestors in XPath.
    """
    visible = deepcopy(tree)
    strip_elements(visible, *INVISIBLE_TAGS, with_tail=False)
    _drop(el for el in HIDDEN(visible) if _is_hidden(el))
    return " ".join("".join(ALL_TEXT(visible)).split())


def _samples(text: str) -> tuple[str, str]:
    middle = len(text) // 2
    return text[:SAMPLE_CHARS], text[middle:middle + SAMPLE_CHARS]


def _drop_footnote_markers(tree: HtmlElement) -> int:
    """<sup><a href="#fn1">1</a></sup>: reference markers glued to sentences."""
    doomed = [sup for sup in tree.iter("sup")
              if sup.find(".//a") is not None and (sup.find(".//a").get("href") or "").startswith("#")
              and len(sup.text_content().strip()) <= 4]
    return _drop(doomed)


def _drop_front_matter(tree: HtmlElement) -> int:
    """A static-site theme that prints the post's YAML front matter above it."""
    doomed = [el for el in DASHED_BLOCKS(tree) if FRONT_MATTER.match(el.text_content() or "")]
    return _drop(doomed)


def _unwrap_linked_paragraphs(tree: HtmlElement) -> int:
    """<div><div><p>Chelsea have … beating <a>Tottenham</a>.</p></div></div>: a sentence naming two linked
    teams or people, alone in its wrapper divs, reads to trafilatura as a short block of short links
    (a menu) and is deleted with its wrapper. The wrappers hold nothing else: they are unwrapped, and the
    paragraph is judged as a paragraph. Only prose: a sentence mostly not link text, ending with a stop.
    """
    count = 0
    for p in LINKED_PARAGRAPHS(tree):
        text = " ".join(p.text_content().split())
        if not WRAPPED_PROSE_MIN <= len(text) < WRAPPED_PROSE_MAX or not PROSE_END.search(text):
            continue
        if 2 * sum(len(" ".join(a.text_content().split())) for a in p.iter("a")) > len(text):
            continue
        wrapper = p.getparent()
        while (wrapper is not None and wrapper.tag == "div" and len(wrapper) == 1 and not (wrapper.text or "").strip()
               and not (p.tail or "").strip() and not BODY_LIKE.search((wrapper.get("class") or "").lower())):
            parent = wrapper.getparent()
            wrapper.drop_tag()
            count += 1
            wrapper = parent
    return count


def _unlink_keyword_links(tree: HtmlElement) -> int:
    """"<p>Miyazaki: <a href="/topics/word/Takanabe">Takanabe</a>, <a …>Shintomi</a></p>": a sentence or a
    labelled row of names a CMS linked to its topic pages reads to trafilatura as a row of links and is
    deleted. Those links are unwrapped, their text staying where it was; a paragraph of nothing but links
    ("Rowing · Sport") is a tag row, and keeps them."""
    count = 0
    for p in KEYWORD_PARAGRAPHS(tree):
        links = [a for a in p.iter("a") if KEYWORD_HREF.search(a.get("href") or "")]
        if links and _has_own_words(p):
            for a in links:
                a.drop_tag()
            count += len(links)
    return count


def _has_own_words(p: HtmlElement) -> bool:
    """Words in the paragraph outside its links."""
    return bool(WORD.search("".join(TEXT_OUTSIDE_LINKS(p))))
