"""The periodic upkeep runs in the workers: the outbox's retries, premium reminders, stale reservations and the
retention policy are each scheduled, and each does its work when a worker runs it."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.mail import send_mail
from django.utils import timezone
from procrastinate.contrib.django import app

from generator.models import Generation, Thread
from tests.fakes.smtp_server import closed_port, running_smtp
from tests.jobs.workers import Workers
from threadr.lib import jobs
from threadr.lib.jobs.queue import PRUNE_FINISHED, RETRY_STALLED
from threadr.lib.mail.models import OutboxMessage
from threadr.lib.mail.services import PAUSE_KEY

pytestmark = pytest.mark.django_db(transaction=True)

SCHEDULE = {
    "mail.send_pending": "* * * * *",
    "billing.notify_expiring": "17 * * * *",
    "generator.release_stale_reservations": "*/10 * * * *",
    "generator.prune_threads": "41 * * * *",
}


def test_every_periodic_task_is_scheduled_in_the_workers_app() -> None:
    scheduled = {entry.task.name: entry.cron for entry in app.periodic_registry.periodic_tasks.values()}
    assert scheduled.items() >= SCHEDULE.items()
    # The declared ones, and the queue's own: putting back jobs a lost worker left running, forgetting old failures.
    declared = {name: entry.cron for name, entry in jobs.periodic_tasks().items()}
    assert scheduled == declared | {RETRY_STALLED: "* * * * *", PRUNE_FINISHED: "53 * * * *"}


def old_thread(owner, *, favourite: bool = False) -> Thread:
    return Thread.objects.create(
        owner=owner,
        title="Old",
        engine="local",
        tweets=["a"],
        is_favourite=favourite,
        created_at=timezone.now() - timedelta(days=400),
    )


def test_each_periodic_task_does_its_work_in_a_worker(job_workers: Workers, alice, bob, settings) -> None:
    # An email the mail server was down for, now due for its next attempt (the tests' own default is Django's
    # in-memory backend: this goes through the outbox, as the worker's mail does).
    settings.EMAIL_BACKEND = "threadr.lib.mail.backend.OutboxBackend"
    settings.EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", closed_port(), False
    send_mail("Welcome", "Hello Bob.", None, ["bob@example.com"])
    assert OutboxMessage.objects.get().status == "pending"
    cache.delete(PAUSE_KEY)
    OutboxMessage.objects.update(next_attempt_at=timezone.now())
    # Premium that ends in two days; a reservation whose request died; threads past a year's retention.
    alice.premium_until = timezone.now() + timedelta(days=2)
    alice.save()
    stale = Generation.objects.create(user=bob, input_kind="text", created_at=timezone.now() - timedelta(hours=1))
    expired, favourite = old_thread(bob), old_thread(bob, favourite=True)

    with running_smtp() as server:
        job_workers.start(env={"EMAIL_URL": f"smtp://127.0.0.1:{server.port}", "THREAD_RETENTION_DAYS": "365"})
        for entry in jobs.periodic_tasks().values():
            jobs.defer(entry.task, timestamp=int(time.time()))  # as the workers' own scheduler defers them
        job_workers.drain()

    assert sorted(message.recipients[0] for message in server.received) == ["alice@example.com", "bob@example.com"]
    stale.refresh_from_db()
    assert (stale.status, stale.error_code) == ("failed", "stale")
    assert list(Thread.objects.filter(pk__in=[expired.pk, favourite.pk])) == [favourite]
