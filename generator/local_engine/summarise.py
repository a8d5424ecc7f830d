"""Choosing sentences: when the article is longer than the thread may be, keep the sentences that matter most
across the whole article (`rank`: central, salient, from every section and quarter, no point made twice) in their
original order, as many as still render into the tweets there is room for.
"""

from __future__ import annotations

from generator.local_engine import cues, rank, standalone
from generator.local_engine.outline import Outline, Sentence
from generator.local_engine.render import Shape, render
from generator.local_engine.steps import POINTS

# Styles built from sections or questions: dropping a whole section would lose a question, not a detail.
SECTIONED = frozenset({"case", "qa"})
# What a news breakdown needs a sentence for, beside what happened: why it matters, what happens next.
NEWS_BEATS = (cues.MATTERS, cues.NEXT)
_BEATS = frozenset(NEWS_BEATS)
OPENING_MAX_WORDS = 45  # longer, and the sentence would not fit one tweet under its label


def summarise(
    sentences: tuple[Sentence, ...],
    outline: Outline,
    shape: Shape,
    capacity: int,
    limit: int,
    *,
    avoid: tuple[str, ...] = (),
    shown: frozenset[int] = frozenset(),
) -> list[str]:
    """Render all sentences if they fit in `capacity` tweets; otherwise the best `k` in article order, with `k`
    the largest a binary search finds that fits, in the order `rank.diverse_order` gives. Styles built from
    sections keep each section's best sentence ahead of any second sentence, so a how-to loses detail before it
    loses a step. `avoid` is the hook's content words: no chosen sentence says what the hook says; `shown` the
    hook's sentence, which may introduce a person a chosen sentence quotes.

    Every tweet stands on its own (`standalone`): a sentence comes with those it is tied to or not at all, and a
    rendering with a tweet that still leans on another, ends on a lead-in colon or leaves a quote open does not
    count as fitting."""
    tied = [sentence.ties for sentence in outline.sentences]
    sentences = tuple(sentence for sentence in sentences if cues.CODE not in sentence.roles)  # never prose

    def fitting(chosen: list[Sentence]) -> list[str] | None:
        standing = set(standalone.keep_standing((s.index for s in chosen), tied, shown=shown))
        while True:  # each round takes at least one sentence out
            kept = tuple(s for s in chosen if s.index in standing)
            bodies = render(kept, outline, shape, limit)
            flawed = [body for body in bodies if standalone.flawed(body, outline.language) or _unanswered(body, shape)]
            if not flawed:
                return bodies if len(bodies) <= capacity else None
            culprits = {s.index for s in kept if any(_breaks(s, body) for body in flawed)}
            if not culprits:  # flawed by a label: the sentences under it go (a label left alone, those after it)
                at = bodies.index(flawed[0])
                near = [body for body in bodies[at : at + 2] if any(s.text[:40] in body for s in kept)][:1]
                culprits = {s.index for s in kept for body in near if s.text[:40] in body}
            if not culprits:
                return None
            standing = set(standalone.keep_standing(standing - culprits, tied, shown=shown))

    if sum(2 * sentence.words for sentence in sentences) <= capacity * limit:
        distinct = rank.distinct([sentence.terms for sentence in sentences], avoid=(avoid,) if avoid else ())
        bodies = fitting([sentences[position] for position in distinct])
        if bodies is not None:
            return bodies
    ranked = _ranked(sentences, outline, shape, capacity * limit, avoid)
    ranked = _with_ties(ranked, sentences, outline, shown)
    high = len(ranked)
    low, best = 1, []
    while low <= high:
        middle = (low + high) // 2
        candidate = fitting(sorted(ranked[:middle], key=lambda sentence: sentence.index))
        if candidate is not None:
            best, low = candidate, middle + 1
        else:
            high = middle - 1
    if best:
        return best
    alone = (fitting([sentence]) for sentence in ranked)
    # An article of nothing but sentences too long for a tweet still gets a thread, cut where the splitter cuts.
    found = next((bodies for bodies in alone if bodies), None)
    return found or render(tuple(ranked[:1]), outline, shape, limit)[:capacity]


def _tells_what_happened(sentence: Sentence, opening: int) -> bool:
    """A sentence of the article's opening that stands in a tweet of its own and is no other beat."""
    return (
        sentence.section == opening
        and sentence.words <= OPENING_MAX_WORDS
        and sentence.ties == standalone.ALONE
        and not _BEATS & sentence.roles
    )


def _unanswered(body: str, shape: Shape) -> bool:
    """A Q&A tweet that ends on its question: the answer was cut away into the next tweet."""
    return shape.structure == "qa" and body.rstrip().endswith("?")


def _breaks(sentence: Sentence, body: str) -> bool:
    """Whether `sentence` is to blame for a tweet that does not stand alone: it is in the tweet and leans on a
    sentence that ended up in another tweet, or leads in to one, or was cut across tweets."""
    text = sentence.text
    whole = text in body
    if not whole and (text[:40] in body or text[-40:] in body):
        return True  # cut across tweets
    return whole and (sentence.ties != standalone.ALONE or standalone.opening(body).startswith(text[:40]))


def _with_ties(
    ranked: list[Sentence], sentences: tuple[Sentence, ...], outline: Outline, shown: frozenset[int]
) -> list[Sentence]:
    """`ranked` with each sentence's tied neighbours, and the sentence introducing a person it quotes, taken with
    it (just before or after it in the order), so that a prefix of the order keeps them together."""
    available = {sentence.index: sentence for sentence in sentences}
    tied = [sentence.ties for sentence in outline.sentences]
    order: dict[int, None] = {}
    for sentence in ranked:
        introducer = sentence.ties.introducer
        needed = [] if introducer < 0 or introducer in shown else list(standalone.unit(introducer, tied))
        for index in (*needed, *standalone.unit(sentence.index, tied)):
            if index in available:
                order.setdefault(index)
    return [available[index] for index in order]


def _ranked(
    sentences: tuple[Sentence, ...], outline: Outline, shape: Shape, budget: int, avoid: tuple[str, ...]
) -> list[Sentence]:
    """The best sentences, best first, until their text would fill `budget` characters, after the sentences the
    style cannot do without (`_leaders`)."""
    by_index = {sentence.index: sentence for sentence in sentences}
    count = max(len(outline.sentences), 1)
    cost = {s.index: len(s.text) + 1 for s in sentences}
    leaders = _leaders(sentences, shape, avoid)
    led = set(leaders)
    last_section = max((s.section for s in outline.sentences), default=-1)
    pool = sorted((s for s in sentences if s.index not in led), key=lambda s: (-s.score, s.index))
    order = leaders + rank.diverse_order(
        [s.index for s in pool[: rank.MMR_POOL]],
        {s.index: s.score for s in pool},
        {s.index: s.terms for s in pool},
        {s.index: (s.section, s.index * 4 // count) for s in pool},
        cost=cost,
        budget=budget - sum(cost[index] for index in leaders),
        avoid=(avoid,) if avoid else (),
    )
    closing = next((n for n, index in enumerate(order) if by_index[index].section == last_section), 0)
    if last_section >= 0 and closing > 1 and not shape.items.kind:
        order.insert(1, order.pop(closing))  # a long article's conclusion makes the cut
    return [by_index[index] for index in order]


def _leaders(sentences: tuple[Sentence, ...], shape: Shape, avoid: tuple[str, ...]) -> list[int]:
    """The sentences that come before all others: a how-to's steps in the article's order; a tips thread's tips,
    best first, none repeating another; each section's best sentence and each list item's opening sentence for
    styles built from sections; a news breakdown's best sentence on what happened (from its opening), on why it
    matters and on what happens next."""
    items = shape.items
    if items.kind and items.kind != POINTS:
        found = items.leaders(sentences)
        if shape.structure == "tips":
            found.sort(key=lambda s: (-s.score, s.index))
        distinct = rank.distinct([s.terms for s in found], avoid=(avoid,) if avoid else ())
        return [found[position].index for position in distinct]
    if shape.structure in SECTIONED:
        best: dict[tuple[int, int], Sentence] = {}
        for sentence in sentences:
            unit = (sentence.section, sentence.item)
            if unit not in best or (sentence.item < 0 and sentence.score > best[unit].score):
                best[unit] = sentence
        return [s.index for s in sorted(best.values(), key=lambda s: (-s.score, s.index))]
    if shape.structure == "news":
        opening = min((s.section for s in sentences), default=-1)
        beats = [
            max(
                (s for s in sentences if (role in s.roles if role else _tells_what_happened(s, opening))),
                key=lambda s: (s.score, -s.index),
                default=None,
            )
            for role in ("", *NEWS_BEATS)
        ]
        return sorted({s.index for s in beats if s is not None})
    return []
