"""Signing in, signing up and confirming the address all land in the app, which welcomes a writer with no thread
yet; the landing page offers a signed-in visitor the app rather than a sign-up."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from generator.models import Thread
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_signing_in_lands_in_the_app(client, alice):
    response = client.post("/accounts/login/", {"login": "alice@example.com", "password": PASSWORD})

    assert response["Location"] == "/app/"


def test_a_next_page_still_wins_over_the_app(client, alice):
    response = client.post("/accounts/login/?next=/pricing", {"login": "alice@example.com", "password": PASSWORD})

    assert response["Location"] == "/pricing"


def test_confirming_the_address_after_signing_up_lands_in_the_app(client):
    client.post("/accounts/signup/", {"email": "carol@threadr.test", "password1": "a-Long-unusual-passphrase-42"})
    link = re.search(r"/accounts/confirm-email/[^\s/]+/", mail.outbox[0].body)
    assert link is not None

    response = client.post(link.group())

    assert response["Location"] == "/app/"
    assert "Welcome to Threadr" in client.get("/app/").content.decode()


def test_the_app_welcomes_a_writer_with_no_thread_yet_and_offers_a_sample(client, alice):
    client.force_login(alice)

    html = client.get("/app/").content.decode()

    assert "Welcome to Threadr" in html
    assert "Try a sample" in html
    sample = re.search(r'<template id="sample-article">(.*?)</template>', html, re.S)
    assert sample is not None
    assert sample.group(1).startswith("# Write the ending first")
    assert len(sample.group(1)) > 1000


def test_the_welcome_is_gone_once_there_is_a_thread(client, alice):
    thread = Thread(owner=alice, title="Remote teams", engine="local", is_archived=True)
    thread.set_tweets(["Remote teams decide in documents."])
    thread.save()
    client.force_login(alice)

    html = client.get("/app/").content.decode()

    assert "Welcome to Threadr" not in html
    assert "sample-article" not in html


def test_a_signed_in_visitor_to_the_landing_page_is_offered_the_app(client, alice):
    client.force_login(alice)

    html = client.get("/").content.decode()

    assert html.count('<a class="button" href="/app/">Open the app</a>') == 2
    assert "Start free" not in html
    assert "Create your free account" not in html


def test_a_visitor_is_offered_a_free_account(client):
    html = client.get("/").content.decode()

    assert "Start free" in html
    assert "Open the app" not in html
