"""A signed-in user presses a plan's button and lands on Stripe's page for exactly that plan."""

from __future__ import annotations

import pytest

from billing.models import Customer, Plan, Purchase
from tests.billing.conftest import logged_in, start_checkout

pytestmark = pytest.mark.django_db


def test_it_sends_the_user_to_stripe_checkout_for_the_pass(alice, fake_stripe):
    response = logged_in(alice).post("/billing/checkout/pass-30/")

    assert response.status_code == 303
    assert response["Location"].startswith("https://checkout.stripe.com/c/pay/cs_test_")
    session = fake_stripe.objects[response["Location"].rsplit("/", 1)[1]]
    assert session["mode"] == "payment"
    assert session["client_reference_id"] == str(alice.pk)
    assert session["line_items"] == [{"price": "price_pass30", "quantity": "1"}]
    assert session["success_url"] == "http://testserver/billing/success/?session_id={CHECKOUT_SESSION_ID}"
    assert session["cancel_url"] == "http://testserver/billing/cancelled/"
    purchase = Purchase.objects.get(user=alice)
    assert (purchase.status, purchase.amount_cents, purchase.plan.slug) == ("pending", 499, "pass-30")


def test_it_opens_a_subscription_checkout_for_pro(alice, fake_stripe):
    session = fake_stripe.objects[start_checkout(alice, "pro-monthly")]

    assert session["mode"] == "subscription"
    assert session["subscription_data"] == {"metadata": {"user_id": str(alice.pk), "plan": "pro-monthly"}}


def test_it_creates_the_stripe_customer_once_and_reuses_it(alice, fake_stripe):
    first = start_checkout(alice)
    second = start_checkout(alice, "pro-monthly")

    customer = Customer.objects.get(user=alice)
    assert fake_stripe.objects[first]["customer"] == fake_stripe.objects[second]["customer"]
    assert fake_stripe.objects[first]["customer"] == customer.stripe_customer_id
    assert [obj for obj in fake_stripe.objects.values() if obj["object"] == "customer"] == [
        fake_stripe.objects[customer.stripe_customer_id]
    ]


def test_it_sends_an_idempotency_key_with_every_create(alice, fake_stripe):
    start_checkout(alice)

    posts = [headers for method, _, _, headers in fake_stripe.requests if method == "POST"]
    assert len(posts) == 2
    assert all(headers.get("idempotency-key", "").startswith("threadr-") for headers in posts)


def test_it_retries_a_stripe_hiccup_with_the_same_idempotency_key(alice, fake_stripe):
    fake_stripe.fail_next(500)

    start_checkout(alice)

    keys = [headers.get("idempotency-key") for method, _, _, headers in fake_stripe.requests if method == "POST"]
    assert keys[0] == keys[1]
    assert Purchase.objects.filter(user=alice).count() == 1


def test_it_explains_when_stripe_refuses_and_creates_nothing(alice, fake_stripe):
    fake_stripe.fail_next(400)
    client = logged_in(alice)

    response = client.post("/billing/checkout/pass-30/", follow=True)

    assert response.redirect_chain == [("/pricing", 303)]
    assert "Purchases are unavailable on this server right now" in response.content.decode()
    assert not Purchase.objects.exists()


def test_it_refuses_to_sell_without_stripe_keys(alice, settings):
    settings.STRIPE_SECRET_KEY = ""

    response = logged_in(alice).post("/billing/checkout/pass-30/")

    assert response.status_code == 303
    assert response["Location"] == "/pricing"
    assert not Purchase.objects.exists()


def test_it_refuses_a_plan_without_a_stripe_price(alice, fake_stripe):
    Plan.objects.filter(slug="pass-30").update(stripe_price_id="")

    response = logged_in(alice).post("/billing/checkout/pass-30/")

    assert response["Location"] == "/pricing"
    assert fake_stripe.requests == []


@pytest.mark.parametrize("slug", ["lifetime", "retired"])
def test_it_answers_404_for_a_plan_not_on_sale(alice, fake_stripe, slug):
    Plan.objects.create(slug="retired", name="Old", kind="pass", price_cents=100, period_label="once", active=False)

    assert logged_in(alice).post(f"/billing/checkout/{slug}/").status_code == 404


def test_it_sends_visitors_to_sign_in_first(client, fake_stripe):
    response = client.post("/billing/checkout/pass-30/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_it_only_starts_a_checkout_on_post(alice, fake_stripe):
    assert logged_in(alice).get("/billing/checkout/pass-30/").status_code == 405


def test_it_needs_the_csrf_token(alice, fake_stripe):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)

    assert client.post("/billing/checkout/pass-30/").status_code == 403


def test_the_cancelled_page_says_nothing_was_charged(client):
    response = client.get("/billing/cancelled/")

    assert response.status_code == 200
    assert "No payment was taken" in response.content.decode()
