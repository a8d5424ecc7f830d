"""Choosing sentences: when the article is longer than the thread may be, keep the sentences that matter most
across the whole article (`rank`: central, salient, from every section and quarter, no point made twice) in their
original order, as many as still render into the tweets there is room for.
"""

from __future__ import annotations

from generator.local_engine import rank
from generator.local_engine.outline import Outline, Sentence
from generator.local_engine.render import Shape, render

# Styles built from sections, steps or questions: dropping a whole section would lose a step, not a detail.
SECTIONED = frozenset({"howto", "tips", "case", "qa"})


def summarise(
    sentences: tuple[Sentence, ...],
    outline: Outline,
    shape: Shape,
    capacity: int,
    limit: int,
    *,
    avoid: tuple[str, ...] = (),
) -> list[str]:
    """Render all sentences if they fit in `capacity` tweets; otherwise the best `k` in article order, with `k`
    the largest a binary search finds that fits, in the order `rank.diverse_order` gives. Styles built from
    sections keep each section's best sentence ahead of any second sentence, so a how-to loses detail before it
    loses a step. `avoid` is the hook's content words: no chosen sentence says what the hook says."""
    if sum(2 * sentence.words for sentence in sentences) <= capacity * limit:
        distinct = rank.distinct([sentence.terms for sentence in sentences], avoid=(avoid,) if avoid else ())
        bodies = render(tuple(sentences[position] for position in distinct), outline, shape, limit)
        if len(bodies) <= capacity:
            return bodies
    ranked = _ranked(sentences, outline, shape.structure, capacity * limit, avoid)
    high = len(ranked)
    low, best = 1, []
    while low <= high:
        middle = (low + high) // 2
        kept = tuple(sorted(ranked[:middle], key=lambda sentence: sentence.index))
        candidate = render(kept, outline, shape, limit)
        if len(candidate) <= capacity:
            best, low = candidate, middle + 1
        else:
            high = middle - 1
    return best or render(tuple(ranked[:1]), outline, shape, limit)[:capacity]


def _ranked(
    sentences: tuple[Sentence, ...], outline: Outline, structure: str, budget: int, avoid: tuple[str, ...]
) -> list[Sentence]:
    """The best sentences, best first, until their text would fill `budget` characters; for sectioned styles,
    each section's best sentence and each list item's opening sentence (the tip or step itself) come before
    everything else."""
    by_index = {sentence.index: sentence for sentence in sentences}
    count = max(len(outline.sentences), 1)
    cost = {s.index: len(s.text) + 1 for s in sentences}
    leaders: list[int] = []
    if structure in SECTIONED:
        best: dict[tuple[int, int], Sentence] = {}
        for sentence in sentences:
            unit = (sentence.section, sentence.item)
            if unit not in best or (sentence.item < 0 and sentence.score > best[unit].score):
                best[unit] = sentence
        leaders = sorted((s.index for s in best.values()), key=lambda index: (-by_index[index].score, index))
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
    if last_section >= 0 and closing > 1:
        order.insert(1, order.pop(closing))  # a long article's conclusion makes the cut
    return [by_index[index] for index in order]
