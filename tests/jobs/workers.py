"""Real Procrastinate workers for tests: `manage.py procrastinate worker` processes on the test database.

Use them from transactional tests (`@pytest.mark.django_db(transaction=True)`): a worker is another process, so it
sees only committed rows. The `job_workers` fixture (tests/conftest.py) starts them, stops them after the test and
empties the queue's tables before and after it (a transactional test's flush leaves them alone: Procrastinate's
models are unmanaged).

    def test_it_publishes(job_workers):
        workers = job_workers.start()       # one worker; start(2) for two
        ...defer something, commit...
        job_workers.drain()                 # until no job is due or running

`kill(process)` stops one as a lost host would; `wait_until(condition, what)` waits for anything else.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from django.db import connection

REPO = Path(__file__).resolve().parents[2]
QUEUE_TABLES = ("procrastinate_jobs", "procrastinate_periodic_defers", "procrastinate_events", "procrastinate_workers")
# How often an idle test worker looks for due jobs (it hears of new ones at once through LISTEN/NOTIFY): jobs that
# come due later (retries, `at`) are picked up this fast.
POLL_SECONDS = 0.1


def database_url() -> str:
    """The test database (pytest-django's `test_...` name) as a DATABASE_URL for another process."""
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def clear_queue() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(QUEUE_TABLES)} RESTART IDENTITY CASCADE")


def queue_counts() -> dict[str, int]:
    """Jobs by status, among those due (`todo` jobs waiting for a later time are not counted)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT status, count(*) FROM procrastinate_jobs"
            " WHERE status <> 'todo' OR scheduled_at IS NULL OR scheduled_at <= now() GROUP BY status"
        )
        return dict(cursor.fetchall())


class Workers:
    def __init__(self, *, log: Path) -> None:
        self.log = log
        self.processes: list[subprocess.Popen[bytes]] = []
        self.killed: set[int] = set()
        self.logs: dict[int, Path] = {}  # each worker's own log, by pid

    def start(
        self, count: int = 1, *, concurrency: int = 2, env: dict[str, str] | None = None, timeout: float = 60.0
    ) -> list[subprocess.Popen[bytes]]:
        """Start `count` worker processes (with `env` added to this process's environment, which may name settings of
        the test's own in DJANGO_SETTINGS_MODULE) and wait until each runs: registered with the queue, listening."""
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.jobs.worker_settings",
            "DB_POOL_MIN_SIZE": "1",
            **(env or {}),  # a test may name settings of its own (which start from tests.jobs.worker_settings)
            "DATABASE_URL": database_url(),
            "JOBS_TEST_LOG": str(self.log),
            "LOG_LEVEL": "INFO",  # its log says when it runs (start() waits for that), and what each job did
            "PYTHONUNBUFFERED": "1",
        }
        command = [
            sys.executable,
            str(REPO / "manage.py"),
            "procrastinate",
            "worker",
            f"--concurrency={concurrency}",
            f"--fetch-job-polling-interval={POLL_SECONDS}",
            "--shutdown-graceful-timeout=5",
        ]
        started = []
        for _ in range(count):
            # Its log goes to a file: a pipe nobody reads would block a worker that logs a lot.
            log = self.log.with_name(f"worker-{len(self.logs) + 1}.log")
            with log.open("wb") as output:
                process = subprocess.Popen(command, cwd=REPO, env=env, stdout=output, stderr=output)
            self.logs[process.pid] = log
            self.processes.append(process)
            started.append(process)
        for process in started:

            def running(log: Path = self.logs[process.pid]) -> bool:
                return "Starting worker" in log.read_text(errors="replace")

            self.wait_until(running, "a worker to start", timeout)
        return started

    def drain(self, timeout: float = 30.0) -> None:
        """Wait until no job is due or running: everything deferred so far has run (or failed for good, or waits
        for a later time)."""
        self.wait_until(lambda: not queue_counts().keys() & {"todo", "doing"}, "the queue to drain", timeout)

    def kill(self, process: subprocess.Popen[bytes]) -> None:
        """Kill a worker as a lost host would (SIGKILL: no goodbye, its running jobs left marked as running)."""
        process.kill()
        process.wait()
        self.killed.add(process.pid)

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)  # a graceful stop: running jobs finish first
        for process in self.processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.processes = []

    def wait_until(self, done: Callable[[], bool], what: str, timeout: float = 30.0) -> None:
        """Wait for `done()`, failing the test with the worker's log if a worker exits (unless killed) meanwhile."""
        deadline = time.monotonic() + timeout
        while not done():
            for process in self.processes:
                if process.poll() is not None and process.pid not in self.killed:
                    errors = self.logs[process.pid].read_text(errors="replace")
                    raise AssertionError(f"A worker exited ({process.returncode}) while waiting for {what}:\n{errors}")
            if time.monotonic() > deadline:
                raise AssertionError(f"Timed out after {timeout} s waiting for {what}; queue: {queue_counts()}")
            time.sleep(0.05)


@contextmanager
def running_workers(*, log: Path) -> Iterator[Workers]:
    clear_queue()
    workers = Workers(log=log)
    try:
        yield workers
    finally:
        workers.stop()
        clear_queue()
