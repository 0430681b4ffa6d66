"""The body's language, detected offline (py3langid), next to the language the page declares.

A page's `lang` attribute is often the site's default, not the article's: an English article on a
Ukrainian site says `uk`. The detector reads the text itself; where it is unsure (a short text, mixed
languages) the declared language stands.
"""

from __future__ import annotations

from functools import lru_cache

from py3langid.langid import MODEL_FILE, LanguageIdentifier

SAMPLE_CHARS = 600  # the opening paragraphs decide; reading more costs time (it is linear), not accuracy
MIN_CONFIDENCE = 0.9  # below this (normalised probability) the declared language stands
MIN_SAMPLE_CHARS = 40
# One code per language in the corpus, declared or detected: Norwegian Bokmål and Nynorsk are filed under "no".
LANGUAGE_ALIASES = {"nb": "no", "nn": "no"}


@lru_cache(maxsize=1)
def language_identifier() -> LanguageIdentifier:
    """The model takes most of a second to load: once per process, immutable after."""
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str) -> tuple[str | None, float]:
    """(ISO 639-1 code, confidence) of the text, or (None, 0.0) when there is too little of it."""
    sample = text[:SAMPLE_CHARS]
    if len(sample.strip()) < MIN_SAMPLE_CHARS:
        return None, 0.0
    code, confidence = language_identifier().classify(sample)
    return filed_language(code), float(confidence)


def filed_language(code: str) -> str:
    return LANGUAGE_ALIASES.get(code, code)


def body_language(text: str, declared: str | None) -> str | None:
    detected, confidence = detect_language(text)
    return detected if detected and confidence >= MIN_CONFIDENCE else declared
