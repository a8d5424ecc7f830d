"""Generator's periodic work (generator/maintenance.py does it; the commands of the same names do it by hand)."""

from __future__ import annotations

from django.utils import timezone

from generator.maintenance import generations_release_stale, threads_prune_by_policy
from threadr.lib import jobs


@jobs.periodic(name="generator.release_stale_reservations", cron="*/10 * * * *")
def release_stale_reservations() -> None:
    generations_release_stale(now=timezone.now())


# Hourly: a run only deletes what has aged past the policy, so a missed one costs an hour, not a day.
@jobs.periodic(name="generator.prune_threads", cron="41 * * * *")
def prune_threads() -> None:
    threads_prune_by_policy(now=timezone.now())
