"""Writes on the outbox: queue an email in the sender's transaction, deliver it after commit, retry what failed.

Delivery goes through the backend EMAIL_URL names (`settings.EMAIL_DELIVERY_BACKEND`) with EMAIL_TIMEOUT on its
socket, so a mail server that is down or slow costs a page one timeout at most. Once the server has failed to
answer, pages stop waiting on it for PAUSE_SECONDS: their mail stays queued for `send_pending_mail`.
"""

from __future__ import annotations

import logging
from base64 import b64decode, b64encode
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.mime.base import MIMEBase
from email.utils import formatdate, make_msgid
from functools import partial
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.utils import DNS_NAME
from django.db import transaction
from django.utils import timezone

from threadr.lib.mail.models import OutboxMessage

logger = logging.getLogger(__name__)

# A sender that died mid-send leaves its claim behind; after this long another sender picks the email up.
LEASE = timedelta(minutes=5)
# Waits between attempts double from one minute up to an hour; after MAX_ATTEMPTS (about 15 hours) the outbox gives
# up, and an admin's "Retry now" gives the email another try.
MAX_ATTEMPTS = 20
MAX_BACKOFF = timedelta(hours=1)
# Sent emails stay listed (without their body) this long, so support can see that a message went out.
KEEP_SENT = timedelta(days=7)
PAUSE_SECONDS = 60
PAUSE_KEY = "mail:paused"
BATCH = 100


@dataclass(frozen=True)
class Delivery:
    sent: int = 0
    failed: int = 0

    def __bool__(self) -> bool:
        return bool(self.sent or self.failed)

    def __add__(self, other: Delivery) -> Delivery:
        return Delivery(sent=self.sent + other.sent, failed=self.failed + other.failed)


def outbox_enqueue(*, messages: Sequence[EmailMessage]) -> list[OutboxMessage]:
    """Queue the emails in the caller's transaction and try them once it commits (nothing goes out on rollback)."""
    now = timezone.now()
    rows = [
        OutboxMessage(
            subject=str(message.subject),
            recipients=", ".join(message.recipients()),
            message=_pack(message, now=now),
            created_at=now,
            next_attempt_at=now + LEASE,  # claimed by the commit hook below
        )
        for message in messages
        if message.recipients()
    ]
    OutboxMessage.objects.bulk_create(rows)
    if rows:
        transaction.on_commit(partial(_deliver_after_commit, [row.pk for row in rows]), robust=True)
    return rows


def _deliver_after_commit(ids: list[int]) -> None:
    if cache.get(PAUSE_KEY):
        OutboxMessage.objects.filter(pk__in=ids, status=OutboxMessage.Status.PENDING).update(
            next_attempt_at=timezone.now(), last_error="Not tried: the mail server failed to answer moments ago."
        )
        return
    outbox_deliver(ids=ids)


def outbox_deliver(*, ids: Sequence[int]) -> Delivery:
    """Send the pending emails among `ids` over one connection; record each one's outcome."""
    rows = list(OutboxMessage.objects.filter(pk__in=ids, status=OutboxMessage.Status.PENDING).order_by("pk"))
    if not rows:
        return Delivery()
    connection = get_connection(settings.EMAIL_DELIVERY_BACKEND)
    try:
        connection.open()
    except Exception as error:
        # Down, slow or refusing us: every email in the batch waits for the next attempt.
        cache.set(PAUSE_KEY, True, PAUSE_SECONDS)
        for row in rows:
            _failed(row, error)
        return Delivery(failed=len(rows))
    cache.delete(PAUSE_KEY)
    sent = 0
    try:
        for row in rows:
            try:
                connection.send_messages([_unpack(row.message, connection=connection)])
            except Exception as error:
                # One email's failure (a refused recipient, a dropped line) must not hold back the others.
                _failed(row, error)
            else:
                OutboxMessage.objects.filter(pk=row.pk).update(
                    status=OutboxMessage.Status.SENT, sent_at=timezone.now(), message={}, last_error=""
                )
                sent += 1
    finally:
        with suppress(Exception):
            connection.close()
    return Delivery(sent=sent, failed=len(rows) - sent)


def outbox_send_pending(*, now: datetime) -> Delivery:
    """Claim up to BATCH emails that are due and deliver them; concurrent senders never claim the same email."""
    with transaction.atomic():
        due = OutboxMessage.objects.select_for_update(skip_locked=True).filter(
            status=OutboxMessage.Status.PENDING, next_attempt_at__lte=now
        )
        ids = list(due.order_by("next_attempt_at").values_list("pk", flat=True)[:BATCH])
        OutboxMessage.objects.filter(pk__in=ids).update(next_attempt_at=now + LEASE)
    return outbox_deliver(ids=ids)


def outbox_send_all_due() -> Delivery:
    """Send every email that is due, batch after batch (what `send_pending_mail` and its periodic task do)."""
    total = Delivery()
    while batch := outbox_send_pending(now=timezone.now()):
        total += batch
    return total


def outbox_retry(*, ids: Sequence[int]) -> Delivery:
    """Try the chosen emails now, those the outbox gave up on included."""
    retryable = [OutboxMessage.Status.PENDING, OutboxMessage.Status.FAILED]
    OutboxMessage.objects.filter(pk__in=ids, status__in=retryable).update(
        status=OutboxMessage.Status.PENDING, next_attempt_at=timezone.now() + LEASE
    )
    return outbox_deliver(ids=ids)


def outbox_prune(*, now: datetime) -> int:
    deleted, _ = OutboxMessage.objects.filter(status=OutboxMessage.Status.SENT, sent_at__lt=now - KEEP_SENT).delete()
    return deleted


def _failed(row: OutboxMessage, error: Exception) -> None:
    attempts = row.attempts + 1
    gave_up = attempts >= MAX_ATTEMPTS
    OutboxMessage.objects.filter(pk=row.pk).update(
        attempts=attempts,
        last_error=f"{type(error).__name__}: {error}"[:1000],
        next_attempt_at=timezone.now() + min(timedelta(minutes=2 ** (attempts - 1)), MAX_BACKOFF),
        status=OutboxMessage.Status.FAILED if gave_up else OutboxMessage.Status.PENDING,
    )
    logger.warning("Outbox email %s failed (attempt %s): %s", row.pk, attempts, error)


def _pack(message: EmailMessage, *, now: datetime) -> dict[str, Any]:
    """The parts Django builds the email from, as JSON. Message-ID and Date are fixed now, so every attempt sends the
    same email and a recipient's server can tell a repeat (an attempt that timed out after all) from a new one."""
    headers = {str(name): str(value) for name, value in message.extra_headers.items()}
    names = {name.lower() for name in headers}
    if "message-id" not in names:
        headers["Message-ID"] = make_msgid(domain=str(DNS_NAME))
    if "date" not in names:
        headers["Date"] = formatdate(now.timestamp(), localtime=settings.EMAIL_USE_LOCALTIME)
    return {
        "subject": str(message.subject),
        "body": str(message.body),
        "from_email": str(message.from_email),
        "to": [str(address) for address in message.to],
        "cc": [str(address) for address in message.cc],
        "bcc": [str(address) for address in message.bcc],
        "reply_to": [str(address) for address in message.reply_to],
        "headers": headers,
        "encoding": message.encoding,
        "content_subtype": message.content_subtype,
        "mixed_subtype": message.mixed_subtype,
        "alternative_subtype": getattr(message, "alternative_subtype", "alternative"),
        "alternatives": [[str(content), mimetype] for content, mimetype in getattr(message, "alternatives", [])],
        "attachments": [_pack_attachment(attachment) for attachment in message.attachments],
    }


def _pack_attachment(attachment: Any) -> dict[str, Any]:
    if isinstance(attachment, MIMEBase):
        raise TypeError("The outbox stores attachments given as (filename, content, mimetype), not MIME parts.")
    filename, content, mimetype = attachment
    if isinstance(content, bytes):
        return {"filename": filename, "base64": b64encode(content).decode(), "mimetype": mimetype}
    return {"filename": filename, "text": content, "mimetype": mimetype}


def _unpack(parts: dict[str, Any], *, connection: BaseEmailBackend) -> EmailMultiAlternatives:
    email = EmailMultiAlternatives(
        subject=parts["subject"],
        body=parts["body"],
        from_email=parts["from_email"],
        to=parts["to"],
        cc=parts["cc"],
        bcc=parts["bcc"],
        reply_to=parts["reply_to"],
        headers=parts["headers"],
        alternatives=[(content, mimetype) for content, mimetype in parts["alternatives"]],
        connection=connection,
    )
    email.encoding = parts["encoding"]
    email.content_subtype = parts["content_subtype"]
    email.mixed_subtype = parts["mixed_subtype"]
    email.alternative_subtype = parts["alternative_subtype"]
    for attachment in parts["attachments"]:
        content = b64decode(attachment["base64"]) if "base64" in attachment else attachment["text"]
        email.attach(attachment["filename"], content, attachment["mimetype"])
    return email
