"""API tokens and quota resets in the admin, and the admin's sign-in form. The user screen gathers billing and the
generator too, so it lives above the apps, in `threadr.account.admin`."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from accounts.forms import AdminLoginForm
from accounts.models import ApiToken, QuotaReset
from threadr.lib.admin import ReadOnlyAdmin

# Wrong passwords typed into the admin's sign-in count with those typed anywhere else.
admin.site.login_form = AdminLoginForm


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Only the hash is stored, so an admin can see and revoke tokens but never read or make one."""

    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "revoked_at")
    list_filter = (("revoked_at", admin.EmptyFieldListFilter),)
    search_fields = ("user__email", "name", "prefix")
    date_hierarchy = "created_at"
    list_select_related = ("user",)
    fields = ("user", "name", "prefix", "created_at", "last_used_at", "revoked_at")
    readonly_fields = fields
    actions = ("revoke",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description="Revoke the selected tokens")
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        revoked = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        self.message_user(request, f"Revoked {revoked} tokens.", messages.SUCCESS)


@admin.register(QuotaReset)
class QuotaResetAdmin(ReadOnlyAdmin):
    list_display = ("created", "user", "actor")
    search_fields = ("user__email", "actor__email")
    date_hierarchy = "created"
    list_select_related = ("user", "actor")
