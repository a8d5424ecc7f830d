"""Stripe delivers at least once, in any order, sometimes ten at a time: every event applies exactly once."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

from billing.models import EntitlementChange, Purchase, WebhookEvent
from billing.services import entitlements, webhooks
from tests.billing.conftest import deliver, fixture_event, start_checkout


def paid_session_event(fake_stripe, user):
    session_id = start_checkout(user)
    fake_stripe.pay_session(session_id)
    return fixture_event("checkout.session.completed", session_id=session_id, user_id=user.pk)


def days_left(user) -> timedelta:
    user.refresh_from_db()
    return user.premium_until - timezone.now()


@pytest.mark.django_db
def test_the_webhook_alone_grants_the_pass_when_the_user_never_comes_back(alice, fake_stripe, client):
    event = paid_session_event(fake_stripe, alice)

    response = deliver(client, event)

    assert response.status_code == 200
    assert timedelta(days=29, hours=23) < days_left(alice) <= timedelta(days=30)
    stored = WebhookEvent.objects.get()
    assert (stored.type, stored.attempts, stored.outcome, stored.error) == (
        "checkout.session.completed",
        1,
        "purchase paid",
        "",
    )
    assert stored.processed is not None
    change = EntitlementChange.objects.get()
    assert (change.reason, change.delta, change.stripe_object_id) == (
        "pass_purchased",
        timedelta(days=30),
        event["data"]["object"]["id"],
    )


@pytest.mark.django_db
def test_a_replayed_event_changes_nothing(alice, fake_stripe, client):
    event = paid_session_event(fake_stripe, alice)
    deliver(client, event)
    end = days_left(alice)

    responses = [deliver(client, event).status_code for _ in range(3)]

    assert responses == [200, 200, 200]
    assert days_left(alice) <= end
    assert EntitlementChange.objects.count() == 1
    assert WebhookEvent.objects.get().attempts == 1


@pytest.mark.django_db
def test_a_second_event_for_the_same_session_changes_nothing(alice, fake_stripe, client):
    event = paid_session_event(fake_stripe, alice)
    deliver(client, event)

    again = fixture_event(
        "checkout.session.async_payment_succeeded", session_id=event["data"]["object"]["id"], user_id=alice.pk
    )
    assert deliver(client, again).status_code == 200

    assert EntitlementChange.objects.count() == 1
    assert WebhookEvent.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_ten_copies_at_the_same_moment_grant_once(alice, fake_stripe):
    event = paid_session_event(fake_stripe, alice)
    barrier = threading.Barrier(10)
    statuses: list[int] = []

    def copy():
        try:
            barrier.wait()
            statuses.append(deliver(Client(), event).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=copy) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert statuses == [200] * 10
    assert EntitlementChange.objects.count() == 1
    assert WebhookEvent.objects.get().attempts == 1
    assert timedelta(days=29, hours=23) < days_left(alice) <= timedelta(days=30)


@pytest.mark.django_db
def test_our_failure_answers_500_and_the_retry_applies_once(alice, fake_stripe, client, monkeypatch):
    event = paid_session_event(fake_stripe, alice)
    real_save = entitlements.entitlement_save
    calls = []

    def broken_once(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("database hiccup")
        return real_save(*args, **kwargs)

    monkeypatch.setattr(entitlements, "entitlement_save", broken_once)

    first = deliver(client, event)

    assert first.status_code == 500
    stored = WebhookEvent.objects.get()
    assert stored.processed is None
    assert stored.error == "RuntimeError: database hiccup"
    assert Purchase.objects.get().status == "pending"  # rolled back with the rest
    alice.refresh_from_db()
    assert alice.premium_until is None

    assert deliver(client, event).status_code == 200
    assert deliver(client, event).status_code == 200

    stored.refresh_from_db()
    assert (stored.attempts, stored.error) == (2, "")
    assert EntitlementChange.objects.count() == 1
    assert Purchase.objects.get().status == "paid"


@pytest.mark.django_db
def test_stripe_being_down_answers_500_so_stripe_retries(alice, fake_stripe, client):
    event = paid_session_event(fake_stripe, alice)
    fake_stripe.fail_next(401)

    assert deliver(client, event).status_code == 500
    assert deliver(client, event).status_code == 200
    assert EntitlementChange.objects.count() == 1


@pytest.mark.django_db
def test_an_unknown_type_is_stored_and_ignored(fake_stripe, client):
    event = fixture_event("customer.created")

    assert deliver(client, event).status_code == 200

    stored = WebhookEvent.objects.get()
    assert (stored.type, stored.outcome, stored.payload) == ("customer.created", "ignored: unhandled type", event)
    assert fake_stripe.requests == []


@pytest.mark.django_db
def test_an_event_from_the_other_mode_is_ignored(alice, fake_stripe, client):
    event = paid_session_event(fake_stripe, alice)
    event["livemode"] = True

    assert deliver(client, event).status_code == 200

    assert WebhookEvent.objects.get().outcome == "ignored: other mode"
    alice.refresh_from_db()
    assert alice.premium_until is None


@pytest.mark.django_db
def test_live_keys_act_on_live_events_only(alice, fake_stripe, client, settings):
    settings.STRIPE_SECRET_KEY = "sk_live_threadr"
    event = paid_session_event(fake_stripe, alice)

    deliver(client, event)

    assert WebhookEvent.objects.get().outcome == "ignored: other mode"


@pytest.mark.django_db
def test_a_session_of_nobody_we_know_is_ignored(alice, fake_stripe, client):
    event = paid_session_event(fake_stripe, alice)
    fake_stripe.objects[event["data"]["object"]["id"]]["client_reference_id"] = "not-a-user"

    deliver(client, event)

    assert WebhookEvent.objects.get().outcome == "ignored: not our session"


@pytest.mark.django_db
def test_a_bank_debit_that_clears_later_grants_then(alice, fake_stripe, client):
    session_id = start_checkout(alice)
    fake_stripe.submit_session_unpaid(session_id)
    deliver(client, fixture_event("checkout.session.completed", session_id=session_id, user_id=alice.pk))
    alice.refresh_from_db()
    assert alice.premium_until is None

    fake_stripe.pay_session(session_id)
    deliver(client, fixture_event("checkout.session.async_payment_succeeded", session_id=session_id, user_id=alice.pk))

    assert timedelta(days=29) < days_left(alice)


@pytest.mark.django_db
def test_a_bank_debit_that_fails_marks_the_purchase_failed(alice, fake_stripe, client):
    session_id = start_checkout(alice)
    fake_stripe.submit_session_unpaid(session_id)
    failed = fixture_event("checkout.session.async_payment_failed", session_id=session_id, user_id=alice.pk)

    deliver(client, failed)
    deliver(client, fixture_event("checkout.session.async_payment_failed", session_id=session_id, user_id=alice.pk))

    assert Purchase.objects.get().status == "failed"
    assert list(WebhookEvent.objects.order_by("pk").values_list("outcome", flat=True)) == [
        "purchase failed",
        "ignored: no pending purchase",
    ]
    alice.refresh_from_db()
    assert alice.premium_until is None


@pytest.mark.django_db
def test_the_receipt_goes_out_once(alice, fake_stripe, client, mailoutbox, django_capture_on_commit_callbacks):
    event = paid_session_event(fake_stripe, alice)

    with django_capture_on_commit_callbacks(execute=True):
        deliver(client, event)
        alice_page = Client()
        alice_page.force_login(alice)
        alice_page.get("/billing/success/", {"session_id": event["data"]["object"]["id"]})

    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["alice@example.com"]
    assert mailoutbox[0].subject == "Your Threadr receipt: 30-day pass"
    assert "Amount paid: US$4.99 (once)" in mailoutbox[0].body


@pytest.mark.django_db
def test_process_again_from_reconcile_or_admin_repeats_no_effect(alice, fake_stripe, client):
    deliver(client, paid_session_event(fake_stripe, alice))
    stored = WebhookEvent.objects.get()

    again = webhooks.webhook_event_process(event=stored, again=True)

    assert again.attempts == 2
    assert EntitlementChange.objects.count() == 1
    call_command("stripe_reconcile", "--since", "1h", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert EntitlementChange.objects.count() == 1
