"""The job queue at scrape time, for /metrics: live workers, jobs per queue and state, and how long the oldest due
job has waited. Read from PostgreSQL, so every host reports the same figures. Three queries per scrape."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

from django.conf import settings
from django.db.models import Count, F, Min, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from procrastinate.contrib.django.models import ProcrastinateEvent, ProcrastinateJob, ProcrastinateWorker
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.metrics_core import Metric

from threadr.lib.jobs import declared_tasks

STATES = ("due", "scheduled", "running", "failed")


class QueueCollector:
    def collect(self) -> Iterator[Metric]:
        now = timezone.now()
        # With no worker, nothing is even deferred on schedule: the queue stays empty, so only this shows it.
        workers = GaugeMetricFamily(
            "threadr_job_workers", "Worker processes that sent a heartbeat within JOBS_STALLED_AFTER seconds."
        )
        alive_since = now - timedelta(seconds=settings.JOBS_STALLED_AFTER)
        workers.add_metric([], ProcrastinateWorker._default_manager.filter(last_heartbeat__gte=alive_since).count())
        yield workers

        queues = {task.queue for task in declared_tasks().values()}
        todo = Q(status="todo")
        due = todo & (Q(scheduled_at__isnull=True) | Q(scheduled_at__lte=now))
        rows = (
            ProcrastinateJob._default_manager.filter(status__in=("todo", "doing", "failed"))
            .values("queue_name")
            .annotate(
                due=Count("pk", filter=due),
                scheduled=Count("pk", filter=todo & Q(scheduled_at__gt=now)),
                running=Count("pk", filter=Q(status="doing")),
                failed=Count("pk", filter=Q(status="failed")),
            )
            .order_by("queue_name")
        )
        counts = {queue: dict.fromkeys(STATES, 0) for queue in queues}
        for row in rows:
            counts[row["queue_name"]] = {state: row[state] for state in STATES}
        jobs = GaugeMetricFamily(
            "threadr_jobs",
            "Jobs by queue and state: due (waiting for a worker), scheduled (for later, retries included), running,"
            " failed (gave up; kept until pruned).",
            labels=["queue", "state"],
        )
        for queue, states in sorted(counts.items()):
            for state, count in states.items():
                jobs.add_metric([queue, state], count)
        yield jobs

        # A job is due since its scheduled time, or since it was deferred when it was for "now".
        deferred_at = ProcrastinateEvent._default_manager.filter(job=OuterRef("pk"), type="deferred").values("at")[:1]
        oldest_rows = (
            ProcrastinateJob._default_manager.filter(due)
            .annotate(since=Coalesce(F("scheduled_at"), Subquery(deferred_at)))
            .values("queue_name")
            .annotate(first=Min("since"))
            .order_by("queue_name")
        )
        oldest = dict.fromkeys(counts, 0.0)
        for row in oldest_rows:
            oldest[row["queue_name"]] = max((now - row["first"]).total_seconds(), 0.0) if row["first"] else 0.0
        waited = GaugeMetricFamily(
            "threadr_jobs_oldest_due_seconds",
            "How long the oldest due job has waited for a worker, by queue (0 when none waits).",
            labels=["queue"],
        )
        for queue, seconds in sorted(oldest.items()):
            waited.add_metric([queue], seconds)
        yield waited
