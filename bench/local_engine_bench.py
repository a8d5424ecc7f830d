"""How long the local engine takes to turn a 100 KB article into a thread (target: under 100 ms).

Run: .venv/bin/python bench/local_engine_bench.py [--runs N]

The article is the five sample articles of tests/generator/articles/ (a how-to, an essay, a news piece, a list
post, travel notes with URLs, emoji and Japanese) repeated until it passes 100 KB, each copy's paragraphs marked so
no two are identical. The engine needs no database: it takes a `StyleSpec`, so Django is not set up. The weight
and language caches are cleared before every run, so each run pays for measuring its text and detecting its language
as a new article would. More lines time parts on their own: ranking the sentences (centrality, salience, position)
and choosing among them (maximal marginal relevance), then the parts this article's language brings: splitting it
into sentences (sentencex) and detecting its language (py3langid, model loaded before timing, as a worker loads it
at start).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from generator import language, sentences, splitter  # noqa: E402 — the project root must be importable first
from generator.domain import Article, StyleSpec, ThreadOptions  # noqa: E402
from generator.local_engine import build_bodies, rank, read_article  # noqa: E402

ARTICLES = ROOT / "tests" / "generator" / "articles"
TARGET_MS = 100.0
KB = 1024


def article_of(size: int) -> Article:
    samples = [path.read_text(encoding="utf-8") for path in sorted(ARTICLES.glob("*.txt"))]
    copies: list[str] = []
    length = 0
    while length < size:
        copy = len(copies)
        text = samples[copy % len(samples)].replace("\n\n", f" (copy {copy}.)\n\n")
        copies.append(text)
        length += len(text.encode())
    return Article(title="A long read", text="\n\n".join(copies), url="https://blog.example.com/long-read")


def timings(action: Callable[[], object], runs: int) -> list[float]:
    action()  # imports and regex compilation
    samples = []
    for _ in range(runs):
        splitter.weigh.cache_clear()
        language.detect.cache_clear()
        started = time.perf_counter()
        action()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    runs = parser.parse_args().runs
    article = article_of(100 * KB)
    cases = {
        "summary, auto length": ("summary", ThreadOptions()),
        "summary, 25 tweets, tags, cta": ("summary", ThreadOptions(max_tweets=25, hashtags=True, cta=True)),
        "how-to, 25 tweets": ("howto", ThreadOptions(max_tweets=25)),
        "tips, 15 tweets": ("tips", ThreadOptions(max_tweets=15)),
        "Q&A, 10 tweets": ("qa", ThreadOptions(max_tweets=10)),
        "news, 5 tweets": ("news", ThreadOptions(max_tweets=5)),
    }
    size = len(article.text.encode()) / KB
    print(f"Local engine on a {size:.0f} KB article ({len(article.text.split())} words), {runs} runs each")
    print(f"{'case':<32} {'tweets':>6} {'median ms':>10} {'p99 ms':>8} {'max ms':>8}  target < {TARGET_MS:.0f} ms")
    for label, (structure, options) in cases.items():
        style = StyleSpec(slug=structure, name=label, local_structure=structure)
        tweets = len(build_bodies(article=article, options=options, style=style))
        samples = timings(partial(build_bodies, article=article, options=options, style=style), runs)
        median, p99 = statistics.median(samples), percentile(samples, 0.99)
        verdict = "ok" if median < TARGET_MS else "SLOW"
        print(f"{label:<32} {tweets:>6} {median:>10.1f} {p99:>8.1f} {max(samples):>8.1f}  {verdict}")
    language.warm_up()
    paragraphs = article.text.split("\n\n")
    found = read_article(article, language="en").sentences
    texts, terms = [s.text for s in found], [s.terms for s in found]
    words, sections, openers = [text.split() for text in texts], [s.section for s in found], [False] * len(found)
    pool = sorted(found, key=lambda s: (-s.score, s.index))[: rank.MMR_POOL]
    parts = {
        f"ranking {len(found)} sentences": lambda: rank.scores(texts, words, terms, sections, heading_openers=openers),
        "choosing 25 tweets' worth (MMR)": lambda: rank.diverse_order(
            [s.index for s in pool],
            {s.index: s.score for s in pool},
            {s.index: s.terms for s in pool},
            {s.index: (s.section, s.index * 4 // len(found)) for s in pool},
            cost={s.index: len(s.text) + 1 for s in pool},
            budget=25 * 280,
        ),
        "sentences, sentencex": lambda: [sentences.split_sentences(p, language="en") for p in paragraphs],
        "language detection": lambda: language.detect(article.text),
    }
    for label, action in parts.items():
        samples = timings(action, runs)
        median, p99 = statistics.median(samples), percentile(samples, 0.99)
        print(f"{label:<32} {'':>6} {median:>10.1f} {p99:>8.1f} {max(samples):>8.1f}")


if __name__ == "__main__":
    main()
