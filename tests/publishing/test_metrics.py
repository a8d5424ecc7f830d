"""/metrics shows publications by status and how long the most overdue one has waited for a worker."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from publishing.models import Publication
from tests.threadr.test_metrics import TOKEN, scrape


@pytest.fixture
def token(settings):
    settings.METRICS_TOKEN = TOKEN
    return TOKEN


def publication(user, status: str, next_run_at=None) -> Publication:
    now = timezone.now()
    return Publication.objects.create(user=user, title="T", status=status, scheduled_for=now, next_run_at=next_run_at)


def test_publications_show_by_status_with_the_oldest_due_one(client, token, bob):
    now = timezone.now()
    publication(bob, "scheduled", now - timedelta(minutes=5))
    publication(bob, "publishing", now - timedelta(seconds=30))
    publication(bob, "scheduled", now + timedelta(hours=1))
    publication(bob, "published")

    seen = scrape(client)

    assert seen[("threadr_publications", (("status", "scheduled"),))] == 2
    assert seen[("threadr_publications", (("status", "publishing"),))] == 1
    assert seen[("threadr_publications", (("status", "published"),))] == 1
    assert seen[("threadr_publications", (("status", "failed"),))] == 0
    assert 5 * 60 <= seen[("threadr_publication_oldest_due_seconds", ())] < 6 * 60


def test_nothing_due_reads_zero(client, token, bob):
    publication(bob, "scheduled", timezone.now() + timedelta(hours=1))
    publication(bob, "failed", timezone.now() - timedelta(hours=1))

    assert scrape(client)[("threadr_publication_oldest_due_seconds", ())] == 0
