"""Apply Stripe events we never received or never managed to apply (lost deliveries, an outage on our side)."""

from __future__ import annotations

import re
from argparse import ArgumentTypeError
from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from billing import stripe_client
from billing.services.webhooks import events_reconcile

UNITS = {"d": "days", "h": "hours", "m": "minutes"}


def duration(text: str) -> timedelta:
    """`3d`, `12h` or `90m`."""
    match = re.fullmatch(r"(\d+)([dhm])", text.strip())
    if match is None:
        raise ArgumentTypeError(f"{text!r} is not a duration like 3d, 12h or 90m")
    return timedelta(**{UNITS[match[2]]: int(match[1])})


class Command(BaseCommand):
    help = "List recent Stripe events and apply the ones we missed. Stripe keeps events for 30 days."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--since", type=duration, default=timedelta(days=3), help="how far back, e.g. 3d")
        parser.add_argument("--dry-run", action="store_true", help="list what would be applied, change nothing")

    def handle(self, *args: Any, since: timedelta, dry_run: bool, **options: Any) -> None:
        try:
            missed = events_reconcile(since=timezone.now() - since, dry_run=dry_run)
        except stripe_client.StripeError as error:
            raise CommandError(f"Stripe could not be read: {error}") from error
        failed = 0
        for stored, payload in missed:
            if stored is None:
                state = "would apply"
            elif stored.processed is None:
                state, failed = f"FAILED: {stored.error}", failed + 1
            else:
                state = f"applied: {stored.outcome}"
            self.stdout.write(f"{payload['id']} {payload['type']} {state}")
        self.stdout.write(f"{len(missed)} missed event(s){' (dry run)' if dry_run else ''}.")
        if failed:
            raise CommandError(f"{failed} event(s) failed; see the webhook events in the admin.")
