"""Send the emails the outbox holds whose next attempt is due. Workers do it every minute
(threadr/lib/mail/tasks.py); this is for doing it by hand (docs/operations.md)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from threadr.lib.mail.models import OutboxMessage
from threadr.lib.mail.services import outbox_prune, outbox_send_all_due


class Command(BaseCommand):
    help = "Send the outbox's due emails and forget sent ones after a week. Safe to run from several hosts at once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="say how many emails are due; send nothing")

    def handle(self, *args: Any, dry_run: bool, **options: Any) -> None:
        pending = OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING)
        if dry_run:
            due = pending.filter(next_attempt_at__lte=timezone.now()).count()
            self.stdout.write(f"{due} due, {pending.count()} waiting (dry run).")
            return
        total = outbox_send_all_due()
        pruned = outbox_prune(now=timezone.now())
        self.stdout.write(f"Sent {total.sent}, failed {total.failed}, {pending.count()} waiting; forgot {pruned} sent.")
        if total.failed:
            raise CommandError(f"{total.failed} email(s) failed; they stay in the outbox (see the admin's Outbox).")
