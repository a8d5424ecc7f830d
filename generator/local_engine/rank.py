"""How much each sentence matters to the whole article: centrality, salience and position, and the order a
thread should take sentences in so that it covers every part of the article without saying one thing twice.

- Centrality is LexRank over a sparse graph: sentences are TF-IDF vectors of their content words, an inverted
  index finds the sentences sharing a word, and each keeps only its `NEIGHBOURS` most similar. The graph is built
  over at most `MAX_CANDIDATES` sentences, the best of each section by a cheap first score, so a long article
  costs about what a short one does.
- Salience: numbers, names, superlatives, and the first lines under a heading.
- Position: the opening and the conclusion both carry the argument.
- `diverse_order` is maximal marginal relevance with a fair share per section and per quarter of the article.

Everything is ordered by explicit keys with the sentence's index as the last tie-break, and floats are summed in
sorted word order, so the same article gives the same scores whatever the hash seed.
"""

from __future__ import annotations

import heapq
import math
import operator
import re
from collections import defaultdict
from collections.abc import Mapping, Sequence

MAX_CANDIDATES = 200
MMR_POOL = 150  # the best sentences diversity chooses among
NEIGHBOURS = 8
DAMPING = 0.85
ITERATIONS = 20
TOLERANCE = 1e-4  # total change in rank below which the power iteration has converged
NEAR_DUPLICATE = 0.5  # word-set overlap (Jaccard) above which two sentences make the same point
REDUNDANCY_WEIGHT = 0.7
FAIR_SHARE_WEIGHT = 0.6

_NUMBER = re.compile(r"\d")
# Words that mark a superlative or a surprise, in the six languages the engine writes.
_SUPERLATIVE_WORDS = """
best worst most least largest biggest smallest highest lowest fastest slowest first only never always record
    surprising surprisingly unexpected doubled tripled halved meisten größte größten beste besten erste einzige nie
    niemals rekord plus meilleur meilleure pire premier première seul seule jamais record mejor peor mayor menor
    primero primera único única nunca récord melhor pior maior menor primeiro primeira único única nunca recorde
    migliore peggiore maggiore primo prima unico unica mai"""
_SUPERLATIVES = frozenset(_SUPERLATIVE_WORDS.split())


def tokens(lowered: Sequence[str], stopwords: frozenset[str]) -> tuple[str, ...]:
    """A sentence's content words (from its words in lower case), sorted and unique: what similarity and frequency
    count."""
    return tuple(sorted({word for word in lowered if len(word) > 2 and word not in stopwords}))


def scores(
    texts: Sequence[str],
    words: Sequence[Sequence[str]],
    terms: Sequence[tuple[str, ...]],
    sections: Sequence[int],
    *,
    heading_openers: Sequence[bool],
    lowered: Sequence[Sequence[str]],
) -> list[float]:
    """Each sentence's importance to the article, higher is better; the sentences left out of the graph score
    below every sentence in it. `words` are each sentence's words as written, `lowered` the same in lower case."""
    count = len(texts)
    if not count:
        return []
    idf = _idf(terms)
    factors = [_factor(texts[i], words[i], lowered[i], i, count, heading_openers[i]) for i in range(count)]
    cheap = [factors[i] * sum(idf[word] for word in terms[i]) / math.sqrt(len(terms[i]) + 1) for i in range(count)]
    candidates = _candidates(cheap, sections)
    centrality = _lexrank([terms[i] for i in candidates], idf)
    top = max(centrality, default=0.0) or 1.0
    most = max(cheap) or 1.0
    result = [0.1 * value / most for value in cheap]
    for position, index in enumerate(candidates):
        result[index] = 1.0 + factors[index] * centrality[position] / top
    return result


def diverse_order(
    indices: Sequence[int],
    score_of: Mapping[int, float],
    terms: Mapping[int, tuple[str, ...]],
    units: Mapping[int, tuple[int, int]],
    *,
    cost: Mapping[int, int],
    budget: int,
    avoid: Sequence[tuple[str, ...]] = (),
) -> list[int]:
    """`indices` best first by maximal marginal relevance, until their `cost` passes `budget`: a sentence's score,
    less its likeness to those already taken, less how far its section and its quarter (`units[i]`) are over
    their fair share. Sentences that repeat one already taken (or one of `avoid`, such as the hook) come last."""
    pool = sorted(indices)
    if not pool:
        return []
    top = max(score_of[i] for i in pool) or 1.0
    size = len(pool)
    words = {index: frozenset(terms[index]) for index in pool}
    sizes: list[dict[int, int]] = [defaultdict(int), defaultdict(int)]
    for index in pool:
        for axis in (0, 1):
            sizes[axis][units[index][axis]] += 1
    taken_in: list[dict[int, int]] = [defaultdict(int), defaultdict(int)]
    likeness = {
        index: max((_overlap(words[index], frozenset(other)) for other in avoid), default=0.0) for index in pool
    }
    order: list[int] = []
    remaining = list(pool)

    def gain(index: int) -> tuple[bool, float, int]:
        section, quarter = units[index]
        over = taken_in[0][section] + taken_in[1][quarter] - len(order) * (sizes[0][section] + sizes[1][quarter]) / size
        value = score_of[index] / top - REDUNDANCY_WEIGHT * likeness[index] - FAIR_SHARE_WEIGHT * over / 2
        return (likeness[index] <= NEAR_DUPLICATE, value, -index)

    while remaining and budget > 0:
        best = max(remaining, key=gain)
        remaining.remove(best)
        order.append(best)
        budget -= cost[best]
        for axis in (0, 1):
            taken_in[axis][units[best][axis]] += 1
        for index in remaining:
            likeness[index] = max(likeness[index], _overlap(words[index], words[best]))
    return order


def distinct(terms: Sequence[tuple[str, ...]], *, avoid: Sequence[tuple[str, ...]] = ()) -> list[int]:
    """Positions of `terms` that do not repeat an earlier one or one of `avoid` (word-set overlap over
    `NEAR_DUPLICATE`), in order. Quadratic: for the few sentences of a short article."""
    kept: list[frozenset[str]] = [frozenset(words) for words in avoid]
    found = []
    for position, words in enumerate(terms):
        these = frozenset(words)
        if all(_overlap(these, other) <= NEAR_DUPLICATE for other in kept):
            kept.append(these)
            found.append(position)
    return found


def _overlap(first: frozenset[str], second: frozenset[str]) -> float:
    shared = len(first & second)
    return shared / (len(first) + len(second) - shared) if shared else 0.0


def _idf(terms: Sequence[tuple[str, ...]]) -> dict[str, float]:
    frequency: dict[str, int] = defaultdict(int)
    for words in terms:
        for word in words:
            frequency[word] += 1
    return {word: math.log((1 + len(terms)) / (1 + found)) + 1.0 for word, found in frequency.items()}


def _factor(
    text: str, words: Sequence[str], lowered: Sequence[str], index: int, count: int, heading_opener: bool
) -> float:
    """Salience times the position prior and a length factor."""
    salience = 1.0
    if _NUMBER.search(text):
        salience += 0.35
    salience += 0.08 * min(3, sum(word[0].isupper() for word in words[1:]))  # names, past the sentence's start
    if not _SUPERLATIVES.isdisjoint(lowered):
        salience += 0.15
    if heading_opener:
        salience += 0.15
    place = index / max(count - 1, 1)
    prior = 1.0 + 0.35 * (1.0 - place) ** 6 + 0.25 * place**6  # the opening, and the conclusion too
    if index == 0:
        prior *= 1.3  # the lead says what the article is
    length = 0.5 if len(words) < 6 else 0.8 if len(words) > 45 else 1.0
    return salience * prior * length


def _candidates(cheap: Sequence[float], sections: Sequence[int]) -> list[int]:
    """At most `MAX_CANDIDATES` sentences, each section's best by the cheap score in proportion to its length
    (at least two), in article order."""
    if len(cheap) <= MAX_CANDIDATES:
        return list(range(len(cheap)))
    members: dict[int, list[int]] = defaultdict(list)
    for index, section in enumerate(sections):
        members[section].append(index)
    chosen: list[int] = []
    for section in sorted(members):
        found = members[section]
        share = max(2, MAX_CANDIDATES * len(found) // len(cheap))
        chosen.extend(sorted(found, key=lambda i: (-cheap[i], i))[:share])
    return sorted(chosen)


def _lexrank(terms: Sequence[tuple[str, ...]], idf: dict[str, float]) -> list[float]:
    """PageRank over each sentence's `NEIGHBOURS` most cosine-similar sentences, found through an inverted index
    of the words they share."""
    count = len(terms)
    norms = [math.sqrt(sum(idf[word] ** 2 for word in words)) or 1.0 for words in terms]
    postings: dict[str, list[int]] = defaultdict(list)
    for index, words in enumerate(terms):
        for word in words:
            postings[word].append(index)
    common = max(2, count // 2)  # a word in half the sentences links everything to everything
    weights = {word: idf[word] ** 2 for word, found in postings.items() if 1 < len(found) <= common}
    sources: list[list[int]] = [[] for _ in range(count)]
    shares: list[list[float]] = [[] for _ in range(count)]
    dangling = []
    for index, words in enumerate(terms):
        dot: dict[int, float] = defaultdict(float)
        for word in words:
            weight = weights.get(word)
            if weight is not None:
                for other in postings[word]:
                    dot[other] += weight
        dot.pop(index, None)
        norm = norms[index]
        nearest = heapq.nlargest(NEIGHBOURS, ((value / (norm * norms[other]), other) for other, value in dot.items()))
        out = [(other, similarity) for similarity, other in nearest if similarity > 0.05]
        total = sum(similarity for _, similarity in out)
        for other, similarity in out:
            sources[other].append(index)
            shares[other].append(similarity / total)
        if not out:
            dangling.append(index)
    rank = [1.0 / count] * count
    base = (1 - DAMPING) / count
    for _ in range(ITERATIONS):
        spread = sum(rank[i] for i in dangling) / count
        previous, rank = (
            rank,
            [
                base + DAMPING * (spread + sum(map(operator.mul, map(rank.__getitem__, sources[i]), shares[i])))
                for i in range(count)
            ],
        )
        if sum(map(abs, map(operator.sub, rank, previous))) < TOLERANCE:
            break
    return rank
