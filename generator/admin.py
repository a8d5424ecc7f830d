"""The generator in the admin: styles are tuned here; threads are looked at (their words belong to their owners);
the generation and rewrite ledgers are read-only, since the quota and the rewrite allowance are counted from them."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from generator.models import Generation, Rewrite, Style, Thread
from generator.services import (
    style_delete,
    style_delete_many,
    style_save,
    thread_delete,
    thread_delete_many,
    thread_save,
    thread_unshare_many,
)
from threadr.lib.admin import ReadOnlyAdmin


@admin.register(Style)
class StyleAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "local_structure", "premium_only", "is_active", "position")
    list_editable = ("premium_only", "is_active", "position")
    list_filter = ("premium_only", "is_active", "local_structure")
    search_fields = ("name", "slug", "description")
    prepopulated_fields = {"slug": ("name",)}
    fieldsets = (
        (None, {"fields": ("name", "slug", "description", "position", "is_active", "premium_only")}),
        ("Generation", {"fields": ("llm_guidance", "local_structure")}),
    )

    # Every write goes through the services, which drop the cached active styles (the list's edits too).
    def save_model(self, request: HttpRequest, obj: Style, form: Any, change: bool) -> None:
        style_save(style=obj)

    def delete_model(self, request: HttpRequest, obj: Style) -> None:
        style_delete(style=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Style]) -> None:
        style_delete_many(styles=queryset)


class SharedFilter(admin.SimpleListFilter):
    title = "shared"
    parameter_name = "shared"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("yes", "Shared"), ("no", "Private")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Thread]) -> QuerySet[Thread]:
        if self.value() in ("yes", "no"):
            return queryset.filter(share_token__isnull=self.value() == "no")
        return queryset


@admin.register(Thread)
class ThreadAdmin(admin.ModelAdmin):
    """Content is read-only; an admin may only take a thread's public page down (moderation) or delete it."""

    list_display = ("title", "owner", "engine", "style", "tweets_count", "shared", "is_favourite", "created_at")
    list_filter = ("engine", SharedFilter, "is_favourite", "is_archived", "style")
    search_fields = ("title", "owner__email", "source_url")
    date_hierarchy = "created_at"
    list_select_related = ("owner", "style")
    fields = (
        "owner",
        "title",
        "engine",
        "style",
        "source_url",
        "tweets_list",
        "options",
        "shared",
        "is_favourite",
        "is_archived",
        "regenerations",
        "created_at",
        "updated_at",
        "source_text",
    )
    readonly_fields = fields
    actions = ("stop_sharing",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Thread]:
        # The list never shows the article or the search text, which can be 50,000 characters a row.
        return super().get_queryset(request).defer("source_text", "body_text")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(description="tweets")
    def tweets_count(self, thread: Thread) -> int:
        return len(thread.tweets or [])

    @admin.display(description="shared", boolean=True, ordering="share_token")
    def shared(self, thread: Thread) -> bool:
        return thread.share_token is not None

    @admin.display(description="tweets")
    def tweets_list(self, thread: Thread) -> str:
        items = format_html_join("", "<li>{}</li>", ((tweet,) for tweet in thread.tweets or []))
        return format_html("<ol>{}</ol>", items)

    # Every write goes through the services, which retire the owner's cached history pages.
    def save_model(self, request: HttpRequest, obj: Thread, form: Any, change: bool) -> None:
        thread_save(thread=obj)

    def delete_model(self, request: HttpRequest, obj: Thread) -> None:
        thread_delete(thread=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Thread]) -> None:
        thread_delete_many(threads=queryset)

    @admin.action(description="Stop sharing (take the public page down)")
    def stop_sharing(self, request: HttpRequest, queryset: QuerySet[Thread]) -> None:
        stopped = thread_unshare_many(threads=queryset)
        self.message_user(request, f"{stopped} threads are no longer shared.", messages.SUCCESS)


class LedgerAdmin(ReadOnlyAdmin):
    """A ledger the generator writes and nobody edits, with the thread as a link."""

    @admin.display(description="thread")
    def thread_link(self, row: Generation | Rewrite) -> str | None:
        """The thread's id as a link: showing its title would load every thread row of the page."""
        if row.thread_id is None:
            return None  # the admin's empty-value dash
        url = reverse("admin:generator_thread_change", args=[row.thread_id])
        return format_html('<a href="{}">#{}</a>', url, row.thread_id)


@admin.register(Generation)
class GenerationAdmin(LedgerAdmin):
    """The quota ledger. Rows are written by the generator only; `release_stale_reservations` cleans up."""

    list_display = (
        "created_at",
        "user",
        "status",
        "engine",
        "input_kind",
        "error_code",
        "duration_ms",
        "first_tweet_ms",
        "thread_link",
    )
    list_filter = ("status", "engine", "error_code", "input_kind")
    search_fields = ("user__email", "error_code")
    date_hierarchy = "created_at"
    list_select_related = ("user",)
    readonly_fields = (
        "user",
        "status",
        "engine",
        "input_kind",
        "error_code",
        "thread_link",
        "created_at",
        "finished_at",
        "duration_ms",
        "first_tweet_ms",
    )
    fields = readonly_fields


@admin.register(Rewrite)
class RewriteAdmin(LedgerAdmin):
    """The rewrite ledger behind the daily rewrite allowance (one row per tweet rewrite sent to the engine)."""

    list_display = ("created_at", "user", "status", "error_code", "finished_at", "thread_link")
    list_filter = ("status", "error_code")
    search_fields = ("user__email", "error_code")
    date_hierarchy = "created_at"
    list_select_related = ("user",)
    readonly_fields = ("user", "status", "error_code", "thread_link", "created_at", "finished_at")
    fields = readonly_fields
