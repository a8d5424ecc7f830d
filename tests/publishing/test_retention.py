"""The retention policy keeps a thread while a publication of it is live, and prunes it once that has ended."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from generator.maintenance import threads_prune
from generator.models import Thread
from publishing.models import Publication
from tests.publishing.conftest import make_thread


def test_a_thread_with_a_live_publication_is_kept_and_pruned_after(bob, connected):
    thread = make_thread(bob)
    Thread.objects.filter(pk=thread.pk).update(created_at=timezone.now() - timedelta(days=400))
    publication = Publication.objects.create(
        user=bob, thread=thread, title=thread.title, scheduled_for=timezone.now() + timedelta(days=1)
    )

    kept = threads_prune(older_than=timedelta(days=30), now=timezone.now())
    Publication.objects.filter(pk=publication.pk).update(status="published")
    pruned = threads_prune(older_than=timedelta(days=30), now=timezone.now())

    assert (kept, pruned) == (0, 1)
    assert not Thread.objects.filter(pk=thread.pk).exists()
    assert Publication.objects.get(pk=publication.pk).thread is None
