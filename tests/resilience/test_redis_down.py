"""Redis goes away mid-run: people keep signing in, generating and paying; burst throttles let requests through,
the limits that guard passwords count in PostgreSQL; /health says the cache is down; everything of value is still
in PostgreSQL."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from accounts.models import User
from billing.models import EntitlementChange, WebhookEvent
from generator.models import Generation, Thread
from tests.billing.conftest import deliver, fake_stripe, fixture_event, start_checkout  # noqa: F401 - fixture
from tests.conftest import DEAD_REDIS, PASSWORD
from tests.resilience.conftest import ARTICLE

pytestmark = pytest.mark.django_db

ONE_WINDOW = time_machine.travel("2026-11-25 12:02:30+00:00", tick=False)  # every attempt in one limit window


def generate(client: Client) -> int:
    return client.post("/api/v1/generations", {"text": ARTICLE}, content_type="application/json").status_code


def kill_redis(settings: Any) -> None:
    settings.CACHES = DEAD_REDIS


def test_it_keeps_serving_pages(alice: User, settings: Any) -> None:
    kill_redis(settings)
    visitor = Client()

    assert visitor.get("/").status_code == 200
    assert visitor.get("/pricing").status_code == 200
    assert visitor.get("/accounts/login/").status_code == 200
    visitor.force_login(alice)
    assert visitor.get("/app/").status_code == 200
    assert visitor.get("/app/threads/").status_code == 200


def test_it_keeps_signing_people_in(alice: User, settings: Any) -> None:
    kill_redis(settings)

    signed_in = Client().post("/accounts/login/", {"login": alice.email, "password": PASSWORD})

    assert signed_in.status_code == 302


def test_it_keeps_generating_and_the_throttle_fails_open(alice: User, settings: Any) -> None:
    settings.GENERATION_RATE_PER_USER = 1
    client = Client()
    client.force_login(alice)
    assert [generate(client), generate(client)] == [201, 429]  # with Redis up, the burst throttle bites

    kill_redis(settings)
    statuses = [generate(client), generate(client), generate(client)]

    assert statuses == [201, 201, 201]
    assert Thread.objects.filter(owner=alice).count() == 4
    assert Generation.objects.filter(user=alice, status="succeeded").count() == 4
    usage = client.get("/api/v1/usage").json()
    assert (usage["daily_used"], usage["daily_left"]) == (4, 1)


def test_the_exact_quota_still_holds_without_redis(alice: User, settings: Any) -> None:
    kill_redis(settings)
    client = Client()
    client.force_login(alice)

    statuses = [generate(client) for _ in range(settings.FREE_DAILY_LIMIT + 2)]

    assert statuses == [201] * settings.FREE_DAILY_LIMIT + [402, 402]


def test_a_payment_webhook_is_applied_once(alice: User, fake_stripe: Any, settings: Any) -> None:  # noqa: F811
    session_id = start_checkout(alice)
    fake_stripe.pay_session(session_id)
    event = fixture_event("checkout.session.completed", session_id=session_id, user_id=alice.pk)
    kill_redis(settings)

    statuses = [deliver(Client(), event).status_code for _ in range(3)]

    assert statuses == [200, 200, 200]
    alice.refresh_from_db()
    assert alice.premium_until is not None
    assert alice.premium_until - timezone.now() > timedelta(days=29)
    assert EntitlementChange.objects.count() == 1
    assert WebhookEvent.objects.get().attempts == 1


def test_health_reports_the_cache_down_but_stays_up(settings: Any) -> None:
    kill_redis(settings)

    response = Client().get("/health")

    assert response.status_code == 200
    assert response.json() == {"status": "degraded", "checks": {"database": "ok", "cache": "down"}}


@ONE_WINDOW
@pytest.mark.usefixtures("one_throttle_window")
def test_the_sign_in_limit_holds_in_postgresql_and_spares_the_owner(alice: User, settings: Any) -> None:
    kill_redis(settings)
    stranger = Client(REMOTE_ADDR="203.0.113.66")
    for _ in range(settings.PASSWORD_FAILURES_PER_ACCOUNT_AND_IP):
        stranger.post("/accounts/login/", {"login": alice.email, "password": "not-her-password"})

    refused = stranger.post("/accounts/login/", {"login": alice.email, "password": PASSWORD})

    assert "Too many failed login attempts" in refused.content.decode()
    assert "_auth_user_id" not in stranger.session
    owner = Client(REMOTE_ADDR="198.51.100.7")
    assert owner.post("/accounts/login/", {"login": alice.email, "password": PASSWORD}).status_code == 302


@ONE_WINDOW
def test_the_account_deletion_limit_holds_in_postgresql(alice: User, settings: Any) -> None:
    kill_redis(settings)
    thief = Client(REMOTE_ADDR="203.0.113.66")
    thief.force_login(alice)  # a session left open on a shared computer
    for _ in range(settings.PASSWORD_FAILURES_PER_ACCOUNT_AND_IP):
        thief.post("/accounts/settings/delete/", {"password": "not-her-password"})

    refused = thief.post("/accounts/settings/delete/", {"password": PASSWORD})

    assert refused.status_code == 429
    assert User.objects.filter(pk=alice.pk).exists()


@ONE_WINDOW
def test_the_admin_sign_in_limit_holds_in_postgresql(admin_user: User, settings: Any) -> None:
    kill_redis(settings)
    settings.ADMIN_LOGIN_RATE = 2
    visitor = Client(REMOTE_ADDR="203.0.113.66")
    wrong = {"username": admin_user.email, "password": "wrong", "next": "/admin/"}

    statuses = [visitor.post("/admin/login/", wrong).status_code for _ in range(3)]

    assert statuses == [200, 200, 429]
