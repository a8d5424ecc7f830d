"""The pieces `bench/run.py` puts together: a bench database, the app under gunicorn exactly as production runs it,
the fake provider in its own process, a thread-based load generator speaking raw HTTP, and the statistics."""

from __future__ import annotations

import http.client
import json
import os
import platform
import random
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import psycopg

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
BENCH_DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/threadr_bench")
BENCH_REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
ARTICLE = (
    "Teams that ship often share one habit: they make small changes and look at the result before the next one. "
    "The cost of a slow feedback loop rarely shows on a dashboard. It shows up as engineers switching context "
    "while they wait, and as bugs found by customers instead of tests. Shorter loops make every change cheaper. "
) * 4


# --- statistics ---------------------------------------------------------------------------------------------
def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))] if ordered else float("nan")


def median(samples: list[float]) -> float:
    return statistics.median(samples) if samples else float("nan")


# --- the machine --------------------------------------------------------------------------------------------
def cpu_ticks() -> tuple[int, int]:
    """(all, stolen): the machine's CPU time so far, and the part the hypervisor gave to other guests."""
    fields = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return sum(fields[:8]), fields[7]


def stolen_share(start: tuple[int, int], end: tuple[int, int]) -> float:
    """How much of the CPU time between two `cpu_ticks` readings this virtual machine did not get."""
    return (end[1] - start[1]) / max(1, end[0] - start[0])


def machine(database_url: str) -> dict[str, str]:
    memory_kb = next(
        int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")
    )
    with psycopg.connect(database_url, dbname="postgres") as connection:
        version = connection.execute("SHOW server_version").fetchone()
    load = " ".join(f"{value:.2f}" for value in os.getloadavg())
    return {
        "cores": str(os.cpu_count()),
        "memory": f"{memory_kb / 1024 / 1024:.1f} GiB",
        "python": platform.python_version(),
        "postgresql": str(version[0]) if version else "?",
        "load average at start": load,
    }


# --- database and users -------------------------------------------------------------------------------------
def app_env(**extra: str) -> dict[str, str]:
    """Production settings for a plain-HTTP local run, on the bench database and Redis db."""
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "bench-" + os.urandom(16).hex(),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "DATABASE_URL": BENCH_DATABASE_URL,
        "REDIS_URL": BENCH_REDIS_URL,
        "GENERATION_RATE_PER_USER": "1000000",
        "GENERATION_RATE_PER_IP": "1000000",
        "PREMIUM_DAILY_CEILING": "1000000",
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "threadr.settings",
    }
    env.update(extra)
    return env


def database_reset() -> None:
    """Drop and recreate the bench database, then migrate it: every run starts from the same empty state."""
    name = urlsplit(BENCH_DATABASE_URL).path.lstrip("/")
    with psycopg.connect(BENCH_DATABASE_URL, dbname="postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    subprocess.run([PYTHON, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=app_env(), check=True)


def seed(users: int, history_threads: int) -> dict[str, Any]:
    """Premium users with API tokens, the first of them owning `history_threads` threads; returns their tokens."""
    result = subprocess.run(
        [PYTHON, str(ROOT / "bench" / "seed.py"), str(users), str(history_threads)],
        cwd=ROOT,
        env=app_env(),
        check=True,
        capture_output=True,
        text=True,
    )
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


def redis_flush() -> None:
    import redis

    redis.Redis.from_url(BENCH_REDIS_URL).flushdb()


# --- processes ----------------------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass(frozen=True)
class Pace:
    """How fast the fake provider answers."""

    first_token: float  # seconds before the first token
    chunk_delay: float  # seconds between chunks of 16 characters


@contextmanager
def fake_provider(pace: Pace, *, tweets: int = 6) -> Iterator[str]:
    """The fake OpenAI-compatible server in a subprocess; yields its base URL (ending in /v1). It runs at the lowest
    CPU priority: it stands in for another company's machine (bench/fake_provider.py)."""
    process = subprocess.Popen(
        [
            PYTHON,
            str(ROOT / "bench" / "fake_provider.py"),
            "--first-token",
            str(pace.first_token),
            "--chunk-delay",
            str(pace.chunk_delay),
            "--tweets",
            str(tweets),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        port = int(process.stdout.readline())
        yield f"http://127.0.0.1:{port}/v1"
    finally:
        process.terminate()
        process.wait(timeout=10)


@dataclass
class AppServer:
    url: str
    process: subprocess.Popen[bytes]
    workers: int
    threads: int

    def rss_bytes(self) -> int:
        """Resident memory of the gunicorn master and all its workers."""
        pids = [self.process.pid, *_children(self.process.pid)]
        total = 0
        for pid in pids:
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            total += next(int(line.split()[1]) * 1024 for line in status.splitlines() if line.startswith("VmRSS"))
        return total

    def cpu_seconds(self) -> float:
        """CPU time (user and system) of the gunicorn master and its workers so far, including workers that have
        exited: the master counts the CPU of the children it reaped."""
        total = 0
        for pid in [self.process.pid, *_children(self.process.pid)]:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            # proc(5) fields 14-17 (the split starts at field 3): utime, stime, and the reaped children's.
            total += sum(int(value) for value in fields[11:15])
        return total / os.sysconf("SC_CLK_TCK")


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        children = (task / "children").read_text().split()
        found.extend(int(child) for child in children)
    return found


@contextmanager
def app_server(
    *, provider_url: str, workers: int, threads: int, pool_size: int, **settings: str
) -> Iterator[AppServer]:
    """Gunicorn with gunicorn.conf.py (gthread), DEBUG off, PostgreSQL and Redis, the OpenAI engine on the fake.
    `settings` are extra environment variables for the app."""
    port = free_port()
    env = app_env(
        **settings,
        PORT=str(port),
        WEB_CONCURRENCY=str(workers),
        GUNICORN_THREADS=str(threads),
        DB_POOL_MAX_SIZE=str(pool_size),
        OPENAI_API_KEY="sk-threadr-bench",
        OPENAI_BASE_URL=provider_url,
        OPENAI_MODEL="fake-model",
        THREADR_ENGINE="openai",
    )
    command = [PYTHON, "-m", "gunicorn", "-c", "gunicorn.conf.py", "--access-logfile", "/dev/null"]
    process = subprocess.Popen([*command, "bench.bare_wsgi:application"], cwd=ROOT, env=env)
    server = AppServer(f"http://127.0.0.1:{port}", process, workers, threads)
    try:
        _wait_until_up(server)
        yield server
    finally:
        process.terminate()
        process.wait(timeout=40)


def _wait_until_up(server: AppServer, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError("gunicorn exited during start-up")
        try:
            if request(server.url, "GET", "/bench/bare").status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer within a minute")


# --- HTTP ---------------------------------------------------------------------------------------------------
@dataclass
class Answer:
    status: int
    elapsed: float  # seconds until the whole body was read
    first_tweet: float | None = None  # seconds until the first tweet arrived (streams and direct provider calls)
    events: list[str] = field(default_factory=list)
    marker: str = ""  # the marker in the article sent, which the fake provider files its own time under


def connection_to(base_url: str, timeout: float = 120) -> http.client.HTTPConnection:
    parts = urlsplit(base_url)
    return http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=timeout)


def request(
    base_url: str,
    method: str,
    path: str,
    *,
    token: str | None = None,
    body: Any = None,
    connection: http.client.HTTPConnection | None = None,
) -> Answer:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    data = None
    if body is not None:
        headers["Content-Type"] = "application/json"
        data = json.dumps(body).encode()
    own = connection is None
    client = connection or connection_to(base_url)
    started = time.perf_counter()
    try:
        client.request(method, path, body=data, headers=headers)
        response = client.getresponse()
        response.read()
        return Answer(response.status, time.perf_counter() - started)
    finally:
        if own:
            client.close()


def generate_stream(base_url: str, token: str) -> Answer:
    """A streamed generation: the time of the first `tweet` event and of the end of the stream."""
    client = connection_to(base_url)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json", "Accept": "text/event-stream"}
    started = time.perf_counter()
    try:
        client.request("POST", "/api/v1/generations", body=json.dumps({"text": ARTICLE}), headers=headers)
        response = client.getresponse()
        answer = Answer(response.status, 0.0)
        for raw in response:
            line = raw.decode()
            if line.startswith("event:"):
                event = line[6:].strip()
                answer.events.append(event)
                if event == "tweet" and answer.first_tweet is None:
                    answer.first_tweet = time.perf_counter() - started
        answer.elapsed = time.perf_counter() - started
        return answer
    finally:
        client.close()


def marked_article() -> tuple[str, str]:
    """(marker, article): the article with a marker of its own, for `provider_timings`."""
    marker = os.urandom(6).hex()
    return marker, f"{ARTICLE}Bench request {marker}."


def generate_json(base_url: str, token: str) -> Answer:
    marker, article = marked_article()
    answer = request(base_url, "POST", "/api/v1/generations", token=token, body={"text": article})
    answer.first_tweet = answer.elapsed  # a JSON answer shows its first tweet when the whole thread arrives
    answer.marker = marker
    return answer


def provider_direct(provider_url: str) -> Answer:
    """The reference: the same streamed completion asked of the fake provider directly, no app in between."""
    client = connection_to(provider_url)
    marker, article = marked_article()
    body = {"model": "fake-model", "stream": True, "messages": [{"role": "user", "content": article}]}
    started = time.perf_counter()
    try:
        client.request("POST", "/v1/chat/completions", body=json.dumps(body), headers={"Content-Type": "text/json"})
        response = client.getresponse()
        text = ""
        answer = Answer(response.status, 0.0, marker=marker)
        for raw in response:
            line = raw.decode().strip()
            if not line.startswith("data: {"):
                continue
            delta = json.loads(line[6:])["choices"][0]["delta"]
            text += delta.get("content") or ""
            if answer.first_tweet is None and "\n---\n" in text:
                answer.first_tweet = time.perf_counter() - started
        answer.elapsed = time.perf_counter() - started
        return answer
    finally:
        client.close()


def provider_timings(provider_url: str, markers: set[str], timeout: float = 5.0) -> dict[str, float]:
    """The fake provider's own time for each completion it served, by the marker in the article (seconds). It files
    a completion's time just after the reply's last byte, which the app may pass on first: wait for `markers`."""
    deadline = time.monotonic() + timeout
    while True:
        client = connection_to(provider_url)
        try:
            client.request("GET", "/bench/timings")
            timings = dict(json.loads(client.getresponse().read()))
        finally:
            client.close()
        if markers <= timings.keys() or time.monotonic() > deadline:
            return timings
        time.sleep(0.05)


def concurrently(action: Callable[[int], Answer], *, users: int, per_user: int, stagger: float = 0.0) -> list[Answer]:
    """`users` threads, each calling `action` `per_user` times back to back (a closed loop). With `stagger`, each
    user starts at its own moment within the first `stagger` seconds (the same moments every run), as people
    working independently do; without it, all start at the same instant and stay in step, a burst each round."""

    def user(index: int) -> list[Answer]:
        time.sleep(random.Random(index).uniform(0, stagger))
        return [action(index) for _ in range(per_user)]

    with ThreadPoolExecutor(max_workers=users) as pool:
        return [answer for answers in pool.map(user, range(users)) for answer in answers]


def throughput(base_url: str, path: str, *, token: str, clients: int, seconds: float) -> list[Answer]:
    """GETs over keep-alive connections from `clients` threads for `seconds`; every answer, failures included."""
    stop = time.monotonic() + seconds

    def client(_: int) -> list[Answer]:
        answers: list[Answer] = []
        connection = connection_to(base_url, timeout=30)
        while time.monotonic() < stop:
            try:
                answers.append(request(base_url, "GET", path, token=token, connection=connection))
            except (OSError, http.client.HTTPException):
                answers.append(Answer(0, 0.0))
                connection.close()
                connection = connection_to(base_url, timeout=30)
        connection.close()
        return answers

    with ThreadPoolExecutor(max_workers=clients) as pool:
        return [answer for answers in pool.map(client, range(clients)) for answer in answers]
