"""Only Stripe's signed, fresh, byte-exact deliveries are accepted; everything else is a 400 that changes nothing."""

from __future__ import annotations

import json
import time

import pytest
import time_machine
from django.test import Client

from billing.models import WebhookEvent
from tests.billing.conftest import deliver, fixture_event, signed

pytestmark = pytest.mark.django_db


def post(client, body: str, signature: str | None):
    headers = {"Stripe-Signature": signature} if signature is not None else {}
    return client.post("/billing/webhook/", data=body, content_type="application/json", headers=headers)


@pytest.fixture
def event(alice):
    """A real-looking event that, once accepted, is ignored (it is from live mode), so only acceptance is tested."""
    event = fixture_event("checkout.session.completed", session_id="cs_test_x", user_id=alice.pk)
    event["livemode"] = True
    return event


def test_a_signed_delivery_is_accepted_without_a_csrf_token(fake_stripe, event):
    response = deliver(Client(enforce_csrf_checks=True), event)

    assert response.status_code == 200
    assert WebhookEvent.objects.get().stripe_event_id == event["id"]


@pytest.mark.parametrize(
    "signature",
    [
        None,
        "",
        "t=1,v1=00",
        "garbage",
        "t=notanumber,v1=abc",
    ],
)
def test_a_missing_or_malformed_signature_is_refused(client, fake_stripe, event, signature):
    response = post(client, json.dumps(event), signature)

    assert response.status_code == 400
    assert not WebhookEvent.objects.exists()


def test_a_signature_made_with_another_secret_is_refused(client, fake_stripe, event):
    body = json.dumps(event)

    assert post(client, body, signed(body, secret="whsec_someone_else")).status_code == 400
    assert not WebhookEvent.objects.exists()


def test_a_delivery_older_than_five_minutes_is_refused(client, fake_stripe, event):
    body = json.dumps(event)

    assert post(client, body, signed(body, timestamp=int(time.time()) - 301)).status_code == 400
    assert post(client, body, signed(body, timestamp=int(time.time()) - 290)).status_code == 200


def test_a_re_serialised_body_is_refused(client, fake_stripe, event):
    body = json.dumps(event)
    reformatted = json.dumps(event, indent=2)

    assert post(client, reformatted, signed(body)).status_code == 400
    assert not WebhookEvent.objects.exists()


def test_a_delivery_stamped_more_than_five_minutes_ahead_is_refused(client, fake_stripe, event):
    body = json.dumps(event)
    now = int(time.time())

    with time_machine.travel(now, tick=False):
        assert post(client, body, signed(body, timestamp=now + 301)).status_code == 400
        assert not WebhookEvent.objects.exists()
        assert post(client, body, signed(body, timestamp=now + 300)).status_code == 200


NOT_EVENTS = {
    "not json": "not json",
    "a list": "[1, 2]",
    "a string": '"evt_1"',
    "a number id": '{"id": 7, "type": "x", "data": {"object": {}}}',
    "no type": '{"id": "evt_1", "data": {"object": {}}}',
    "a number type": '{"id": "evt_1", "type": 7, "data": {"object": {}}}',
    "no data": '{"id": "evt_1", "type": "charge.refunded"}',
    "data not an object": '{"id": "evt_1", "type": "charge.refunded", "data": [1]}',
    "no data.object": '{"id": "evt_1", "type": "charge.refunded", "data": {}}',
    "data.object not an object": '{"id": "evt_1", "type": "charge.refunded", "data": {"object": "ch_1"}}',
    "a number object id": '{"id": "evt_1", "type": "charge.refunded", "data": {"object": {"id": 5}}}',
    "an id longer than Stripe's": json.dumps({"id": "evt_" + "x" * 300, "type": "x", "data": {"object": {}}}),
    "a type longer than Stripe's": json.dumps({"id": "evt_1", "type": "x" * 101, "data": {"object": {}}}),
    "a NUL byte": '{"id": "evt_1", "type": "x", "data": {"object": {"note": "a\\u0000b"}}}',
    "a lone surrogate": '{"id": "evt_1", "type": "x", "data": {"object": {"note": "\\ud800"}}}',
    "deep nesting": '{"id": "evt_1", "type": "x", "data": {"object": {"n": ' + "[" * 5000 + "]" * 5000 + "}}}",
}


@pytest.mark.parametrize("content_type", ["application/json", "text/plain"])
@pytest.mark.parametrize("body", NOT_EVENTS.values(), ids=NOT_EVENTS.keys())
def test_a_signed_body_that_is_not_an_event_is_refused(client, fake_stripe, body, content_type):
    response = client.post(
        "/billing/webhook/", data=body, content_type=content_type, headers={"Stripe-Signature": signed(body)}
    )

    assert response.status_code == 400
    assert not WebhookEvent.objects.exists()


def test_a_signed_event_of_a_handled_type_naming_no_object_is_kept_and_ignored(client, fake_stripe):
    body = '{"id": "evt_1", "type": "charge.refunded", "data": {"object": {}}}'

    assert post(client, body, signed(body)).status_code == 200
    assert WebhookEvent.objects.get().outcome == "ignored: names no object"


def test_the_webhook_only_takes_posts(client):
    assert client.get("/billing/webhook/").status_code == 405
