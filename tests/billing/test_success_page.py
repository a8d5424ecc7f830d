"""Coming back from Stripe: premium starts at once, exactly once, and only for the user who paid."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from billing.models import EntitlementChange, Purchase
from tests.billing.conftest import deliver, fixture_event, logged_in, start_checkout


def success(user, session_id):
    return logged_in(user).get("/billing/success/", {"session_id": session_id})


@pytest.mark.django_db
def test_it_grants_the_pass_and_says_until_when(alice, fake_stripe):
    session_id = start_checkout(alice)
    fake_stripe.pay_session(session_id)

    response = success(alice, session_id)

    alice.refresh_from_db()
    assert response.status_code == 200
    assert timedelta(days=30) - (alice.premium_until - timezone.now()) < timedelta(minutes=1)
    assert f"Premium until {alice.premium_until:%-d %B %Y, %H:%M} UTC" in response.content.decode()
    assert Purchase.objects.get().status == "paid"


@pytest.mark.django_db
def test_reloading_the_page_grants_nothing_more(alice, fake_stripe):
    session_id = start_checkout(alice)
    fake_stripe.pay_session(session_id)
    success(alice, session_id)
    alice.refresh_from_db()
    first_end = alice.premium_until

    success(alice, session_id)

    alice.refresh_from_db()
    assert alice.premium_until == first_end
    assert EntitlementChange.objects.count() == 1


@pytest.mark.django_db
def test_the_webhook_after_the_page_grants_nothing_more(alice, fake_stripe, client):
    session_id = start_checkout(alice)
    fake_stripe.pay_session(session_id)
    success(alice, session_id)

    response = deliver(client, fixture_event("checkout.session.completed", session_id=session_id, user_id=alice.pk))

    assert response.status_code == 200
    assert EntitlementChange.objects.count() == 1


@pytest.mark.django_db
def test_the_page_after_the_webhook_shows_the_same_grant(alice, fake_stripe, client):
    session_id = start_checkout(alice)
    fake_stripe.pay_session(session_id)
    deliver(client, fixture_event("checkout.session.completed", session_id=session_id, user_id=alice.pk))

    response = success(alice, session_id)

    assert "Premium until" in response.content.decode()
    assert EntitlementChange.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_page_and_the_webhook_at_the_same_moment_grant_once(alice, fake_stripe):
    session_id = start_checkout(alice)
    fake_stripe.pay_session(session_id)
    event = fixture_event("checkout.session.completed", session_id=session_id, user_id=alice.pk)
    barrier = threading.Barrier(6)
    statuses: list[int] = []

    def run(action):
        try:
            barrier.wait()
            statuses.append(action().status_code)
        finally:
            connection.close()

    from django.test import Client

    actions = [lambda: success(alice, session_id)] * 3 + [lambda: deliver(Client(), event)] * 3
    threads = [threading.Thread(target=run, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert statuses == [200] * 6
    assert EntitlementChange.objects.count() == 1
    alice.refresh_from_db()
    assert timedelta(days=30) - (alice.premium_until - timezone.now()) < timedelta(minutes=1)


@pytest.mark.django_db
def test_another_users_session_is_not_found(alice, mallory, fake_stripe):
    session_id = start_checkout(alice)
    fake_stripe.pay_session(session_id)

    assert success(mallory, session_id).status_code == 404
    mallory.refresh_from_db()
    assert mallory.premium_until is None
    assert Purchase.objects.get().status == "pending"


@pytest.mark.django_db
@pytest.mark.parametrize("query", [{}, {"session_id": "cs_test_nobody_made_this"}])
def test_a_missing_or_unknown_session_is_not_found(alice, fake_stripe, query):
    assert logged_in(alice).get("/billing/success/", query).status_code == 404


@pytest.mark.django_db
def test_an_unpaid_session_shows_a_page_that_checks_again(alice, fake_stripe):
    session_id = start_checkout(alice)
    fake_stripe.submit_session_unpaid(session_id)

    response = success(alice, session_id)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Payment processing" in html
    assert '<meta http-equiv="refresh" content="5">' in html
    alice.refresh_from_db()
    assert alice.premium_until is None


@pytest.mark.django_db
def test_the_processing_page_turns_into_success_once_the_payment_clears(alice, fake_stripe):
    session_id = start_checkout(alice)
    fake_stripe.submit_session_unpaid(session_id)
    success(alice, session_id)
    fake_stripe.pay_session(session_id)

    assert "Premium until" in success(alice, session_id).content.decode()


@pytest.mark.django_db
def test_it_asks_to_wait_when_stripe_cannot_be_reached(alice, fake_stripe):
    session_id = start_checkout(alice)
    fake_stripe.fail_next(401)

    response = success(alice, session_id)

    assert response.status_code == 503
    assert "Payment processing" in response.content.decode()


@pytest.mark.django_db
def test_a_session_for_a_plan_we_no_longer_have_waits_for_support(alice, fake_stripe):
    session_id = start_checkout(alice)
    fake_stripe.objects[session_id]["metadata"]["plan"] = "gone"
    fake_stripe.pay_session(session_id)

    assert "Payment processing" in success(alice, session_id).content.decode()
    alice.refresh_from_db()
    assert alice.premium_until is None
