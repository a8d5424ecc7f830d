"""Handing publications to the job queue (`threadr.lib.jobs`): the one place publishing defers its job."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from threadr.lib import jobs


def publication_wake(*, publication_id: int, at: datetime | None = None) -> None:
    """Queue a step of the publication, in the caller's transaction, now or at `at`. A step already waiting for the
    same publication makes this one redundant: the runner reads the rows, so one step does what two would."""
    from publishing.tasks import publication_step  # tasks wrap the runner, which reports back through here

    when = at if at is not None and at > timezone.now() else None
    jobs.defer(publication_step, at=when, once=f"publication-{publication_id}", publication_id=publication_id)
