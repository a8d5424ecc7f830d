"""The account page: plan and usage, data export, and deleting the account."""

from __future__ import annotations

import json

import pytest

from accounts.models import User
from generator.models import Rewrite, Thread

pytestmark = pytest.mark.django_db


def test_it_needs_a_signed_in_user(client):
    response = client.get("/accounts/settings/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_it_shows_the_plan_and_todays_usage(client, alice, bob):
    client.force_login(alice)
    free = client.get("/accounts/settings/").content.decode()
    client.force_login(bob)
    premium = client.get("/accounts/settings/").content.decode()

    assert "Free" in free
    assert "0 of 5 threads used" in free
    assert "0 of 20 threads used" in free
    assert "Premium until" in premium


def test_it_shows_what_the_account_keeps_against_its_storage_caps(client, alice, settings):
    settings.MAX_THREADS_PER_USER = 1_000
    settings.MAX_STORED_TEXT_PER_USER = 100
    thread = Thread(owner=alice, title="Mine", engine="local", source_text="x" * 46)
    thread.set_tweets(["Hello."])
    thread.save()
    client.force_login(alice)

    page = client.get("/accounts/settings/").content.decode()

    assert "Kept: 1 of 1,000 threads, and 56% of the text your plan keeps." in page


def test_export_downloads_everything_kept_about_the_user(client, alice, mallory):
    thread = Thread(owner=alice, title="Mine", engine="local")
    thread.set_tweets(["Hello."])
    thread.save()
    other = Thread(owner=mallory, title="Not mine", engine="local")
    other.set_tweets(["Secret."])
    other.save()
    Rewrite.objects.create(user=alice, thread=thread, status=Rewrite.Status.SUCCEEDED)
    Rewrite.objects.create(user=mallory, thread=other, status=Rewrite.Status.FAILED)
    client.force_login(alice)

    response = client.get("/accounts/settings/export/")

    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    body = response.getvalue().decode()
    data = json.loads(body)
    assert data["profile"]["email"] == "alice@example.com"
    assert [item["title"] for item in data["threads"]] == ["Mine"]
    assert data["threads"][0]["tweets"] == ["Hello."]
    assert [(item["thread_id"], item["status"]) for item in data["rewrites"]] == [(thread.pk, "succeeded")]
    assert "purchases" in data
    assert "Not mine" not in body


def test_deleting_needs_the_password_and_removes_the_account_and_threads(client, alice):
    thread = Thread(owner=alice, title="Mine", engine="local")
    thread.set_tweets(["Hello."])
    thread.save()
    client.force_login(alice)

    refused = client.post("/accounts/settings/delete/", {"password": "wrong"})
    assert refused.status_code == 400
    assert User.objects.filter(pk=alice.pk).exists()

    deleted = client.post("/accounts/settings/delete/", {"password": "correct horse battery staple"})

    assert deleted.status_code == 302
    assert not User.objects.filter(pk=alice.pk).exists()
    assert not Thread.objects.filter(pk=thread.pk).exists()
    assert client.get("/accounts/settings/").status_code == 302
