"""Reading the article: the title (given or guessed from the first line), headings, paragraphs, list items and
sentences, each sentence scored by how informative it is, and the keywords the hashtags are made from.

Everything the engine does later works on the `Outline` read here, so the article is parsed once.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from collections.abc import Iterator

from generator import sentences, splitter
from generator.domain import Article
from generator.local_engine import cues, rank, standalone
from generator.local_engine.stopwords import stopwords_for

HEADING_MAX_WORDS = 12

_WORD = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*")
_HEADING_MARK = re.compile(r"^#{1,6}\s+")
_LATIN_WORD = re.compile(r"[A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f]+")
_LIST_MARK = re.compile(r"^(?:[-*•·]|\d{1,2}[.)])\s+")
_NUMBERED = re.compile(r"^\d{1,2}[.)]\s+")
# A link-like word, matched from the word's start only: otherwise a word with no link in it is searched again from
# each of its letters, which makes a long article's words cost the square of their length.
_LINK_LIKE = re.compile(r"(?<!\S)\S*(?:://|www\.|\.(?:com|org|net|io|html?)\b)\S*", re.IGNORECASE)
_LINK_MARKS = ("://", "www.", ".com", ".org", ".net", ".io", ".htm")  # what `_LINK_HINT` needs, as plain text
_LINK_HINT = re.compile(r"://|www\.|\.(?:com|org|net|io|html?)\b", re.IGNORECASE)


@dataclasses.dataclass(frozen=True)
class Sentence:
    index: int
    text: str
    paragraph: int
    section: int  # index of the heading above it, -1 before the first heading
    item: int  # which bulleted or numbered list item it belongs to, -1 outside lists
    score: float
    words: int
    terms: tuple[str, ...] = ()  # content words, lower-cased, sorted and unique
    ties: standalone.Ties = standalone.ALONE  # what it needs beside it to stand in a tweet
    roles: frozenset[str] = frozenset()  # what it does (`cues`): a step, advice, what happens next...


@dataclasses.dataclass(frozen=True)
class Outline:
    """An article read once: its title, headings and scored sentences in order."""

    title: str
    url: str
    headings: tuple[str, ...]
    sentences: tuple[Sentence, ...]
    keywords: tuple[str, ...]
    words: int
    items: int  # list items in the article
    language: str  # the two-letter code the thread is written in, "" when unknown


def guess_title(text: str) -> tuple[str, str]:
    """Split pasted text into (title, body) when its first line reads as a title; otherwise ("", text)."""
    return _split_title(splitter.normalize(text))


def _split_title(text: str) -> tuple[str, str]:
    """`guess_title` for text already normalized, which a long article need not pay for twice."""
    first, _, rest = text.partition("\n\n")
    if not rest or "\n" in first:
        return "", text
    title = _HEADING_MARK.sub("", first)
    if _HEADING_MARK.match(first) or _looks_like_heading(title):
        return title, rest
    return "", text


def _looks_like_heading(line: str) -> bool:
    return (
        0 < len(line) <= 120
        and len(line.split()) <= HEADING_MAX_WORDS
        and line[-1] not in ".!,;:…"
        and not _LIST_MARK.match(line)
    )


def read_article(article: Article, *, language: str) -> Outline:
    """Parse headings, list items and sentences, and score each sentence. `language` is the thread's (a two-letter
    code, "" when unknown): it decides where sentences end and which words are too common to count."""
    text = splitter.normalize(article.text)
    title = splitter.normalize(article.title)
    guessed, rest = _split_title(text)
    if not title:
        title, text = guessed, rest
    elif guessed and guessed.casefold() == title.casefold():
        text = rest
    headings: list[str] = []
    raw: list[tuple[str, int, int, int]] = []
    numbered: set[int] = set()  # the items of numbered lists
    items = 0
    paragraphs = [paragraph for paragraph in text.split("\n\n") if paragraph.strip()]
    for number, paragraph in enumerate(paragraphs):
        if "\n" not in paragraph and (
            _HEADING_MARK.match(paragraph) or (_looks_like_heading(paragraph) and number + 1 < len(paragraphs))
        ):
            headings.append(_HEADING_MARK.sub("", paragraph))
            continue
        section = len(headings) - 1
        for line, mark in _lines(paragraph):
            is_item = bool(mark)
            if _NUMBERED.match(mark):
                numbered.add(items)
            parts = [part.strip() for part in sentences.split_sentences(line, language=language)]
            raw.extend((part, number, section, items if is_item else -1) for part in parts if part)
            items += is_item
    stopwords = stopwords_for(language)
    words = [_WORD.findall(part) for part, *_ in raw]
    lowered = [" ".join(found).lower().split() for found in words]  # one call per sentence, not one per word
    terms = [rank.tokens(found, stopwords) for found in lowered]
    weights = rank.scores(
        [part for part, *_ in raw],
        words,
        terms,
        [section for _, _, section, _ in raw],
        heading_openers=[_opens_section(raw, index) for index in range(len(raw))],
        lowered=lowered,
    )
    tied = standalone.ties(
        [part for part, *_ in raw],
        [paragraph for _, paragraph, _, _ in raw],
        [item for *_, item in raw],
        language,
        lowered=lowered,
    )
    scored = tuple(
        Sentence(
            index=index,
            text=part,
            paragraph=paragraph,
            section=section,
            item=item,
            score=weights[index],
            words=len(part.split()),
            terms=terms[index],
            ties=tied[index],
            roles=cues.roles(part, lowered[index], language) | ({cues.ORDERED} if item in numbered else set()),
        )
        for index, (part, paragraph, section, item) in enumerate(raw)
    )
    return Outline(
        title=title,
        url=article.canonical_url or article.url,
        headings=tuple(headings),
        sentences=scored,
        keywords=_keywords([*headings, *(part for part, *_ in raw)], words, _frequencies(terms)) if stopwords else (),
        words=len(text.split()),
        items=items,
        language=language,
    )


def headline(outline: Outline) -> str:
    """The title, else the lead sentence, else the first heading."""
    lead = outline.sentences[0].text if outline.sentences else ""
    return outline.title or lead or next(iter(outline.headings), "")


def _lines(paragraph: str) -> Iterator[tuple[str, str]]:
    """List items one by one, each with its mark ("- ", "2. "); any other lines of the paragraph as one flowing text,
    with no mark."""
    prose: list[str] = []
    for line in paragraph.split("\n"):
        mark = _LIST_MARK.match(line)
        if mark:
            if prose:
                yield " ".join(prose), ""
                prose = []
            yield line[mark.end() :], mark.group()
        else:
            prose.append(line)
    if prose:
        yield " ".join(prose), ""


def _opens_section(raw: list[tuple[str, int, int, int]], index: int) -> bool:
    """Whether the sentence is the first under its heading."""
    return raw[index][2] >= 0 and (index == 0 or raw[index - 1][2] != raw[index][2])


def _spellings(counts: Counter[str], wanted: set[str]) -> dict[str, list[tuple[int, str]]]:
    """How each wanted (lower-case) word is written in Latin letters, with minus its count, for `min` to pick."""
    spellings: dict[str, list[tuple[int, str]]] = {}
    for form, count in counts.items():
        lowered = form.lower()
        if lowered in wanted and _LATIN_WORD.fullmatch(form):
            spellings.setdefault(lowered, []).append((-count, form))
    return spellings


def _frequencies(content: list[tuple[str, ...]]) -> dict[str, float]:
    """Each content word's share of the most common one, counting the sentences it appears in."""
    counts = Counter(word for words in content for word in words)
    top = max(counts.values(), default=1)
    return {word: count / top for word, count in counts.items()}


def _keywords(texts: list[str], words: list[list[str]], frequencies: dict[str, float]) -> tuple[str, ...]:
    """The two most frequent content words as they are usually written, for hashtags: Latin letters, accents
    included ("Größe", "économie"). Only for languages with stopwords, which keep their filler words out. `texts`
    are the headings, then the sentences, whose words (`words`) were found already: only the few texts with
    something link-like in them are read again, without their links."""
    counts: Counter[str] = Counter()
    headings = len(texts) - len(words)
    # Most articles have no link at all: one look at the whole text spares a search in each sentence.
    linked = any(mark in "\n".join(texts).lower() for mark in _LINK_MARKS)
    for position, text in enumerate(texts):
        if position < headings or (linked and _LINK_HINT.search(text)):
            counts.update(_WORD.findall(_LINK_LIKE.sub(" ", text)))
        else:
            counts.update(words[position - headings])
    candidates = sorted(
        (word for word in frequencies if len(word) >= 4 and _LATIN_WORD.fullmatch(word)),
        key=lambda word: (-frequencies[word], word),
    )
    # Spellings are looked for only for the likeliest words; all of them only when those are found only in links.
    for likely in (candidates[:8], candidates):
        spellings = _spellings(counts, set(likely))
        found = [word for word in likely if word in spellings][:2]
        if len(found) == 2 or len(likely) == len(candidates):
            break
    keywords = []
    for word in found:
        form = min(spellings[word])[1]  # the most frequent spelling, then the first in order
        keywords.append(form if not form.islower() else form.capitalize())
    return tuple(keywords)
