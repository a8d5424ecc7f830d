"""The check-your-email page's "Resend the link" sends the confirmation again for the sign-up waiting in this
browser, no faster than allauth's confirm_email limit allows, and answers a taken address exactly like a new one."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.core import mail
from django.utils import timezone

from tests.conftest import make_user

pytestmark = pytest.mark.django_db

PASSWORD = "a-Long-unusual-passphrase-42"


def sign_up(client: Any, email: str) -> None:
    response = client.post("/accounts/signup/", {"email": email, "password1": PASSWORD})
    assert response["Location"] == "/accounts/confirm-email/"


def resend(client: Any) -> tuple[str, list[str]]:
    response = client.post("/accounts/resend-confirmation/")
    return response["Location"], [str(message) for message in get_messages(response.wsgi_request)]


def test_it_waits_a_few_minutes_before_sending_the_link_again(client):
    sign_up(client, "carol@threadr.test")

    location, said = resend(client)

    assert location == "/accounts/confirm-email/"
    assert said[-1] == "We sent you a link a moment ago. You can ask for another in a few minutes."
    assert len(mail.outbox) == 1


def test_it_sends_the_link_again_once_the_limit_allows(client):
    sign_up(client, "carol@threadr.test")

    with time_machine.travel(timezone.now() + timedelta(minutes=3, seconds=5)):
        location, said = resend(client)

    assert location == "/accounts/confirm-email/"
    assert said[-1] == "We sent a link to carol@threadr.test."
    assert [message.to for message in mail.outbox] == [["carol@threadr.test"], ["carol@threadr.test"]]
    assert mail.outbox[1].subject == "Confirm your email to start using Threadr"


def test_a_taken_address_gets_the_same_answer_as_a_new_one(client):
    make_user("alice@threadr.test")
    answers = []

    for email in ("alice@threadr.test", "dave@threadr.test"):
        client.logout()
        sign_up(client, email)
        with time_machine.travel(timezone.now() + timedelta(minutes=3, seconds=5)):
            answers.append(resend(client))

    assert answers[0][0] == answers[1][0]
    assert answers[0][1][-1].replace("alice", "dave") == answers[1][1][-1]
    assert [message.to for message in mail.outbox] == [["alice@threadr.test"]] * 2 + [["dave@threadr.test"]] * 2


def test_without_a_sign_up_waiting_it_asks_to_sign_in(client):
    location, said = resend(client)

    assert location == "/accounts/login/"
    assert said == ["Sign in, and if your address still needs confirming we will send you a new link."]
    assert mail.outbox == []


def test_it_only_answers_a_form(client):
    assert client.get("/accounts/resend-confirmation/").status_code == 405
