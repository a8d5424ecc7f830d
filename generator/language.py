"""The language a thread is written in: the one the person chose, else the one the article's text is in (detected
with py3langid), else the one its page declares.

The text wins over the page's `lang` attribute when both are known and disagree: the attribute is often a site
template's default (an English `lang="en"` on every page of a multilingual site, a CMS left at its installation
language), while the text is what the thread is made of. The attribute decides only when the text is too short or
too mixed for the detector to be confident.

py3langid's model takes seconds to load, so workers load it at start (`warm_up`, from `threadr.warm`).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from py3langid.langid import MODEL_FILE, LanguageIdentifier

from generator.domain import Article, ThreadOptions

# The detector reads the opening of the article: a few thousand characters decide the language as surely as the
# whole text, at a fraction of the time.
SAMPLE_CHARACTERS = 3000
# Below this probability the detector is guessing (very short or mixed text) and the page's own declaration wins.
MIN_CONFIDENCE = 0.5

# English names of the languages people most often write threads in, for the AI engine's brief and for reading a
# language the person typed as a name ("German", "Deutsch").
NAMES = {
    "ar": "Arabic",
    "bg": "Bulgarian",
    "ca": "Catalan",
    "cs": "Czech",
    "da": "Danish",
    "de": "German",
    "el": "Greek",
    "en": "English",
    "es": "Spanish",
    "et": "Estonian",
    "fa": "Persian",
    "fi": "Finnish",
    "fr": "French",
    "he": "Hebrew",
    "hi": "Hindi",
    "hr": "Croatian",
    "hu": "Hungarian",
    "id": "Indonesian",
    "it": "Italian",
    "ja": "Japanese",
    "ko": "Korean",
    "lt": "Lithuanian",
    "lv": "Latvian",
    "nl": "Dutch",
    "no": "Norwegian",
    "pl": "Polish",
    "pt": "Portuguese",
    "ro": "Romanian",
    "ru": "Russian",
    "sk": "Slovak",
    "sl": "Slovenian",
    "sr": "Serbian",
    "sv": "Swedish",
    "th": "Thai",
    "tr": "Turkish",
    "uk": "Ukrainian",
    "vi": "Vietnamese",
    "zh": "Chinese",
}
_NATIVE_NAMES = {
    "deutsch": "de",
    "français": "fr",
    "francais": "fr",
    "español": "es",
    "espanol": "es",
    "castellano": "es",
    "português": "pt",
    "portugues": "pt",
    "italiano": "it",
}
# Links read as a language of their own to the detector ("https www com" is not English); the words around them
# are what counts.
_LINK = re.compile(r"\S*(?:://|www\.)\S*", re.IGNORECASE)
_CODE = re.compile(r"^([a-z]{2,3})(?:[-_][a-z0-9]{2,8})*$")


@dataclass(frozen=True)
class Language:
    code: str  # ISO 639-1 code, "" when unknown
    name: str  # how the AI engine's brief names it: English name, else the code, else what the person typed


UNKNOWN = Language(code="", name="")


def thread_language(*, chosen: str, text: str, declared: str = "") -> Language:
    """The language to write in: `chosen` unless it is "auto", else the detected language of `text`, else the
    `declared` one (a page's `lang`, such as "de-AT")."""
    if chosen.strip().lower() not in ("", "auto"):
        return language_named(chosen)
    detected = detect(text)
    if detected:
        return language_named(detected)
    return language_named(declared) if declared else UNKNOWN


def language_named(value: str) -> Language:
    """A language from a code ("pt-BR", "de"), an English name ("German") or a native one ("Deutsch")."""
    key = value.strip().lower()
    code = _NATIVE_NAMES.get(key) or next((code for code, name in NAMES.items() if name.lower() == key), "")
    if not code and (match := _CODE.match(key)):
        code = match.group(1)
    if not code:
        return Language(code="", name=value.strip())
    return Language(code=code, name=NAMES.get(code, code))


@functools.lru_cache(maxsize=64)
def detect(text: str) -> str:
    """The language code of `text`, or "" when the detector is not confident. Remembered: generating and then
    rewriting tweets of one article asks about the same text again."""
    sample = _LINK.sub(" ", text[: SAMPLE_CHARACTERS * 2])[:SAMPLE_CHARACTERS].strip()
    if not sample:
        return ""
    code, confidence = detector().classify(sample)
    return str(code) if confidence >= MIN_CONFIDENCE else ""


@functools.cache
def detector() -> LanguageIdentifier:
    """py3langid's identifier, loaded once per process."""
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def warm_up() -> None:
    """Load the detector's model, which takes seconds, before the first request needs it."""
    detector()


def article_language(*, article: Article, options: ThreadOptions) -> Language:
    """The language a thread of this article is written in, with these options."""
    return thread_language(chosen=options.language, text=article.text or article.title, declared=article.language)
