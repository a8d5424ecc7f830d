"""The rewrite of one tweet: a different, still extractive, version of one body of a finished thread, shorter or
longer on request, built from the article's sentences the rest of the thread does not already use.
"""

from __future__ import annotations

import dataclasses

from generator import splitter
from generator.domain import Article, StyleSpec, ThreadOptions, Tone
from generator.local_engine.frame import hook
from generator.local_engine.outline import Outline, Sentence, read_article
from generator.local_engine.phrases import engine_language, phrases_for

# Words in the person's instruction that ask for a shorter or a longer tweet.
SHORTER_WORDS = ("short", "brief", "concise", "trim", "tight", "cut")
LONGER_WORDS = ("long", "expand", "more detail", "elaborate")


def rewrite_body(
    *,
    article: Article,
    bodies: list[str],
    position: int,
    options: ThreadOptions,
    style: StyleSpec,
    instruction: str | None = None,
) -> list[str]:
    """A deterministic rewrite of one body from the article's sentences.

    "shorter" keeps the body's most informative sentence (or the first clauses of a lone one); "longer" adds the
    unused sentences that follow it; otherwise the next-best unused sentences between its neighbours replace it,
    or, when there are none, its own sentences are laid out one per line. The hook gets the other headline (title
    or lead) and the call to action its alternate wording.
    """
    limit = splitter.body_limit(options)
    outline = read_article(article, language=engine_language(article=article, options=options))
    phrases = phrases_for(outline.language)
    body = bodies[position]
    wish = (instruction or "").lower()
    if position == 0:
        return [_alternate_hook(outline, style.local_structure or "summary", options, limit, body)]
    if body.startswith(phrases.cta):
        alternate = body.replace(phrases.cta, phrases.cta_alternate, 1)
        return [alternate] if splitter.weigh(alternate) <= limit else [body]
    own = [s for s in outline.sentences if s.text in body]
    if not own:
        return splitter.fit_text(body, limit=limit)
    if any(word in wish for word in SHORTER_WORDS):
        return [_shorter(own, limit)]
    others = {
        s.index for other in bodies[:position] + bodies[position + 1 :] for s in outline.sentences if s.text in other
    }
    unused = [s for s in outline.sentences if s.index not in others and s not in own]
    if any(word in wish for word in LONGER_WORDS):
        following = [s for s in unused if s.index > own[-1].index]
        return [_fill(own, following, limit)]
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


def _shorter(own: list[Sentence], limit: int) -> str:
    """The body's best sentence; a lone sentence keeps its opening clauses, about three fifths of it, or its
    opening words and an ellipsis when it has no clauses."""
    if len(own) > 1:
        return max(own, key=lambda s: (s.score, -s.index)).text
    text = own[0].text
    target = max(40, splitter.weigh(text) * 3 // 5)
    clauses = splitter.split_clauses(text)
    kept = clauses[:1]
    for clause in clauses[1:]:
        if splitter.weigh("".join([*kept, clause]).strip()) > target:
            break
        kept.append(clause)
    if len(kept) < len(clauses):
        return "".join(kept).strip()
    words = splitter.fit_text(text, limit=target)
    return f"{words[0]} …" if len(words) > 1 else text


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
