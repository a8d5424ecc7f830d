"""Each user as support sees them in the admin: what they pay for and how much they use, gathered from every app,
and the three levers support needs, each audited.

The user list shows counts from other tables (verified email, plan, generations, threads) as correlated
subqueries on the list's one query, so a page of 100 users costs the same few queries as a page of 1.
"""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db import models
from django.db.models import Count, Exists, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.utils import timezone

from accounts.models import User
from accounts.services import quota_reset
from billing import services as billing_services
from billing.models import Subscription
from generator.models import Generation, Thread
from generator.selectors import quota_windows, usage_for


def _count_of(rows: QuerySet[Any], owner_field: str) -> Coalesce:
    """How many of `rows` belong to the outer user, as a subquery (no join, so counts never multiply)."""
    counted = rows.filter(**{owner_field: OuterRef("pk")}).order_by().values(owner_field)
    return Coalesce(Subquery(counted.annotate(n=Count("pk")).values("n")), 0, output_field=models.IntegerField())


def _acting_admin(request: HttpRequest) -> User:
    """The admin site lets in signed-in staff only, so the request's user is one of ours."""
    assert isinstance(request.user, User)
    return request.user


class PremiumFilter(admin.SimpleListFilter):
    title = "premium"
    parameter_name = "premium"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("yes", "Premium now"), ("no", "Free")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[User]) -> QuerySet[User]:
        now = timezone.now()
        if self.value() == "yes":
            return queryset.filter(premium_until__gt=now)
        if self.value() == "no":
            return queryset.exclude(premium_until__gt=now)
        return queryset


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ("-date_joined",)
    list_display = (
        "email",
        "verified",
        "current_plan",
        "premium_until",
        "generations_today",
        "generations_this_month",
        "threads_count",
        "date_joined",
        "last_login",
    )
    list_filter = (PremiumFilter, "is_staff", "is_superuser", "is_active")
    search_fields = ("email", "display_name", "x_handle")
    date_hierarchy = "date_joined"
    # premium_until is the later of billing's two sources: it moves through the audited actions, never by hand.
    # x_handle_verified is set by connecting an X account; an admin may clear an impersonating handle, not verify one.
    readonly_fields = ("date_joined", "last_login", "premium_until", "quota_reset_at", "quota_now", "x_handle_verified")
    fieldsets = (
        (None, {"fields": ("email", "password", "display_name", "x_handle", "x_handle_verified", "time_zone")}),
        ("Entitlement and quota", {"fields": ("premium_until", "quota_now", "quota_reset_at")}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        ("Dates", {"fields": ("date_joined", "last_login")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)
    actions = ("grant_30_days", "revoke_premium", "reset_todays_quota")

    def get_readonly_fields(self, request: HttpRequest, obj: User | None = None) -> tuple[str, ...]:
        readonly = tuple(super().get_readonly_fields(request, obj))
        # A verified handle belongs to the connected X account: changing it here would show a new one as verified.
        return (*readonly, "x_handle") if obj is not None and obj.x_handle_verified else readonly

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        day_start, _, month_start, _ = quota_windows(timezone.now())
        succeeded = Generation.objects.filter(status=Generation.Status.SUCCEEDED)
        access = Subscription.objects.filter(user=OuterRef("pk"), status__in=Subscription.ACCESS_STATUSES)
        return (
            super()
            .get_queryset(request)
            .annotate(
                email_verified=Exists(EmailAddress.objects.filter(user=OuterRef("pk"), verified=True)),
                has_access_subscription=Exists(access),
                access_plan_name=Subquery(access.order_by("-updated").values("plan__name")[:1]),
                generations_today_count=_count_of(succeeded.filter(created_at__gte=day_start), "user"),
                generations_month_count=_count_of(succeeded.filter(created_at__gte=month_start), "user"),
                threads_total=_count_of(Thread.objects.all(), "owner"),
            )
        )

    @admin.display(description="verified", boolean=True, ordering="email_verified")
    def verified(self, user: User) -> bool:
        return bool(getattr(user, "email_verified", False))

    @admin.display(description="plan")
    def current_plan(self, user: User) -> str:
        """The subscription that gives access, else a pass, else free (the words billing uses everywhere)."""
        if getattr(user, "has_access_subscription", False):
            return getattr(user, "access_plan_name", None) or "Subscription"
        return "Premium" if user.is_premium() else "Free"

    @admin.display(description="today", ordering="generations_today_count")
    def generations_today(self, user: User) -> int:
        return int(getattr(user, "generations_today_count", 0))

    @admin.display(description="this month", ordering="generations_month_count")
    def generations_this_month(self, user: User) -> int:
        return int(getattr(user, "generations_month_count", 0))

    @admin.display(description="threads", ordering="threads_total")
    def threads_count(self, user: User) -> int:
        return int(getattr(user, "threads_total", 0))

    @admin.display(description="quota now")
    def quota_now(self, user: User) -> str:
        usage = usage_for(user=user)
        month = f", {usage.monthly_used} of {usage.monthly_limit} this month" if usage.monthly_limit else ""
        return f"{usage.plan}: {usage.daily_used} of {usage.daily_limit} today{month}"

    @admin.action(description="Grant 30 days of premium")
    def grant_30_days(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        users = list(queryset)
        for user in users:
            billing_services.premium_grant(user=user, actor=_acting_admin(request))
        self.message_user(request, f"Granted 30 days to {len(users)} users.", messages.SUCCESS)

    @admin.action(description="Revoke premium now")
    def revoke_premium(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        users = list(queryset)
        for user in users:
            billing_services.premium_revoke(user=user, actor=_acting_admin(request))
        self.message_user(request, f"Revoked premium of {len(users)} users.", messages.SUCCESS)

    @admin.action(description="Reset today's quota")
    def reset_todays_quota(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        users = list(queryset)
        for user in users:
            quota_reset(user=user, actor=_acting_admin(request))
        self.message_user(request, f"Reset today's quota of {len(users)} users.", messages.SUCCESS)
