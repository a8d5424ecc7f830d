"""Sign-up, verification and login never reveal whether an email has an account, and are rate limited."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from accounts.models import User
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def sign_up(client, email: str):
    password = "a-Long-unusual-passphrase-42"
    return client.post("/accounts/signup/", {"email": email, "password1": password, "password2": password})


def test_sign_up_sends_a_verification_link_that_signs_the_user_in(client):
    response = sign_up(client, "carol@example.com")

    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^\s]+/accounts/confirm-email/[^\s]+/", mail.outbox[0].body).group(0)
    path = link.split("testserver", 1)[-1]
    confirmed = client.post(path)
    assert confirmed.status_code == 302
    carol = User.objects.get(email="carol@example.com")
    assert carol.emailaddress_set.get().verified


def test_signing_up_with_a_taken_email_looks_the_same_as_a_new_one(client, alice):
    new = sign_up(client, "dave@example.com")
    client.logout()
    taken = sign_up(client, "alice@example.com")

    assert new.status_code == taken.status_code == 302
    assert new["Location"] == taken["Location"]
    assert User.objects.filter(email="alice@example.com").count() == 1


def test_a_wrong_password_and_an_unknown_email_get_the_same_answer(client, alice):
    wrong_password = client.post("/accounts/login/", {"login": "alice@example.com", "password": "nope-nope-nope"})
    unknown_email = client.post("/accounts/login/", {"login": "nobody@example.com", "password": "nope-nope-nope"})

    assert wrong_password.status_code == unknown_email.status_code == 200

    def errors(response) -> list[str]:
        return response.context["form"].non_field_errors()

    assert errors(wrong_password) == errors(unknown_email)


def test_logging_in_works_with_the_email_in_any_case(client, alice):
    response = client.post("/accounts/login/", {"login": "Alice@Example.com", "password": PASSWORD})

    assert response.status_code == 302
    assert client.get("/accounts/settings/").status_code == 200


@pytest.mark.usefixtures("one_throttle_window")
def test_repeated_failed_logins_are_rate_limited(client, alice):
    for _ in range(5):
        client.post("/accounts/login/", {"login": "alice@example.com", "password": "wrong-wrong-wrong"})

    blocked = client.post("/accounts/login/", {"login": "alice@example.com", "password": PASSWORD})

    assert blocked.status_code == 200
    assert "Too many failed login attempts" in blocked.content.decode()
    assert "_auth_user_id" not in client.session
