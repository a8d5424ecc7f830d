"""The job seam (threadr.lib.jobs) on the PostgreSQL queue, run by real worker processes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone
from procrastinate.contrib.django import app
from procrastinate.contrib.django.models import ProcrastinateJob, ProcrastinateWorker

from tests.jobs.tasks import flaky, hand_on, hangs_once, rate_limited, record, traces
from tests.jobs.workers import Workers, queue_counts
from threadr.lib import jobs
from threadr.lib.jobs.queue import PRUNE_FINISHED, RETRY_STALLED

pytestmark = pytest.mark.django_db(transaction=True)


def notes(workers: Workers) -> list[str]:
    return [note for note, _ in traces(workers.log)]


def test_it_runs_a_deferred_job_in_a_worker(job_workers: Workers) -> None:
    job_workers.start()
    with transaction.atomic():
        jobs.defer(record, note="hello")
    job_workers.drain()
    assert notes(job_workers) == ["hello"]


def test_it_never_runs_a_job_deferred_in_a_rolled_back_transaction(job_workers: Workers) -> None:
    job_workers.start()
    with transaction.atomic():
        jobs.defer(record, note="rolled back")
        transaction.set_rollback(True)
    jobs.defer(record, note="committed")
    job_workers.drain()
    assert notes(job_workers) == ["committed"]
    assert queue_counts() == {}


def test_a_job_deferred_by_a_task_belongs_to_the_tasks_transaction(job_workers: Workers) -> None:
    job_workers.start()
    jobs.defer(hand_on, note="handed on", then_fail=False)
    jobs.defer(hand_on, note="rolled back with its task", then_fail=True)
    job_workers.drain()
    assert notes(job_workers) == ["handed on"]


def test_it_retries_a_failing_job_with_backoff(job_workers: Workers) -> None:
    job_workers.start()
    jobs.defer(flaky, note="flaky", failures=2)
    job_workers.drain()
    assert notes(job_workers) == ["flaky"] * 3
    assert queue_counts() == {}  # succeeded on its third run, and deleted


def test_it_gives_up_after_the_last_retry(job_workers: Workers) -> None:
    job_workers.start()
    jobs.defer(flaky, note="hopeless", failures=10)
    job_workers.drain()
    assert notes(job_workers) == ["hopeless"] * 3
    assert queue_counts() == {"failed": 1}


def test_two_workers_never_run_the_same_job_twice(job_workers: Workers) -> None:
    pids = {process.pid for process in job_workers.start(2, concurrency=4)}
    with transaction.atomic():
        for number in range(200):
            jobs.defer(record, note=f"job-{number}")
    job_workers.drain()
    runs = traces(job_workers.log)
    assert sorted(note for note, _ in runs) == sorted(f"job-{number}" for number in range(200))
    assert {pid for _, pid in runs} == pids  # both took part


def test_a_job_for_later_waits_for_its_time(job_workers: Workers) -> None:
    job_workers.start()
    jobs.defer(record, note="later", at=timezone.now() + timedelta(hours=1))
    jobs.defer(record, note="now")
    job_workers.drain()
    assert notes(job_workers) == ["now"]


def test_a_task_told_to_come_back_later_waits_for_that_time(job_workers: Workers) -> None:
    job_workers.start()
    reset = (timezone.now() + timedelta(minutes=15)).replace(microsecond=0)
    jobs.defer(rate_limited, note="429", reset=reset.isoformat())
    job_workers.drain()
    assert notes(job_workers) == ["429"]
    job = ProcrastinateJob._default_manager.get()
    assert (job.status, job.scheduled_at) == ("todo", reset)


def test_one_job_per_once_key_waits_at_the_earliest_time_asked(job_workers: Workers) -> None:
    in_an_hour = timezone.now() + timedelta(hours=1)
    assert jobs.defer(record, note="in an hour", at=in_an_hour, once="thread-1") is not None
    assert jobs.defer(record, note="in two hours", at=in_an_hour + timedelta(hours=1), once="thread-1") is None
    assert jobs.defer(record, note="now", once="thread-1") is not None  # replaces the one waiting for later
    assert jobs.defer(record, note="now again", once="thread-1") is None
    assert jobs.defer(record, note="other key", once="thread-2") is not None
    job_workers.start()
    job_workers.drain()
    assert sorted(notes(job_workers)) == ["now", "other key"]
    assert queue_counts() == {"cancelled": 1}


def test_a_job_left_running_by_a_lost_worker_runs_again_on_another(job_workers: Workers) -> None:
    quickly_stalled = {"JOBS_STALLED_AFTER": "1"}
    (lost,) = job_workers.start(env=quickly_stalled)
    jobs.defer(hangs_once, note="resumed")
    job_workers.wait_until(lambda: notes(job_workers) == ["resumed"], "the job to start")
    job_workers.kill(lost)

    job_workers.start(env=quickly_stalled)
    fresh = ProcrastinateWorker._default_manager.filter
    job_workers.wait_until(
        lambda: fresh(last_heartbeat__gt=timezone.now() - timedelta(seconds=1.5)).count() == 1,
        "the lost worker's heartbeat to go stale",
    )
    app.configure_task(RETRY_STALLED).defer(timestamp=0)  # as the workers' scheduler does every minute
    job_workers.drain()

    assert [pid for _, pid in traces(job_workers.log)] == [lost.pid, job_workers.processes[-1].pid]
    assert queue_counts() == {}


def test_jobs_that_gave_up_are_forgotten_after_thirty_days(job_workers: Workers) -> None:
    job_workers.start()
    old = jobs.defer(flaky, note="old failure", failures=10)
    jobs.defer(flaky, note="recent failure", failures=10)
    job_workers.drain()
    assert queue_counts() == {"failed": 2}
    with connection.cursor() as cursor:  # the first gave up 31 days ago
        cursor.execute("UPDATE procrastinate_events SET at = at - interval '31 days' WHERE job_id = %s", [old])

    app.configure_task(PRUNE_FINISHED).defer(timestamp=0)  # as the workers' scheduler does every hour
    job_workers.drain()

    assert list(ProcrastinateJob._default_manager.values_list("args__note", flat=True)) == ["recent failure"]
