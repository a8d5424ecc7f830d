"""EMAIL_BACKEND for every sender (allauth, billing, the admin's error mails): queue, then deliver after commit."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend

from threadr.lib.mail.services import outbox_enqueue


class OutboxBackend(BaseEmailBackend):
    """Writes each email to the outbox in the caller's transaction; the backend EMAIL_URL names sends it once the
    transaction commits. A mail server that is down or slow leaves the email queued instead of failing the page."""

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        return len(outbox_enqueue(messages=email_messages))
