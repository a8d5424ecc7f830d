"""`manage.py prune_threads --older-than 365d`: the retention policy. Deletes threads created before the cutoff,
except favourites, which their owners asked to keep. The generation ledger keeps its rows (their thread link
becomes empty), so quota history and metrics are untouched."""

from __future__ import annotations

import re
from argparse import ArgumentTypeError
from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from generator.models import Thread
from generator.services import thread_delete_many

BATCH = 1000


def days(text: str) -> timedelta:
    """`365d`: an age in days."""
    match = re.fullmatch(r"(\d+)d", text.strip())
    if match is None or int(match[1]) < 1:
        raise ArgumentTypeError(f"{text!r} is not an age in days like 365d")
    return timedelta(days=int(match[1]))


class Command(BaseCommand):
    help = "Delete threads older than --older-than (e.g. 365d), keeping favourites."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--older-than", type=days, required=True, help="age in days, e.g. 365d")
        parser.add_argument("--dry-run", action="store_true", help="count what would be deleted, delete nothing")

    def handle(self, *args: Any, older_than: timedelta, dry_run: bool, **options: Any) -> None:
        cutoff = timezone.now() - older_than
        old = Thread.objects.filter(created_at__lt=cutoff, is_favourite=False)
        if dry_run:
            self.stdout.write(f"{old.count()} thread(s) created before {cutoff:%Y-%m-%d} would be deleted (dry run).")
            return
        deleted = 0
        # In batches, so a first run over years of history never holds one huge transaction.
        while batch := list(old.order_by("pk").values_list("pk", flat=True)[:BATCH]):
            deleted += thread_delete_many(threads=Thread.objects.filter(pk__in=batch))
        self.stdout.write(f"{deleted} thread(s) created before {cutoff:%Y-%m-%d} deleted; favourites kept.")
