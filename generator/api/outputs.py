"""What the API answers with: one serializer per shape, used both to build responses and to describe them in the
OpenAPI schema, so the two cannot drift apart."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from generator import services
from generator.models import Thread


def style_slug(thread: Thread) -> str:
    """The thread's style; the slug it was generated with when that style has since been deleted."""
    return thread.style.slug if thread.style else str(thread.options.get("style", ""))


class ThreadOutput(serializers.Serializer):
    """A thread as the API answers it, every tweet included (the editor starts from this too). Its fields are
    declared rather than read from the model, as the history entry's are: a ModelSerializer works them out from
    the model again for every answer."""

    id = serializers.IntegerField()
    title = serializers.CharField()
    source_url = serializers.CharField()
    style = serializers.SerializerMethodField()  # type: ignore[assignment]  # DRF's Field.style is another thing
    engine = serializers.CharField()
    options = serializers.JSONField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    favourite = serializers.BooleanField(source="is_favourite")
    archived = serializers.BooleanField(source="is_archived")
    shared = serializers.SerializerMethodField()
    share_url = serializers.SerializerMethodField()
    regenerations = serializers.IntegerField()
    version = serializers.IntegerField()
    tweets = serializers.SerializerMethodField()

    def get_style(self, thread: Thread) -> str:
        return style_slug(thread)

    def get_tweets(self, thread: Thread) -> list[dict[str, Any]]:
        return [services.tweet_payload(position, text) for position, text in enumerate(thread.tweets, start=1)]

    def get_shared(self, thread: Thread) -> bool:
        return bool(thread.share_token)

    def get_share_url(self, thread: Thread) -> str | None:
        return f"/t/{thread.share_token}/" if thread.share_token else None


class ThreadSummaryOutput(serializers.Serializer):
    """A history entry: what a list needs, not every tweet (the detail endpoint has those)."""

    id = serializers.IntegerField()
    title = serializers.CharField()
    source_url = serializers.CharField()
    style = serializers.SerializerMethodField()  # type: ignore[assignment]  # DRF's Field.style is another thing
    engine = serializers.CharField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    favourite = serializers.BooleanField(source="is_favourite")
    archived = serializers.BooleanField(source="is_archived")
    shared = serializers.SerializerMethodField()
    tweet_count = serializers.SerializerMethodField()
    first_tweet = serializers.SerializerMethodField()

    def get_style(self, thread: Thread) -> str:
        return style_slug(thread)

    def get_shared(self, thread: Thread) -> bool:
        return bool(thread.share_token)

    def get_tweet_count(self, thread: Thread) -> int:
        return len(thread.tweets)

    def get_first_tweet(self, thread: Thread) -> str:
        return thread.tweets[0] if thread.tweets else ""
