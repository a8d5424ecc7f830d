"""The retention policy: with THREAD_RETENTION_DAYS set, threads older than that go, except favourites and threads
an app above generator keeps (publishing: those with a live publication); unset, every thread stays."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from generator import maintenance
from generator.maintenance import thread_keep_when
from generator.models import Generation, Thread
from generator.tasks import prune_threads
from tests.threadr.test_settings import manage

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_keepers(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only the keep conditions a test registers (none of the apps above generator is installed yet)."""
    monkeypatch.setattr(maintenance, "_keep", {})


def thread(owner, *, age_days: int, title: str = "A thread", favourite: bool = False) -> Thread:
    return Thread.objects.create(
        owner=owner,
        title=title,
        engine="local",
        tweets=["a"],
        is_favourite=favourite,
        created_at=timezone.now() - timedelta(days=age_days),
    )


def remaining() -> set[str]:
    return set(Thread.objects.values_list("title", flat=True))


def test_without_a_retention_period_every_thread_stays(alice, settings) -> None:
    settings.THREAD_RETENTION_DAYS = None
    thread(alice, age_days=3000, title="Ancient")

    prune_threads()

    assert remaining() == {"Ancient"}


def test_it_deletes_threads_older_than_the_retention_period_but_keeps_favourites(alice, bob, settings) -> None:
    settings.THREAD_RETENTION_DAYS = 30
    thread(alice, age_days=31, title="Old")
    thread(alice, age_days=31, title="Starred", favourite=True)
    thread(bob, age_days=29, title="Recent")
    ledger = Generation.objects.create(user=bob, input_kind="text", status="succeeded", thread=thread(bob, age_days=90))

    prune_threads()

    assert remaining() == {"Starred", "Recent"}
    ledger.refresh_from_db()
    assert ledger.thread is None  # the quota ledger keeps its row


def test_it_never_deletes_a_thread_an_app_keeps(alice, settings) -> None:
    settings.THREAD_RETENTION_DAYS = 30
    thread(alice, age_days=400, title="Old")
    thread(alice, age_days=400, title="Kept by name")
    kept_by_row = thread(alice, age_days=400, title="Kept by a row elsewhere")
    Generation.objects.create(user=alice, input_kind="text", status="reserved", thread=kept_by_row)

    # As publishing keeps threads with a live publication: a condition on another table.
    live = Generation.objects.filter(thread=OuterRef("pk"), status="reserved")
    thread_keep_when("tests.rows", lambda: Q(Exists(live)))
    thread_keep_when("tests.names", lambda: Q(title__startswith="Kept by name"))
    prune_threads()

    assert remaining() == {"Kept by name", "Kept by a row elsewhere"}


def test_the_command_applies_the_setting_when_no_age_is_given(alice, settings) -> None:
    settings.THREAD_RETENTION_DAYS = None
    with pytest.raises(CommandError, match="set THREAD_RETENTION_DAYS"):
        call_command("prune_threads", stdout=StringIO())

    settings.THREAD_RETENTION_DAYS = 10
    thread(alice, age_days=11, title="Old")
    thread(alice, age_days=9, title="Recent")
    out = StringIO()
    call_command("prune_threads", stdout=out)

    assert "1 thread(s) created before" in out.getvalue()
    assert remaining() == {"Recent"}


def test_a_negative_retention_period_stops_start_up() -> None:
    result = manage("check", env={"DEBUG": "1", "THREAD_RETENTION_DAYS": "-30"})

    assert result.returncode != 0
    assert "THREAD_RETENTION_DAYS" in result.stderr
