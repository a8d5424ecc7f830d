"""Choosing sentences: when the article is longer than the thread may be, keep its most informative sentences in
their original order, as many as still render into the tweets there is room for.
"""

from __future__ import annotations

from collections.abc import Callable

from generator.local_engine.outline import Outline, Sentence
from generator.local_engine.render import Shape, render

# Styles built from sections, steps or questions: dropping a whole section would lose a step, not a detail.
SECTIONED = frozenset({"howto", "tips", "case", "qa"})


def summarise(sentences: tuple[Sentence, ...], outline: Outline, shape: Shape, capacity: int, limit: int) -> list[str]:
    """Render all sentences if they fit in `capacity` tweets; otherwise the best `k` in article order, with `k`
    the largest a binary search finds that fits. Styles built from sections keep each section's best sentence
    ahead of any second sentence, so a how-to loses detail before it loses a step."""
    if sum(2 * sentence.words for sentence in sentences) <= capacity * limit:
        bodies = render(sentences, outline, shape, limit)
        if len(bodies) <= capacity:
            return bodies
    ranked = sorted(sentences, key=_ranking(sentences, shape.structure))
    budget, high = capacity * limit, 0
    while high < len(ranked) and budget > 0:
        budget -= len(ranked[high].text) + 1
        high += 1
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


def _ranking(sentences: tuple[Sentence, ...], structure: str) -> Callable[[Sentence], tuple[int, float, int]]:
    """Best first; for sectioned styles, each section's best sentence and each list item's opening sentence (the
    tip or step itself) come before everything else."""
    leaders: set[int] = set()
    if structure in SECTIONED:
        best: dict[tuple[int, int], Sentence] = {}
        for sentence in sentences:
            unit = (sentence.section, sentence.item)
            if unit not in best or (sentence.item < 0 and sentence.score > best[unit].score):
                best[unit] = sentence
        leaders = {sentence.index for sentence in best.values()}
    return lambda sentence: (sentence.index not in leaders, -sentence.score, sentence.index)
