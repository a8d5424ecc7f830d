"""Sentences of a paragraph, in the article's language, with sentencex (a maintained Rust segmenter with rules
for each language).

sentencex knows most abbreviations, quotations and decimals; a few patterns it still cuts in the middle of a
sentence, so its cuts pass one check here: a sentence never starts in lower case ("9 dez. | de 2020"), with the
day or month after a dated abbreviation ("9 déc. | 2020", "am 3. | Oktober") or after an initial or a title
("M. | Dupont", "Sig. | Rossi"). What counts as a title or a month is per language, in `_ABBREVIATIONS`.
"""

from __future__ import annotations

import re

import sentencex

# Words that end in a period without ending the sentence, which sentencex cuts after (lower case here).
_ABBREVIATIONS: dict[str, frozenset[str]] = {
    language: frozenset(words.split())
    for language, words in {
        "en": "mr mrs ms dr prof sr jr st vs fig no vol gen jan feb mar apr jun jul aug sep sept oct nov dec",
        "de": "dr prof hr fr nr bzw ca jan feb mär apr jun jul aug sep sept okt nov dez",
        "fr": "m mme mlle dr pr me st janv févr avr juil sept oct nov déc",
        "es": "sr sra srta dr dra d dña ud uds ene feb mar abr may jun jul ago sep sept oct nov dic",
        "pt": "sr sra srta dr dra prof jan fev mar abr mai jun jul ago set out nov dez",
        "it": "sig sigg dott dr prof ing avv gen feb mar apr mag giu lug ago set ott nov dic",
    }.items()
}
_MONTHS = re.compile(
    r"(?:jan|feb|fév|fev|mär|mar|apr|avr|abr|may|mai|mag|jun|jui|giu|jul|lug|aug|ago|aoû|sep|set|okt|oct|out|ott|"
    r"nov|dez|déc|dec|dic|ene|gen)",
    re.IGNORECASE,
)
_OPENERS = "\"'([\u201c\u2018\u00ab\u201e"


def split_sentences(text: str, *, language: str = "") -> list[str]:
    """Sentences of one paragraph, each with its trailing whitespace, so that joining them gives the text back.
    `language` is a two-letter code; an unknown or empty one gets sentencex's general rules."""
    parts: list[str] = []
    start = 0
    for boundary in sentencex.get_sentence_boundaries(language or "en", text):
        end = boundary["end_index"]
        if not start < end < len(text):
            continue
        part = text[start:end]
        if parts and _continues(parts[-1], part, language):
            parts[-1] += part
        else:
            parts.append(part)
        start = end
    rest = text[start:]
    if parts and _continues(parts[-1], rest, language):
        parts[-1] += rest
    else:
        parts.append(rest)
    return parts


def _continues(previous: str, part: str, language: str) -> bool:
    """Whether `part` is the rest of the sentence `previous` began, cut after an abbreviation or an ordinal."""
    following = part.lstrip()
    if not following or following[0].islower():
        return True
    last = previous.rstrip().rsplit(None, 1)[-1].lstrip(_OPENERS).lower()
    if not last.endswith(".") or len(last) < 2:
        return False
    word = last[:-1]
    if word.isdigit():
        return len(word) <= 2 and bool(_MONTHS.match(following))  # "am 9. Dezember", not "he scored 9. Then"
    if len(word) == 1 and word.isalpha():
        return True  # an initial, as in "J. Smith" or "M. Dupont"
    return word in _ABBREVIATIONS.get(language, _ABBREVIATIONS["en"])
