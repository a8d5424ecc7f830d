"""The outbox: every email Threadr sends, written in the sender's transaction and delivered after it commits."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class OutboxMessage(models.Model):
    """One email on its way out. `message` holds the parts to rebuild it (threadr.lib.mail.services); it is emptied
    once the email is sent, because it may carry a sign-in or password-reset link."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Gave up"

    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    subject = models.TextField()
    recipients = models.TextField(help_text="Every address the email goes to (To, Cc and Bcc).")
    message = models.JSONField(default=dict)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(help_text="When a sender may next pick the email up.")
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["next_attempt_at"], condition=models.Q(status="pending"), name="mail_outbox_due"),
        ]

    def __str__(self) -> str:
        return f"{self.subject} → {self.recipients}"
