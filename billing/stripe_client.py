"""The one door to Stripe: nothing else imports `stripe`.

Calls return small dataclasses built from fresh API reads, and SDK errors become the exceptions below, which say
whether trying again can help. `STRIPE_API_BASE` points the real SDK at another server (the tests' fake).
The SDK retries network failures, 409s and 5xx itself; creates carry idempotency keys so those retries (and a
user's double click) cannot create two objects. Related objects are never expanded (except a payment intent's
charge, read whole), so their fields hold plain ids.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

import stripe
from django.conf import settings

from threadr.lib import input_guard
from threadr.lib.errors import ThreadrError

CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 20.0
MAX_NETWORK_RETRIES = 2
WEBHOOK_TOLERANCE_SECONDS = 300
PAID_SESSION_STATUSES = frozenset({"paid", "no_payment_required"})


class StripeError(ThreadrError):
    """Stripe could not do what we asked. `retryable` says whether the same call may work later. The message is
    Stripe's own, for logs and the admin; pages show their own words."""

    code = "stripe_error"
    status = 502
    retryable = False


class StripeUnavailable(StripeError):
    """Network failure, rate limit or a Stripe-side error: try again later."""

    code = "stripe_unavailable"
    status = 503
    retryable = True


class StripeRejected(StripeError):
    """Stripe refused the request (bad key, bad parameters): trying again will not help."""

    code = "stripe_rejected"


class StripeNotFound(StripeRejected):
    """The object does not exist (in this mode, for this key)."""

    code = "stripe_not_found"
    status = 404


class InvalidSignature(StripeError):
    """A webhook whose signature is missing, wrong, or too old."""

    code = "invalid_signature"
    status = 400


@dataclass(frozen=True)
class CheckoutSession:
    id: str
    url: str | None
    mode: str
    status: str | None
    payment_status: str
    client_reference_id: str | None
    customer_id: str | None
    payment_intent_id: str | None
    subscription_id: str | None
    amount_total: int
    currency: str
    plan_slug: str | None

    @property
    def paid(self) -> bool:
        return self.payment_status in PAID_SESSION_STATUSES


@dataclass(frozen=True)
class SubscriptionInfo:
    id: str
    status: str
    customer_id: str
    current_period_end: datetime | None
    cancel_at_period_end: bool
    ended_at: datetime | None
    price_id: str | None
    user_id: str | None


@dataclass(frozen=True)
class ChargeInfo:
    id: str
    payment_intent_id: str | None
    amount: int
    amount_refunded: int


@dataclass(frozen=True)
class DisputeInfo:
    id: str
    status: str
    charge_id: str


@dataclass(frozen=True)
class CheckoutResult:
    """A Checkout Session with what its payment started: the subscription, or the charge with its refunds so far.
    Both are None until the session is paid."""

    session: CheckoutSession
    subscription: SubscriptionInfo | None
    charge: ChargeInfo | None


@dataclass(frozen=True)
class InvoiceInfo:
    id: str
    status: str | None
    customer_id: str | None
    subscription_id: str | None
    amount_due: int
    currency: str


def configured() -> bool:
    """Purchases are possible only with a secret key; without one the pricing page says so."""
    return bool(settings.STRIPE_SECRET_KEY)


def livemode() -> bool:
    """Live keys talk to live mode; events from the other mode are not ours to act on."""
    return settings.STRIPE_SECRET_KEY.startswith(("sk_live_", "rk_live_"))


@lru_cache(maxsize=4)
def _client_for(api_key: str, api_base: str) -> stripe.StripeClient:
    return stripe.StripeClient(
        api_key,
        base_addresses={"api": api_base} if api_base else None,
        max_network_retries=MAX_NETWORK_RETRIES,
        http_client=stripe.RequestsClient(timeout=(CONNECT_TIMEOUT, READ_TIMEOUT)),
    )


def _client() -> stripe.StripeClient:
    return _client_for(settings.STRIPE_SECRET_KEY, settings.STRIPE_API_BASE)


def _call(method: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
    """Run one SDK call, turning its errors into ours and its answer into plain JSON data."""
    try:
        return method(*args, **kwargs).to_dict(for_json=True)
    except (stripe.APIConnectionError, stripe.RateLimitError, stripe.APIError) as error:
        raise StripeUnavailable(str(error)) from error
    except stripe.InvalidRequestError as error:
        if error.http_status == 404:
            raise StripeNotFound(str(error)) from error
        raise StripeRejected(str(error)) from error
    except stripe.StripeError as error:
        raise StripeRejected(str(error)) from error


def _when(timestamp: int | None) -> datetime | None:
    return None if timestamp is None else datetime.fromtimestamp(timestamp, tz=UTC)


def customer_create(*, email: str, user_id: int) -> str:
    customer = _call(
        _client().v1.customers.create,
        params={"email": email, "metadata": {"user_id": str(user_id)}},
        options={"idempotency_key": f"threadr-customer-{user_id}"},
    )
    return str(customer["id"])


def checkout_session_create(
    *,
    customer_id: str,
    price_id: str,
    mode: str,
    user_id: int,
    plan_slug: str,
    success_url: str,
    cancel_url: str,
    idempotency_key: str,
) -> CheckoutSession:
    metadata = {"user_id": str(user_id), "plan": plan_slug}
    params: dict[str, Any] = {
        "mode": mode,
        "customer": customer_id,
        "client_reference_id": str(user_id),
        "line_items": [{"price": price_id, "quantity": 1}],
        "success_url": success_url,
        "cancel_url": cancel_url,
        "metadata": metadata,
    }
    if mode == "subscription":
        params["subscription_data"] = {"metadata": metadata}
    session = _call(_client().v1.checkout.sessions.create, params=params, options={"idempotency_key": idempotency_key})
    return _checkout_session(session)


def checkout_session_retrieve(session_id: str) -> CheckoutSession:
    return _checkout_session(_call(_client().v1.checkout.sessions.retrieve, session_id))


def checkout_result_retrieve(session: CheckoutSession) -> CheckoutResult:
    """Read what a paid session started; a session not paid yet started nothing."""
    subscription_id = session.subscription_id if session.paid else None
    payment_intent_id = session.payment_intent_id if session.paid else None
    return CheckoutResult(
        session=session,
        subscription=subscription_retrieve(subscription_id) if subscription_id else None,
        charge=payment_intent_charge(payment_intent_id) if payment_intent_id else None,
    )


def _checkout_session(session: Any) -> CheckoutSession:
    metadata = session.get("metadata") or {}
    return CheckoutSession(
        id=session["id"],
        url=session.get("url"),
        mode=session["mode"],
        status=session.get("status"),
        payment_status=session["payment_status"],
        client_reference_id=session.get("client_reference_id"),
        customer_id=session.get("customer"),
        payment_intent_id=session.get("payment_intent"),
        subscription_id=session.get("subscription"),
        amount_total=int(session.get("amount_total") or 0),
        currency=session.get("currency") or "usd",
        plan_slug=metadata.get("plan"),
    )


def subscription_retrieve(subscription_id: str) -> SubscriptionInfo:
    subscription = _call(_client().v1.subscriptions.retrieve, subscription_id)
    items = subscription["items"]["data"]
    period_ends = [item["current_period_end"] for item in items]
    metadata = subscription.get("metadata") or {}
    return SubscriptionInfo(
        id=subscription["id"],
        status=subscription["status"],
        customer_id=str(subscription["customer"]),
        current_period_end=_when(max(period_ends)) if period_ends else None,
        cancel_at_period_end=bool(subscription.get("cancel_at_period_end")),
        ended_at=_when(subscription.get("ended_at")),
        price_id=items[0]["price"]["id"] if items else None,
        user_id=metadata.get("user_id"),
    )


def charge_retrieve(charge_id: str) -> ChargeInfo:
    return _charge(_call(_client().v1.charges.retrieve, charge_id))


def _charge(charge: Any) -> ChargeInfo:
    return ChargeInfo(
        id=charge["id"],
        payment_intent_id=charge.get("payment_intent"),
        amount=int(charge["amount"]),
        amount_refunded=int(charge.get("amount_refunded") or 0),
    )


def payment_intent_charge(payment_intent_id: str) -> ChargeInfo:
    """The charge that paid a succeeded payment intent, with its refunds so far."""
    intent = _call(_client().v1.payment_intents.retrieve, payment_intent_id, params={"expand": ["latest_charge"]})
    return _charge(intent["latest_charge"])


def dispute_retrieve(dispute_id: str) -> DisputeInfo:
    dispute = _call(_client().v1.disputes.retrieve, dispute_id)
    return DisputeInfo(id=dispute["id"], status=dispute["status"], charge_id=str(dispute["charge"]))


def invoice_retrieve(invoice_id: str) -> InvoiceInfo:
    invoice = _call(_client().v1.invoices.retrieve, invoice_id)
    parent = invoice.get("parent") or {}
    details = parent.get("subscription_details") or {}
    return InvoiceInfo(
        id=invoice["id"],
        status=invoice.get("status"),
        customer_id=invoice.get("customer"),
        subscription_id=details.get("subscription"),
        amount_due=int(invoice.get("amount_due") or 0),
        currency=invoice.get("currency") or "usd",
    )


def portal_session_create(*, customer_id: str, return_url: str) -> str:
    session = _call(
        _client().v1.billing_portal.sessions.create, params={"customer": customer_id, "return_url": return_url}
    )
    return str(session["url"])


def events_since(created_after: datetime) -> Iterator[dict[str, Any]]:
    """Every event Stripe still holds from `created_after` on, oldest first, as plain JSON dictionaries."""
    params: dict[str, Any] = {"created": {"gte": int(created_after.timestamp())}, "limit": 100}
    events: list[dict[str, Any]] = []
    while True:
        page = _call(_client().v1.events.list, params=params)
        events.extend(page["data"])
        if not page["has_more"]:
            return reversed(events)  # Stripe lists newest first
        params["starting_after"] = page["data"][-1]["id"]


def webhook_event(payload: bytes, signature_header: str | None) -> dict[str, Any]:
    """Verify a delivery on its raw bytes (so a re-serialised body fails) and return the event as JSON.

    The SDK refuses a stamp older than the tolerance; a stamp further ahead is refused here, so a signed body
    (say, from a leaked secret) cannot be prepared now to replay for long after."""
    try:
        stripe.WebhookSignature.verify_header(
            payload, signature_header, settings.STRIPE_WEBHOOK_SECRET, WEBHOOK_TOLERANCE_SECONDS
        )
        event = json.loads(payload)
        input_guard.json_check(event)
    except (stripe.SignatureVerificationError, ValueError, RecursionError, input_guard.Refusal) as error:
        raise InvalidSignature(str(error)) from error
    if _signed_at(signature_header or "") > time.time() + WEBHOOK_TOLERANCE_SECONDS:
        raise InvalidSignature("The delivery is stamped more than five minutes in the future.")
    if not _is_event(event):
        raise InvalidSignature("The signed body is not a Stripe event.")
    return event


def _signed_at(signature_header: str) -> int:
    """The `t=` of a header the SDK has already verified (so it is there and a number)."""
    for item in signature_header.split(","):
        key, _, value = item.strip().partition("=")
        if key == "t":
            return int(value)
    raise InvalidSignature("The signature has no timestamp.")


def _is_event(event: Any) -> bool:
    """The shape every Stripe event has, with the limits our table keeps (ids up to 255, types up to 100)."""
    if not isinstance(event, dict):
        return False
    data = event.get("data")
    return (
        isinstance(event.get("id"), str)
        and 0 < len(event["id"]) <= 255
        and isinstance(event.get("type"), str)
        and 0 < len(event["type"]) <= 100
        and isinstance(data, dict)
        and isinstance(data.get("object"), dict)
        and isinstance(data["object"].get("id", ""), str)
    )
