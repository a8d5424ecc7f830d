"""Publishing's part of the whole account: deletion revokes X's tokens and stops publications; the export has the
publications and the X account, never a token."""

from __future__ import annotations

import json

from django.test import Client

from accounts.models import User
from publishing.models import Publication
from publishing.services import publication_create
from tests.conftest import PASSWORD
from tests.publishing.conftest import logged_in, make_thread, publish_now


def test_deleting_the_account_revokes_x_and_cancels_publications(bob, connected, x, django_capture_on_commit_callbacks):
    publication = publish_now(bob, make_thread(bob))
    client = logged_in(bob)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/settings/delete/", {"password": PASSWORD})

    assert response.status_code == 302
    assert not User.objects.filter(pk=bob.pk).exists()
    assert not Publication.objects.filter(pk=publication.pk).exists()
    assert x.tokens_of(x.user, "access", live=True) == []
    assert x.tokens_of(x.user, "refresh", live=True) == []


def test_the_export_has_publications_and_the_x_account_but_no_token(bob, connected, x):
    thread = make_thread(bob, 2)
    publication_create(user=bob, thread=thread, at=None)

    response = logged_in(bob).get("/accounts/settings/export/")
    raw = b"".join(response.streaming_content).decode()
    data = json.loads(raw)

    assert data["x_account"]["username"] == "threadr_writer"
    assert [tweet["text"] for tweet in data["publications"][0]["tweets"]] == thread.tweets
    assert connected.access_token not in raw
    assert connected.refresh_token not in raw
    assert connected.access_token_encrypted not in raw


def test_the_privacy_page_says_what_is_kept_about_the_x_account(db):
    page = Client().get("/privacy").content.decode()

    assert "X account" in page
    assert "encrypted" in page
