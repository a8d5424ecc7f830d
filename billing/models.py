"""Billing records: what we sell, what was paid, what Stripe told us, and every change to a user's premium.

Money is stored in integer minor units (cents) with its currency, never as floats. The user's `premium_until`
is the one field features read; `Entitlement` keeps the two sources it is made of (passes and subscriptions)
so that one can end or be taken back without touching the other.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone


class Plan(models.Model):
    class Kind(models.TextChoices):
        PASS = "pass", "One-time pass"
        SUBSCRIPTION = "subscription", "Subscription"

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=80)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    price_cents = models.PositiveIntegerField(help_text="What the customer pays, in cents.")
    currency = models.CharField(max_length=3, default="usd")
    period_label = models.CharField(max_length=30, help_text='Shown after the price: "once", "a month".')
    pass_days = models.PositiveSmallIntegerField(default=0, help_text="Days of premium a pass gives (0 for plans).")
    stripe_price_id = models.CharField(max_length=100, blank=True)
    features = models.TextField(blank=True, help_text="One feature per line, shown on the pricing page.")
    button_label = models.CharField(max_length=40)
    featured = models.BooleanField(default=False)
    active = models.BooleanField(default=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ("sort_order", "pk")

    def __str__(self) -> str:
        return self.name

    @property
    def display_price(self) -> str:
        """US$4.99 from 499 cents: integer arithmetic, so no rounding ever shows."""
        prefix = "US$" if self.currency == "usd" else f"{self.currency.upper()} "
        return f"{prefix}{self.price_cents // 100}.{self.price_cents % 100:02d}"

    @property
    def feature_list(self) -> list[str]:
        return [line.strip() for line in self.features.splitlines() if line.strip()]

    @property
    def checkout_mode(self) -> str:
        return "subscription" if self.kind == self.Kind.SUBSCRIPTION else "payment"


class Customer(models.Model):
    """The Stripe customer behind one of our users, created on the first checkout and reused after."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="stripe_customer")
    stripe_customer_id = models.CharField(max_length=100, unique=True)
    created = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.stripe_customer_id


class Entitlement(models.Model):
    """The two sources of a user's premium; `premium_until` on the user is always the later of them."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True)
    pass_until = models.DateTimeField(null=True, blank=True)
    subscription_until = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Entitlement of {self.user}"

    def premium_until(self) -> datetime | None:
        ends = [end for end in (self.pass_until, self.subscription_until) if end is not None]
        return max(ends) if ends else None


class Purchase(models.Model):
    """One Checkout Session, from its creation to its payment and any refund or lost dispute."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        PAID = "paid", "Paid"
        FAILED = "failed", "Payment failed"
        REFUNDED = "refunded", "Refunded"
        PARTIALLY_REFUNDED = "partially_refunded", "Partially refunded"
        DISPUTE_LOST = "dispute_lost", "Dispute lost"

    # Payment records outlive a deleted account (bookkeeping law): the link to the person is dropped, the rest kept.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="purchases"
    )
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="purchases")
    stripe_checkout_session_id = models.CharField(max_length=255, unique=True)
    stripe_payment_intent_id = models.CharField(max_length=255, blank=True, db_index=True)
    stripe_subscription_id = models.CharField(max_length=255, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    amount_cents = models.PositiveIntegerField(default=0)
    amount_refunded_cents = models.PositiveIntegerField(default=0)
    currency = models.CharField(max_length=3, default="usd")
    granted = models.DurationField(default=timedelta, help_text="Premium this purchase added to the pass.")
    taken_back = models.DurationField(default=timedelta, help_text="Premium removed again by refunds or disputes.")
    created = models.DateTimeField(default=timezone.now)
    paid_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created",)

    def __str__(self) -> str:
        return f"{self.plan} for {self.user} ({self.get_status_display()})"


class Subscription(models.Model):
    """Our copy of a Stripe subscription, always written from a fresh retrieve, never from an event payload."""

    ACCESS_STATUSES = ("active", "trialing", "past_due")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="subscriptions"
    )
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, null=True, blank=True, related_name="subscriptions")
    stripe_subscription_id = models.CharField(max_length=255, unique=True)
    status = models.CharField(max_length=30)
    current_period_end = models.DateTimeField(null=True, blank=True)
    cancel_at_period_end = models.BooleanField(default=False)
    ended_at = models.DateTimeField(null=True, blank=True)
    updated = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("-updated",)

    def __str__(self) -> str:
        return f"{self.stripe_subscription_id} ({self.status})"


class WebhookEvent(models.Model):
    """Every verified delivery, once: the unique Stripe id is what makes replays harmless."""

    stripe_event_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=100, db_index=True)
    livemode = models.BooleanField(default=False)
    received = models.DateTimeField(default=timezone.now)
    processed = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    outcome = models.CharField(max_length=200, blank=True)
    error = models.TextField(blank=True)
    payload = models.JSONField()

    class Meta:
        ordering = ("-received",)

    def __str__(self) -> str:
        return f"{self.type} {self.stripe_event_id}"


class EntitlementChange(models.Model):
    """The audit trail: every change to a user's premium, who or what made it, and the Stripe object behind it."""

    class Reason(models.TextChoices):
        PASS_PURCHASED = "pass_purchased", "Pass purchased"
        SUBSCRIPTION_SYNCED = "subscription_synced", "Subscription changed"
        REFUND = "refund", "Refund"
        DISPUTE_LOST = "dispute_lost", "Dispute lost"
        ADMIN_GRANT = "admin_grant", "Granted by an admin"
        ADMIN_REVOKE = "admin_revoke", "Revoked by an admin"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="entitlement_changes")
    reason = models.CharField(max_length=30, choices=Reason.choices)
    delta = models.DurationField(help_text="How far premium_until moved (negative when taken back).")
    premium_until_before = models.DateTimeField(null=True, blank=True)
    premium_until_after = models.DateTimeField(null=True, blank=True)
    stripe_object_id = models.CharField(max_length=255, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("-created", "-pk")

    def __str__(self) -> str:
        return f"{self.get_reason_display()} for {self.user}"


class SentEmail(models.Model):
    """Each billing email goes out once: the unique key (receipt per session, failure per invoice, reminder per
    premium end) is claimed before sending."""

    class Kind(models.TextChoices):
        RECEIPT = "receipt", "Receipt"
        PAYMENT_FAILED = "payment_failed", "Payment failed"
        EXPIRING = "expiring", "Premium ending soon"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="billing_emails")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    key = models.CharField(max_length=255)
    sent = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=("kind", "key"), name="billing_sentemail_kind_key_unique")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.user}"
