"""Deleting an account removes the person and their threads, keeps anonymised payment records, and refuses while a
subscription would keep charging."""

from __future__ import annotations

import json
from unittest import mock

import pytest

from accounts.models import User
from billing.models import Plan, Purchase, Subscription
from generator import services as generator_services
from generator.models import Thread
from tests.conftest import PASSWORD
from threadr.account import services

pytestmark = pytest.mark.django_db


def paid_pass(user) -> Purchase:
    return Purchase.objects.create(
        user=user,
        plan=Plan.objects.get(slug="pass-30"),
        stripe_checkout_session_id="cs_test_deleted_account",
        status=Purchase.Status.PAID,
        amount_cents=499,
    )


def test_deleting_keeps_the_payment_record_without_the_person(client, alice):
    purchase = paid_pass(alice)
    client.force_login(alice)

    response = client.post("/accounts/settings/delete/", {"password": PASSWORD})

    assert response.status_code == 302
    assert not User.objects.filter(email="alice@example.com").exists()
    purchase.refresh_from_db()
    assert purchase.user is None
    assert purchase.amount_cents == 499


def test_a_renewing_subscription_must_be_cancelled_first(client, alice):
    Subscription.objects.create(user=alice, stripe_subscription_id="sub_live", status="active")
    client.force_login(alice)

    response = client.post("/accounts/settings/delete/", {"password": PASSWORD})

    assert response.status_code == 409
    assert "Cancel it first" in response.content.decode()
    assert User.objects.filter(pk=alice.pk).exists()


def test_a_subscription_set_to_end_does_not_block_deletion(client, alice):
    Subscription.objects.create(
        user=alice, stripe_subscription_id="sub_ending", status="active", cancel_at_period_end=True
    )
    client.force_login(alice)

    assert client.post("/accounts/settings/delete/", {"password": PASSWORD}).status_code == 302
    assert Subscription.objects.get().user is None


def test_the_export_lists_purchases(client, alice):
    paid_pass(alice)
    client.force_login(alice)

    data = json.loads(client.get("/accounts/settings/export/").getvalue())

    assert [(item["plan__name"], item["amount_cents"]) for item in data["purchases"]] == [
        (Plan.objects.get(slug="pass-30").name, 499)
    ]


def test_it_deletes_the_threads_through_the_generators_service(client, alice, mallory):
    Thread.objects.create(owner=alice, title="Mine", engine="local", tweets=["a"])
    Thread.objects.create(owner=mallory, title="Not mine", engine="local", tweets=["b"])
    client.force_login(alice)

    with mock.patch.object(
        services, "thread_delete_all_for_user", wraps=generator_services.thread_delete_all_for_user
    ) as deleting:
        assert client.post("/accounts/settings/delete/", {"password": PASSWORD}).status_code == 302

    deleting.assert_called_once()
    assert deleting.call_args.kwargs["user"].email == "alice@example.com"
    assert list(Thread.objects.values_list("title", flat=True)) == ["Not mine"]


def test_a_blocked_deletion_is_a_threadr_error_with_its_own_code(alice):
    Subscription.objects.create(user=alice, stripe_subscription_id="sub_live", status="active")

    with pytest.raises(services.DeletionBlocked) as blocked:
        services.user_delete(user=alice)

    assert (blocked.value.code, blocked.value.status) == ("deletion_blocked", 409)
    assert Thread.objects.filter(owner=alice).count() == 0
    assert User.objects.filter(pk=alice.pk).exists()
