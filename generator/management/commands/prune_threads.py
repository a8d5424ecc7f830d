"""`manage.py prune_threads [--older-than 365d]`: the retention policy, by hand. Deletes threads created before the
cutoff, except favourites (their owners asked to keep them) and threads an app keeps (publishing: those with a live
publication). The generation ledger keeps its rows (their thread link becomes empty), so quota history and metrics
are untouched. Without --older-than it applies THREAD_RETENTION_DAYS, as the workers do every hour."""

from __future__ import annotations

import re
from argparse import ArgumentTypeError
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from generator.maintenance import threads_prunable, threads_prune


def days(text: str) -> timedelta:
    """`365d`: an age in days."""
    match = re.fullmatch(r"(\d+)d", text.strip())
    if match is None or int(match[1]) < 1:
        raise ArgumentTypeError(f"{text!r} is not an age in days like 365d")
    return timedelta(days=int(match[1]))


class Command(BaseCommand):
    help = "Delete threads older than --older-than (e.g. 365d; default THREAD_RETENTION_DAYS), keeping favourites."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--older-than", type=days, help="age in days, e.g. 365d")
        parser.add_argument("--dry-run", action="store_true", help="count what would be deleted, delete nothing")

    def handle(self, *args: Any, older_than: timedelta | None, dry_run: bool, **options: Any) -> None:
        if older_than is None:
            if settings.THREAD_RETENTION_DAYS is None:
                raise CommandError("Pass --older-than (e.g. 365d) or set THREAD_RETENTION_DAYS.")
            older_than = timedelta(days=settings.THREAD_RETENTION_DAYS)
        now = timezone.now()
        cutoff = now - older_than
        if dry_run:
            count = threads_prunable(cutoff=cutoff).count()
            self.stdout.write(f"{count} thread(s) created before {cutoff:%Y-%m-%d} would be deleted (dry run).")
            return
        deleted = threads_prune(older_than=older_than, now=now)
        self.stdout.write(f"{deleted} thread(s) created before {cutoff:%Y-%m-%d} deleted; favourites kept.")
