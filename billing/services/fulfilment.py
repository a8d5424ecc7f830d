"""Checkout and what follows it: the Stripe customer, starting a Checkout Session, granting what a paid session
bought, following a subscription, and taking back what refunded or disputed money bought.

Everything here that grants or takes back works from objects already read from Stripe (the `stripe_client`
dataclasses) and only writes our database, so a caller can read Stripe first, with no lock held, and apply the
result inside its own transaction (the webhook does).
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from billing import stripe_client
from billing.models import Customer, Entitlement, EntitlementChange, Plan, Purchase, SentEmail, Subscription
from billing.services import emails, entitlements
from threadr.lib.errors import ThreadrError

SUBSCRIPTION_GRACE = timedelta(days=2)
FINAL_STATUSES = frozenset({"canceled", "incomplete_expired"})


class PlanUnavailable(ThreadrError):
    """The plan cannot be bought here: Stripe is not configured or the plan has no Stripe price."""

    code = "plan_unavailable"
    status = 503


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
        raise PlanUnavailable(f"The plan {plan.slug!r} cannot be bought on this server.")
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


def purchase_fulfil(*, checkout: stripe_client.CheckoutResult) -> Purchase | None:
    """Grant what a paid Checkout Session bought, exactly once however often and however concurrently it is called
    (success page, webhook, reconcile). `checkout` must be freshly read from Stripe. Returns the purchase, or None
    for a session that is not ours."""
    session = checkout.session
    user = _session_owner(session)
    plan = Plan.objects.filter(slug=session.plan_slug).first()
    if user is None or plan is None:
        return None
    now = timezone.now()
    with transaction.atomic():
        locked, entitlement = entitlements.entitlement_lock(user_id=user.pk)
        purchase, _ = Purchase.objects.select_for_update().get_or_create(
            stripe_checkout_session_id=session.id,
            defaults={"user": locked, "plan": plan, "amount_cents": session.amount_total, "currency": session.currency},
        )
        if purchase.status != Purchase.Status.PENDING or not session.paid:
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
            entitlements.entitlement_save(
                user=locked,
                entitlement=entitlement,
                reason=EntitlementChange.Reason.PASS_PURCHASED,
                stripe_object_id=session.id,
                now=now,
            )
        purchase.save()
        if checkout.charge is not None:
            _take_back_locked(locked, entitlement, purchase, checkout.charge, dispute_lost=False, now=now)
        if checkout.subscription is not None:
            _subscription_store(locked, entitlement, checkout.subscription, now=now)
        emails.email_send_once(user=locked, kind=SentEmail.Kind.RECEIPT, key=session.id, context={"purchase": purchase})
    return purchase


def purchase_mark_failed(*, session: stripe_client.CheckoutSession) -> Purchase | None:
    """An asynchronous payment (a bank debit) did not go through: the purchase stays without premium."""
    updated = Purchase.objects.filter(stripe_checkout_session_id=session.id, status=Purchase.Status.PENDING).update(
        status=Purchase.Status.FAILED
    )
    return Purchase.objects.get(stripe_checkout_session_id=session.id) if updated else None


# --- Subscriptions ----------------------------------------------------------------------------------------------


def _subscription_end(subscription: Subscription) -> datetime | None:
    if subscription.status not in Subscription.ACCESS_STATUSES or subscription.current_period_end is None:
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
        entitlements.entitlement_save(
            user=user,
            entitlement=entitlement,
            reason=EntitlementChange.Reason.SUBSCRIPTION_SYNCED,
            stripe_object_id=info.id,
            now=now,
        )
    return subscription


def _subscription_owner(info: stripe_client.SubscriptionInfo) -> int | None:
    customer = Customer.objects.filter(stripe_customer_id=info.customer_id).first()
    if customer is not None:
        return customer.user_id
    user_id = info.user_id or ""
    return int(user_id) if user_id.isdigit() and User.objects.filter(pk=int(user_id)).exists() else None


def subscription_sync(*, subscription: stripe_client.SubscriptionInfo) -> Subscription | None:
    """Make our copy of the subscription and its owner's premium follow Stripe's, freshly read. None when the
    subscription belongs to no user of ours."""
    user_id = _subscription_owner(subscription)
    if user_id is None:
        return None
    with transaction.atomic():
        user, entitlement = entitlements.entitlement_lock(user_id=user_id)
        return _subscription_store(user, entitlement, subscription, now=timezone.now())


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
        entitlements.entitlement_save(
            user=user, entitlement=entitlement, reason=reason, stripe_object_id=charge.id, now=now
        )
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
        user, entitlement = entitlements.entitlement_lock(user_id=user_id)
        purchase = Purchase.objects.select_for_update().get(pk=purchase_id)
        _take_back_locked(user, entitlement, purchase, charge, dispute_lost=dispute_lost, now=now)
    return purchase
