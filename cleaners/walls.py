"""Consent walls and paywall stubs: pages that show a dialog or an offer where the article should be.

A page is a wall when both hold:

1. a wall cue is on the page as it came (pruning removes consent boxes before extraction, so the cues
   are read from the raw HTML, never the pruned tree): a phrase of the lexicon's `consent_walls` or
   `paywalls` in its visible text, a class or id naming a consent manager or a paywall, or, for a
   paywall, JSON-LD's `"isAccessibleForFree": false`;
2. little article is left: the body extraction kept, without the wall's own lines, is short.

Neither says anything alone: cookie banners and "Subscribe" boxes ride on most articles, and a short
text is often a news brief. A paywall cue wins over a consent cue, because a consent banner rides on
nearly every European page and a paywall cue only on subscriber pages.

A consent wall must also be what extraction read: on a wall page the dialog is the page's main text, so
pruning keeps it (it holds most of the text) and extraction returns its lines, or trafilatura drops it
and returns nothing. A short page that merely carries a cookie banner has the banner pruned (it is small
beside the rest) and its own few lines extracted, none of them the wall's: a short page, not a wall.

And a wall stands where an article would be: a page that types itself as something else (a section
front's og:type "website") is no wall, whatever banner or offer it carries; an untyped page can be one
(a consent page served in the article's place has no metadata).

The wall's own lines are those carrying a wall phrase, and any short run of lines enclosed by two of
them (the list of purposes between "We use cookies to:" and "If you choose 'Accept all'").

Cost: most pages cost a word count (an extracted text of WALL_TEXT_MAX_WORDS or more is an article);
the phrase search runs on the extracted lines of shorter ones, and the page itself is scanned (a few
regular expressions over its markup, no parse) only when the body is short already.
"""

from __future__ import annotations

import html as html_entities
import re
from functools import lru_cache

from .article import count_words
from .decode import decode_html
from .lexicon import Lexicon, wall_key
from .markup import visible_markup, without_tags
from .metadata import ARTICLE_TYPES

CONSENT = "consent"
PAYWALL = "paywall"
# A paywall stub shows a headline, a standfirst and a sentence or two before its offer (some 20-80 words);
# an article, even a brief, runs longer, and a page whose body reaches this is never judged a wall.
WALL_MAX_WORDS = 120
# A consent wall hides the whole article: beside its dialog there is a headline and a line at most. The
# crawler's floor for an article (MIN_ARTICLE_WORDS) is the same 40, so a brief that merely carries a
# cookie banner is never lost to this flag: with fewer words it would not have been an article anyway.
CONSENT_MAX_WORDS = 40
# All that extraction keeps of a wall page is its dialog or offer (a consent dialog runs to 100-250 words)
# and a teaser; a text this long is an article, and is not searched for wall lines at all. Most articles
# are longer, so most pages cost one word count here.
WALL_TEXT_MAX_WORDS = 400
# Class and id names of consent managers (IAB TCF CMPs: OneTrust, Didomi, Sourcepoint's sp_message,
# Usercentrics, TrustArc, Quantcast's qc-cmp) and paywalls (Piano's tp-modal/tp-container, Poool,
# LaterPay, Zephr), matched at the start of a name or of a part of it: "onetrust-banner-sdk", "c-paywall".
CLASS_CUES = {
    PAYWALL: ("paywall", "pay-wall", "piano", "tp-modal", "tp-container", "tp-backdrop", "regwall", "poool",
              "laterpay", "zephr"),
    CONSENT: ("consent", "cmp", "gdpr", "didomi", "onetrust", "cookie", "usercentrics", "sp_message", "truste"),
}
CLASS_CUE_RES = {kind: re.compile(r"(?<![a-z0-9])(?:%s)" % "|".join(map(re.escape, cues)))
                 for kind, cues in CLASS_CUES.items()}
# JSON-LD (or microdata) saying the article is not free. Case-sensitive, as schema.org's names are, which
# lets the engine jump from one "isAccessibleForFree" to the next (re.I would make it 25 times slower).
NOT_FREE = re.compile(r"""isAccessibleForFree["']?\s*(?::|content\s*=)\s*["']?(?:false|False|FALSE)""")
# Attribute values stop at a tag's end: an unclosed quote costs no scan to the end of the page.
CLASS_OR_ID = re.compile(r"""(?:class|id|CLASS|ID)\s*=\s*(?:"([^"<>]*)"|'([^'<>]*)')""")


def find_wall(html: str | bytes, paragraphs: list[str], lexicon: Lexicon,
              page_type: str | None = None) -> tuple[str | None, list[str]]:
    """("consent" | "paywall", the body paragraphs in front of the wall), or (None, `paragraphs`).

    `html` is the page as it came (not the pruned tree), `paragraphs` what extraction kept of it, and
    `page_type` its og:type or JSON-LD @type.
    """
    if page_type and page_type.lower() not in ARTICLE_TYPES:
        return None, paragraphs
    text = "\n".join(paragraphs)
    if len(text.split()) >= WALL_TEXT_MAX_WORDS or count_words(text) >= WALL_TEXT_MAX_WORDS:
        return None, paragraphs
    body = _body(paragraphs, lexicon)
    words = count_words("\n".join(body))
    if words >= WALL_MAX_WORDS:
        return None, paragraphs
    cues = page_cues(html, lexicon)
    if cues[PAYWALL]:
        return PAYWALL, body
    read_the_wall = len(body) < len(paragraphs) or not paragraphs
    if cues[CONSENT] and words < CONSENT_MAX_WORDS and read_the_wall:
        return CONSENT, body
    return None, paragraphs


def page_cues(html: str | bytes, lexicon: Lexicon) -> dict[str, set[str]]:
    """The wall cues on the raw page, by kind: the phrases, class/id cues and markers found."""
    if isinstance(html, bytes):
        html = decode_html(html)
    cues: dict[str, set[str]] = {CONSENT: set(), PAYWALL: set()}
    if NOT_FREE.search(html):
        cues[PAYWALL].add("isAccessibleForFree: false")
    markup = visible_markup(html)
    for value in {m.group(1) or m.group(2) or "" for m in CLASS_OR_ID.finditer(markup)}:
        value = value.lower()
        for kind, pattern in CLASS_CUE_RES.items():
            if found := pattern.search(value):
                cues[kind].add(found.group())
    phrases = _wall_phrases(lexicon.consent_walls, lexicon.paywalls)
    if phrases is not None:
        for found in phrases.finditer(wall_key(html_entities.unescape(without_tags(markup)))):
            if found.lastgroup:  # every alternative is a named group
                cues[found.lastgroup].add(found.group())
    return cues


def _body(paragraphs: list[str], lexicon: Lexicon) -> list[str]:
    """The paragraphs that are not the wall's: neither carrying a wall phrase nor a short run of lines
    between two that do. A run before the first or after the last wall line is body."""
    phrases = _wall_phrases(lexicon.consent_walls, lexicon.paywalls)
    if phrases is None or not phrases.search(wall_key("\n".join(paragraphs))):  # one pass for most pages
        return paragraphs
    walls = [bool(phrases.search(wall_key(p))) for p in paragraphs]
    body, run, after_wall = [], [], False
    for paragraph, is_wall in zip(paragraphs, walls):
        if not is_wall:
            run.append(paragraph)
            continue
        if not after_wall or count_words("\n".join(run)) >= WALL_MAX_WORDS:
            body.extend(run)
        run, after_wall = [], True
    return body + run


@lru_cache(maxsize=4)
def _wall_phrases(consent: re.Pattern | None, paywall: re.Pattern | None) -> re.Pattern | None:
    """Both kinds' phrases in one expression, one pass over a text; the group that matched names the kind."""
    parts = [f"(?P<{kind}>{pattern.pattern})" for kind, pattern in ((CONSENT, consent), (PAYWALL, paywall))
             if pattern is not None]
    return re.compile("|".join(parts)) if parts else None
