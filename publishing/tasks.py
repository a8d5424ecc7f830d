"""Publishing's jobs on the queue (`threadr.lib.jobs`): one step of a publication, and the sweep that starts due
scheduled publications and resumes any whose job was lost. The rows are the truth; a job only says "look now"."""

from __future__ import annotations

from django.conf import settings

from publishing import queue, runner
from threadr.lib.jobs import Backoff, periodic, task


@task(name="publishing.publication_step", backoff=Backoff(retries=5, first=10, ceiling=600))
def publication_step(*, publication_id: int) -> None:
    step = runner.publication_step(publication_id=publication_id)
    for waiting in step.wake:
        queue.publication_wake(publication_id=waiting)
    if step.next_at is not None:
        queue.publication_wake(publication_id=publication_id, at=step.next_at)


def sweep_cron(seconds: int) -> str:
    """PUBLISH_SWEEP_SECONDS as a cron line: a sixth field for seconds under a minute, else whole minutes."""
    if seconds < 60:
        return f"* * * * * */{max(1, seconds)}"
    return f"*/{max(1, seconds // 60)} * * * *"


@periodic(name="publishing.sweep", cron=sweep_cron(settings.PUBLISH_SWEEP_SECONDS))
def publications_sweep() -> None:
    for publication_id in runner.publications_due():
        queue.publication_wake(publication_id=publication_id)
