"""Billing in the admin: every record readable, Stripe's copies read-only, and the few levers support needs."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html

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
from billing.services import webhooks
from threadr.lib.admin import ReadOnlyAdmin


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "kind", "display_price", "period_label", "stripe_price_id", "featured", "active")
    list_editable = ("active",)
    list_filter = ("kind", "active")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Customer)
class CustomerAdmin(ReadOnlyAdmin):
    list_display = ("stripe_customer_id", "user", "created")
    search_fields = ("stripe_customer_id", "user__email")


@admin.register(Entitlement)
class EntitlementAdmin(ReadOnlyAdmin):
    list_display = ("user", "pass_until", "subscription_until")
    search_fields = ("user__email",)


@admin.register(Purchase)
class PurchaseAdmin(ReadOnlyAdmin):
    list_display = ("created", "user", "plan", "status", "amount", "amount_refunded", "granted", "taken_back")
    list_filter = ("status", "plan")
    search_fields = ("user__email", "stripe_checkout_session_id", "stripe_payment_intent_id")
    date_hierarchy = "created"
    list_select_related = ("user", "plan")

    @admin.display(description="amount")
    def amount(self, purchase: Purchase) -> str:
        return _money(purchase.amount_cents, purchase.currency)

    @admin.display(description="refunded")
    def amount_refunded(self, purchase: Purchase) -> str:
        return _money(purchase.amount_refunded_cents, purchase.currency)


def _money(cents: int, currency: str) -> str:
    return f"{cents // 100}.{cents % 100:02d} {currency.upper()}"


@admin.register(Subscription)
class SubscriptionAdmin(ReadOnlyAdmin):
    list_display = ("stripe_subscription_id", "user", "plan", "status", "current_period_end", "cancel_at_period_end")
    list_filter = ("status", "cancel_at_period_end", "plan")
    search_fields = ("stripe_subscription_id", "user__email")
    list_select_related = ("user", "plan")


class ProcessedFilter(admin.SimpleListFilter):
    title = "processed"
    parameter_name = "processed"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("yes", "Yes"), ("no", "No")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[WebhookEvent]) -> QuerySet[WebhookEvent]:
        if self.value() in ("yes", "no"):
            return queryset.filter(processed__isnull=self.value() == "no")
        return queryset


class ErrorFilter(admin.SimpleListFilter):
    title = "error"
    parameter_name = "error"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("yes", "With an error"), ("no", "Without")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[WebhookEvent]) -> QuerySet[WebhookEvent]:
        if self.value() == "yes":
            return queryset.exclude(error="")
        if self.value() == "no":
            return queryset.filter(error="")
        return queryset


@admin.register(WebhookEvent)
class WebhookEventAdmin(admin.ModelAdmin):
    list_display = ("received", "type", "stripe_event_id", "livemode", "processed", "attempts", "outcome", "error")
    list_filter = ("type", ProcessedFilter, ErrorFilter, "livemode")
    search_fields = ("stripe_event_id", "type")
    date_hierarchy = "received"
    fields = (
        "stripe_event_id",
        "type",
        "livemode",
        "received",
        "processed",
        "attempts",
        "outcome",
        "error",
        "payload_pretty",
    )
    readonly_fields = fields
    actions = ("process_again",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="payload")
    def payload_pretty(self, event: WebhookEvent) -> str:
        return format_html("<pre>{}</pre>", json.dumps(event.payload, indent=2, sort_keys=True))

    @admin.action(description="Process again")
    def process_again(self, request: HttpRequest, queryset: QuerySet[WebhookEvent]) -> None:
        """Re-run events (say after a fix). Handlers re-read Stripe and are idempotent, so nothing applies twice."""
        results = [webhooks.webhook_event_process(event=event, again=True) for event in queryset.order_by("received")]
        failed = [event for event in results if event.processed is None]
        if failed:
            names = ", ".join(event.stripe_event_id for event in failed)
            self.message_user(request, f"{len(failed)} failed again: {names}", messages.ERROR)
        self.message_user(request, f"{len(results) - len(failed)} processed.", messages.SUCCESS)


@admin.register(EntitlementChange)
class EntitlementChangeAdmin(ReadOnlyAdmin):
    list_display = ("created", "user", "reason", "delta", "premium_until_after", "stripe_object_id", "actor")
    list_filter = ("reason",)
    search_fields = ("user__email", "stripe_object_id")
    date_hierarchy = "created"
    list_select_related = ("user", "actor")


@admin.register(SentEmail)
class SentEmailAdmin(ReadOnlyAdmin):
    list_display = ("sent", "user", "kind", "key")
    list_filter = ("kind",)
    search_fields = ("user__email", "key")
