"""Daily reminders before premium ends, and the reconcile command that repairs missed deliveries."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from billing.models import EntitlementChange, Subscription, WebhookEvent
from tests.billing.conftest import start_checkout

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_it_reminds_users_whose_premium_ends_within_three_days_once(
    alice, bob, mallory, mailoutbox, django_capture_on_commit_callbacks
):
    alice.premium_until = timezone.now() + timedelta(days=2)
    alice.save()
    mallory.premium_until = timezone.now() - timedelta(hours=1)
    mallory.save()

    with django_capture_on_commit_callbacks(execute=True):
        first = run("notify_expiring")
        second = run("notify_expiring")

    assert (first, second) == ("Sent 1 reminder(s).\n", "Sent 0 reminder(s).\n")
    assert [mail.to for mail in mailoutbox] == [["alice@example.com"]]
    assert mailoutbox[0].subject.startswith("Your Threadr premium ends ")
    assert "/pricing" in mailoutbox[0].body


def test_a_new_end_gets_its_own_reminder(alice, mailoutbox, django_capture_on_commit_callbacks):
    alice.premium_until = timezone.now() + timedelta(days=1)
    alice.save()
    with django_capture_on_commit_callbacks(execute=True):
        run("notify_expiring")
        alice.premium_until += timedelta(days=1)
        alice.save()
        run("notify_expiring")

    assert len(mailoutbox) == 2


def test_subscribers_who_will_renew_are_not_reminded(alice, mailoutbox, django_capture_on_commit_callbacks):
    alice.premium_until = timezone.now() + timedelta(days=2)
    alice.save()
    Subscription.objects.create(user=alice, stripe_subscription_id="sub_1", status="active")

    with django_capture_on_commit_callbacks(execute=True):
        run("notify_expiring")

    assert mailoutbox == []


def test_emails_link_to_the_site(alice, settings, mailoutbox, django_capture_on_commit_callbacks):
    alice.premium_until = timezone.now() + timedelta(days=2)
    alice.save()
    settings.ALLOWED_HOSTS = [".threadr.example", "threadr.example"]

    with django_capture_on_commit_callbacks(execute=True):
        run("notify_expiring")
        settings.ALLOWED_HOSTS, settings.DEBUG = ["*"], True
        alice.premium_until += timedelta(hours=1)
        alice.save()
        run("notify_expiring")

    assert "https://threadr.example/pricing" in mailoutbox[0].body
    assert "\n/pricing" in mailoutbox[1].body


def test_reconcile_applies_an_event_that_never_arrived(alice, fake_stripe):
    fake_stripe.pay_session(start_checkout(alice))

    output = run("stripe_reconcile", "--since", "3d")

    alice.refresh_from_db()
    assert alice.is_premium()
    assert "checkout.session.completed applied: purchase paid" in output
    assert output.endswith("1 missed event(s).\n")
    assert EntitlementChange.objects.count() == 1
    assert run("stripe_reconcile").endswith("0 missed event(s).\n")


def test_reconcile_dry_run_changes_nothing(alice, fake_stripe):
    fake_stripe.pay_session(start_checkout(alice))

    output = run("stripe_reconcile", "--dry-run", "--since", "12h")

    assert "checkout.session.completed would apply" in output
    assert output.endswith("1 missed event(s) (dry run).\n")
    assert not WebhookEvent.objects.exists()
    alice.refresh_from_db()
    assert alice.premium_until is None


def test_reconcile_reads_every_page_oldest_first(alice, fake_stripe):
    customer = {"id": "cus_x", "object": "customer"}
    for _ in range(101):
        fake_stripe.event("customer.created", customer)
    fake_stripe.pay_session(start_checkout(alice))

    output = run("stripe_reconcile", "--since", "90m")

    assert output.endswith("102 missed event(s).\n")
    assert output.splitlines()[-2].startswith(fake_stripe.events[-1]["id"])
    alice.refresh_from_db()
    assert alice.is_premium()


def test_reconcile_reports_events_that_fail_again(alice, fake_stripe):
    session_id = start_checkout(alice)
    fake_stripe.pay_session(session_id)
    fake_stripe.objects[session_id]["object"] = "broken"  # retrieving it now answers 404

    with pytest.raises(CommandError, match="1 event"):
        run("stripe_reconcile")
    assert WebhookEvent.objects.get().error.startswith("StripeNotFound: ")


def test_reconcile_says_when_stripe_cannot_be_read(fake_stripe):
    fake_stripe.fail_next(401)

    with pytest.raises(CommandError, match="Stripe could not be read"):
        run("stripe_reconcile")


def test_reconcile_refuses_a_bad_duration(fake_stripe):
    with pytest.raises(CommandError, match="not a duration"):
        run("stripe_reconcile", "--since", "3 weeks")
