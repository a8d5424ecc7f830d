"""Pro follows Stripe's subscription: access while active or past due, gone when cancelled, never resurrected."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from billing.models import Customer, EntitlementChange, Subscription, WebhookEvent
from billing.services.fulfilment import SUBSCRIPTION_GRACE
from tests.billing.conftest import deliver, fixture_event, logged_in, start_checkout

pytestmark = pytest.mark.django_db


def subscribe(user, fake_stripe) -> str:
    """Checkout for Pro, paid, and the user back on the success page; returns the subscription id."""
    session_id = start_checkout(user, "pro-monthly")
    session = fake_stripe.pay_session(session_id)
    assert logged_in(user).get("/billing/success/", {"session_id": session_id}).status_code == 200
    return session["subscription"]


def period_end(fake_stripe, subscription_id) -> datetime:
    end = fake_stripe.objects[subscription_id]["items"]["data"][0]["current_period_end"]
    return datetime.fromtimestamp(end, tz=UTC)


def updated(client, subscription_id, kind="customer.subscription.updated"):
    return deliver(client, fixture_event(kind, subscription_id=subscription_id))


def test_subscribing_gives_premium_to_the_period_end_plus_grace(alice, fake_stripe):
    subscription_id = subscribe(alice, fake_stripe)

    alice.refresh_from_db()
    assert alice.premium_until == period_end(fake_stripe, subscription_id) + SUBSCRIPTION_GRACE
    subscription = Subscription.objects.get()
    assert (subscription.user, subscription.plan.slug, subscription.status) == (alice, "pro-monthly", "active")


def test_the_created_event_alone_starts_the_subscription(alice, fake_stripe, client):
    session = fake_stripe.pay_session(start_checkout(alice, "pro-monthly"))

    assert updated(client, session["subscription"], "customer.subscription.created").status_code == 200

    alice.refresh_from_db()
    assert alice.premium_until == period_end(fake_stripe, session["subscription"]) + SUBSCRIPTION_GRACE


def test_a_paid_renewal_moves_the_end_a_month_on(alice, fake_stripe, client):
    subscription_id = subscribe(alice, fake_stripe)
    invoice = fake_stripe.renew_subscription(subscription_id, paid=True)

    deliver(client, fixture_event("invoice.paid", invoice_id=invoice["id"]))

    alice.refresh_from_db()
    assert alice.premium_until == period_end(fake_stripe, subscription_id) + SUBSCRIPTION_GRACE
    assert EntitlementChange.objects.filter(reason="subscription_synced").count() == 2


def test_a_failed_renewal_emails_once_and_keeps_access(
    alice, fake_stripe, client, mailoutbox, django_capture_on_commit_callbacks
):
    subscription_id = subscribe(alice, fake_stripe)
    invoice = fake_stripe.renew_subscription(subscription_id, paid=False)
    event = fixture_event("invoice.payment_failed", invoice_id=invoice["id"])

    with django_capture_on_commit_callbacks(execute=True):
        deliver(client, event)
        deliver(client, fixture_event("invoice.payment_failed", invoice_id=invoice["id"]))

    alice.refresh_from_db()
    assert alice.is_premium()
    assert Subscription.objects.get().status == "past_due"
    failed = [mail for mail in mailoutbox if "did not go through" in mail.subject]
    assert len(failed) == 1
    assert invoice["id"] in failed[0].body
    assert list(WebhookEvent.objects.filter(type="invoice.payment_failed").values_list("outcome", flat=True)) == [
        "payment failed email already sent",
        "payment failed email sent",
    ]


def test_cancelling_ends_premium_at_once(alice, fake_stripe, client):
    subscription_id = subscribe(alice, fake_stripe)
    fake_stripe.cancel_subscription(subscription_id)

    updated(client, subscription_id, "customer.subscription.deleted")

    alice.refresh_from_db()
    assert not alice.is_premium()
    assert Subscription.objects.get().status == "canceled"


def test_cancelling_at_period_end_keeps_premium_exactly_to_that_end(alice, fake_stripe, client):
    subscription_id = subscribe(alice, fake_stripe)
    fake_stripe.update_subscription(subscription_id, cancel_at_period_end=True)

    updated(client, subscription_id)

    alice.refresh_from_db()
    assert alice.premium_until == period_end(fake_stripe, subscription_id)


@pytest.mark.parametrize("status", ["unpaid", "incomplete_expired", "paused"])
def test_statuses_without_access_end_premium(alice, fake_stripe, client, status):
    subscription_id = subscribe(alice, fake_stripe)
    fake_stripe.update_subscription(subscription_id, status=status)

    updated(client, subscription_id)

    alice.refresh_from_db()
    assert not alice.is_premium()


def test_a_stale_update_after_the_deletion_does_not_resurrect_it(alice, fake_stripe, client):
    subscription_id = subscribe(alice, fake_stripe)
    stale = fixture_event("customer.subscription.updated", subscription_id=subscription_id)
    fake_stripe.cancel_subscription(subscription_id)
    updated(client, subscription_id, "customer.subscription.deleted")

    assert deliver(client, stale).status_code == 200

    alice.refresh_from_db()
    assert not alice.is_premium()


def test_an_old_snapshot_read_before_the_cancellation_cannot_undo_it(alice, fake_stripe, client):
    """Two deliveries race: the one that read Stripe first (still active) commits last."""
    subscription_id = subscribe(alice, fake_stripe)
    fake_stripe.cancel_subscription(subscription_id)
    updated(client, subscription_id, "customer.subscription.deleted")
    fake_stripe.objects[subscription_id]["status"] = "active"  # what the slower reader saw

    updated(client, subscription_id)

    alice.refresh_from_db()
    assert not alice.is_premium()
    assert Subscription.objects.get().status == "canceled"


def test_a_pass_bought_by_a_subscriber_keeps_the_later_end(alice, fake_stripe, client):
    subscription_id = subscribe(alice, fake_stripe)
    subscription_end = period_end(fake_stripe, subscription_id) + SUBSCRIPTION_GRACE
    session_id = start_checkout(alice)
    fake_stripe.pay_session(session_id)
    logged_in(alice).get("/billing/success/", {"session_id": session_id})

    alice.refresh_from_db()
    assert alice.premium_until == subscription_end  # a month plus grace outlasts the 30-day pass
    fake_stripe.cancel_subscription(subscription_id)
    updated(client, subscription_id, "customer.subscription.deleted")
    alice.refresh_from_db()
    assert timedelta(days=29, hours=23) < alice.premium_until - timezone.now() <= timedelta(days=30)


def test_a_subscription_of_a_stranger_is_ignored(alice, fake_stripe, client):
    subscription_id = subscribe(alice, fake_stripe)
    Customer.objects.all().delete()
    fake_stripe.objects[subscription_id]["metadata"] = {}

    updated(client, subscription_id)

    assert WebhookEvent.objects.get().outcome == "ignored: unknown customer"


def test_a_subscription_is_matched_by_its_metadata_when_the_customer_is_new_to_us(alice, fake_stripe, client):
    subscription_id = subscribe(alice, fake_stripe)
    Customer.objects.all().delete()

    updated(client, subscription_id)

    assert WebhookEvent.objects.get().outcome == "subscription active"


def test_an_invoice_without_a_subscription_is_ignored(alice, fake_stripe, client):
    subscription_id = subscribe(alice, fake_stripe)
    invoice = fake_stripe.renew_subscription(subscription_id, paid=False)
    fake_stripe.objects[invoice["id"]]["parent"] = None
    Customer.objects.all().delete()
    fake_stripe.objects[subscription_id]["metadata"] = {}

    deliver(client, fixture_event("invoice.paid", invoice_id=invoice["id"]))
    deliver(client, fixture_event("invoice.payment_failed", invoice_id=invoice["id"]))
    fake_stripe.objects[invoice["id"]]["parent"] = {"subscription_details": {"subscription": subscription_id}}
    deliver(client, fixture_event("invoice.paid", invoice_id=invoice["id"]))
    deliver(client, fixture_event("invoice.payment_failed", invoice_id=invoice["id"]))

    assert list(WebhookEvent.objects.order_by("pk").values_list("outcome", flat=True)) == [
        "ignored: not a subscription invoice",
        "ignored: not a subscription invoice",
        "ignored: unknown customer",
        "ignored: unknown subscription",
    ]
