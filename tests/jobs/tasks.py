"""Tasks only the tests declare. Each leaves a trace a test can read from another process: a line appended to the
file JOBS_TEST_LOG names (one write per line, so lines from several workers never mix)."""

from __future__ import annotations

import os
import threading
from datetime import datetime
from pathlib import Path

from django.db import transaction
from procrastinate import App

from threadr.lib import jobs
from threadr.lib.jobs import queue


def trace(note: str) -> None:
    line = f"{note} {os.getpid()}\n".encode()
    descriptor = os.open(os.environ["JOBS_TEST_LOG"], os.O_WRONLY | os.O_APPEND | os.O_CREAT)
    try:
        os.write(descriptor, line)
    finally:
        os.close(descriptor)


def traces(log: Path) -> list[tuple[str, int]]:
    """(note, worker pid) for every run, in order."""
    if not log.exists():
        return []
    return [(note, int(pid)) for note, pid in (line.rsplit(" ", 1) for line in log.read_text().splitlines())]


@jobs.task(name="tests.record")
def record(*, note: str) -> None:
    trace(note)


@jobs.task(name="tests.flaky", backoff=jobs.Backoff(retries=2, first=0))
def flaky(*, note: str, failures: int) -> None:
    """Fails its first `failures` runs."""
    trace(note)
    runs = sum(1 for seen, _ in traces(Path(os.environ["JOBS_TEST_LOG"])) if seen == note)
    if runs <= failures:
        raise RuntimeError(f"run {runs} of {note} fails")


@jobs.task(name="tests.rate_limited")
def rate_limited(*, note: str, reset: str) -> None:
    """Told by the service it calls to come back at `reset` (ISO 8601)."""
    trace(note)
    raise jobs.RetryLater(at=datetime.fromisoformat(reset))


@jobs.task(name="tests.hangs_once")
def hangs_once(*, note: str) -> None:
    """Its first run never ends (until its worker is killed); a second run returns."""
    trace(note)
    if sum(1 for seen, _ in traces(Path(os.environ["JOBS_TEST_LOG"])) if seen == note) == 1:
        threading.Event().wait()


@jobs.task(name="tests.hand_on", backoff=jobs.Backoff(retries=0))
def hand_on(*, note: str, then_fail: bool) -> None:
    """Defers `record(note)` in its own transaction, which fails afterwards if `then_fail`."""
    with transaction.atomic():
        jobs.defer(record, note=note)
        if then_fail:
            raise RuntimeError("the task failed after deferring")


def on_app_ready(app: App) -> None:
    queue.register(app, with_periodic=False)
