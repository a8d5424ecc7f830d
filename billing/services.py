"""Billing writes: checkout, fulfilment, subscriptions, take-backs, admin grants and emails.

How premium is computed. A user's `premium_until` is the later of two ends kept on `Entitlement`:

- `pass_until`: passes and admin grants. A pass adds its days to the later of now and the current pass end, so a
  second pass bought while one runs extends it. Refunds and lost disputes move it back by the days they paid for
  (a full refund: all of them; a partial one: the refunded share of them, to the microsecond).
- `subscription_until`: the latest end among the user's subscriptions that give access. `active`, `trialing` and
  `past_due` give access until the current period end plus `SUBSCRIPTION_GRACE` (time for the renewal charge and
  its webhook to land); with `cancel_at_period_end` the access ends exactly at the period end, since nothing will
  renew. `canceled`, `unpaid`, `incomplete`, `incomplete_expired` and `paused` give none: access from that
  subscription ends at once. A canceled subscription is final; an older snapshot never brings it back.

So a Pro subscriber who buys a pass keeps the later of the two ends, and the pass's days count from now (or from
the end of an earlier pass), not from the end of the subscription. Every change writes an `EntitlementChange`.

Locks, always in this order: webhook event row, then user row, then purchase row. Stripe is called before locks
are taken wherever the call does not depend on what the lock protects.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.models import User
from billing import stripe_client
from billing.models import (
    Customer,
    Entitlement,
    EntitlementChange,
    Plan,
    Purchase,
    SentEmail,
    Subscription,
    WebhookEvent,
)

logger = logging.getLogger(__name__)

SUBSCRIPTION_GRACE = timedelta(days=2)
ACCESS_STATUSES = frozenset({"active", "trialing", "past_due"})
FINAL_STATUSES = frozenset({"canceled", "incomplete_expired"})
PAID_SESSION_STATUSES = frozenset({"paid", "no_payment_required"})
ADMIN_GRANT = timedelta(days=30)


class PlanUnavailable(Exception):
    """The plan cannot be bought here: Stripe is not configured or the plan has no Stripe price."""


# --- Entitlement ----------------------------------------------------------------------------------------------


def _entitlement_locked(user_id: int) -> tuple[User, Entitlement]:
    """Lock the user's row (the per-user mutex for every billing write) and load its entitlement.

    A user with premium from before billing existed keeps it: it becomes the starting pass end.
    """
    user = User.objects.select_for_update().get(pk=user_id)
    entitlement, _ = Entitlement.objects.get_or_create(user=user, defaults={"pass_until": user.premium_until})
    return user, entitlement


def _remaining(end: datetime | None, now: datetime) -> timedelta:
    return max(end - now, timedelta()) if end is not None else timedelta()


def _entitlement_save(
    user: User,
    entitlement: Entitlement,
    *,
    reason: str,
    stripe_object_id: str = "",
    actor: User | None = None,
    now: datetime,
) -> EntitlementChange:
    """Write the entitlement, copy its end onto the user, and keep the audit row saying by how much it moved."""
    before = user.premium_until
    entitlement.save()
    user.premium_until = entitlement.premium_until()
    user.save(update_fields=["premium_until"])
    return EntitlementChange.objects.create(
        user=user,
        reason=reason,
        delta=_remaining(user.premium_until, now) - _remaining(before, now),
        premium_until_before=before,
        premium_until_after=user.premium_until,
        stripe_object_id=stripe_object_id,
        actor=actor,
        created=now,
    )


def premium_grant(*, user: User, actor: User, days: timedelta = ADMIN_GRANT) -> EntitlementChange:
    """An admin's goodwill: adds to the pass exactly as a bought pass would."""
    now = timezone.now()
    with transaction.atomic():
        locked, entitlement = _entitlement_locked(user.pk)
        entitlement.pass_until = max(entitlement.pass_until or now, now) + days
        return _entitlement_save(locked, entitlement, reason=EntitlementChange.Reason.ADMIN_GRANT, actor=actor, now=now)


def premium_revoke(*, user: User, actor: User) -> EntitlementChange:
    """Ends premium now. A subscription that Stripe still bills would grant it again on its next change, so cancel
    that in Stripe first."""
    now = timezone.now()
    with transaction.atomic():
        locked, entitlement = _entitlement_locked(user.pk)
        entitlement.pass_until = min(entitlement.pass_until or now, now)
        entitlement.subscription_until = min(entitlement.subscription_until or now, now)
        return _entitlement_save(
            locked, entitlement, reason=EntitlementChange.Reason.ADMIN_REVOKE, actor=actor, now=now
        )


# --- Checkout ---------------------------------------------------------------------------------------------------


def customer_get_or_create(*, user: User) -> Customer:
    """The user's Stripe customer, created once. The idempotency key makes a double click create one customer."""
    existing = Customer.objects.filter(user=user).first()
    if existing is not None:
        return existing
    customer_id = stripe_client.customer_create(email=user.email, user_id=user.pk)
    customer, _ = Customer.objects.get_or_create(user=user, defaults={"stripe_customer_id": customer_id})
    return customer


def checkout_start(*, user: User, plan: Plan, success_url: str, cancel_url: str) -> str:
    """Open a Checkout Session for the plan and remember it as a pending purchase; returns Stripe's page URL."""
    if not stripe_client.configured() or not plan.stripe_price_id:
        raise PlanUnavailable(plan.slug)
    customer = customer_get_or_create(user=user)
    session = stripe_client.checkout_session_create(
        customer_id=customer.stripe_customer_id,
        price_id=plan.stripe_price_id,
        mode=plan.checkout_mode,
        user_id=user.pk,
        plan_slug=plan.slug,
        success_url=success_url,
        cancel_url=cancel_url,
        idempotency_key=f"threadr-checkout-{user.pk}-{uuid.uuid4()}",
    )
    Purchase.objects.create(
        user=user,
        plan=plan,
        stripe_checkout_session_id=session.id,
        amount_cents=session.amount_total,
        currency=session.currency,
    )
    return str(session.url)


# --- Fulfilment -------------------------------------------------------------------------------------------------


def _session_owner(session: stripe_client.CheckoutSession) -> User | None:
    reference = session.client_reference_id or ""
    return User.objects.filter(pk=int(reference)).first() if reference.isdigit() else None


def purchase_fulfil(*, session: stripe_client.CheckoutSession) -> Purchase | None:
    """Grant what a paid Checkout Session bought, exactly once however often and however concurrently it is called
    (success page, webhook, reconcile). `session` must be freshly retrieved from Stripe. Returns the purchase, or
    None for a session that is not ours."""
    user = _session_owner(session)
    plan = Plan.objects.filter(slug=session.plan_slug).first()
    if user is None or plan is None:
        return None
    paid = session.payment_status in PAID_SESSION_STATUSES
    subscription = (
        stripe_client.subscription_retrieve(session.subscription_id) if paid and session.subscription_id else None
    )
    charge = (
        stripe_client.payment_intent_charge(session.payment_intent_id) if paid and session.payment_intent_id else None
    )
    now = timezone.now()
    with transaction.atomic():
        locked, entitlement = _entitlement_locked(user.pk)
        purchase, _ = Purchase.objects.select_for_update().get_or_create(
            stripe_checkout_session_id=session.id,
            defaults={"user": locked, "plan": plan, "amount_cents": session.amount_total, "currency": session.currency},
        )
        if purchase.status != Purchase.Status.PENDING or not paid:
            return purchase
        purchase.status = Purchase.Status.PAID
        purchase.paid_at = now
        purchase.amount_cents = session.amount_total
        purchase.currency = session.currency
        purchase.stripe_payment_intent_id = session.payment_intent_id or ""
        purchase.stripe_subscription_id = session.subscription_id or ""
        if plan.kind == Plan.Kind.PASS:
            purchase.granted = timedelta(days=plan.pass_days)
            entitlement.pass_until = max(entitlement.pass_until or now, now) + purchase.granted
            _entitlement_save(
                locked,
                entitlement,
                reason=EntitlementChange.Reason.PASS_PURCHASED,
                stripe_object_id=session.id,
                now=now,
            )
        purchase.save()
        if charge is not None:
            _take_back_locked(locked, entitlement, purchase, charge, dispute_lost=False, now=now)
        if subscription is not None:
            _subscription_store(locked, entitlement, subscription, now=now)
        _email_once(locked, SentEmail.Kind.RECEIPT, session.id, {"purchase": purchase})
    return purchase


def purchase_mark_failed(*, session: stripe_client.CheckoutSession) -> Purchase | None:
    """An asynchronous payment (a bank debit) did not go through: the purchase stays without premium."""
    updated = Purchase.objects.filter(stripe_checkout_session_id=session.id, status=Purchase.Status.PENDING).update(
        status=Purchase.Status.FAILED
    )
    return Purchase.objects.get(stripe_checkout_session_id=session.id) if updated else None


# --- Subscriptions ----------------------------------------------------------------------------------------------


def _subscription_end(subscription: Subscription) -> datetime | None:
    if subscription.status not in ACCESS_STATUSES or subscription.current_period_end is None:
        return None
    if subscription.cancel_at_period_end:
        return subscription.current_period_end
    return subscription.current_period_end + SUBSCRIPTION_GRACE


def _subscription_store(
    user: User, entitlement: Entitlement, info: stripe_client.SubscriptionInfo, *, now: datetime
) -> Subscription:
    """Copy Stripe's view of one subscription and recompute the subscription end. Caller holds the user lock."""
    subscription = Subscription.objects.filter(stripe_subscription_id=info.id).first()
    if subscription is not None and subscription.status in FINAL_STATUSES and info.status not in FINAL_STATUSES:
        return subscription  # an older snapshot read before the cancellation: canceled is final
    subscription, _ = Subscription.objects.update_or_create(
        stripe_subscription_id=info.id,
        defaults={
            "user": user,
            "plan": Plan.objects.filter(stripe_price_id=info.price_id).first() if info.price_id else None,
            "status": info.status,
            "current_period_end": info.current_period_end,
            "cancel_at_period_end": info.cancel_at_period_end,
            "ended_at": info.ended_at,
            "updated": now,
        },
    )
    ends = [end for end in map(_subscription_end, Subscription.objects.filter(user=user)) if end is not None]
    new_end = max(ends) if ends else None
    if new_end != entitlement.subscription_until:
        entitlement.subscription_until = new_end
        _entitlement_save(
            user, entitlement, reason=EntitlementChange.Reason.SUBSCRIPTION_SYNCED, stripe_object_id=info.id, now=now
        )
    return subscription


def _subscription_owner(info: stripe_client.SubscriptionInfo) -> int | None:
    customer = Customer.objects.filter(stripe_customer_id=info.customer_id).first()
    if customer is not None:
        return customer.user_id
    user_id = info.user_id or ""
    return int(user_id) if user_id.isdigit() and User.objects.filter(pk=int(user_id)).exists() else None


def subscription_sync(*, subscription_id: str) -> Subscription | None:
    """Fetch the subscription from Stripe and make our copy and the owner's premium follow it. None when the
    subscription belongs to no user of ours."""
    info = stripe_client.subscription_retrieve(subscription_id)
    user_id = _subscription_owner(info)
    if user_id is None:
        return None
    with transaction.atomic():
        user, entitlement = _entitlement_locked(user_id)
        return _subscription_store(user, entitlement, info, now=timezone.now())


def invoice_payment_failed(*, invoice_id: str) -> str:
    """Tell the user once per invoice that the renewal failed; access stays while Stripe retries (past_due)."""
    invoice = stripe_client.invoice_retrieve(invoice_id)
    if invoice.subscription_id is None:
        return "ignored: not a subscription invoice"
    subscription = subscription_sync(subscription_id=invoice.subscription_id)
    user = subscription.user if subscription is not None else None
    if subscription is None or user is None:
        return "ignored: unknown subscription"
    claimed = _email_once(
        user, SentEmail.Kind.PAYMENT_FAILED, invoice.id, {"invoice": invoice, "plan": subscription.plan}
    )
    return "payment failed email sent" if claimed else "payment failed email already sent"


# --- Refunds and disputes -----------------------------------------------------------------------------------------


def _take_back_locked(
    user: User,
    entitlement: Entitlement,
    purchase: Purchase,
    charge: stripe_client.ChargeInfo,
    *,
    dispute_lost: bool,
    now: datetime,
) -> None:
    """Bring the purchase's take-back up to what the charge's cumulative state says. Caller holds the locks."""
    purchase.amount_refunded_cents = charge.amount_refunded
    if dispute_lost:
        target, reason = purchase.granted, EntitlementChange.Reason.DISPUTE_LOST
        purchase.status = Purchase.Status.DISPUTE_LOST
    else:
        target = purchase.granted * charge.amount_refunded // charge.amount
        reason = EntitlementChange.Reason.REFUND
        if charge.amount_refunded >= charge.amount:
            purchase.status = Purchase.Status.REFUNDED
        elif charge.amount_refunded:
            purchase.status = Purchase.Status.PARTIALLY_REFUNDED
    step = target - purchase.taken_back
    if step > timedelta():
        purchase.taken_back = target
        entitlement.pass_until = (entitlement.pass_until or now) - step
        _entitlement_save(user, entitlement, reason=reason, stripe_object_id=charge.id, now=now)
    purchase.save()


def purchase_take_back(*, charge: stripe_client.ChargeInfo, dispute_lost: bool = False) -> Purchase | None:
    """Take back the premium a refunded or lost-in-dispute payment bought, in proportion to the money returned.

    Works from Stripe's cumulative numbers (`amount_refunded`), so repeated or reordered events move nothing twice;
    a refund that lands before the purchase is fulfilled is applied by the fulfilment itself. Returns None when the
    charge paid for no purchase of ours (a subscription invoice, for one: its subscription's status decides).
    """
    found = Purchase.objects.filter(stripe_payment_intent_id=charge.payment_intent_id).values_list("pk", "user_id")
    if not found:
        return None
    purchase_id, user_id = found[0]
    if user_id is None:  # the account was deleted: keep the money figures right, there is no premium to take back
        Purchase.objects.filter(pk=purchase_id).update(amount_refunded_cents=charge.amount_refunded)
        return Purchase.objects.get(pk=purchase_id)
    now = timezone.now()
    with transaction.atomic():
        user, entitlement = _entitlement_locked(user_id)
        purchase = Purchase.objects.select_for_update().get(pk=purchase_id)
        _take_back_locked(user, entitlement, purchase, charge, dispute_lost=dispute_lost, now=now)
    return purchase


# --- Emails -------------------------------------------------------------------------------------------------------


def _email_once(user: User, kind: str, key: str, context: dict[str, Any]) -> bool:
    """Claim the (kind, key) row and send when the transaction commits. False when it was already sent."""
    try:
        with transaction.atomic():
            SentEmail.objects.create(user=user, kind=kind, key=key)
    except IntegrityError:
        return False
    full_context = {"user": user, "site_url": _site_url(), **context}
    subject = render_to_string(f"billing/emails/{kind}_subject.txt", full_context).strip()
    body = render_to_string(f"billing/emails/{kind}.txt", full_context)
    transaction.on_commit(lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email]))
    return True


def _site_url() -> str:
    hosts = [host for host in settings.ALLOWED_HOSTS if host and not host.startswith((".", "*"))]
    scheme = "http" if settings.DEBUG else "https"
    return f"{scheme}://{hosts[0]}" if hosts else ""


def expiring_notify(*, now: datetime, within: timedelta = timedelta(days=3)) -> int:
    """Remind users whose premium ends within `within` and will not renew by itself; once per premium end."""
    renewing = Subscription.objects.filter(status__in=ACCESS_STATUSES, cancel_at_period_end=False).values("user_id")
    users = User.objects.filter(premium_until__gt=now, premium_until__lte=now + within).exclude(pk__in=renewing)
    sent = 0
    for user in users:
        key = f"{user.pk}:{user.premium_until}"
        sent += _email_once(user, SentEmail.Kind.EXPIRING, key, {"premium_until": user.premium_until})
    return sent


# --- Webhooks -------------------------------------------------------------------------------------------------------


def _object_id(event: WebhookEvent) -> str:
    return str(event.payload["data"]["object"]["id"])


def _on_session_completed(event: WebhookEvent) -> str:
    purchase = purchase_fulfil(session=stripe_client.checkout_session_retrieve(_object_id(event)))
    return f"purchase {purchase.status}" if purchase else "ignored: not our session"


def _on_session_failed(event: WebhookEvent) -> str:
    purchase = purchase_mark_failed(session=stripe_client.checkout_session_retrieve(_object_id(event)))
    return "purchase failed" if purchase else "ignored: no pending purchase"


def _on_subscription_changed(event: WebhookEvent) -> str:
    subscription = subscription_sync(subscription_id=_object_id(event))
    return f"subscription {subscription.status}" if subscription else "ignored: unknown customer"


def _on_invoice_paid(event: WebhookEvent) -> str:
    invoice = stripe_client.invoice_retrieve(_object_id(event))
    if invoice.subscription_id is None:
        return "ignored: not a subscription invoice"
    subscription = subscription_sync(subscription_id=invoice.subscription_id)
    return f"subscription {subscription.status}" if subscription else "ignored: unknown customer"


def _on_invoice_failed(event: WebhookEvent) -> str:
    return invoice_payment_failed(invoice_id=_object_id(event))


def _on_charge_refunded(event: WebhookEvent) -> str:
    purchase = purchase_take_back(charge=stripe_client.charge_retrieve(_object_id(event)))
    return f"purchase {purchase.status}" if purchase else "ignored: not a purchase"


def _on_dispute_created(event: WebhookEvent) -> str:
    return "noted: access is kept until the dispute closes"


def _on_dispute_closed(event: WebhookEvent) -> str:
    dispute = stripe_client.dispute_retrieve(_object_id(event))
    if dispute.status != "lost":
        return f"dispute {dispute.status}: nothing to take back"
    purchase = purchase_take_back(charge=stripe_client.charge_retrieve(dispute.charge_id), dispute_lost=True)
    return f"purchase {purchase.status}" if purchase else "ignored: not a purchase"


HANDLERS: dict[str, Callable[[WebhookEvent], str]] = {
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
    """Apply a stored event once. Copies arriving together wait on the row lock and then find it processed.

    A handler failure rolls back everything the handler did, records the error and leaves the event unprocessed,
    so the caller answers 500 and Stripe's retry (or "process again") applies it from scratch. `again` re-runs a
    processed event; every handler is idempotent, so that repeats no effect.
    """
    with transaction.atomic():
        locked = WebhookEvent.objects.select_for_update().get(pk=event.pk)
        if locked.processed is not None and not again:
            return locked
        locked.attempts += 1
        try:
            with transaction.atomic():
                locked.outcome = _dispatch(locked)
        except Exception as error:
            logger.exception("Stripe event %s (%s) failed", locked.stripe_event_id, locked.type)
            locked.error = f"{type(error).__name__}: {error}"
            locked.processed = None
        else:
            locked.error = ""
            locked.processed = timezone.now()
        locked.save()
    return locked


def _dispatch(event: WebhookEvent) -> str:
    if event.livemode != stripe_client.livemode():
        return "ignored: other mode"
    handler = HANDLERS.get(event.type)
    return handler(event) if handler else "ignored: unhandled type"


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
