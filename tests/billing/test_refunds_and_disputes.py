"""Money that goes back takes back the premium it bought: all of it, or exactly its share."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from billing.models import EntitlementChange, Purchase, WebhookEvent
from tests.billing.conftest import deliver, fixture_event, logged_in, start_checkout

pytestmark = pytest.mark.django_db


def buy_pass(user, fake_stripe) -> str:
    """A paid pass, fulfilled on the success page; returns its charge id."""
    session_id = start_checkout(user)
    session = fake_stripe.pay_session(session_id)
    logged_in(user).get("/billing/success/", {"session_id": session_id})
    return fake_stripe.objects[session["payment_intent"]]["latest_charge"]


def refunded(client, charge_id):
    return deliver(client, fixture_event("charge.refunded", charge_id=charge_id))


def test_a_full_refund_takes_back_all_thirty_days(alice, fake_stripe, client):
    charge_id = buy_pass(alice, fake_stripe)
    fake_stripe.refund(charge_id)

    refunded(client, charge_id)

    alice.refresh_from_db()
    assert not alice.is_premium()
    purchase = Purchase.objects.get()
    assert (purchase.status, purchase.amount_refunded_cents, purchase.taken_back) == (
        "refunded",
        499,
        timedelta(days=30),
    )
    change = EntitlementChange.objects.get(reason="refund")
    assert change.premium_until_after == change.premium_until_before - timedelta(days=30)
    assert -timedelta(days=30) <= change.delta < -timedelta(days=29, hours=23)  # what was left of it


def test_a_partial_refund_takes_back_exactly_its_share(alice, fake_stripe, client):
    charge_id = buy_pass(alice, fake_stripe)
    alice.refresh_from_db()
    bought_end = alice.premium_until
    fake_stripe.refund(charge_id, 250)

    refunded(client, charge_id)

    share = timedelta(days=30) * 250 // 499
    alice.refresh_from_db()
    assert alice.premium_until == bought_end - share
    assert Purchase.objects.get().status == "partially_refunded"


def test_two_partial_refunds_add_up_and_replays_take_nothing_more(alice, fake_stripe, client):
    charge_id = buy_pass(alice, fake_stripe)
    alice.refresh_from_db()
    bought_end = alice.premium_until
    fake_stripe.refund(charge_id, 100)
    first = fixture_event("charge.refunded", charge_id=charge_id)
    deliver(client, first)
    fake_stripe.refund(charge_id, 399)

    refunded(client, charge_id)
    deliver(client, first)
    refunded(client, charge_id)

    alice.refresh_from_db()
    assert alice.premium_until == bought_end - timedelta(days=30)
    assert Purchase.objects.get().taken_back == timedelta(days=30)


def test_a_refund_after_the_pass_ran_out_leaves_the_next_pass_whole(alice, fake_stripe, client):
    charge_id = buy_pass(alice, fake_stripe)
    with time_machine.travel(timezone.now() + timedelta(days=40), tick=False):
        fake_stripe.refund(charge_id)
        refunded(client, charge_id)
        buy_pass(alice, fake_stripe)

        alice.refresh_from_db()
        assert alice.premium_until - timezone.now() == timedelta(days=30)


def test_a_refund_that_lands_before_the_purchase_is_fulfilled_still_counts(alice, fake_stripe, client):
    session_id = start_checkout(alice)
    session = fake_stripe.pay_session(session_id)
    charge_id = fake_stripe.objects[session["payment_intent"]]["latest_charge"]
    fake_stripe.refund(charge_id)
    refunded(client, charge_id)  # arrives first: no purchase of ours is paid by it yet

    deliver(client, fixture_event("checkout.session.completed", session_id=session_id, user_id=alice.pk))

    alice.refresh_from_db()
    assert not alice.is_premium()
    assert Purchase.objects.get().status == "refunded"
    assert list(WebhookEvent.objects.order_by("pk").values_list("outcome", flat=True)) == [
        "ignored: not a purchase",
        "purchase refunded",
    ]


def test_a_lost_dispute_takes_back_the_pass(alice, fake_stripe, client):
    charge_id = buy_pass(alice, fake_stripe)
    dispute = fake_stripe.dispute(charge_id, "lost")

    deliver(client, fixture_event("charge.dispute.closed", dispute_id=dispute["id"]))

    alice.refresh_from_db()
    assert not alice.is_premium()
    assert Purchase.objects.get().status == "dispute_lost"
    assert EntitlementChange.objects.filter(reason="dispute_lost").count() == 1


def test_a_won_dispute_and_an_opened_one_change_nothing(alice, fake_stripe, client):
    charge_id = buy_pass(alice, fake_stripe)
    dispute = fake_stripe.dispute(charge_id, "won")

    deliver(client, fixture_event("charge.dispute.created", dispute_id=dispute["id"]))
    deliver(client, fixture_event("charge.dispute.closed", dispute_id=dispute["id"]))

    alice.refresh_from_db()
    assert alice.is_premium()
    assert list(WebhookEvent.objects.order_by("pk").values_list("outcome", flat=True)) == [
        "noted: access is kept until the dispute closes",
        "dispute won: nothing to take back",
    ]


def test_a_lost_dispute_on_a_charge_we_did_not_sell_is_ignored(alice, fake_stripe, client):
    charge_id = buy_pass(alice, fake_stripe)
    Purchase.objects.update(stripe_payment_intent_id="pi_elsewhere")
    dispute = fake_stripe.dispute(charge_id, "lost")

    deliver(client, fixture_event("charge.dispute.closed", dispute_id=dispute["id"]))

    assert WebhookEvent.objects.get().outcome == "ignored: not a purchase"


def test_a_second_pass_extends_from_the_end_of_the_first(alice, fake_stripe):
    buy_pass(alice, fake_stripe)
    alice.refresh_from_db()
    first_end = alice.premium_until

    buy_pass(alice, fake_stripe)

    alice.refresh_from_db()
    assert alice.premium_until == first_end + timedelta(days=30)


def test_a_pass_bought_during_older_premium_extends_it(bob, fake_stripe):
    end_before = bob.premium_until

    buy_pass(bob, fake_stripe)

    bob.refresh_from_db()
    assert bob.premium_until == end_before + timedelta(days=30)


def test_a_refund_after_the_account_was_deleted_still_records_the_money(alice, fake_stripe, client):
    charge_id = buy_pass(alice, fake_stripe)
    Purchase.objects.update(user=None)  # what deleting the account leaves behind
    fake_stripe.refund(charge_id)

    refunded(client, charge_id)

    purchase = Purchase.objects.get()
    assert purchase.user is None
    assert purchase.amount_refunded_cents == 499
    assert not EntitlementChange.objects.filter(reason="refund").exists()
