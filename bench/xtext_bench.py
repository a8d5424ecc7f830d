"""How long X's length rules take on a full tweet: run `.venv/bin/python bench/xtext_bench.py` (no Django needed)."""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from generator import xtext

ITERATIONS = 2000
ASCII_TWEET = ("Threads read best when each post stands alone. " * 6)[:280]
MIXED_TWEET = (
    "Café notes 🧵 1/5: how remote teams write 👩🏽‍💻👨‍👩‍👧‍👦 — read "
    "https://example.com/blog/remote-writing?ref=threadr and docs.example.org/guide. "
    "日本語も少し。 🇫🇷🇩🇪 1️⃣ Lead with the conclusion, link the decision, name the owner. ✅"
)
CASES: list[tuple[str, Callable[[], object]]] = [
    ("weighted_length, 280 ASCII characters", lambda: xtext.weighted_length(ASCII_TWEET)),
    ("weighted_length, mixed text with emoji and a URL", lambda: xtext.weighted_length(MIXED_TWEET)),
    ("find_urls, mixed text", lambda: xtext.find_urls(MIXED_TWEET)),
    ("emoji_spans, mixed text", lambda: xtext.emoji_spans(MIXED_TWEET)),
]


def timings(operation: Callable[[], object]) -> list[float]:
    """Microseconds per call, one sample per call after a short warm-up."""
    for _ in range(50):
        operation()
    samples = []
    for _ in range(ITERATIONS):
        start = time.perf_counter()
        operation()
        samples.append((time.perf_counter() - start) * 1_000_000)
    return samples


def main() -> None:
    print(f"ASCII tweet weighs {xtext.weighted_length(ASCII_TWEET)}, mixed tweet {xtext.weighted_length(MIXED_TWEET)}")
    print(f"{'operation':<50} {'iterations':>10} {'median µs':>10} {'p99 µs':>10}")
    for name, operation in CASES:
        samples = sorted(timings(operation))
        p99 = samples[int(len(samples) * 0.99) - 1]
        print(f"{name:<50} {ITERATIONS:>10} {statistics.median(samples):>10.1f} {p99:>10.1f}")


if __name__ == "__main__":
    main()
