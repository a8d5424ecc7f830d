"""Billing's periodic work."""

from __future__ import annotations

from django.utils import timezone

from billing.services.emails import expiring_notify
from threadr.lib import jobs


# Hourly although a reminder is daily news: each premium end is reminded once, so a run missed while no worker was
# up costs an hour, not a day.
@jobs.periodic(name="billing.notify_expiring", cron="17 * * * *")
def notify_expiring() -> None:
    expiring_notify(now=timezone.now())
