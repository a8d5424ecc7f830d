"""The outbox in the admin: what is waiting, why it failed, when it is tried next. Bodies are never shown: they hold
sign-in and password-reset links."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from threadr.lib.admin import ReadOnlyAdmin
from threadr.lib.mail.models import OutboxMessage
from threadr.lib.mail.services import outbox_retry


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "subject", "recipients", "status", "attempts", "next_attempt_at", "last_error")
    list_filter = ("status",)
    search_fields = ("recipients", "subject")
    date_hierarchy = "created_at"
    fields = ("subject", "recipients", "status", "attempts", "last_error", "next_attempt_at", "created_at", "sent_at")
    readonly_fields = fields
    actions = ("retry_now",)

    def has_retry_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("mail.change_outboxmessage")

    @admin.action(description="Retry the selected emails now", permissions=["retry"])
    def retry_now(self, request: HttpRequest, queryset: QuerySet[OutboxMessage]) -> None:
        delivery = outbox_retry(ids=list(queryset.values_list("pk", flat=True)))
        level = messages.WARNING if delivery.failed else messages.SUCCESS
        self.message_user(request, f"Sent {delivery.sent}, failed {delivery.failed}.", level)
