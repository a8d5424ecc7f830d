"""`make bench`: Threadr under load, as production runs it, in one table with the speed budget beside the figures.

Runs gunicorn (gunicorn.conf.py, gthread, DEBUG off) on a fresh bench database (BENCH_DATABASE_URL, default
threadr_bench) and its own Redis db (BENCH_REDIS_URL, default db 13), against a fake OpenAI-compatible provider in
its own process. `--quick` uses small counts to check the harness: its figures are not the budget's, nor a gate.
It is the regression gate for every change: a row over budget is marked FAIL and the run exits non-zero.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import connections, harness


@dataclass(frozen=True)
class Plan:
    overhead_requests: int  # per user
    first_tweet_requests: int
    capacity_streams: int
    capacity_seconds: float
    history_seconds: float
    library_runs: int
    idle_seconds: float
    slowloris_step: int


QUICK = Plan(overhead_requests=2, first_tweet_requests=10, capacity_streams=60, capacity_seconds=3.0,
             history_seconds=2.0, library_runs=3, idle_seconds=3.0, slowloris_step=50)  # fmt: skip
FULL = Plan(overhead_requests=10, first_tweet_requests=40, capacity_streams=300, capacity_seconds=10.0,
            history_seconds=10.0, library_runs=20, idle_seconds=30.0, slowloris_step=10)  # fmt: skip

# The gthread defaults (2 workers x 32 threads) hold 64 streams; a stream holds one thread for its length. Three
# workers on two cores, not two: each worker's threads share one interpreter lock (bench/RESULTS.md).
WORKERS, THREADS, POOL = 3, 110, 20
# gunicorn.conf.py's own defaults: 64 threads on the host, a third of the idle connections the bench holds open.
DEFAULT_WORKERS, DEFAULT_THREADS = 2, 32
FAST_PROVIDER = harness.Pace(first_token=0.2, chunk_delay=0.01)  # 1,600 characters a second: a stress pace
# About 100 tokens (400 characters) a second after half a second: the pace of a hosted chat model.
REAL_PACE_PROVIDER = harness.Pace(first_token=0.5, chunk_delay=0.04)
TWEETS = 6
USERS = 50
IDLE_CONNECTIONS = 200
MS = 1000.0


@dataclass(frozen=True)
class Row:
    figure: str
    median: str
    p99: str
    reference: str
    target: str
    result: str


def verdict(passed: bool, *, quick: bool = False) -> str:
    return "quick" if quick else ("pass" if passed else "FAIL")


def app_server(*, provider_url: str) -> contextlib.AbstractContextManager[harness.AppServer]:
    """The app as the bench runs it (WORKERS x THREADS, POOL connections per worker) on the given provider."""
    return harness.app_server(provider_url=provider_url, workers=WORKERS, threads=THREADS, pool_size=POOL)


def ms(value: float) -> str:
    return f"{value * MS:.1f} ms"


def warm_up(server: harness.AppServer, tokens: list[str]) -> None:
    """A few generations first, so every worker has its database connections and its provider client, as a
    server that has been up for a while does."""
    harness.concurrently(lambda index: harness.generate_json(server.url, tokens[index]), users=8, per_user=2)


@dataclass(frozen=True)
class Generations:
    overheads: list[float]  # each generation's time minus the provider's own time for that very completion
    provider: float  # the provider's median own time
    errors: list[int]  # the statuses of the generations that failed (201: the provider filed no time for it)
    cpu: float  # the app's CPU time per generation (master and workers)


def generations(
    server: harness.AppServer, provider_url: str, tokens: list[str], *, users: int, per_user: int, burst: bool = False
) -> Generations:
    """`users` users generating `per_user` times each, back to back. They start at their own moments within one
    provider-length window, as people working independently do, unless `burst` starts them all at once."""
    direct = harness.concurrently(lambda _: harness.provider_direct(provider_url), users=users, per_user=1)
    cpu_before = server.cpu_seconds()
    answers = harness.concurrently(
        lambda index: harness.generate_json(server.url, tokens[index]),
        users=users,
        per_user=per_user,
        stagger=0.0 if burst else harness.median([answer.elapsed for answer in direct]),
    )
    cpu = (server.cpu_seconds() - cpu_before) / len(answers)
    own = harness.provider_timings(provider_url, {answer.marker for answer in answers if answer.status == 201})
    done = [answer for answer in answers if answer.status == 201 and answer.marker in own]
    return Generations(
        overheads=[answer.elapsed - own[answer.marker] for answer in done],
        provider=harness.median([own[answer.marker] for answer in done]),
        errors=sorted(answer.status for answer in answers if answer.status != 201 or answer.marker not in own),
        cpu=cpu,
    )


def overhead_row(label: str, run: Generations, *, target: str = "comparison", passed: bool = True) -> Row:
    p99 = harness.percentile(run.overheads, 0.99)
    return Row(
        f"generation overhead, {label} (JSON)" + (f", {len(run.errors)} errors {run.errors}" if run.errors else ""),
        ms(harness.median(run.overheads)),
        ms(p99),
        f"provider's own time {ms(run.provider)}, p99 is {p99 / run.provider:.1%} of it",
        target,
        verdict(passed and not run.errors),
    )


def cpu_row(label: str, run: Generations) -> Row:
    return Row(f"app CPU per generation, {label}", ms(run.cpu), "-", "gunicorn master and workers", "reported", "-")


def stress_pace_rows(server: harness.AppServer, provider_url: str, tokens: list[str], plan: Plan) -> list[Row]:
    """At the stress pace: the 50-user target (median), one user alone and 50 starting at the same instant every
    round for comparison, and the app's CPU per generation at 50 users."""
    warm_up(server, tokens)
    alone = generations(server, provider_url, tokens, users=1, per_user=plan.overhead_requests)
    fifty = generations(server, provider_url, tokens, users=USERS, per_user=plan.overhead_requests)
    burst = generations(server, provider_url, tokens, users=USERS, per_user=plan.overhead_requests, burst=True)
    return [
        overhead_row("1 user, stress pace", alone),
        overhead_row(
            f"{USERS} users, stress pace",
            fifty,
            target="median <= 50 ms",
            passed=harness.median(fifty.overheads) <= 0.050,
        ),
        overhead_row(f"{USERS} users starting at the same instant, stress pace", burst),
        cpu_row(f"{USERS} users, stress pace", fifty),
    ]


def hosted_pace_rows(server: harness.AppServer, provider_url: str, tokens: list[str], plan: Plan) -> list[Row]:
    """At a hosted model's pace: the 50-user target, the p99 overhead as a share of the provider's own time."""
    warm_up(server, tokens)
    run = generations(server, provider_url, tokens, users=USERS, per_user=plan.overhead_requests)
    share = harness.percentile(run.overheads, 0.99) / run.provider
    return [
        overhead_row(
            f"{USERS} users, hosted model's pace",
            run,
            target="p99 <= 5% of provider's",
            passed=share <= 0.05,
        ),
        cpu_row(f"{USERS} users, hosted model's pace", run),
    ]


def first_tweet_row(server: harness.AppServer, provider_url: str, tokens: list[str], plan: Plan) -> Row:
    """The first `tweet` event of a stream, after the moment a direct client sees the provider finish its first
    tweet (the median of direct calls), one stream at a time."""
    direct = [harness.provider_direct(provider_url) for _ in range(plan.first_tweet_requests)]
    reference = harness.median([answer.first_tweet or 0.0 for answer in direct])
    answers = [harness.generate_stream(server.url, tokens[index]) for index in range(plan.first_tweet_requests)]
    delays = [answer.first_tweet - reference for answer in answers if answer.first_tweet is not None]
    errors = len(answers) - len(delays)
    p99 = harness.percentile(delays, 0.99)
    return Row(
        "first tweet after the provider's, SSE" + (f", {errors} errors" if errors else ""),
        ms(harness.median(delays)),
        ms(p99),
        f"provider's first tweet {ms(reference)}",
        "p99 <= 50 ms",
        verdict(errors == 0 and p99 <= 0.050),
    )


def capacity_row(tokens: list[str], plan: Plan) -> Row:
    streams, seconds = plan.capacity_streams, plan.capacity_seconds
    characters = TWEETS * 110
    chunk_delay = (seconds - 1.0) / (characters / 16)
    with (
        harness.fake_provider(harness.Pace(first_token=1.0, chunk_delay=chunk_delay), tweets=TWEETS) as provider_url,
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
    # A stream that queued inside a worker for a thread sees its first tweet a whole stream length after the rest.
    firsts = [answer.first_tweet or math.inf for answer in ok]
    queued = sum(1 for first in firsts if first > harness.median(firsts) + seconds / 2)
    return Row(
        f"capacity: {streams} streams of {seconds:.0f} s held open, {errors} errors, peak RSS {mib:.0f} MiB",
        f"{harness.median([answer.elapsed for answer in ok]):.2f} s",
        f"{harness.percentile([answer.elapsed for answer in ok], 0.99):.2f} s",
        f"provider {seconds:.0f} s; {queued} first tweets {seconds / 2:.1f} s after the median (queued)",
        "300 streams, 0 errors, < 1024 MiB",
        verdict(errors == 0 and mib < 1024, quick=streams < 300),
    )


def history_rows(server: harness.AppServer, token: str, plan: Plan) -> list[Row]:
    """The history list as served, 16 keep-alive clients; the bare view on the same server for comparison. A
    second of requests first, unmeasured, so every worker has loaded what the first request loads."""
    clients = 16
    rows = []
    for name, path, target in (
        ("GET /api/v1/threads (50 threads)", "/api/v1/threads?page_size=50", "p99 <= 50 ms"),
        ("bare Django view", "/bench/bare", "comparison"),
    ):
        harness.throughput(server.url, path, token=token, clients=clients, seconds=1.0)
        cpu_before = server.cpu_seconds()
        answers = harness.throughput(server.url, path, token=token, clients=clients, seconds=plan.history_seconds)
        cpu = (server.cpu_seconds() - cpu_before) / len(answers)
        latencies = [answer.elapsed for answer in answers if answer.status == 200]
        errors = len(answers) - len(latencies)
        p99 = harness.percentile(latencies, 0.99)
        rows.append(
            Row(
                f"{name}, {clients} clients" + (f", {errors} errors" if errors else ""),
                ms(harness.median(latencies)),
                ms(p99),
                f"{len(latencies) / plan.history_seconds:.0f} req/s, app CPU {ms(cpu)} a request",
                target,
                verdict(errors == 0 and (target == "comparison" or p99 <= 0.050)),
            )
        )
    return rows


def idle_connections_row(server: harness.AppServer, plan: Plan) -> Row:
    """/health every 0.1 s while IDLE_CONNECTIONS connections that send nothing stay open (each one the server
    drops is opened again at once), for `plan.idle_seconds`."""
    probes = []
    with connections.idle_connections(server.url, IDLE_CONNECTIONS) as reopened:
        end = time.monotonic() + plan.idle_seconds
        while time.monotonic() < end:
            probes.append(connections.health_seconds(server.url, timeout=5.0))
            time.sleep(0.1)
    answered = [seconds for seconds in probes if seconds < math.inf]
    worst = max(probes)
    return Row(
        f"GET /health while {IDLE_CONNECTIONS} idle connections stay open {plan.idle_seconds:.0f} s, "
        f"{server.workers} workers x {server.threads} threads",
        ms(harness.median(answered)) if answered else "-",
        ms(harness.percentile(answered, 0.99)) if answered else "-",
        f"max {ms(worst) if worst < math.inf else 'no answer in 5 s'}, {len(probes)} probes, "
        f"{reopened[0]} idle connections dropped by the server (and reopened)",
        "max < 1 s",
        verdict(worst < 1.0, quick=plan.idle_seconds < 30),
    )


def slowloris_row(server: harness.AppServer, plan: Plan) -> Row:
    """Slowloris clients (a header line every 3 s, never the end of the headers) added `plan.slowloris_step` at a
    time until /health does not answer within a second twice in a row: how many the host held until then."""
    held = 0
    with connections.Drippers(server.url, interval=3.0) as drippers:
        while held < 10 * server.workers * server.threads:
            drippers.add(plan.slowloris_step)
            time.sleep(0.5)
            if all(connections.health_seconds(server.url, timeout=1.0) > 1.0 for _ in range(2)):
                break
            held += plan.slowloris_step
    return Row(
        "slowloris clients held with GET /health still answering within 1 s",
        f"{held}",
        "-",
        f"{plan.slowloris_step} more stalled it; {server.workers} workers x {server.threads} threads = "
        f"{server.workers * server.threads}",
        "reported",
        "-",
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
        target = item["target_ms"]
        rows.append(
            Row(
                item["figure"],
                f"{item['median_ms']:.3f} ms",
                f"{item['p99_ms']:.3f} ms",
                "-",
                f"median < {target:.0f} ms" if target else "-",
                verdict(target is None or item["median_ms"] < target),
            )
        )
    return rows


def print_table(rows: list[Row], machine: dict[str, str]) -> None:
    headers = Row("figure", "median", "p99", "reference", "target", "result")
    widths = [max(len(getattr(row, name)) for row in [headers, *rows]) for name in Row.__dataclass_fields__]
    line = "| " + " | ".join("{:<" + str(width) + "}" for width in widths) + " |"
    print(line.format(*headers.__dict__.values()))
    print("|" + "|".join("-" * (width + 2) for width in widths) + "|")
    for row in rows:
        print(line.format(*row.__dict__.values()))
    print()
    print("machine: " + ", ".join(f"{key} {value}" for key, value in machine.items()))
    print(
        f"server: gunicorn.conf.py (gthread), {WORKERS} workers x {THREADS} threads, database pool {POOL} per worker; "
        f"the idle-connection row at its defaults, {DEFAULT_WORKERS} x {DEFAULT_THREADS}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small counts, to check the harness")
    quick = parser.parse_args().quick
    plan = QUICK if quick else FULL
    started = time.monotonic()
    machine = harness.machine(harness.BENCH_DATABASE_URL)
    ticks = harness.cpu_ticks()
    harness.database_reset()
    harness.redis_flush()
    tokens = harness.seed(max(plan.capacity_streams, USERS, plan.first_tweet_requests), history_threads=50)["tokens"]
    history_token, generation_tokens = tokens[0], tokens[1:] + tokens[:1]
    with (
        harness.fake_provider(FAST_PROVIDER, tweets=TWEETS) as provider_url,
        app_server(provider_url=provider_url) as server,
    ):
        rows = history_rows(server, history_token, plan)  # before generations add threads to the list
        rows += stress_pace_rows(server, provider_url, generation_tokens, plan)
        rows.append(first_tweet_row(server, provider_url, generation_tokens, plan))
        rows.append(slowloris_row(server, plan))  # last on this server: it leaves every thread busy a moment
    with (
        harness.fake_provider(FAST_PROVIDER, tweets=TWEETS) as provider_url,
        harness.app_server(
            provider_url=provider_url, workers=DEFAULT_WORKERS, threads=DEFAULT_THREADS, pool_size=POOL
        ) as server,
    ):
        rows.append(idle_connections_row(server, plan))
    with (
        harness.fake_provider(REAL_PACE_PROVIDER, tweets=TWEETS) as provider_url,
        app_server(provider_url=provider_url) as server,
    ):
        rows += hosted_pace_rows(server, provider_url, generation_tokens, plan)
    rows.append(capacity_row(generation_tokens, plan))
    rows += library_rows(plan)
    machine["load average at end"] = " ".join(f"{value:.2f}" for value in os.getloadavg())
    stolen = harness.stolen_share(ticks, harness.cpu_ticks())
    machine["CPU time stolen by the hypervisor during the run"] = f"{stolen:.0%}"
    print_table(rows, machine)
    print(f"took {time.monotonic() - started:.0f} s")
    over = [row.figure for row in rows if row.result == "FAIL"]
    if over and not quick:
        sys.exit("over budget: " + "; ".join(over))


if __name__ == "__main__":
    main()
