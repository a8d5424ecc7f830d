"""Support sees every billing record and has two audited levers on users."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import User
from billing.models import EntitlementChange, Plan, Subscription, WebhookEvent
from tests.billing.conftest import deliver, fixture_event, start_checkout

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(db) -> Client:
    admin = User.objects.create_superuser("admin@example.com", "x")
    client = Client()
    client.force_login(admin)
    return client


def test_every_billing_list_opens(admin_client, alice, fake_stripe):
    session_id = start_checkout(alice)
    fake_stripe.pay_session(session_id)
    deliver(admin_client, fixture_event("checkout.session.completed", session_id=session_id, user_id=alice.pk))

    for model in ("plan", "customer", "entitlement", "purchase", "subscription", "webhookevent"):
        assert admin_client.get(f"/admin/billing/{model}/").status_code == 200, model
    for model in ("entitlementchange", "sentemail"):
        assert admin_client.get(f"/admin/billing/{model}/").status_code == 200, model
    purchases = admin_client.get("/admin/billing/purchase/").content.decode()
    assert "4.99 USD" in purchases


def test_the_webhook_payload_is_shown_pretty_and_read_only(admin_client, fake_stripe):
    deliver(admin_client, fixture_event("customer.created"))
    event = WebhookEvent.objects.get()

    html = admin_client.get(f"/admin/billing/webhookevent/{event.pk}/change/").content.decode()

    assert "<pre>{\n  &quot;api_version&quot;" in html
    assert 'name="payload"' not in html


@pytest.mark.parametrize(
    ("query", "shown"),
    [("processed=yes", 1), ("processed=no", 1), ("error=yes", 1), ("error=no", 1), ("", 2)],
)
def test_events_filter_by_processed_and_error(admin_client, query, shown):
    WebhookEvent.objects.create(stripe_event_id="evt_a", type="x", payload={}, processed=timezone.now())
    WebhookEvent.objects.create(stripe_event_id="evt_b", type="x", payload={}, error="Boom")

    html = admin_client.get(f"/admin/billing/webhookevent/?{query}").content.decode()

    assert html.count('name="_selected_action"') == shown


def test_process_again_reruns_events_and_reports_failures(admin_client, alice, fake_stripe, monkeypatch):
    session_id = start_checkout(alice)
    fake_stripe.pay_session(session_id)
    ok = fixture_event("checkout.session.completed", session_id=session_id, user_id=alice.pk)
    WebhookEvent.objects.create(stripe_event_id=ok["id"], type=ok["type"], payload=ok)
    broken = fixture_event("checkout.session.completed", session_id="cs_test_gone", user_id=alice.pk)
    WebhookEvent.objects.create(stripe_event_id=broken["id"], type=broken["type"], payload=broken)

    response = admin_client.post(
        "/admin/billing/webhookevent/",
        {"action": "process_again", "_selected_action": list(WebhookEvent.objects.values_list("pk", flat=True))},
        follow=True,
    )

    html = response.content.decode()
    assert f"1 failed again: {broken['id']}" in html
    assert "1 processed." in html
    alice.refresh_from_db()
    assert alice.is_premium()
    again = admin_client.post(
        "/admin/billing/webhookevent/",
        {"action": "process_again", "_selected_action": [WebhookEvent.objects.get(stripe_event_id=ok["id"]).pk]},
        follow=True,
    ).content.decode()
    assert "1 processed." in again
    assert "failed again" not in again


def test_records_name_themselves_in_the_admin(alice, fake_stripe):
    from billing.models import Customer, Entitlement, Purchase, SentEmail

    plan = Plan.objects.get(slug="pass-30")
    assert str(plan) == "30-day pass"
    assert str(Customer(user=alice, stripe_customer_id="cus_1")) == "cus_1"
    assert str(Entitlement(user=alice)) == "Entitlement of alice@example.com"
    assert str(Purchase(user=alice, plan=plan)) == "30-day pass for alice@example.com (Pending)"
    assert str(Subscription(stripe_subscription_id="sub_1", status="active")) == "sub_1 (active)"
    assert str(WebhookEvent(stripe_event_id="evt_1", type="invoice.paid")) == "invoice.paid evt_1"
    assert str(EntitlementChange(user=alice, reason="refund")) == "Refund for alice@example.com"
    assert str(SentEmail(user=alice, kind="receipt")) == "Receipt to alice@example.com"


def test_grant_and_revoke_write_audit_rows(admin_client, alice, bob):
    admin = User.objects.get(email="admin@example.com")

    admin_client.post("/admin/accounts/user/", {"action": "grant_30_days", "_selected_action": [alice.pk]})
    alice.refresh_from_db()
    assert timedelta(days=29, hours=23) < alice.premium_until - timezone.now() <= timedelta(days=30)

    admin_client.post("/admin/accounts/user/", {"action": "revoke_premium", "_selected_action": [alice.pk, bob.pk]})

    alice.refresh_from_db()
    bob.refresh_from_db()
    assert not alice.is_premium()
    assert not bob.is_premium()
    assert sorted(EntitlementChange.objects.values_list("user__email", "reason", "actor")) == [
        ("alice@example.com", "admin_grant", admin.pk),
        ("alice@example.com", "admin_revoke", admin.pk),
        ("bob@example.com", "admin_revoke", admin.pk),
    ]


def test_the_user_list_shows_each_users_plan(admin_client, alice, bob, mallory, fake_stripe):
    pro = Plan.objects.get(slug="pro-monthly")
    Subscription.objects.create(user=alice, stripe_subscription_id="sub_a", status="active", plan=pro)
    Subscription.objects.create(user=mallory, stripe_subscription_id="sub_b", status="past_due")

    html = admin_client.get("/admin/accounts/user/").content.decode()

    assert '<td class="field-current_plan">Pro</td>' in html
    assert '<td class="field-current_plan">Subscription</td>' in html
    assert '<td class="field-current_plan">Premium</td>' in html
    assert '<td class="field-current_plan">Free</td>' in html
