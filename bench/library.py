"""Library speeds for `bench/run.py`, measured with the engine issue's own bench scripts: X's weighted length, the
local engine on a 100 KB article, and extraction of a 500 KB page. Prints one JSON list (runs per figure: argv[1])."""

from __future__ import annotations

import json
import statistics
import sys
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import extract_bench
import local_engine_bench
import xtext_bench

from generator.domain import StyleSpec, ThreadOptions
from generator.local_engine import build_bodies
from threadr.lib.fetch import FetchedPage


def figure(name: str, samples_ms: list[float], target_ms: float | None) -> dict[str, object]:
    return {
        "figure": name,
        "median_ms": statistics.median(samples_ms),
        "p99_ms": local_engine_bench.percentile(samples_ms, 0.99),
        "target_ms": target_ms,
    }


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    weighted = [micro / 1000 for micro in xtext_bench.timings(lambda: xtext_bench.xtext.weighted_length(
        xtext_bench.MIXED_TWEET))]  # fmt: skip
    article = local_engine_bench.article_of(100 * local_engine_bench.KB)
    style = StyleSpec(slug="summary", name="Summary", local_structure="summary")
    build = partial(build_bodies, article=article, options=ThreadOptions(), style=style)
    engine = local_engine_bench.timings(build, runs)
    body = extract_bench.page_of(500 * extract_bench.KB)
    page = FetchedPage("https://blog.example/posts/ci-build-times", 200, "text/html", "utf-8", body, {})
    extraction = extract_bench.timings(lambda: extract_bench.article_from_page(page), runs)
    print(
        json.dumps(
            [
                figure("weighted length, mixed tweet with emoji and a URL", weighted, None),
                figure("local engine, 100 KB article, summary", engine, local_engine_bench.TARGET_MS),
                figure("extraction, 500 KB article page", extraction, None),
            ]
        )
    )


if __name__ == "__main__":
    main()
