"""Support's view of publishing: X accounts (never their tokens) and publications with their tweets."""

from __future__ import annotations

from django.contrib import admin

from publishing.models import Publication, PublishedTweet, PublishingPause, XAccount


@admin.register(XAccount)
class XAccountAdmin(admin.ModelAdmin):
    list_display = ("username", "user", "status", "connected_at", "refreshed_at", "access_expires_at")
    list_filter = ("status",)
    search_fields = ("username", "user__email", "x_user_id")
    # The encrypted tokens are not fields here at all: support never needs them.
    fields = ("user", "x_user_id", "username", "status", "scope", "connected_at", "refreshed_at", "access_expires_at")
    readonly_fields = fields

    def has_add_permission(self, request: object) -> bool:
        return False


class PublishedTweetInline(admin.TabularInline):
    model = PublishedTweet
    fields = ("position", "text", "status", "tweet_id", "attempts", "posted_at", "error_message")
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Publication)
class PublicationAdmin(admin.ModelAdmin):
    list_display = ("title", "user", "status", "scheduled_for", "created_at", "finished_at")
    list_filter = ("status",)
    search_fields = ("title", "user__email", "x_username")
    date_hierarchy = "created_at"
    readonly_fields = (
        "user",
        "thread",
        "title",
        "status",
        "scheduled_for",
        "next_run_at",
        "x_username",
        "error_code",
        "error_message",
        "reads",
        "created_at",
        "started_at",
        "finished_at",
    )
    inlines = (PublishedTweetInline,)

    def has_add_permission(self, request: object) -> bool:
        return False


@admin.register(PublishingPause)
class PublishingPauseAdmin(admin.ModelAdmin):
    """Pausing the queue by hand (until a moment), or ending a pause early by shortening it."""

    list_display = ("until", "reason", "created_at")
