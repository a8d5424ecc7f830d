"""A mail server that is down or hangs never turns a page into a 500 or a long wait: the email waits in the outbox
and `send_pending_mail` delivers it once the server answers again. Django's real SMTP backend talks to servers on
127.0.0.1 (tests/fakes/smtp_server.py)."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.utils import timezone

from accounts.models import User
from billing.models import Purchase
from tests.billing.conftest import fake_stripe, logged_in, start_checkout  # noqa: F401 - fixture
from tests.fakes.smtp_server import FakeSMTP, closed_port, running_smtp, silent_smtp
from threadr.lib.mail.models import OutboxMessage

# The outbox sends when the sender's transaction commits, so these tests commit for real.
pytestmark = pytest.mark.django_db(transaction=True)

TIMEOUT = 2.0
# A page may spend one SMTP timeout; this is room for the page's own work (argon2 hashing a password included) on a
# busy machine. Two timeouts do not fit.
MARGIN = 2.0
PASSWORD = "a-Long-unusual-passphrase-42"


@pytest.fixture
def smtp_at(settings: Any) -> Callable[[int], None]:
    """Point the outbox's delivery at an SMTP server on a loopback port, as EMAIL_URL=smtp://127.0.0.1:<port> does."""

    def point(port: int) -> None:
        settings.EMAIL_BACKEND = "threadr.lib.mail.backend.OutboxBackend"
        settings.EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        settings.EMAIL_TIMEOUT = TIMEOUT

    return point


def timed(call: Callable[[], Any]) -> tuple[Any, float]:
    started = time.monotonic()
    result = call()
    return result, time.monotonic() - started


def sign_up(client: Any, email: str) -> Any:
    return client.post("/accounts/signup/", {"email": email, "password1": PASSWORD, "password2": PASSWORD})


def send_pending_mail_later(smtp_at: Callable[[int], None], *, minutes: int = 2) -> FakeSMTP:
    """The server is back and cron runs `send_pending_mail` a few minutes on, when the next attempt is due."""
    with running_smtp() as server, time_machine.travel(timezone.now() + timedelta(minutes=minutes), tick=True):
        smtp_at(server.port)
        call_command("send_pending_mail", stdout=None)
    return server


def test_sign_up_with_a_hung_mail_server_answers_within_one_timeout_and_mails_later(client, smtp_at):
    client.get("/accounts/signup/")  # templates loaded: the timed POST measures the sign-up alone
    with silent_smtp() as port:
        smtp_at(port)
        response, took = timed(lambda: sign_up(client, "carol@example.com"))

    assert response.status_code == 302
    assert took < TIMEOUT + MARGIN
    assert User.objects.filter(email="carol@example.com").exists()
    queued = OutboxMessage.objects.get()
    assert (queued.status, queued.attempts, queued.recipients) == ("pending", 1, "carol@example.com")
    assert "timed out" in queued.last_error
    assert queued.next_attempt_at > timezone.now()

    server = send_pending_mail_later(smtp_at)

    assert [each.recipients for each in server.received] == [["carol@example.com"]]
    assert "/accounts/confirm-email/" in server.received[0].text
    queued.refresh_from_db()
    assert queued.status == "sent"
    assert queued.message == {}  # the confirmation link does not linger in the database


def test_password_reset_with_the_mail_server_down_answers_at_once_and_mails_later(client, alice, smtp_at):
    smtp_at(closed_port())
    client.get("/accounts/password/reset/")

    response, took = timed(lambda: client.post("/accounts/password/reset/", {"email": alice.email}))

    assert response.status_code == 302
    assert took < TIMEOUT + MARGIN
    queued = OutboxMessage.objects.get()
    assert (queued.status, queued.attempts) == ("pending", 1)
    assert "ConnectionRefusedError" in queued.last_error

    server = send_pending_mail_later(smtp_at)

    assert [each.recipients for each in server.received] == [["alice@example.com"]]
    assert "/accounts/password/reset/key/" in server.received[0].text


def test_while_the_server_stays_hung_the_next_pages_do_not_wait_for_it(client, smtp_at):
    client.get("/accounts/signup/")
    with silent_smtp() as port:
        smtp_at(port)
        first, first_took = timed(lambda: sign_up(client, "carol@example.com"))
        client.logout()
        second, second_took = timed(lambda: sign_up(client, "dave@example.com"))

    assert first.status_code == second.status_code == 302
    assert first_took >= TIMEOUT  # the first page found out the hard way...
    assert second_took < first_took - TIMEOUT / 2  # ...the next one did not try
    waiting = OutboxMessage.objects.get(recipients="dave@example.com")
    assert (waiting.status, waiting.attempts) == ("pending", 0)

    server = send_pending_mail_later(smtp_at)

    assert sorted(each.recipients[0] for each in server.received) == ["carol@example.com", "dave@example.com"]


def test_a_purchase_with_the_mail_server_down_grants_premium_and_mails_the_receipt_later(alice, fake_stripe, smtp_at):  # noqa: F811
    session_id = start_checkout(alice)
    fake_stripe.pay_session(session_id)
    smtp_at(closed_port())

    response = logged_in(alice).get("/billing/success/", {"session_id": session_id})

    assert response.status_code == 200
    assert Purchase.objects.get().status == "paid"
    alice.refresh_from_db()
    assert alice.premium_until > timezone.now()
    assert OutboxMessage.objects.get().status == "pending"

    server = send_pending_mail_later(smtp_at)

    assert [each.recipients for each in server.received] == [["alice@example.com"]]
    assert "receipt" in server.received[0].message["Subject"].lower()


def test_send_pending_mail_says_when_the_server_is_still_down(client, smtp_at):
    smtp_at(closed_port())
    sign_up(client, "carol@example.com")

    later = time_machine.travel(timezone.now() + timedelta(minutes=2), tick=True)
    with later, pytest.raises(CommandError, match=r"1 email\(s\) failed"):
        call_command("send_pending_mail", stdout=None)

    assert OutboxMessage.objects.get().attempts == 2
