"""Billing runs against the fake Stripe server through the real SDK, with webhooks signed by the SDK's own routine."""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import stripe
from django.test import Client

from accounts.models import User
from billing.models import Plan
from tests.fakes.stripe_server import FakeStripe, running_fake_stripe

WEBHOOK_SECRET = "whsec_threadr_tests_0123456789"
FIXTURES = Path(__file__).parent / "fixtures"
PRICES = {
    "price_pass30": {"unit_amount": 499, "currency": "usd", "type": "one_time"},
    "price_pro": {"unit_amount": 999, "currency": "usd", "type": "recurring", "recurring": {"interval": "month"}},
}
_event_numbers = itertools.count(1)


@pytest.fixture
def fake_stripe(settings: Any, db: None) -> Iterator[FakeStripe]:
    """A fresh fake Stripe, Threadr configured with test keys against it, and the plans pointing at its prices."""
    with running_fake_stripe(PRICES) as (fake, url):
        settings.STRIPE_SECRET_KEY = "sk_test_threadr"
        settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
        settings.STRIPE_API_BASE = url
        Plan.objects.filter(slug="pass-30").update(stripe_price_id="price_pass30")
        Plan.objects.filter(slug="pro-monthly").update(stripe_price_id="price_pro")
        yield fake


def signed(payload: str, *, timestamp: int | None = None, secret: str = WEBHOOK_SECRET) -> str:
    return stripe.WebhookSignature.generate_signature_header(payload, secret, timestamp)


def deliver(client: Client, event: dict[str, Any], *, timestamp: int | None = None) -> Any:
    """POST an event the way Stripe does: the exact bytes that were signed."""
    payload = json.dumps(event)
    return client.post(
        "/billing/webhook/",
        data=payload,
        content_type="application/json",
        headers={"Stripe-Signature": signed(payload, timestamp=timestamp)},
    )


def fixture_event(name: str, **values: Any) -> dict[str, Any]:
    """A recorded event from fixtures/, its placeholders filled and a fresh id so every delivery is a new event
    unless a test re-sends the same one on purpose."""
    text = (FIXTURES / f"{name}.json").read_text()
    for key, value in values.items():
        text = text.replace("{{" + key + "}}", str(value))
    event = json.loads(text)
    event["id"] = f"{event['id']}_{next(_event_numbers)}"
    event["created"] = int(time.time())
    return event


def logged_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def start_checkout(user: User, slug: str = "pass-30") -> str:
    """The user presses the plan's button; returns the Checkout Session id Stripe created."""
    response = logged_in(user).post(f"/billing/checkout/{slug}/")
    assert response.status_code == 303, response
    return response["Location"].rsplit("/", 1)[1]
