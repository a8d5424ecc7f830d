"""`manage.py release_stale_reservations`: close the ledger rows of requests that died mid-generation.

The quota already ignores them lazily (a reservation older than GENERATION_STALE_AFTER stops counting); this marks
them failed with error code "stale", so the ledger, the admin and the metrics say what happened."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from generator.models import Generation


class Command(BaseCommand):
    help = "Mark reservations older than GENERATION_STALE_AFTER seconds as failed (error code 'stale')."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="count what would be released, change nothing")

    def handle(self, *args: Any, dry_run: bool, **options: Any) -> None:
        now = timezone.now()
        cutoff = now - timedelta(seconds=settings.GENERATION_STALE_AFTER)
        stale = Generation.objects.filter(status=Generation.Status.RESERVED, created_at__lt=cutoff)
        if dry_run:
            self.stdout.write(f"{stale.count()} stale reservation(s) would be released (dry run).")
            return
        released = stale.update(status=Generation.Status.FAILED, error_code="stale", finished_at=now)
        self.stdout.write(f"{released} stale reservation(s) released.")
