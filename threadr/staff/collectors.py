"""Business metrics computed from the database at scrape time: exact across every process and host, and nothing
to lose when a worker restarts. Each scrape runs six grouped queries over the ledger, the webhook table, the
outbox and the publications."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Count, Min, Q, Sum
from django.utils import timezone
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily
from prometheus_client.metrics_core import Metric

from billing.models import WebhookEvent
from generator.models import Generation
from publishing.models import Publication
from threadr.lib.mail.models import OutboxMessage

LATENCY_BUCKETS_MS = (250, 500, 1000, 2000, 5000, 10_000, 20_000, 30_000, 60_000, 120_000)


class BusinessCollector:
    def collect(self) -> Iterator[Metric]:
        yield from self._generations()
        yield from self._latency("duration_ms", "threadr_provider_latency_seconds", "until the thread was saved")
        yield from self._latency("first_tweet_ms", "threadr_provider_first_tweet_seconds", "until the first tweet")
        yield self._webhooks()
        yield from self._outbox()
        yield from self._publications()

    def _generations(self) -> Iterator[Metric]:
        finished = CounterMetricFamily(
            "threadr_generations", "Finished generations by engine and outcome.", labels=["engine", "outcome"]
        )
        failures = CounterMetricFamily(
            "threadr_generation_failures", "Failed generations by error code.", labels=["code"]
        )
        reserved = GaugeMetricFamily("threadr_generations_reserved", "Reservations not yet finished (live or stale).")
        reserved_count = 0
        for row in Generation.objects.values("engine", "status").annotate(n=Count("pk")).order_by("engine", "status"):
            if row["status"] == Generation.Status.RESERVED:
                reserved_count += row["n"]
            else:
                finished.add_metric([row["engine"] or "none", row["status"]], row["n"])
        failed = Generation.objects.filter(status=Generation.Status.FAILED)
        for row in failed.values("error_code").annotate(n=Count("pk")).order_by("error_code"):
            failures.add_metric([row["error_code"] or "unknown"], row["n"])
        reserved.add_metric([], reserved_count)
        yield from (finished, failures, reserved)

    def _latency(self, field: str, name: str, what: str) -> Iterator[Metric]:
        """A cumulative histogram of successful generations' times, by engine, counted in one grouped query."""
        buckets = {f"le_{limit}": Count("pk", filter=Q(**{f"{field}__lte": limit})) for limit in LATENCY_BUCKETS_MS}
        rows = (
            Generation.objects.filter(status=Generation.Status.SUCCEEDED)
            .exclude(**{field: None})
            .values("engine")
            .annotate(total=Count("pk"), total_ms=Sum(field), **buckets)
            .order_by("engine")
        )
        histogram = HistogramMetricFamily(name, f"Successful generations' time {what}, by engine.", labels=["engine"])
        for row in rows:
            counts = [(str(limit / 1000), float(row[f"le_{limit}"])) for limit in LATENCY_BUCKETS_MS]
            histogram.add_metric(
                [row["engine"] or "none"], [*counts, ("+Inf", float(row["total"]))], (row["total_ms"] or 0) / 1000
            )
        yield histogram

    def _webhooks(self) -> Metric:
        """Stored Stripe events by state; a gauge, since a failed event becomes processed when applied again."""
        events = GaugeMetricFamily(
            "threadr_webhook_events", "Stored Stripe events by type and outcome.", labels=["type", "outcome"]
        )
        rows = (
            WebhookEvent.objects.values("type")
            .annotate(
                count_processed=Count("pk", filter=Q(processed__isnull=False)),
                count_failed=Count("pk", filter=Q(processed__isnull=True) & ~Q(error="")),
                count_pending=Count("pk", filter=Q(processed__isnull=True, error="")),
            )
            .order_by("type")
        )
        for row in rows:
            for outcome in ("processed", "failed", "pending"):
                events.add_metric([row["type"], outcome], row[f"count_{outcome}"])
        return events

    def _outbox(self) -> Iterator[Metric]:
        """Emails by state, and how long the oldest unsent one has waited: a mail server that is down shows here."""
        emails = GaugeMetricFamily("threadr_outbox_emails", "Emails in the outbox by status.", labels=["status"])
        oldest = GaugeMetricFamily(
            "threadr_outbox_oldest_pending_seconds", "Age of the oldest email not yet sent (0 when none waits)."
        )
        counts = dict.fromkeys(OutboxMessage.Status.values, 0)
        waiting_since = None
        for row in OutboxMessage.objects.values("status").annotate(n=Count("pk"), first=Min("created_at")).order_by():
            counts[row["status"]] = row["n"]
            if row["status"] == OutboxMessage.Status.PENDING:
                waiting_since = row["first"]
        for status, count in counts.items():
            emails.add_metric([status], count)
        oldest.add_metric([], (timezone.now() - waiting_since).total_seconds() if waiting_since else 0)
        yield from (emails, oldest)

    def _publications(self) -> Iterator[Metric]:
        """Publications by status, and how late the most overdue one is: workers that are down or too few show here
        (a publication is due when its time has come or its next tweet should have gone)."""
        publications = GaugeMetricFamily("threadr_publications", "Publications by status.", labels=["status"])
        overdue = GaugeMetricFamily(
            "threadr_publication_oldest_due_seconds",
            "How long the oldest due publication has waited for a worker (0 when none waits).",
        )
        now = timezone.now()
        counts = dict.fromkeys(Publication.Status.values, 0)
        due_since = None
        rows = Publication.objects.values("status").annotate(
            n=Count("pk"), first_due=Min("next_run_at", filter=Q(next_run_at__lte=now))
        )
        for row in rows.order_by():
            counts[row["status"]] = row["n"]
            if row["status"] in Publication.WORKING_STATUSES and row["first_due"] is not None:
                due_since = min(due_since or row["first_due"], row["first_due"])
        for status, count in counts.items():
            publications.add_metric([status], count)
        overdue.add_metric([], (now - due_since).total_seconds() if due_since else 0)
        yield from (publications, overdue)
