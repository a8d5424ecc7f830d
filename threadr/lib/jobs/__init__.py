"""Background jobs: apps declare tasks and periodic tasks here; `defer` queues a job in the caller's transaction.

With PostgreSQL, Procrastinate keeps the queue in the database (`procrastinate.contrib.django`, installed by the
settings only then: its migrations are PostgreSQL SQL) and `manage.py procrastinate worker` runs the jobs. `defer`
writes the job through Django's own connection, so it commits or rolls back with the caller's rows: a job never
runs for a row that was not saved, and a saved row always has its job.

Without PostgreSQL (`make run` on SQLite) there is no queue and no worker: `defer` runs the task in this process
once the caller's transaction commits (once, without retries), and periodic tasks do not run (each has a management
command that does the same work by hand). Procrastinate is never imported on that path.

Layers: this package defines the seam and imports no app. Each app declares its tasks in its own `tasks.py`
(Procrastinate's Django integration imports every installed app's `tasks` module when it starts), and
`queue.on_app_ready` hands them to Procrastinate; only `queue.py` and `metrics.py` import it. A task is a plain
function of JSON-serialisable keyword arguments. It must be safe to run twice (a worker that dies mid-job leaves the
job to run again), so the rows it works on, not the job, say what is left to do.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

from django.apps import apps
from django.db import transaction
from django.utils import timezone

logger = logging.getLogger(__name__)

PROCRASTINATE_APP = "procrastinate.contrib.django"
DEFAULT_QUEUE = "default"
PERIODIC_QUEUE = "periodic"


class RetryLater(Exception):
    """Raise from a task to run it again at `at` (a rate limit's reset, say): the job goes back to the queue for
    then instead of failing, whatever its retries. Never sleep in a task; raise this."""

    def __init__(self, at: datetime) -> None:
        super().__init__(f"retry at {at.isoformat()}")
        self.at = at


class JobsUnavailable(Exception):
    """What was asked needs the PostgreSQL queue (a job for later), and this installation has none."""


@dataclass(frozen=True)
class Backoff:
    """How a failed job is retried: up to `retries` more runs, the first `first` seconds after the failure, each
    wait doubling up to `ceiling`. Then the job is marked failed (listed in the admin's Procrastinate jobs for 30
    days)."""

    retries: int = 5
    first: int = 10
    ceiling: int = 3600

    def wait(self, attempts: int) -> int:
        """Seconds before the next run, given how many runs have failed before this one."""
        return int(min(self.first * 2**attempts, self.ceiling))


@dataclass(frozen=True)
class Task:
    """A declared task. Call it to run it here and now (commands, tests); `defer(task, ...)` to queue it."""

    name: str
    func: Callable[..., None]
    queue: str = DEFAULT_QUEUE
    backoff: Backoff = Backoff()

    def __call__(self, **kwargs: Any) -> None:
        self.func(**kwargs)


@dataclass(frozen=True)
class Periodic:
    """A task that workers defer on a schedule (`cron`: five fields, UTC; a sixth, last, for seconds)."""

    task: Task
    cron: str


_tasks: dict[str, Task] = {}
_periodic: dict[str, Periodic] = {}


def task(
    *, name: str, queue: str = DEFAULT_QUEUE, backoff: Backoff = Backoff()
) -> Callable[[Callable[..., None]], Task]:
    """Declare a task, in an app's `tasks.py`. `name` is stored with every job (`app.what`): never rename one that
    may still be queued."""

    def declare(func: Callable[..., None]) -> Task:
        if name in _tasks and _tasks[name].func is not func:
            raise ValueError(f"Two tasks are named {name!r}.")
        declared = _tasks[name] = Task(name=name, func=func, queue=queue, backoff=backoff)
        return declared

    return declare


def periodic(*, name: str, cron: str, backoff: Backoff = Backoff(retries=0)) -> Callable[[Callable[[], None]], Task]:
    """Declare a task that workers run on a schedule: a function of no arguments. Several workers defer each run
    once between them. A periodic run that fails is not retried by default: the next run does its work."""

    def declare(func: Callable[[], None]) -> Task:
        declared = task(name=name, queue=PERIODIC_QUEUE, backoff=backoff)(func)
        _periodic[name] = Periodic(task=declared, cron=cron)
        return declared

    return declare


def declared_tasks() -> dict[str, Task]:
    return dict(_tasks)


def periodic_tasks() -> dict[str, Periodic]:
    return dict(_periodic)


def queue_in_database() -> bool:
    """Whether jobs go to the PostgreSQL queue (and a worker runs them), or run in-process after commit."""
    return apps.is_installed(PROCRASTINATE_APP)


def collectors() -> list[Any]:
    """The queue's /metrics collectors (none without the PostgreSQL queue)."""
    if not queue_in_database():
        return []
    from threadr.lib.jobs.metrics import QueueCollector

    return [QueueCollector()]


def defer(task: Task, /, *, at: datetime | None = None, once: str | None = None, **kwargs: Any) -> int | None:
    """Queue `task(**kwargs)` in the caller's transaction, to run now or at `at`; returns the job's id, or None
    when no job was queued. With a `once` key, at most one job with that key waits to start: a request that would
    run no earlier than the waiting job is dropped, one for earlier replaces it (a job already running holds no
    key, so a task may queue its own next run). Without the PostgreSQL queue: `defer_in_process`."""
    if not queue_in_database():
        defer_in_process(task, at=at, **kwargs)
        return None
    from threadr.lib.jobs import queue

    return queue.defer(task, at=at, once=once, kwargs=kwargs)


def defer_in_process(task: Task, /, *, at: datetime | None = None, **kwargs: Any) -> None:
    """The path without PostgreSQL: run the task in this process after the caller's transaction commits (at once
    outside a transaction; never if it rolls back). A failure is logged, not retried."""
    if at is not None and at > timezone.now():
        raise JobsUnavailable(f"Running {task.name} later needs the PostgreSQL job queue.")
    transaction.on_commit(partial(_run_in_process, task, kwargs))


def _run_in_process(task: Task, kwargs: dict[str, Any]) -> None:
    try:
        task(**kwargs)
    except Exception:
        logger.exception("Task %s failed (in-process, not retried).", task.name)
