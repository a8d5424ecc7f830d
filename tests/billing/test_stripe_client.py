"""The Stripe door: which mode we are in, and how Stripe's failures reach the rest of Threadr."""

from __future__ import annotations

import pytest

from billing import stripe_client
from billing.services.fulfilment import PlanUnavailable
from threadr.lib.errors import ThreadrError

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("key", "live"), [("sk_live_abc", True), ("rk_live_abc", True), ("sk_test_abc", False), ("", False)]
)
def test_the_mode_follows_the_key(settings, key, live):
    settings.STRIPE_SECRET_KEY = key

    assert stripe_client.livemode() is live
    assert stripe_client.configured() is bool(key)


def test_a_stripe_outage_is_worth_retrying_later(fake_stripe):
    fake_stripe.fail_next(500, times=3)

    with pytest.raises(stripe_client.StripeUnavailable) as caught:
        stripe_client.checkout_session_retrieve("cs_test_any")

    assert caught.value.retryable
    assert len(fake_stripe.requests) == 3  # the call and the SDK's two retries


def test_a_refusal_is_not_worth_retrying(fake_stripe):
    fake_stripe.fail_next(400)

    with pytest.raises(stripe_client.StripeRejected) as caught:
        stripe_client.checkout_session_retrieve("cs_test_any")

    assert not caught.value.retryable
    assert not isinstance(caught.value, stripe_client.StripeNotFound)


def test_a_bad_key_is_a_refusal(fake_stripe, settings):
    settings.STRIPE_SECRET_KEY = "pk_test_wrong_kind_of_key"

    with pytest.raises(stripe_client.StripeRejected):
        stripe_client.charge_retrieve("ch_any")


def test_the_portal_opens_for_customers_only(alice, bob, fake_stripe):
    from tests.billing.conftest import logged_in, start_checkout

    start_checkout(alice)

    opened = logged_in(alice).post("/billing/portal/")
    not_yet = logged_in(bob).post("/billing/portal/")
    fake_stripe.fail_next(400)
    broken = logged_in(alice).post("/billing/portal/")

    assert opened.status_code == 303
    assert opened["Location"].startswith("https://billing.stripe.com/p/session/")
    assert fake_stripe.requests[-2][2]["return_url"] == "http://testserver/pricing"
    assert (not_yet.status_code, not_yet["Location"]) == (303, "/pricing")
    assert (broken.status_code, broken["Location"]) == (303, "/pricing")


@pytest.mark.parametrize(
    ("error", "code", "status"),
    [
        (stripe_client.StripeUnavailable, "stripe_unavailable", 503),
        (stripe_client.StripeRejected, "stripe_rejected", 502),
        (stripe_client.StripeNotFound, "stripe_not_found", 404),
        (stripe_client.InvalidSignature, "invalid_signature", 400),
        (PlanUnavailable, "plan_unavailable", 503),
    ],
)
def test_it_raises_threadr_errors_with_a_stable_code_and_status(error, code, status):
    raised = error("Stripe said no.")

    assert isinstance(raised, ThreadrError)
    assert (raised.code, raised.status, raised.message) == (code, status, "Stripe said no.")
