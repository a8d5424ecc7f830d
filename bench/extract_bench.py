"""How long extraction takes on a large realistic page, without the network.

Run: .venv/bin/python bench/extract_bench.py [--runs N]

The 500 KB page is the sample blog post (navigation, sidebar, comments, footer) with its article body grown by
realistic paragraphs; the time is `generator.extract.article_from_page`, i.e. decoding, trafilatura and our
checks — what an import costs once the bytes have arrived.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "threadr.settings")
os.environ.setdefault("DEBUG", "1")

import django  # noqa: E402 — settings must be named before Django loads

django.setup()

from generator.extract import article_from_page  # noqa: E402
from tests.fakes.pages import PARAGRAPHS, SAMPLES  # noqa: E402
from threadr.lib.fetch import FetchedPage  # noqa: E402

KB = 1024


def page_of(size: int) -> bytes:
    """The sample blog post, its article grown to about `size` bytes with realistic paragraphs."""
    template = (SAMPLES / "blog_post.html").read_bytes()
    marker = b"    </article>"
    head, tail = template.split(marker, 1)
    filler: list[bytes] = []
    length = len(template)
    index = 0
    while length < size:
        paragraph = f"      <p>{PARAGRAPHS[index % len(PARAGRAPHS)]}</p>\n".encode()
        filler.append(paragraph)
        length += len(paragraph)
        index += 1
    return head + b"".join(filler) + marker + tail


def timings(action: Callable[[], object], runs: int) -> list[float]:
    action()  # warm caches and imports
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def p99(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    runs = parser.parse_args().runs
    rows = []
    for label, size in (("sample blog post", 0), ("500 KB article page", 500 * KB)):
        body = page_of(size)
        page = FetchedPage("https://blog.example/posts/ci-build-times", 200, "text/html", "utf-8", body, {})
        article = article_from_page(page)
        samples = timings(lambda page=page: article_from_page(page), runs)
        rows.append((label, len(body) / KB, len(article.text) / KB, statistics.median(samples), p99(samples)))
    print(f"extraction, {runs} runs each (Python {sys.version.split()[0]})")
    print(f"{'page':<22}{'size KB':>10}{'text KB':>10}{'median ms':>12}{'p99 ms':>10}")
    for label, size_kb, text_kb, median, worst in rows:
        print(f"{label:<22}{size_kb:>10.0f}{text_kb:>10.0f}{median:>12.1f}{worst:>10.1f}")


if __name__ == "__main__":
    main()
