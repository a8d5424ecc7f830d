"""`manage.py release_stale_reservations`: close the ledger rows of requests that died mid-generation.

The quota already ignores them lazily (a reservation older than GENERATION_STALE_AFTER stops counting); this marks
them failed with error code "stale", so the ledger, the admin and the metrics say what happened. Workers do it
every ten minutes (generator/tasks.py); this is for doing it by hand."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from generator.maintenance import generations_release_stale, generations_stale


class Command(BaseCommand):
    help = "Mark reservations older than GENERATION_STALE_AFTER seconds as failed (error code 'stale')."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="count what would be released, change nothing")

    def handle(self, *args: Any, dry_run: bool, **options: Any) -> None:
        now = timezone.now()
        if dry_run:
            self.stdout.write(f"{generations_stale(now=now).count()} stale reservation(s) would be released (dry run).")
            return
        released = generations_release_stale(now=now)
        self.stdout.write(f"{released} stale reservation(s) released.")
