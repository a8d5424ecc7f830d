"""Stripe's webhooks: keep each verified event once, read what it names from Stripe, apply it once.

An event is handled in two steps. Its handler first reads the objects the event names, fresh from Stripe (events
arrive late, twice and out of order, so a payload is a hint, not a fact), with no transaction open and no lock
held. It returns the second step, which touches only our database and runs in one transaction under the event's
row lock. A copy of the event delivered meanwhile waits on that lock for a short write, never for the network,
and then finds the event applied.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from billing import stripe_client
from billing.models import WebhookEvent
from billing.services import emails, fulfilment

logger = logging.getLogger(__name__)

# A handler takes the id of the object the event is about, reads Stripe, and returns the step that applies what it
# read. That step returns the outcome recorded on the event.
Apply = Callable[[], str]
Handler = Callable[[str], Apply]


def _on_session_completed(session_id: str) -> Apply:
    checkout = stripe_client.checkout_result_retrieve(stripe_client.checkout_session_retrieve(session_id))

    def apply() -> str:
        purchase = fulfilment.purchase_fulfil(checkout=checkout)
        return f"purchase {purchase.status}" if purchase else "ignored: not our session"

    return apply


def _on_session_failed(session_id: str) -> Apply:
    session = stripe_client.checkout_session_retrieve(session_id)

    def apply() -> str:
        purchase = fulfilment.purchase_mark_failed(session=session)
        return "purchase failed" if purchase else "ignored: no pending purchase"

    return apply


def _subscription_synced(info: stripe_client.SubscriptionInfo) -> Apply:
    def apply() -> str:
        subscription = fulfilment.subscription_sync(subscription=info)
        return f"subscription {subscription.status}" if subscription else "ignored: unknown customer"

    return apply


def _on_subscription_changed(subscription_id: str) -> Apply:
    return _subscription_synced(stripe_client.subscription_retrieve(subscription_id))


def _on_invoice_paid(invoice_id: str) -> Apply:
    invoice = stripe_client.invoice_retrieve(invoice_id)
    if invoice.subscription_id is None:
        return lambda: "ignored: not a subscription invoice"
    return _subscription_synced(stripe_client.subscription_retrieve(invoice.subscription_id))


def _on_invoice_failed(invoice_id: str) -> Apply:
    invoice = stripe_client.invoice_retrieve(invoice_id)
    if invoice.subscription_id is None:
        return lambda: "ignored: not a subscription invoice"
    info = stripe_client.subscription_retrieve(invoice.subscription_id)

    def apply() -> str:
        subscription = fulfilment.subscription_sync(subscription=info)
        if subscription is None or subscription.user is None:
            return "ignored: unknown subscription"
        sent = emails.payment_failed_notify(user=subscription.user, subscription=subscription, invoice=invoice)
        return "payment failed email sent" if sent else "payment failed email already sent"

    return apply


def _taken_back(charge: stripe_client.ChargeInfo, *, dispute_lost: bool) -> Apply:
    def apply() -> str:
        purchase = fulfilment.purchase_take_back(charge=charge, dispute_lost=dispute_lost)
        return f"purchase {purchase.status}" if purchase else "ignored: not a purchase"

    return apply


def _on_charge_refunded(charge_id: str) -> Apply:
    return _taken_back(stripe_client.charge_retrieve(charge_id), dispute_lost=False)


def _on_dispute_created(dispute_id: str) -> Apply:
    return lambda: "noted: access is kept until the dispute closes"


def _on_dispute_closed(dispute_id: str) -> Apply:
    dispute = stripe_client.dispute_retrieve(dispute_id)
    if dispute.status != "lost":
        return lambda: f"dispute {dispute.status}: nothing to take back"
    return _taken_back(stripe_client.charge_retrieve(dispute.charge_id), dispute_lost=True)


HANDLERS: dict[str, Handler] = {
    "checkout.session.completed": _on_session_completed,
    "checkout.session.async_payment_succeeded": _on_session_completed,
    "checkout.session.async_payment_failed": _on_session_failed,
    "invoice.paid": _on_invoice_paid,
    "invoice.payment_failed": _on_invoice_failed,
    "customer.subscription.created": _on_subscription_changed,
    "customer.subscription.updated": _on_subscription_changed,
    "customer.subscription.deleted": _on_subscription_changed,
    "charge.refunded": _on_charge_refunded,
    "charge.dispute.created": _on_dispute_created,
    "charge.dispute.closed": _on_dispute_closed,
}


def _read(event: WebhookEvent) -> Apply:
    """The first step: whatever Stripe reads the event needs. No lock is held here."""
    if event.livemode != stripe_client.livemode():
        return lambda: "ignored: other mode"
    handler = HANDLERS.get(event.type)
    if handler is None:
        return lambda: "ignored: unhandled type"
    object_id = event.payload["data"]["object"].get("id")
    if not object_id:
        return lambda: "ignored: names no object"  # a signed oddity: retrying cannot make it whole
    return handler(str(object_id))


def webhook_event_store(*, payload: dict[str, Any]) -> WebhookEvent:
    """Keep a verified event under its unique Stripe id; a second copy finds the first one's row."""
    WebhookEvent.objects.bulk_create(
        [
            WebhookEvent(
                stripe_event_id=payload["id"],
                type=str(payload["type"]),
                livemode=bool(payload.get("livemode")),
                payload=payload,
            )
        ],
        ignore_conflicts=True,
    )
    return WebhookEvent.objects.get(stripe_event_id=payload["id"])


def webhook_event_process(*, event: WebhookEvent, again: bool = False) -> WebhookEvent:
    """Apply a stored event once: read Stripe with no lock held, then apply under the event's row lock.

    A failure, reading Stripe or applying, rolls back everything the handler did, records the error and leaves the
    event unprocessed, so the caller answers 500 and Stripe's retry (or "process again") applies it from scratch.
    `again` re-runs a processed event; every handler is idempotent, so that repeats no effect.
    """
    if event.processed is not None and not again:
        return event
    apply: Apply | None = None
    failure: Exception | None = None
    try:
        apply = _read(event)
    except Exception as error:
        failure = error
    with transaction.atomic():
        locked = WebhookEvent.objects.select_for_update().get(pk=event.pk)
        if locked.processed is not None and not again:
            return locked  # a copy delivered meanwhile applied it first
        locked.attempts += 1
        if apply is not None:
            try:
                with transaction.atomic():
                    locked.outcome = apply()
            except Exception as error:
                failure = error
        if failure is None:
            locked.error = ""
            locked.processed = timezone.now()
        else:
            logger.error("Stripe event %s (%s) failed", locked.stripe_event_id, locked.type, exc_info=failure)
            locked.error = f"{type(failure).__name__}: {failure}"
            locked.processed = None
        locked.save()
    return locked


def events_reconcile(*, since: datetime, dry_run: bool) -> list[tuple[WebhookEvent | None, dict[str, Any]]]:
    """Read Stripe's recent events and apply every one we never processed (a lost delivery, an outage).

    Returns the events that needed work, each with its stored row (None in a dry run).
    """
    missed: list[tuple[WebhookEvent | None, dict[str, Any]]] = []
    for payload in stripe_client.events_since(since):
        if WebhookEvent.objects.filter(stripe_event_id=payload["id"], processed__isnull=False).exists():
            continue
        stored = None if dry_run else webhook_event_process(event=webhook_event_store(payload=payload))
        missed.append((stored, payload))
    return missed
