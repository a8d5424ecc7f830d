"""Every path that writes someone's threads moves their history version on, so a history page cached under the old
version is never served after the change: the API, the admin, the management commands and account deletion."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import User
from generator.models import Thread
from generator.services import thread_delete_all_for_user
from tests.conftest import make_user
from tests.generator.conftest import ARTICLE

pytestmark = pytest.mark.django_db


def make_thread(owner: User, title: str = "Remote writing habits", **fields: object) -> Thread:
    thread = Thread(owner=owner, title=title, engine="local", source_text=ARTICLE, **fields)
    thread.set_tweets(["Lead with the conclusion. 1/2", "Keep documents alive. 2/2"])
    thread.save()
    return thread


def version(user: User) -> int:
    user.refresh_from_db(fields=["history_version"])
    return user.history_version


def test_it_moves_on_when_a_generation_saves_a_thread(alice_api, alice):
    before = version(alice)

    assert alice_api.post("/api/v1/generations", {"text": ARTICLE}, format="json").status_code == 201

    assert version(alice) == before + 1


def test_it_moves_on_when_a_thread_is_edited(alice_api, alice):
    thread = make_thread(alice)
    before = version(alice)

    assert alice_api.patch(f"/api/v1/threads/{thread.pk}", {"title": "Renamed"}, format="json").status_code == 200

    assert version(alice) == before + 1


def test_it_moves_on_when_a_thread_is_duplicated(alice_api, alice):
    thread = make_thread(alice)
    before = version(alice)

    assert alice_api.post(f"/api/v1/threads/{thread.pk}/duplicate").status_code == 201

    assert version(alice) == before + 1


def test_it_moves_on_when_a_thread_is_deleted(alice_api, alice):
    thread = make_thread(alice)
    before = version(alice)

    assert alice_api.delete(f"/api/v1/threads/{thread.pk}").status_code == 204

    assert version(alice) == before + 1


def test_it_moves_on_when_a_tweet_is_rewritten(alice_api, alice):
    thread = make_thread(alice)
    before = version(alice)

    assert alice_api.post(f"/api/v1/threads/{thread.pk}/tweets/1/regenerate", {}, format="json").status_code == 200

    assert version(alice) == before + 1


def test_it_moves_on_when_an_admin_saves_a_thread(admin_client, alice):
    thread = make_thread(alice)
    before = version(alice)

    response = admin_client.post(f"/admin/generator/thread/{thread.pk}/change/", {"_save": "Save"})

    assert response.status_code == 302
    assert version(alice) == before + 1


def test_it_moves_on_when_an_admin_deletes_a_thread(admin_client, alice):
    thread = make_thread(alice)
    before = version(alice)

    response = admin_client.post(f"/admin/generator/thread/{thread.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert not Thread.objects.filter(pk=thread.pk).exists()
    assert version(alice) == before + 1


def test_it_moves_on_for_every_owner_when_an_admin_deletes_threads_in_bulk(admin_client, alice, bob):
    threads = [make_thread(alice), make_thread(alice, title="Second"), make_thread(bob)]
    before = version(alice), version(bob)

    response = admin_client.post(
        "/admin/generator/thread/",
        {"action": "delete_selected", "_selected_action": [thread.pk for thread in threads], "post": "yes"},
    )

    assert response.status_code == 302
    assert not Thread.objects.exists()
    assert (version(alice), version(bob)) == (before[0] + 1, before[1] + 1)


def test_it_moves_on_when_an_admin_takes_a_public_page_down(admin_client, alice, bob):
    shared = make_thread(alice, share_token="shared-by-alice")
    private = make_thread(bob)
    before = version(alice), version(bob)

    response = admin_client.post(
        "/admin/generator/thread/", {"action": "stop_sharing", "_selected_action": [shared.pk, private.pk]}
    )

    assert response.status_code == 302
    shared.refresh_from_db()
    assert shared.share_token is None
    assert (version(alice), version(bob)) == (before[0] + 1, before[1])  # bob's thread was not shared


def test_it_moves_on_when_the_retention_command_deletes_threads(alice, bob):
    make_thread(alice, created_at=timezone.now() - timedelta(days=400))
    make_thread(bob)
    before = version(alice), version(bob)

    call_command("prune_threads", "--older-than", "365d", stdout=StringIO())

    assert (version(alice), version(bob)) == (before[0] + 1, before[1])


def test_it_moves_on_when_the_demo_command_adds_threads(db):
    demo = make_user("demo@threadr.localhost")
    before = version(demo)

    call_command("seed_demo", stdout=StringIO())

    assert Thread.objects.filter(owner=demo).count() == 3
    assert version(demo) > before


def test_it_moves_on_when_all_of_a_users_threads_are_deleted(alice, bob):
    make_thread(alice)
    make_thread(alice, title="Second")
    kept = make_thread(bob)
    before = version(alice)

    assert thread_delete_all_for_user(user=alice) == 2

    assert version(alice) == before + 1
    assert list(Thread.objects.all()) == [kept]
