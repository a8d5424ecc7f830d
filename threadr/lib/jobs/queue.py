"""The PostgreSQL queue behind `threadr.lib.jobs`: Procrastinate's Django integration. Imported only when
`procrastinate.contrib.django` is installed (the database is PostgreSQL)."""

from __future__ import annotations

import logging
from datetime import datetime
from functools import partial
from typing import Any

from django.conf import settings
from django.db import transaction
from procrastinate import App, BaseRetryStrategy, RetryDecision, exceptions
from procrastinate.contrib.django.django_connector import DjangoConnector
from procrastinate.contrib.django.models import ProcrastinateJob
from procrastinate.jobs import Job

from threadr.lib.jobs import PERIODIC_QUEUE, Backoff, RetryLater, Task, declared_tasks, periodic_tasks

logger = logging.getLogger(__name__)

# Jobs are written through Django's connection, so they join the caller's transaction. Procrastinate's app uses
# Django's connection too, except in a worker, where the `procrastinate` command swaps in a pooled connector of its
# own: a task that defers a job would then queue it outside its transaction. This app only defers and cancels (by
# task name, so it needs no task of its own), and always through Django's connection.
_deferring = App(connector=DjangoConnector())


def defer(task: Task, *, at: datetime | None, once: str | None, kwargs: dict[str, Any]) -> int | None:
    job_id = _defer(task, at=at, once=once, kwargs=kwargs)
    if job_id is not None or once is None:
        return job_id
    # A job with this key waits already. If it waits for later than this one asks, it would hold the key (and so
    # hold back every earlier request) until then: cancel it and queue this one instead.
    waiting = ProcrastinateJob._default_manager.filter(queueing_lock=once, status="todo").first()
    if waiting is not None and not _later(waiting.scheduled_at, than=at):
        return None
    if waiting is not None:
        _deferring.job_manager.cancel_job_by_id(waiting.id)
    return _defer(task, at=at, once=once, kwargs=kwargs)


def _defer(task: Task, *, at: datetime | None, once: str | None, kwargs: dict[str, Any]) -> int | None:
    deferrer = _deferring.configure_task(task.name, queue=task.queue, schedule_at=at, queueing_lock=once)
    try:
        # A savepoint: a job refused for its `once` key must not break the caller's transaction.
        with transaction.atomic():
            return deferrer.defer(**kwargs)
    except exceptions.AlreadyEnqueued:
        return None


def _later(scheduled: datetime | None, *, than: datetime | None) -> bool:
    """Whether a job scheduled for `scheduled` (None: as soon as possible) runs after one for `than`."""
    return scheduled is not None and (than is None or scheduled > than)


class RetryPolicy(BaseRetryStrategy):
    """A task's Backoff as Procrastinate's retry strategy; RetryLater puts the job back for its time, whatever the
    count."""

    def __init__(self, backoff: Backoff) -> None:
        self.backoff = backoff

    def get_retry_decision(self, *, exception: BaseException, job: Job) -> RetryDecision | None:
        if isinstance(exception, RetryLater):
            return RetryDecision(retry_at=exception.at)
        if job.attempts >= self.backoff.retries:
            return None
        return RetryDecision(retry_in={"seconds": self.backoff.wait(job.attempts)})


def on_app_ready(app: App) -> None:
    """PROCRASTINATE_ON_APP_READY: Procrastinate has imported every app's `tasks` module; give it the tasks."""
    register(app)


def register(app: App, *, with_periodic: bool = True) -> None:
    """Add the declared tasks to Procrastinate's app, and the queue's own upkeep; `with_periodic=False` for a worker
    that should run only what is deferred to it (the tests' workers, which defer periodic tasks themselves)."""
    scheduled = {name: entry.cron for name, entry in periodic_tasks().items()}
    for name, declared in declared_tasks().items():
        func = partial(_run_periodic, declared) if name in scheduled else declared.func
        app.task(name=name, queue=declared.queue, retry=RetryPolicy(declared.backoff))(func)
    app.task(name=RETRY_STALLED, queue=PERIODIC_QUEUE)(partial(_retry_stalled, app))
    app.task(name=PRUNE_FINISHED, queue=PERIODIC_QUEUE)(partial(_prune_finished, app))
    scheduled |= {RETRY_STALLED: "* * * * *", PRUNE_FINISHED: "53 * * * *"}
    if with_periodic:
        for name, cron in scheduled.items():
            app.periodic(cron=cron, periodic_id=name)(app.tasks[name])


RETRY_STALLED = "jobs.retry_stalled"
PRUNE_FINISHED = "jobs.prune_finished"
# Jobs that gave up (or were cancelled) stay listed in the admin this long; jobs that succeeded are deleted at once.
KEEP_FINISHED_HOURS = 30 * 24


async def _retry_stalled(app: App, *, timestamp: int) -> None:
    """Jobs left running by a worker that stopped sending heartbeats (killed, or its host lost) go back to the
    queue for another worker: tasks are safe to run twice."""
    stalled = await app.job_manager.get_stalled_jobs(seconds_since_heartbeat=settings.JOBS_STALLED_AFTER)
    for job in stalled:
        logger.warning("Job %s (%s) was left running by a lost worker: queued again.", job.id, job.task_name)
        await app.job_manager.retry_job(job)


def _run_periodic(declared: Task, *, timestamp: int) -> None:
    # Procrastinate passes each periodic run its scheduled time; the tasks read the clock themselves.
    declared()


async def _prune_finished(app: App, *, timestamp: int) -> None:
    await app.job_manager.delete_old_jobs(
        nb_hours=KEEP_FINISHED_HOURS, include_failed=True, include_cancelled=True, include_aborted=True
    )
