"""API tokens: made on the settings page or by `issuetoken`, shown once, stored hashed, revocable."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from accounts.models import ApiToken
from accounts.services import api_token_authenticate, api_token_create, api_token_revoke, user_email_verified

pytestmark = pytest.mark.django_db


def test_a_token_is_stored_only_as_its_hash(alice):
    issued = api_token_create(user=alice, name="newsletter")

    stored = ApiToken.objects.get(user=alice)
    assert issued.raw.startswith("thr_")
    assert len(issued.raw) > 40
    assert stored.key_hash == hashlib.sha256(issued.raw.encode()).hexdigest()
    assert issued.raw not in {stored.key_hash, stored.prefix, stored.name}


def test_the_settings_page_shows_a_new_token_once(client, alice):
    client.force_login(alice)

    created = client.post("/accounts/settings/tokens/", {"name": "Newsletter script"})
    later = client.get("/accounts/settings/")

    raw = ApiToken.objects.get(user=alice)
    assert created.status_code == 201
    page = created.content.decode()
    assert 'id="new-token"' in page
    assert "Newsletter script" in later.content.decode()
    assert 'id="new-token"' not in later.content.decode()
    assert raw.prefix in later.content.decode()


def test_a_revoked_token_is_refused_with_401(alice):
    issued = api_token_create(user=alice, name="old")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {issued.raw}")
    assert api.get("/api/v1/usage").status_code == 200

    api_token_revoke(token=issued.token)
    response = api.get("/api/v1/usage")

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"


def test_a_made_up_token_is_refused(db):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer thr_not-a-real-token")

    assert client.get("/api/v1/usage").status_code == 401


def test_revoking_from_the_settings_page_only_touches_your_own_tokens(client, alice, mallory):
    alices = api_token_create(user=alice, name="alice's")
    client.force_login(mallory)

    response = client.post(f"/accounts/settings/tokens/{alices.token.pk}/revoke/")

    assert response.status_code == 404
    alices.token.refresh_from_db()
    assert alices.token.is_active


def test_a_token_records_when_it_was_last_used(alice):
    issued = api_token_create(user=alice, name="cron")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {issued.raw}")

    api.get("/api/v1/usage")

    issued.token.refresh_from_db()
    assert issued.token.last_used_at is not None


def test_issuetoken_prints_a_working_token(alice):
    out = StringIO()

    call_command("issuetoken", "ALICE@example.com", "--name", "ops", stdout=out)

    raw = out.getvalue().strip()
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert api.get("/api/v1/usage").status_code == 200
    assert ApiToken.objects.get(user=alice).name == "ops"


def test_issuetoken_says_when_no_account_has_that_email(db):
    with pytest.raises(CommandError, match=r"No account uses nobody@example\.com"):
        call_command("issuetoken", "nobody@example.com")


def test_a_token_of_a_deactivated_account_is_refused(alice):
    issued = api_token_create(user=alice, name="cron")
    alice.is_active = False
    alice.save(update_fields=["is_active"])
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {issued.raw}")

    assert api.get("/api/v1/usage").status_code == 401


def test_last_use_is_written_at_most_once_a_minute(alice):
    issued = api_token_create(user=alice, name="cron")
    first = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)

    assert api_token_authenticate(raw=issued.raw, now=first) == alice
    assert api_token_authenticate(raw=issued.raw, now=first + timedelta(seconds=59)) == alice
    issued.token.refresh_from_db()
    assert issued.token.last_used_at == first

    authenticated = api_token_authenticate(raw=issued.raw, now=first + timedelta(seconds=61))
    issued.token.refresh_from_db()
    assert issued.token.last_used_at == first + timedelta(seconds=61)
    assert authenticated is not None
    assert (authenticated.email, authenticated.premium_until, authenticated.date_joined) == (
        alice.email,
        alice.premium_until,
        alice.date_joined,
    )


def test_a_token_is_checked_in_one_query_and_its_use_written_at_most_once_a_minute(alice, django_assert_num_queries):
    issued = api_token_create(user=alice, name="cli")
    first = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)

    with django_assert_num_queries(2):  # the lookup, and the first use written
        user = api_token_authenticate(raw=issued.raw, now=first)
    with django_assert_num_queries(1):
        assert api_token_authenticate(raw=issued.raw, now=first + timedelta(seconds=30)) == alice
    with django_assert_num_queries(1):
        assert api_token_authenticate(raw="thr_not-a-real-token") is None

    assert user == alice
    assert user_email_verified(user) is True  # alice confirmed her address


def test_a_token_of_an_owner_who_has_not_confirmed_their_address_signs_in_but_cannot_generate(db):
    from tests.conftest import make_user

    unconfirmed = make_user("carol@example.com", verified=False)
    raw = api_token_create(user=unconfirmed, name="cli").raw

    user = api_token_authenticate(raw=raw)
    assert user == unconfirmed
    assert user_email_verified(user) is False
    client = APIClient()
    response = client.post(
        "/api/v1/generations", {"text": "word " * 100}, format="json", HTTP_AUTHORIZATION=f"Bearer {raw}"
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "email_unverified"
