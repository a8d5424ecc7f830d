"""`make bench`: Threadr under load, as production runs it, in one table with the targets beside the figures.

Runs gunicorn (gunicorn.conf.py, gthread, DEBUG off) on a fresh bench database (BENCH_DATABASE_URL, default
threadr_bench) and its own Redis db (BENCH_REDIS_URL, default db 13), against a fake OpenAI-compatible provider in
its own process. `--quick` uses small counts and finishes in about a minute; the full run takes under ten.
Each figure has a reference measured in the same run: the provider called directly, or a bare Django view.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import harness


@dataclass(frozen=True)
class Plan:
    overhead_requests: int  # per user, at 1 and at 50 users
    first_tweet_requests: int
    capacity_streams: int
    capacity_seconds: float
    history_seconds: float
    library_runs: int


QUICK = Plan(overhead_requests=3, first_tweet_requests=10, capacity_streams=60, capacity_seconds=3.0,
             history_seconds=2.0, library_runs=3)  # fmt: skip
FULL = Plan(overhead_requests=10, first_tweet_requests=40, capacity_streams=300, capacity_seconds=10.0,
            history_seconds=10.0, library_runs=20)  # fmt: skip

# Tuned: the gthread defaults (2 workers x 32 threads) hold 64 streams; a stream holds one thread for its length.
# Three workers on two cores: each worker's threads share one interpreter lock, and with two workers the 50-user
# overhead's p99 was 64-118 ms against 41-49 ms with three (bench/RESULTS.md).
WORKERS, THREADS, POOL = 3, 110, 20
FAST_PROVIDER = {"first_token": 0.2, "chunk_delay": 0.01}  # 1,600 characters a second: a stress pace
# About 100 tokens (400 characters) a second after half a second: the pace of a hosted chat model.
REAL_PACE_PROVIDER = {"first_token": 0.5, "chunk_delay": 0.04}
TWEETS = 6
MS = 1000.0


@dataclass(frozen=True)
class Row:
    figure: str
    median: str
    p99: str
    reference: str
    ratio: str
    target: str
    verdict: str


def app_server(*, provider_url: str, **settings: str) -> contextlib.AbstractContextManager[harness.AppServer]:
    """The app as the bench runs it (WORKERS x THREADS, POOL connections per worker) on the given provider."""
    return harness.app_server(provider_url=provider_url, workers=WORKERS, threads=THREADS, pool_size=POOL, **settings)


def ms(value: float) -> str:
    return f"{value * MS:.1f} ms"


def overhead_rows(server: harness.AppServer, provider_url: str, tokens: list[str], plan: Plan) -> list[Row]:
    """Users start at their own moments (see `harness.concurrently`), then generate back to back. The 50-user
    burst (everyone at the same instant, every round) is measured too, for comparison."""
    warm_up(server, tokens)
    rows = []
    for users, burst in ((1, False), (50, False), (50, True)):
        answers, own = generations(server, provider_url, tokens, users, plan.overhead_requests, burst=burst)
        label = f"generation overhead, {users} concurrent" + (" starting at the same instant" if burst else "")
        rows.append(overhead_row(label, answers, own, target=users == 50 and not burst))
    return rows


def generations(
    server: harness.AppServer, provider_url: str, tokens: list[str], users: int, per_user: int, *, burst: bool
) -> tuple[list[harness.Answer], dict[str, float]]:
    """The answers of `users` generating `per_user` times each, and the fake provider's own time for each of their
    completions, by marker. Users start at their own moments within one provider-length window unless `burst`."""
    direct = harness.concurrently(lambda _: harness.provider_direct(provider_url), users=users, per_user=1)
    answers = harness.concurrently(
        lambda index: harness.generate_json(server.url, tokens[index]),
        users=users,
        per_user=per_user,
        stagger=0.0 if burst else harness.median([answer.elapsed for answer in direct]),
    )
    return answers, harness.provider_timings(provider_url)


def warm_up(server: harness.AppServer, tokens: list[str]) -> None:
    """A few generations first, so every worker has its database connections and its provider client, as a
    server that has been up for a while does."""
    harness.concurrently(lambda index: harness.generate_json(server.url, tokens[index]), users=8, per_user=2)


def overhead_row(label: str, answers: list[harness.Answer], own: dict[str, float], *, target: bool) -> Row:
    """Each generation's time minus the provider's own time for that very completion (`harness.provider_timings`)."""
    done = [answer for answer in answers if answer.status == 201 and answer.marker in own]
    errors = len(answers) - len(done)
    overheads = [answer.elapsed - own[answer.marker] for answer in done]
    provider = harness.median([own[answer.marker] for answer in done])
    p99 = harness.percentile(overheads, 0.99)
    return Row(
        f"{label} (JSON)" + (f", {errors} errors" if errors else ""),
        ms(harness.median(overheads)),
        ms(p99),
        f"provider's own time {ms(provider)}",
        f"{harness.median(overheads) / provider:.3f}",
        "p99 < 50 ms" if target else "comparison",
        "pass" if errors == 0 and (not target or p99 < 0.050) else "FAIL",
    )


def fifty_users_row(
    server: harness.AppServer, provider_url: str, tokens: list[str], *, label: str, per_user: int
) -> Row:
    """A comparison row: 50 users at their own moments, as in the target's row, on another server set-up."""
    warm_up(server, tokens)
    answers, own = generations(server, provider_url, tokens, 50, per_user, burst=False)
    return overhead_row(f"generation overhead, 50 concurrent, {label}", answers, own, target=False)


def first_tweet_rows(server: harness.AppServer, provider_url: str, tokens: list[str], plan: Plan) -> list[Row]:
    direct = [harness.provider_direct(provider_url) for _ in range(plan.first_tweet_requests)]
    reference = harness.median([answer.first_tweet or 0.0 for answer in direct])
    rows = []
    for label, call, target in (
        ("first tweet after the provider's, SSE", harness.generate_stream, 0.100),
        ("first tweet after the provider's, JSON", harness.generate_json, None),
    ):
        answers = [call(server.url, tokens[index % len(tokens)]) for index in range(plan.first_tweet_requests)]
        delays = [answer.first_tweet - reference for answer in answers if answer.first_tweet is not None]
        errors = len(answers) - len(delays)
        p99 = harness.percentile(delays, 0.99)
        passed = errors == 0 and (target is None or p99 < target)
        rows.append(
            Row(
                label + (f", {errors} errors" if errors else ""),
                ms(harness.median(delays)),
                ms(p99),
                f"provider's first tweet {ms(reference)}",
                f"{(harness.median(delays) + reference) / reference:.2f}",
                f"< {target * MS:.0f} ms" if target else "comparison",
                "pass" if passed else "FAIL",
            )
        )
    return rows


def capacity_row(tokens: list[str], plan: Plan) -> Row:
    streams, seconds = plan.capacity_streams, plan.capacity_seconds
    characters = TWEETS * 110
    chunk_delay = (seconds - 1.0) / (characters / 16)
    with (
        harness.fake_provider(first_token=1.0, chunk_delay=chunk_delay, tweets=TWEETS) as provider_url,
        app_server(provider_url=provider_url) as server,
    ):
        peak = [0]
        done = threading.Event()

        def sample_memory() -> None:
            while not done.wait(0.25):
                peak[0] = max(peak[0], server.rss_bytes())

        sampler = threading.Thread(target=sample_memory, daemon=True)
        sampler.start()
        answers = harness.concurrently(lambda index: harness.generate_stream(server.url, tokens[index]), users=streams,
                                       per_user=1)  # fmt: skip
        done.set()
        sampler.join()
    ok = [answer for answer in answers if answer.status == 200 and answer.events and answer.events[-1] == "done"]
    errors = streams - len(ok)
    mib = peak[0] / 1024 / 1024
    passed = errors == 0 and streams >= 300 and mib < 1024
    return Row(
        f"capacity: {streams} streams of {seconds:.0f} s held open, {errors} errors, RSS {mib:.0f} MiB",
        f"{harness.median([answer.elapsed for answer in ok]):.2f} s",
        f"{harness.percentile([answer.elapsed for answer in ok], 0.99):.2f} s",
        f"provider {seconds:.0f} s",
        f"{harness.percentile([answer.elapsed for answer in ok], 0.99) / seconds:.2f}",
        "300 streams, 0 errors, < 1024 MiB",
        "pass" if passed else ("FAIL" if streams >= 300 else "quick"),
    )


def history_row(server: harness.AppServer, token: str, plan: Plan, *, cached: bool = True) -> Row:
    """The history list against the bare view on the same server. With the cache on (the default), every request
    after the first is a cached page; with it off, every request builds the page from PostgreSQL."""
    clients = 16
    rates = {}
    latencies = {}
    for name, path in (("bare", "/bench/bare"), ("threads", "/api/v1/threads?page_size=50")):
        answers = harness.throughput(server.url, path, token=token, clients=clients, seconds=plan.history_seconds)
        good = [answer for answer in answers if answer.status == 200]
        rates[name] = len(good) / plan.history_seconds
        latencies[name] = [answer.elapsed for answer in good]
    ratio = rates["threads"] / rates["bare"]
    return Row(
        f"GET /api/v1/threads (50 threads){'' if cached else ', cache off'}, {clients} clients: "
        f"{rates['threads']:.0f} req/s",
        ms(harness.median(latencies["threads"])),
        ms(harness.percentile(latencies["threads"], 0.99)),
        f"bare view {rates['bare']:.0f} req/s",
        f"{ratio:.2f}",
        ">= 0.50" if cached else "comparison",
        "pass" if ratio >= 0.5 or not cached else "FAIL",
    )


def library_rows(plan: Plan) -> list[Row]:
    result = subprocess.run(
        [harness.PYTHON, str(harness.ROOT / "bench" / "library.py"), str(plan.library_runs)],
        cwd=harness.ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    rows = []
    for item in json.loads(result.stdout.strip().splitlines()[-1]):
        passed = item["target_ms"] is None or item["median_ms"] < item["target_ms"]
        rows.append(
            Row(
                item["figure"],
                f"{item['median_ms']:.3f} ms",
                f"{item['p99_ms']:.3f} ms",
                "-",
                "-",
                f"< {item['target_ms']:.0f} ms" if item["target_ms"] else "-",
                "pass" if passed else "FAIL",
            )
        )
    return rows


def print_table(rows: list[Row], machine: dict[str, str]) -> None:
    headers = Row("figure", "median", "p99", "reference", "ratio", "target", "result")
    widths = [max(len(getattr(row, name)) for row in [headers, *rows]) for name in Row.__dataclass_fields__]
    line = "| " + " | ".join("{:<" + str(width) + "}" for width in widths) + " |"
    print(line.format(*headers.__dict__.values()))
    print("|" + "|".join("-" * (width + 2) for width in widths) + "|")
    for row in rows:
        print(line.format(*row.__dict__.values()))
    print()
    print("machine: " + ", ".join(f"{key} {value}" for key, value in machine.items()))
    print(f"server: gunicorn gthread, {WORKERS} workers x {THREADS} threads, database pool {POOL} per worker")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small counts: about a minute")
    plan = QUICK if parser.parse_args().quick else FULL
    started = time.monotonic()
    machine = harness.machine(harness.BENCH_DATABASE_URL)
    ticks = harness.cpu_ticks()
    harness.database_reset()
    harness.redis_flush()
    tokens = harness.seed(max(plan.capacity_streams, 50), history_threads=50)["tokens"]
    history_token, generation_tokens = tokens[0], tokens[1:] + tokens[:1]
    with (
        harness.fake_provider(**FAST_PROVIDER, tweets=TWEETS) as provider_url,
        app_server(provider_url=provider_url) as server,
    ):
        history = history_row(server, history_token, plan)  # before generations add threads to the list
        overhead = overhead_rows(server, provider_url, generation_tokens, plan)
        first_tweet = first_tweet_rows(server, provider_url, generation_tokens, plan)
    with (
        harness.fake_provider(**FAST_PROVIDER, tweets=TWEETS, nice=0) as provider_url,
        app_server(provider_url=provider_url) as server,
    ):
        # The fake provider at the app's CPU priority instead of the lowest: it then takes its share of the two
        # cores from the app, as no real provider does.
        equal_priority = fifty_users_row(
            server,
            provider_url,
            generation_tokens,
            label="provider at the app's CPU priority",
            per_user=plan.overhead_requests,
        )
    with (
        harness.fake_provider(**REAL_PACE_PROVIDER, tweets=TWEETS) as provider_url,
        app_server(provider_url=provider_url, HISTORY_CACHE_SECONDS="0") as server,
    ):
        history_uncached = history_row(server, history_token, plan, cached=False)
        # A provider at a hosted model's pace (REAL_PACE_PROVIDER): fewer generations a second.
        real_pace = fifty_users_row(
            server,
            provider_url,
            generation_tokens,
            label="provider at a hosted model's pace",
            per_user=max(1, plan.overhead_requests // 2),
        )
    rows = [history, history_uncached, *overhead, equal_priority, real_pace, *first_tweet]
    rows.append(capacity_row(generation_tokens, plan))
    rows += library_rows(plan)
    machine["load average at end"] = " ".join(f"{value:.2f}" for value in os.getloadavg())
    stolen = harness.stolen_share(ticks, harness.cpu_ticks())
    machine["CPU time stolen by the hypervisor during the run"] = f"{stolen:.0%}"
    print_table(rows, machine)
    print(f"took {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
