"""Billing reads: what the pricing page offers and what a user may see of their own purchases."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404

from accounts.models import User
from billing import stripe_client
from billing.models import Customer, Plan, Purchase, Subscription


@dataclass(frozen=True)
class PlanOffer:
    plan: Plan
    purchasable: bool


def plans_on_sale() -> list[PlanOffer]:
    """The active plans in display order, each saying whether this server can sell it right now."""
    configured = stripe_client.configured()
    return [PlanOffer(plan=plan, purchasable=configured and bool(plan.stripe_price_id)) for plan in _active_plans()]


def _active_plans() -> QuerySet[Plan]:
    return Plan.objects.filter(active=True)


def plan_get_on_sale(*, slug: str) -> Plan:
    """The active plan with this slug, or 404."""
    plan = _active_plans().filter(slug=slug).first()
    if plan is None:
        raise Http404("No such plan.")
    return plan


def customer_for_user(*, user: User) -> Customer | None:
    return Customer.objects.filter(user=user).first()


def user_current_plan(*, user: User) -> str:
    """What the user has now, in words: the subscription that gives access, a pass, or the free plan."""
    subscription = (
        Subscription.objects.filter(user=user, status__in=Subscription.ACCESS_STATUSES).select_related("plan").first()
    )
    if subscription is not None:
        return subscription.plan.name if subscription.plan else "Subscription"
    return "Premium" if user.is_premium() else "Free"


def purchases_for_export(*, user: User) -> list[dict[str, object]]:
    """The user's payments, as the data export shows them."""
    rows = (
        Purchase.objects.filter(user=user)
        .order_by("created")
        .values("plan__name", "status", "amount_cents", "amount_refunded_cents", "currency", "created", "paid_at")
    )
    return [dict(row) for row in rows]


def subscription_keeps_account(*, user: User) -> bool:
    """A live subscription would go on charging a deleted account: it must be cancelled first."""
    live = Subscription.objects.filter(user=user, status__in=Subscription.ACCESS_STATUSES, cancel_at_period_end=False)
    return live.exists()
