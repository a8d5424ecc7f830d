"""The sign-in emails are Threadr's own: from Threadr, greeting the person, a plain-text and an HTML part saying the
same, and links on SITE_URL, never on the host a request named, nor allauth's "example.com"."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.test import Client
from django.utils.html import escape

from tests.conftest import make_user

pytestmark = pytest.mark.django_db

SITE = "https://threadr.test"
PASSWORD = "a-Long-unusual-passphrase-42"


@pytest.fixture(autouse=True)
def _through_the_outbox(settings: Any) -> None:
    """Mail goes through the outbox, as in production, into Django's test mailbox; the site lives at SITE while
    requests name another host, so a link built from the request would show."""
    settings.SITE_URL = SITE
    settings.EMAIL_BACKEND = "threadr.lib.mail.backend.OutboxBackend"
    settings.EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def post(client: Client, django_capture_on_commit_callbacks: Any) -> Callable[[str, dict[str, str]], Any]:
    """A form sent as a browser sends it: the request's transaction commits, then the outbox delivers."""

    def posting(path: str, data: dict[str, str]) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(path, data)

    return posting


def parts(message: EmailMultiAlternatives) -> tuple[str, str]:
    [(html, kind)] = message.alternatives
    assert kind == "text/html"
    return message.body, str(html)


def links(text: str) -> list[str]:
    return re.findall(r"https?://[^\s\"<>]+", text)


def assert_ours(message: EmailMultiAlternatives, *, greeting: str) -> tuple[str, str]:
    text, html = parts(message)
    assert message.from_email == "Threadr <hello@threadr.localhost>"
    assert not message.subject.startswith("[")
    assert "Threadr" in message.subject
    assert text.startswith(f"{greeting},\n")
    assert f'<p style="margin:0 0 16px;">{escape(greeting)},</p>' in html
    for part in (text, html, message.subject):
        assert "example.com" not in part
        assert "testserver" not in part
        assert "{" not in part  # no template tag left unrendered
    assert links(text)
    assert all(link.startswith(f"{SITE}/") for link in links(text) + links(html))
    assert set(links(text)) <= set(links(html))
    return text, html


def test_the_sign_up_email_greets_a_new_person_and_confirms_on_the_site(client, post):
    post("/accounts/signup/", {"email": "carol@threadr.test", "password1": PASSWORD})

    [message] = mail.outbox
    assert message.to == ["carol@threadr.test"]
    text, html = assert_ours(message, greeting="Hi there")
    [link] = links(text)
    assert link.startswith(f"{SITE}/accounts/confirm-email/")
    assert "Confirm my email" in html
    confirmed = client.post(link.removeprefix(SITE))
    assert confirmed.status_code == 302


def test_the_password_reset_email_greets_the_person_by_name(client, post):
    make_user("dan@threadr.test", display_name="Dan O'Brien")

    post("/accounts/password/reset/", {"email": "dan@threadr.test"})

    [message] = mail.outbox
    assert message.subject == "Reset your Threadr password"
    text, html = assert_ours(message, greeting="Hi Dan O'Brien")  # HTML-escaped in the HTML part only
    assert "Choose a new password" in html
    [link] = links(text)
    assert link.startswith(f"{SITE}/accounts/password/reset/key/")
    assert client.get(link.removeprefix(SITE), follow=True).status_code == 200


def test_signing_up_with_a_taken_address_tells_its_owner_in_our_words(post):
    make_user("erin@threadr.test", display_name="Erin")

    post("/accounts/signup/", {"email": "erin@threadr.test", "password1": PASSWORD})

    [message] = mail.outbox
    assert message.subject == "You already have a Threadr account"
    text, _ = assert_ours(message, greeting="Hi there")
    assert links(text) == [f"{SITE}/accounts/login/", f"{SITE}/accounts/password/reset/"]


def test_a_reset_for_an_address_with_no_account_offers_to_sign_up(post):
    post("/accounts/password/reset/", {"email": "nobody@threadr.test"})

    [message] = mail.outbox
    text, _ = assert_ours(message, greeting="Hi there")
    assert links(text) == [f"{SITE}/accounts/signup/"]


def test_a_new_address_is_confirmed_by_an_email_in_our_words(client, post):
    frank = make_user("frank@threadr.test", display_name="Frank")
    client.force_login(frank)

    post("/accounts/email/", {"action_add": "", "email": "frank.new@threadr.test"})

    [message] = mail.outbox
    assert message.to == ["frank.new@threadr.test"]
    assert message.subject == "Confirm your email address for Threadr"
    text, _ = assert_ours(message, greeting="Hi Frank")
    assert links(text)[0].startswith(f"{SITE}/accounts/confirm-email/")
