"""Stripe is read before anything of ours is locked: a slow Stripe never holds an event (or a user) hostage, and
a duplicate delivery waiting for the event row never waits on the network."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import Client

from accounts.models import User
from billing.models import WebhookEvent
from tests.billing.conftest import deliver, fixture_event, logged_in, start_checkout
from tests.fakes.stripe_server import FakeStripe

pytestmark = pytest.mark.django_db(transaction=True)


def rows_the_app_holds() -> list[str]:
    """Which of our tables have a row that this connection, not the app's, cannot lock at once."""
    held = []
    try:
        for model in (WebhookEvent, User):
            try:
                with transaction.atomic():
                    list(model.objects.select_for_update(nowait=True).values_list("pk", flat=True))
            except DatabaseError:
                held.append(model.__name__)
    finally:
        connection.close()  # this runs on the fake's request thread, which has its own connection
    return held


@pytest.fixture
def watched(fake_stripe: FakeStripe) -> Iterator[list[tuple[str, list[str]]]]:
    """Every Stripe request the app makes, each with the tables it held a row lock on at that moment."""
    seen: list[tuple[str, list[str]]] = []
    fake_stripe.on_request = lambda method, path: seen.append((path, rows_the_app_holds()))
    yield seen
    fake_stripe.on_request = None


def pass_paid(user: User, fake: FakeStripe) -> dict[str, Any]:
    session_id = start_checkout(user)
    fake.pay_session(session_id)
    return fixture_event("checkout.session.completed", session_id=session_id, user_id=user.pk)


def pro_paid(user: User, fake: FakeStripe) -> dict[str, Any]:
    session_id = start_checkout(user, "pro-monthly")
    fake.pay_session(session_id)
    return fixture_event("checkout.session.completed", session_id=session_id, user_id=user.pk)


def subscribed(user: User, fake: FakeStripe) -> str:
    session_id = start_checkout(user, "pro-monthly")
    session = fake.pay_session(session_id)
    logged_in(user).get("/billing/success/", {"session_id": session_id})
    return str(session["subscription"])


def subscription_cancelled(user: User, fake: FakeStripe) -> dict[str, Any]:
    subscription_id = fake.cancel_subscription(subscribed(user, fake))["id"]
    return fixture_event("customer.subscription.deleted", subscription_id=subscription_id)


def renewal_paid(user: User, fake: FakeStripe) -> dict[str, Any]:
    invoice = fake.renew_subscription(subscribed(user, fake), paid=True)
    return fixture_event("invoice.paid", invoice_id=invoice["id"])


def renewal_failed(user: User, fake: FakeStripe) -> dict[str, Any]:
    invoice = fake.renew_subscription(subscribed(user, fake), paid=False)
    return fixture_event("invoice.payment_failed", invoice_id=invoice["id"])


def bought_pass_charge(user: User, fake: FakeStripe) -> str:
    session_id = start_checkout(user)
    session = fake.pay_session(session_id)
    logged_in(user).get("/billing/success/", {"session_id": session_id})
    return str(fake.objects[session["payment_intent"]]["latest_charge"])


def pass_refunded(user: User, fake: FakeStripe) -> dict[str, Any]:
    charge_id = bought_pass_charge(user, fake)
    fake.refund(charge_id)
    return fixture_event("charge.refunded", charge_id=charge_id)


def dispute_lost(user: User, fake: FakeStripe) -> dict[str, Any]:
    dispute = fake.dispute(bought_pass_charge(user, fake), "lost")
    return fixture_event("charge.dispute.closed", dispute_id=dispute["id"])


SCENARIOS: dict[str, Callable[[User, FakeStripe], dict[str, Any]]] = {
    "pass paid": pass_paid,
    "pro paid": pro_paid,
    "subscription cancelled": subscription_cancelled,
    "renewal paid": renewal_paid,
    "renewal failed": renewal_failed,
    "pass refunded": pass_refunded,
    "dispute lost": dispute_lost,
}


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_it_reads_stripe_with_no_event_or_user_row_locked(
    scenario: str, alice: User, fake_stripe: FakeStripe, watched: list[tuple[str, list[str]]]
) -> None:
    event = SCENARIOS[scenario](alice, fake_stripe)
    watched.clear()

    response = deliver(Client(), event)

    assert response.status_code == 200
    stored = WebhookEvent.objects.get(stripe_event_id=event["id"])
    assert stored.processed is not None, stored.error
    assert not stored.outcome.startswith("ignored"), stored.outcome
    assert watched, "the handler read nothing from Stripe"
    assert [(path, held) for path, held in watched if held] == []


def test_it_confirms_a_purchase_on_the_success_page_with_no_user_row_locked(
    alice: User, fake_stripe: FakeStripe, watched: list[tuple[str, list[str]]]
) -> None:
    session_id = start_checkout(alice, "pro-monthly")
    fake_stripe.pay_session(session_id)
    watched.clear()

    assert logged_in(alice).get("/billing/success/", {"session_id": session_id}).status_code == 200

    assert len(watched) == 2  # the session, then the subscription it started
    assert [(path, held) for path, held in watched if held] == []
