"""Run daily: email users whose premium ends within three days and will not renew by itself (once per end)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from billing.services.emails import expiring_notify


class Command(BaseCommand):
    help = "Email users whose premium ends within 3 days. Safe to run more than once a day."

    def handle(self, *args: Any, **options: Any) -> None:
        sent = expiring_notify(now=timezone.now())
        self.stdout.write(f"Sent {sent} reminder(s).")
