"""The outbox: nothing leaves before the sender's transaction commits, the email arrives as it was written, what
fails is retried later and later and finally given up, and the admin shows it without its body."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from io import StringIO
from itertools import pairwise
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.mail import EmailMultiAlternatives, send_mail
from django.core.management import CommandError, call_command
from django.db import transaction
from django.utils import timezone

from tests.fakes.smtp_server import closed_port, running_smtp
from threadr.lib.mail.models import OutboxMessage
from threadr.lib.mail.services import KEEP_SENT, LEASE, MAX_ATTEMPTS

pytestmark = pytest.mark.django_db

LOCMEM = "django.core.mail.backends.locmem.EmailBackend"
SMTP = "django.core.mail.backends.smtp.EmailBackend"


@pytest.fixture
def outbox_to(settings: Any) -> Callable[..., None]:
    """Mail goes through the outbox to `backend` (Django's in-memory one unless a test names SMTP and a port)."""

    def point(backend: str = LOCMEM, port: int = 25) -> None:
        settings.EMAIL_BACKEND = "threadr.lib.mail.backend.OutboxBackend"
        settings.EMAIL_DELIVERY_BACKEND = backend
        settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 2.0
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False

    point()
    return point


@pytest.fixture
def send(django_capture_on_commit_callbacks: Any) -> Callable[..., None]:
    """send_mail as a page does: the request's work commits, then the outbox's commit hook tries the server."""

    def send_and_commit(subject: str, body: str, to: str) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            send_mail(subject, body, None, [to])

    return send_and_commit


def send_pending_mail(*options: str, after: timedelta = timedelta()) -> str:
    out = StringIO()
    with time_machine.travel(timezone.now() + after, tick=True):
        call_command("send_pending_mail", *options, stdout=out)
    return out.getvalue()


def test_nothing_leaves_before_the_transaction_commits(outbox_to, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        send_mail("Hello", "Body", None, ["carol@example.com"])
        assert mail.outbox == []
        assert OutboxMessage.objects.get().status == "pending"

    assert [each.to for each in mail.outbox] == [["carol@example.com"]]
    assert OutboxMessage.objects.get().status == "sent"


def test_a_rolled_back_transaction_sends_nothing(outbox_to, django_capture_on_commit_callbacks):
    def failing_sign_up() -> None:
        with transaction.atomic():
            send_mail("Hello", "Body", None, ["carol@example.com"])
            raise RuntimeError("the sign-up failed after all")

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        failing_sign_up()

    assert mail.outbox == []
    assert not OutboxMessage.objects.exists()


def test_the_email_arrives_as_it_was_written(outbox_to, django_capture_on_commit_callbacks):
    written = EmailMultiAlternatives(
        subject="Your receipt: 30-day pass",
        body="Thanks — here is your receipt.",
        from_email="Threadr <hello@threadr.example>",
        to=["Carol <carol@example.com>"],
        cc=["books@example.com"],
        bcc=["archive@example.com"],
        reply_to=["support@threadr.example"],
        headers={"X-Threadr": "receipt"},
        alternatives=[("<p>Thanks — here is your receipt.</p>", "text/html")],
    )
    written.attach("receipt.pdf", b"%PDF-1.4 \x00\xff", "application/pdf")
    written.attach("notes.txt", "plain words", "text/plain")

    with django_capture_on_commit_callbacks(execute=True):
        written.send()

    [arrived] = mail.outbox
    same = ("subject", "body", "from_email", "to", "cc", "bcc", "reply_to", "alternatives", "attachments")
    assert {name: getattr(arrived, name) for name in same} == {name: getattr(written, name) for name in same}
    assert arrived.extra_headers["X-Threadr"] == "receipt"
    assert arrived.message()["Message-ID"]
    assert OutboxMessage.objects.get().recipients == (
        "Carol <carol@example.com>, books@example.com, archive@example.com"
    )


def test_a_failing_email_waits_longer_each_time_and_is_given_up_in_the_end(outbox_to, send):
    outbox_to(SMTP, closed_port())
    send("Hello", "Body", "carol@example.com")
    queued = OutboxMessage.objects.get()
    assert timedelta(seconds=59) < queued.next_attempt_at - timezone.now() <= timedelta(minutes=1)
    waits = [queued.next_attempt_at]
    for _ in range(MAX_ATTEMPTS - 1):
        assert queued.status == "pending"
        with time_machine.travel(queued.next_attempt_at, tick=False), pytest.raises(CommandError):
            call_command("send_pending_mail", stdout=StringIO())
        queued.refresh_from_db()
        waits.append(queued.next_attempt_at)

    gaps = [later - earlier for earlier, later in pairwise(waits)]
    assert gaps[:7] == [timedelta(minutes=m) for m in (2, 4, 8, 16, 32, 60, 60)]
    assert max(gaps) == timedelta(hours=1)
    assert (queued.status, queued.attempts) == ("failed", MAX_ATTEMPTS)
    assert "ConnectionRefusedError" in queued.last_error
    assert "0 waiting" in send_pending_mail(after=timedelta(days=1))  # given up: no longer tried


def test_send_pending_mail_leaves_emails_whose_next_attempt_is_not_due(outbox_to, send):
    outbox_to(SMTP, closed_port())
    send("Hello", "Body", "carol@example.com")  # fails at once, next attempt in a minute
    with running_smtp() as server:
        outbox_to(SMTP, server.port)

        assert send_pending_mail("--dry-run", after=timedelta(minutes=2)) == "1 due, 1 waiting (dry run).\n"
        assert server.received == []
        early = send_pending_mail(after=timedelta(seconds=30))
        assert server.received == []
        due = send_pending_mail(after=timedelta(minutes=1, seconds=1))

    assert early.startswith("Sent 0, failed 0, 1 waiting")
    assert due.startswith("Sent 1, failed 0, 0 waiting")
    assert len(server.received) == 1


def test_an_email_the_server_refuses_does_not_hold_back_the_others(outbox_to, send):
    outbox_to(SMTP, closed_port())
    send("Hello", "Body", "nobody@example.com")
    send("Hello", "Body", "carol@example.com")
    with running_smtp() as server:
        outbox_to(SMTP, server.port)
        with pytest.raises(CommandError, match=r"1 email\(s\) failed"):
            send_pending_mail(after=timedelta(minutes=2))

    assert [each.recipients for each in server.received] == [["carol@example.com"]]
    refused = OutboxMessage.objects.get(recipients="nobody@example.com")
    assert (refused.status, refused.attempts) == ("pending", 2)
    assert "No such user here" in refused.last_error


def test_an_email_whose_sender_died_before_sending_goes_out_after_the_lease(
    outbox_to, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):  # the process dies before its commit hook runs
        send_mail("Hello", "Body", None, ["carol@example.com"])

    assert send_pending_mail().startswith("Sent 0")
    assert send_pending_mail(after=LEASE).startswith("Sent 1")
    assert [each.to for each in mail.outbox] == [["carol@example.com"]]


def test_a_sent_email_keeps_no_body_and_is_forgotten_after_a_week(outbox_to, send):
    send("Reset your password", "https://threadr.example/accounts/password/reset/key/secret/", "carol@example.com")
    sent = OutboxMessage.objects.get()
    assert (sent.status, sent.message) == ("sent", {})

    assert "forgot 0 sent" in send_pending_mail(after=KEEP_SENT - timedelta(minutes=1))
    assert "forgot 1 sent" in send_pending_mail(after=KEEP_SENT + timedelta(minutes=1))
    assert not OutboxMessage.objects.exists()


def test_the_admin_lists_the_outbox_without_bodies_and_retries_on_demand(admin_client, outbox_to, send):
    outbox_to(SMTP, closed_port())
    send("Reset your password", "the secret reset link", "carol@example.com")
    queued = OutboxMessage.objects.get()

    listing = admin_client.get("/admin/mail/outboxmessage/").content.decode()
    detail = admin_client.get(f"/admin/mail/outboxmessage/{queued.pk}/change/").content.decode()
    assert "carol@example.com" in listing
    assert "ConnectionRefusedError" in listing
    assert "secret reset link" not in listing + detail
    assert admin_client.get("/admin/mail/outboxmessage/add/").status_code == 403

    with running_smtp() as server:
        outbox_to(SMTP, server.port)
        response = admin_client.post(
            "/admin/mail/outboxmessage/",
            {"action": "retry_now", "_selected_action": [queued.pk]},
            follow=True,
        )

    assert "Sent 1, failed 0." in response.content.decode()
    assert [each.recipients for each in server.received] == [["carol@example.com"]]
    queued.refresh_from_db()
    assert queued.status == "sent"
