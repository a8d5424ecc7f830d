"""/metrics shows the job queue: live workers, jobs per queue and state, and how long the oldest due job has
waited."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.jobs.tasks import record
from tests.jobs.workers import Workers, clear_queue
from tests.threadr.test_metrics import TOKEN, scrape
from threadr.lib import jobs

pytestmark = pytest.mark.django_db


def test_it_exports_queue_depth_and_the_oldest_due_jobs_wait(client, settings) -> None:
    settings.METRICS_TOKEN = TOKEN
    clear_queue()  # jobs a transactional test left behind (rolled back with this test)
    now = timezone.now()
    jobs.defer(record, note="waiting for five minutes", at=now - timedelta(minutes=5))
    jobs.defer(record, note="due now")
    jobs.defer(record, note="tomorrow", at=now + timedelta(days=1))

    metrics = scrape(client)

    def jobs_in(queue: str, state: str) -> float:
        return metrics[("threadr_jobs", (("queue", queue), ("state", state)))]

    assert (jobs_in("default", "due"), jobs_in("default", "scheduled"), jobs_in("default", "running")) == (2, 1, 0)
    assert jobs_in("periodic", "due") == 0  # every queue a task uses is listed, empty or not
    waited = metrics[("threadr_jobs_oldest_due_seconds", (("queue", "default"),))]
    assert 300 <= waited < 330
    assert metrics[("threadr_jobs_oldest_due_seconds", (("queue", "periodic"),))] == 0


@pytest.mark.django_db(transaction=True)
def test_it_counts_the_workers_that_are_alive(client, settings, job_workers: Workers) -> None:
    settings.METRICS_TOKEN = TOKEN
    assert scrape(client)[("threadr_job_workers", ())] == 0  # then nothing runs, not even the periodic upkeep

    job_workers.start(2)

    assert scrape(client)[("threadr_job_workers", ())] == 2
