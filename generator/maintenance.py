"""Generator's upkeep: closing stale reservations and the retention policy. Workers run both on a schedule
(generator/tasks.py); the `release_stale_reservations` and `prune_threads` commands run them by hand.

The retention policy never deletes a favourite, nor a thread an app above generator asks to keep. Generator cannot
import those apps, so they register their reason here, from their AppConfig.ready(): publishing keeps every thread
with a live publication, as

    thread_keep_when("publishing.live", lambda: Q(Exists(Publication.objects.filter(thread=OuterRef("pk"), ...))))
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet

from generator.models import Generation, Thread
from generator.services import thread_delete_many

PRUNE_BATCH = 1000

_keep: dict[str, Callable[[], Q]] = {}


def thread_keep_when(name: str, condition: Callable[[], Q]) -> None:
    """Never prune a thread that matches `condition()` (a filter on Thread, built each time prune runs). `name`
    says whose reason it is; registering a name again replaces its condition."""
    _keep[name] = condition


def threads_prunable(*, cutoff: datetime) -> QuerySet[Thread]:
    """Threads created before `cutoff` that the retention policy may delete: not favourites, none any app keeps."""
    threads = Thread.objects.filter(created_at__lt=cutoff, is_favourite=False)
    for condition in _keep.values():
        threads = threads.exclude(condition())
    return threads


def threads_prune(*, older_than: timedelta, now: datetime) -> int:
    """Delete the prunable threads created more than `older_than` before `now`, through `thread_delete_many`;
    returns how many went. The generation ledger keeps its rows (their thread link becomes empty)."""
    cutoff = now - older_than
    deleted = 0
    # In batches, so a first run over years of history never holds one huge transaction. Each batch is locked as it
    # is chosen: a thread being edited (or being given a publication) is passed over until the next run.
    while True:
        with transaction.atomic():
            chosen = threads_prunable(cutoff=cutoff).select_for_update(skip_locked=True, of=("self",))
            batch = list(chosen.order_by("pk").values_list("pk", flat=True)[:PRUNE_BATCH])
            if not batch:
                return deleted
            deleted += thread_delete_many(threads=Thread.objects.filter(pk__in=batch))


def threads_prune_by_policy(*, now: datetime) -> int | None:
    """The retention policy THREAD_RETENTION_DAYS sets; None when it is off (the setting is empty)."""
    if settings.THREAD_RETENTION_DAYS is None:
        return None
    return threads_prune(older_than=timedelta(days=settings.THREAD_RETENTION_DAYS), now=now)


def generations_release_stale(*, now: datetime) -> int:
    """Mark reservations older than GENERATION_STALE_AFTER failed with error code "stale"; returns how many. The
    quota already ignores them; this keeps the ledger, the admin and the metrics truthful."""
    return generations_stale(now=now).update(status=Generation.Status.FAILED, error_code="stale", finished_at=now)


def generations_stale(*, now: datetime) -> QuerySet[Generation]:
    cutoff = now - timedelta(seconds=settings.GENERATION_STALE_AFTER)
    return Generation.objects.filter(status=Generation.Status.RESERVED, created_at__lt=cutoff)
