""" "Sign out everywhere" on the settings page ends every session of the person, on every device, and revokes their
API tokens; after it they can sign in again, and nobody else is touched."""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import ApiToken
from accounts.services import api_token_create
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def signed_in_with_password(email: str) -> Client:
    """A browser that signed in through the sign-in form, as a person on a device does."""
    client = Client()
    response = client.post("/accounts/login/", {"login": email, "password": PASSWORD})
    assert response.status_code == 302, response
    return client


def is_signed_in(client: Client) -> bool:
    return client.get("/accounts/settings/").status_code == 200


def test_it_signs_out_every_device_and_revokes_every_token(alice):
    laptop, phone = signed_in_with_password(alice.email), signed_in_with_password(alice.email)
    token = api_token_create(user=alice, name="Newsletter script").raw
    script = APIClient(headers={"Authorization": f"Bearer {token}"})
    assert is_signed_in(laptop)
    assert is_signed_in(phone)
    assert script.get("/api/v1/usage").status_code == 200

    response = laptop.post("/accounts/settings/sign-out-everywhere/", follow=True)

    assert response.redirect_chain[0] == ("/accounts/login/", 302)
    assert "You were signed out on every device and 1 API token revoked." in response.content.decode()
    assert not is_signed_in(laptop)
    assert not is_signed_in(phone)
    assert script.get("/api/v1/usage").status_code == 401
    assert not ApiToken.objects.filter(user=alice, revoked_at=None).exists()


def test_it_asks_first_and_a_look_changes_nothing(alice):
    laptop, phone = signed_in_with_password(alice.email), signed_in_with_password(alice.email)
    api_token_create(user=alice, name="Newsletter script")

    page = laptop.get("/accounts/settings/sign-out-everywhere/")

    assert page.status_code == 200
    assert "It also revokes your 1 API token: scripts using it will get 401" in " ".join(page.content.decode().split())
    assert is_signed_in(laptop)
    assert is_signed_in(phone)
    assert ApiToken.objects.filter(user=alice, revoked_at=None).exists()


def test_the_settings_page_links_to_it(alice):
    page = signed_in_with_password(alice.email).get("/accounts/settings/")

    assert 'href="/accounts/settings/sign-out-everywhere/"' in page.content.decode()


def test_after_it_the_person_can_sign_in_again_and_stays_signed_in(alice):
    laptop = signed_in_with_password(alice.email)
    laptop.post("/accounts/settings/sign-out-everywhere/")

    again = signed_in_with_password(alice.email)

    assert is_signed_in(again)
    assert is_signed_in(again)  # the next request too: the new session carries the new hash


def test_other_people_stay_signed_in(alice, bob):
    alices_laptop, bobs_laptop = signed_in_with_password(alice.email), signed_in_with_password(bob.email)
    bobs_token = api_token_create(user=bob, name="Bob's script").raw

    alices_laptop.post("/accounts/settings/sign-out-everywhere/")

    assert is_signed_in(bobs_laptop)
    assert APIClient(headers={"Authorization": f"Bearer {bobs_token}"}).get("/api/v1/usage").status_code == 200


def test_it_takes_a_post(client, alice):
    client.force_login(alice)

    assert client.put("/accounts/settings/sign-out-everywhere/").status_code == 405
    assert is_signed_in(client)


def test_it_also_ends_sessions_signed_before_a_secret_key_rotation(alice, settings):
    old_phone = signed_in_with_password(alice.email)
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-rotated-secret-key-for-the-tests-0123456789abcdef"
    laptop = signed_in_with_password(alice.email)  # the phone, untouched since, still holds the old key's hash

    laptop.post("/accounts/settings/sign-out-everywhere/")

    assert not is_signed_in(old_phone)
