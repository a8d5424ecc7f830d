"""The rewrite of one tweet: a different, still extractive, version of one body of a finished thread, built from
the article's sentences, as one of `REWRITE_INSTRUCTIONS` asks.
"""

from __future__ import annotations

import dataclasses
import re

from generator import splitter
from generator.domain import Article, StyleSpec, ThreadOptions, Tone
from generator.errors import RewriteUnavailable
from generator.local_engine.frame import hook
from generator.local_engine.outline import Outline, Sentence, read_article
from generator.local_engine.phrases import engine_language, phrases_for
from generator.local_engine.stopwords import stopwords_for

# Asides a plainer (or shorter) sentence goes without: (…), […], a pair of dashes, a dash aside closing the sentence.
_ASIDE = re.compile(
    r"\s*\([^()]*\)"  # (…)
    r"|\s*\[[^\[\]]*\]"  # […]
    r"|\s+[\u2013\u2014]\s[^\u2013\u2014]*?\s[\u2013\u2014](?=\s)"  # a pair of dashes around the aside
    r"|\s+[\u2013\u2014]\s[^\u2013\u2014]{1,60}?(?=[.!?]$)"  # a short dash aside closing the sentence
)
_WORD = re.compile(r"[^\W\d_]+(?:['\u2019][^\W\d_]+)*")
# Words that open a clause which can go while the sentence stays whole ("..., while ownership is divided."):
# "..., who voted against the plan, noted that ..." must keep its last clause, which is the sentence's verb.
_TRAILING_CLAUSE = {
    "en": frozenset(
        ["and", "but", "while", "with", "which", "because", "though", "although", "as", "since", "whereas", "so", "yet"]
    ),
    "de": frozenset(["und", "aber", "während", "weil", "denn", "obwohl", "da", "wobei", "sodass"]),
    "fr": frozenset(["et", "mais", "alors", "car", "tandis", "avec", "puisque", "bien", "ce"]),
    "es": frozenset(["y", "pero", "mientras", "porque", "aunque", "con", "ya", "lo"]),
    "pt": frozenset(["e", "mas", "enquanto", "porque", "embora", "com", "já"]),
    "it": frozenset(["e", "ma", "mentre", "perché", "sebbene", "con", "poiché", "anche"]),
}
# Two or more capitalised words in a row: a name ("Green Line", "Elena Ortiz").
_NAME = re.compile(r"\b[A-Z\u00c0-\u00de][^\W\d_]+(?:\s+[A-Z\u00c0-\u00de][^\W\d_]+)+")
_END = (".", "!", "?", "\u2026")
# LIX counts a word of more than six letters as long.
_LONG_WORD = 6


def rewrite_body(
    *,
    article: Article,
    bodies: list[str],
    position: int,
    options: ThreadOptions,
    style: StyleSpec,
    instruction: str | None = None,
) -> list[str]:
    """A deterministic rewrite of one body from the article's sentences, as `instruction` asks.

    "shorter": fewer characters, still whole sentences. "plainer": an easier read by LIX (shorter sentences,
    fewer long words), without asides. "question": the body's point asked as a question, with the body after it
    as the answer. "another": the best sentence of the same section the thread does not use. Without an
    instruction the next-best unused sentences between its neighbours replace it, or, when there are none, its
    own sentences are laid out one per line. The hook gets the other headline (title or lead) and the call to
    action its alternate wording; they take no other instruction.
    """
    limit = splitter.body_limit(options)
    outline = read_article(article, language=engine_language(article=article, options=options))
    phrases = phrases_for(outline.language)
    body = bodies[position]
    is_cta = body.startswith(phrases.cta) or body.startswith(phrases.cta_alternate)
    if instruction not in (None, "another") and (position == 0 or is_cta):
        raise RewriteUnavailable("The first tweet and the call to action can only be reworded: choose another.")
    if position == 0:
        return [_alternate_hook(outline, style.local_structure or "summary", options, limit, body)]
    if is_cta:
        alternate = body.replace(phrases.cta, phrases.cta_alternate, 1)
        return [alternate] if splitter.weigh(alternate) <= limit else [body]
    # Its sentences, or the one it is a piece of when a long sentence was split across tweets.
    piece = body.strip(" ,;:\u2026")
    own = [s for s in outline.sentences if s.text in body or (len(piece) > 20 and piece in s.text)]
    if not own:
        if instruction:
            raise RewriteUnavailable("This tweet is not the article's text, so it can only be edited by hand.")
        return splitter.fit_text(body, limit=limit)
    others = {
        s.index for other in bodies[:position] + bodies[position + 1 :] for s in outline.sentences if s.text in other
    }
    unused = [s for s in outline.sentences if s.index not in others and s not in own]
    if instruction == "shorter":
        return [_shorter(own, body, outline.language)]
    if instruction == "plainer":
        section = [s for s in unused if s.section == own[0].section]
        return [_plainer(own, section, body, limit, outline.language)]
    if instruction == "question":
        return _question(own, outline, phrases.rewrite_question, body, limit)
    if instruction == "another":
        return [_another([s for s in unused if s.section == own[0].section], limit)]
    before = max((s.index for s in outline.sentences if s.index in others and s.index < own[0].index), default=-1)
    after = min((s.index for s in outline.sentences if s.index in others and s.index > own[-1].index), default=10**9)
    between = sorted((s for s in unused if before < s.index < after), key=lambda s: (-s.score, s.index))
    if between:
        return [_fill([], between, limit)]
    return splitter.fit_text("\n".join(s.text for s in own), limit=limit)


def _alternate_hook(outline: Outline, structure: str, options: ThreadOptions, limit: int, current: str) -> str:
    """Swap the headline between the title and the lead sentence, and the promise to the next tone's wording."""
    tones = list(Tone)
    tone = tones[(tones.index(options.tone) + 1) % len(tones)]
    lead = outline.sentences[0].text if outline.sentences else outline.title
    uses_title = bool(outline.title) and outline.title in current
    swapped = dataclasses.replace(outline, title=lead if uses_title else outline.title)
    alternate = hook(swapped, structure, dataclasses.replace(options, tone=tone), limit, count=0)
    return alternate if alternate != current else hook(swapped, "summary", options, limit, count=0)


def _shorter(own: list[Sentence], body: str, language: str) -> str:
    """Fewer characters, still whole sentences: the body's best sentence, or a lone sentence made shorter."""
    if len(own) > 1:
        return max(own, key=lambda s: (s.score, -s.index)).text
    shorter = [text for text in _trimmed(own[0].text, language) if splitter.weigh(text) < splitter.weigh(body)]
    if not shorter:
        raise RewriteUnavailable("This tweet is one sentence that cannot lose a part and stay whole: edit it by hand.")
    return shorter[0]


def _trimmed(text: str, language: str) -> list[str]:
    """A sentence without its asides, then also without its last clause, closed with its own end mark: each still
    a sentence, longest first."""
    plain = _without_asides(text)
    clauses = splitter.split_clauses(plain)
    kept = "".join(clauses[:-1]).strip().rstrip(",;:\u2013\u2014 ")
    opener = (_WORD.findall(clauses[-1]) or [""])[0]
    versions = [plain]
    if opener in _TRAILING_CLAUSE.get(language, ()) and len(_WORD.findall(kept)) >= 4:
        versions.append(kept + (plain[-1] if plain.endswith(_END) else "."))
    return versions


def _plainer(own: list[Sentence], section: list[Sentence], body: str, limit: int, language: str) -> str:
    """An easier read than the body by LIX, without asides: one of its own sentences, trimmed if need be (its point
    kept), else the plainest unused sentence of its section."""
    target = lix(body)
    for candidates in (
        [text for s in own for text in _trimmed(s.text, language)],
        [_without_asides(s.text) for s in section],
    ):
        easier = [text for text in candidates if lix(text) < target and splitter.weigh(text) <= limit]
        if easier:
            return min(easier, key=lambda text: (lix(text), candidates.index(text)))
    raise RewriteUnavailable("This tweet is as plain as the article gets: edit it by hand.")


def _question(own: list[Sentence], outline: Outline, template: str, body: str, limit: int) -> list[str]:
    """The body's point asked as a question in the thread's language, about its subject (the name or content word
    it shares most with the rest of the article); the body follows as the answer, in the same tweet when both
    fit."""
    stopwords = stopwords_for(outline.language)
    subjects: list[str] = []
    for sentence in own:
        subjects += _NAME.findall(sentence.text, 1)
        subjects += [word for word in _WORD.findall(sentence.text) if len(word) > 3 and word.lower() not in stopwords]
    if not subjects:
        raise RewriteUnavailable("This tweet has no subject to ask about: edit it by hand.")
    text = " ".join(s.text for s in outline.sentences).lower()
    # A name the article repeats first ("Green Line" over "line"), then the most repeated word.
    topic = max(
        subjects,
        key=lambda subject: (
            " " in subject and text.count(subject.lower()) > 1,
            text.count(subject.lower()),
            -subjects.index(subject),
        ),
    )
    question = template.format(topic=topic[0].upper() + topic[1:])
    both = f"{question}\n\n{body}"
    return [both] if splitter.weigh(both) <= limit else [question, body]


def _another(section: list[Sentence], limit: int) -> str:
    """The best sentence of the body's section that the thread does not use."""
    fitting = [s for s in section if splitter.weigh(s.text) <= limit]
    if not fitting:
        raise RewriteUnavailable("Every sentence of this part of the article is in the thread already.")
    return max(fitting, key=lambda s: (s.score, -s.index)).text


def _without_asides(text: str) -> str:
    return re.sub(r"\s+([,.;:!?])", r"\1", _ASIDE.sub("", text)).strip()


def lix(text: str) -> float:
    """The LIX readability index: words per sentence plus the percentage of words longer than six letters. Lower
    reads more easily; it works alike in the languages the engine writes."""
    words = _WORD.findall(text)
    if not words:
        return 0.0
    sentences = max(1, sum(text.count(mark) for mark in _END))
    return len(words) / sentences + 100 * sum(len(word) > _LONG_WORD for word in words) / len(words)


def _fill(kept: list[Sentence], candidates: list[Sentence], limit: int) -> str:
    """Add candidates (best first) while the body fits, then restore article order."""
    chosen = list(kept)
    for sentence in candidates:
        trial = sorted([*chosen, sentence], key=lambda s: s.index)
        if splitter.weigh(" ".join(s.text for s in trial)) <= limit:
            chosen = trial
    if not chosen:
        return splitter.fit_text(candidates[0].text, limit=limit)[0]
    return " ".join(s.text for s in sorted(chosen, key=lambda s: s.index))
