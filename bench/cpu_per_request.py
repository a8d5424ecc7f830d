"""The app's CPU per request, measured in one process: `python bench/cpu_per_request.py [ROUNDS]` (100).

The wall-clock bench (`bench/run.py`) needs a quiet machine; the CPU a request costs does not. This script serves
requests through Django's test client in this process, with the settings `bench/run.py` gives gunicorn (DEBUG off,
PostgreSQL, Redis, the OpenAI engine against the fake provider in its own process at zero pace), and prints, for
each kind of request, the median process CPU time (`time.process_time`) and the database queries it makes.

It recreates the bench database (`BENCH_DATABASE_URL`) and uses the bench Redis db (`BENCH_REDIS_URL`), as
`bench/run.py` does: point both at your own when others share the machine.
"""

from __future__ import annotations

import cProfile
import gc
import importlib
import json
import os
import pstats
import statistics
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import harness

HISTORY_THREADS = 50


def cpu_of(action: Callable[[], int]) -> float:
    """CPU seconds one call of `action` costs; it returns the HTTP status it got. The database connection goes back
    to the pool after it, as a server's end of request does (the test client holds that back), so each request
    takes one from the pool as it would in gunicorn."""
    from django.db import close_old_connections

    started = time.process_time()
    status = action()
    close_old_connections()
    spent = time.process_time() - started
    if status >= 400:
        raise RuntimeError(f"the request answered {status}")
    return spent


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    harness.database_reset()
    harness.redis_flush()
    tokens = harness.seed(2, HISTORY_THREADS)["tokens"]
    with harness.fake_provider(harness.Pace(first_token=0, chunk_delay=0)) as provider_url:
        os.environ.update(
            harness.app_env(
                ALLOWED_HOSTS="testserver",
                OPENAI_API_KEY="sk-threadr-bench",
                OPENAI_BASE_URL=provider_url,
                OPENAI_MODEL="fake-model",
                THREADR_ENGINE="openai",
            )
        )
        # The bench's WSGI module: Threadr's application warmed as gunicorn starts it, plus the bare view.
        warnings.filterwarnings("ignore", message="No directory at")  # whitenoise: static files not collected
        importlib.import_module("bench.bare_wsgi")
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext

        # As gunicorn.conf.py's post_worker_init leaves a worker.
        gc.collect()
        gc.freeze()
        gc.set_threshold(2000, 10, 1)

        client = Client()
        history_token, generating_token = tokens  # generating moves only its own user's history version
        generation = json.dumps({"text": harness.ARTICLE})

        def generate() -> int:
            return client.post(
                "/api/v1/generations",
                generation,
                content_type="application/json",
                headers={"Authorization": f"Bearer {generating_token}"},
            ).status_code

        def history() -> int:
            return client.get(
                "/api/v1/threads?page_size=50", headers={"Authorization": f"Bearer {history_token}"}
            ).status_code

        def bare() -> int:
            return client.get("/bench/bare").status_code

        requests = {
            "POST /api/v1/generations (JSON)": (generate, 1),
            f"GET /api/v1/threads, {HISTORY_THREADS} threads, cached": (history, 4),
            "bare Django view": (bare, 4),
        }
        query_counts = {}
        for name, (action, _) in requests.items():
            for _ in range(5):  # warm: connections, the cached page, first-call imports
                cpu_of(action)
            with CaptureQueriesContext(connection) as queries:
                action()
            query_counts[name] = len(queries)  # now: the next request empties Django's query log
        # Round after round of every kind, so a change in the machine's speed meets all of them alike.
        samples: dict[str, list[float]] = {name: [] for name in requests}
        for _ in range(rounds):
            for name, (action, per_round) in requests.items():
                samples[name].extend(cpu_of(action) for _ in range(per_round))
        print(f"{'request':<48} {'CPU median':>11} {'p25-p75':>15} {'queries':>8}")
        for name, spent in samples.items():
            quartiles = statistics.quantiles(spent, n=4)
            print(
                f"{name:<48} {statistics.median(spent) * 1000:>8.2f} ms "
                f"{quartiles[0] * 1000:>6.2f}-{quartiles[2] * 1000:.2f} ms {query_counts[name]:>8}"
            )
        profiled = os.environ.get("PROFILE")  # e.g. PROFILE=threads: where that request's CPU goes
        if profiled:
            action = next(action for name, (action, _) in requests.items() if profiled in name)
            profile = cProfile.Profile()
            profile.runcall(lambda: [action() for _ in range(50)])
            rows = int(os.environ.get("PROFILE_ROWS", "30"))
            pstats.Stats(profile).sort_stats(os.environ.get("PROFILE_SORT", "tottime")).print_stats(rows)
        if os.environ.get("SHOW_QUERIES"):
            for name, (action, _) in requests.items():
                with CaptureQueriesContext(connection) as queries:
                    action()
                print(f"\n{name}:")
                for query in queries:
                    print("  ", query["sql"][:160])


if __name__ == "__main__":
    main()
