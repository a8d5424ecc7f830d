"""The operations commands repair and tidy without a database shell: each one is safe to run twice and shows what
it would do with --dry-run."""

from __future__ import annotations

import re
from datetime import timedelta
from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.core.management import CommandError, call_command
from django.utils import timezone

from accounts.models import User
from generator.models import Generation, Thread
from generator.xtext import weighted_length

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def reservation(user, *, age: timedelta) -> Generation:
    return Generation.objects.create(user=user, input_kind="text", created_at=timezone.now() - age)


def test_release_stale_reservations_fails_only_the_dead_ones(alice, settings):
    settings.GENERATION_STALE_AFTER = 180
    dead = reservation(alice, age=timedelta(minutes=10))
    live = reservation(alice, age=timedelta(seconds=30))
    done = Generation.objects.create(
        user=alice, input_kind="text", status="succeeded", created_at=timezone.now() - timedelta(hours=1)
    )

    assert "1 stale reservation(s) would be released (dry run)." in run("release_stale_reservations", "--dry-run")
    assert Generation.objects.get(pk=dead.pk).status == "reserved"

    assert "1 stale reservation(s) released." in run("release_stale_reservations")
    assert "0 stale reservation(s) released." in run("release_stale_reservations")

    dead.refresh_from_db()
    assert (dead.status, dead.error_code, dead.finished_at is not None) == ("failed", "stale", True)
    assert Generation.objects.get(pk=live.pk).status == "reserved"
    assert Generation.objects.get(pk=done.pk).status == "succeeded"


def thread(owner, *, age_days: int, favourite: bool = False) -> Thread:
    return Thread.objects.create(
        owner=owner,
        title=f"{age_days} days old",
        engine="local",
        tweets=["a"],
        is_favourite=favourite,
        created_at=timezone.now() - timedelta(days=age_days),
    )


def test_prune_threads_deletes_old_threads_but_keeps_favourites(alice, bob):
    old = thread(alice, age_days=400)
    kept = thread(alice, age_days=400, favourite=True)
    recent = thread(bob, age_days=30)
    ledger = Generation.objects.create(user=alice, input_kind="text", status="succeeded", thread=old)

    assert "1 thread(s) created before" in run("prune_threads", "--older-than", "365d", "--dry-run")
    assert Thread.objects.filter(pk=old.pk).exists()

    assert "1 thread(s) created before" in run("prune_threads", "--older-than", "365d")
    assert "0 thread(s) created before" in run("prune_threads", "--older-than", "365d")

    assert set(Thread.objects.values_list("pk", flat=True)) == {kept.pk, recent.pk}
    ledger.refresh_from_db()
    assert ledger.thread is None  # the quota ledger keeps its row


@pytest.mark.parametrize("age", ["365", "1y", "0d"])
def test_prune_threads_refuses_an_age_that_is_not_in_days(age):
    with pytest.raises(CommandError, match="not an age in days"):
        run("prune_threads", "--older-than", age)


def test_seed_demo_makes_a_verified_demo_account_with_threads_once():
    assert "Would create the account demo@threadr.localhost and 3 thread(s) (dry run)." in run("seed_demo", "--dry-run")
    assert not User.objects.filter(email="demo@threadr.localhost").exists()

    first = run("seed_demo")
    password = re.search(r"with password: (\S+)", first)[1]
    demo = User.objects.get(email="demo@threadr.localhost")
    assert demo.check_password(password)
    assert EmailAddress.objects.get(user=demo).verified
    threads = Thread.objects.filter(owner=demo)
    assert threads.count() == 3
    assert all(thread.engine == "local" and len(thread.tweets) >= 2 for thread in threads)
    assert all(weighted_length(tweet) <= 280 for thread in threads for tweet in thread.tweets)

    again = run("seed_demo")
    assert "password" not in again.replace("its password is unchanged", "")
    assert "0 demo thread(s) created." in again
    assert Thread.objects.filter(owner=demo).count() == 3
    demo.refresh_from_db()
    assert demo.check_password(password)
