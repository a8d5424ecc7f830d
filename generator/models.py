"""The generator's tables. Styles are data so an admin can tune the product without a deploy."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Length
from django.utils import timezone

from generator.domain import StyleSpec


class Style(models.Model):
    """A way of telling an article as a thread: guidance for the LLM and a structure hint for the local engine."""

    class LocalStructure(models.TextChoices):
        SUMMARY = "summary", "Summary"
        HOWTO = "howto", "How-to steps"
        TIPS = "tips", "Tips list"
        STORY = "story", "Story"
        NEWS = "news", "News breakdown"
        CASE = "case", "Case study"
        HOTTAKE = "hottake", "Hot take"
        QA = "qa", "Questions and answers"

    slug = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=60)
    description = models.CharField(max_length=200, blank=True, help_text="One line shown next to the style.")
    llm_guidance = models.TextField(blank=True, help_text="What the AI is told about this style.")
    local_structure = models.CharField(
        max_length=20,
        choices=LocalStructure.choices,
        default=LocalStructure.SUMMARY,
        help_text="How the built-in engine (no AI) shapes the thread.",
    )
    premium_only = models.BooleanField(default=False)
    position = models.PositiveSmallIntegerField(default=0, help_text="Order in the style picker.")
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ("position", "name")

    def __str__(self) -> str:
        return self.name

    def spec(self) -> StyleSpec:
        """The style's values detached from the ORM, as the engines take them."""
        return StyleSpec(
            slug=self.slug,
            name=self.name,
            description=self.description,
            llm_guidance=self.llm_guidance,
            local_structure=self.local_structure,
            premium_only=self.premium_only,
        )


class Thread(models.Model):
    """A generated (and perhaps edited) thread. Tweets are an ordered list of strings, numbering included."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="threads")
    title = models.CharField(max_length=200)
    source_url = models.URLField(max_length=2000, blank=True)
    source_text = models.TextField(blank=True, help_text="Kept to regenerate tweets in context.")
    style = models.ForeignKey(Style, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    options = models.JSONField(default=dict, blank=True)
    engine = models.CharField(max_length=20)
    tweets = models.JSONField(default=list)
    body_text = models.TextField(blank=True, editable=False, help_text="The tweets joined, for search.")
    is_favourite = models.BooleanField(default=False)
    is_archived = models.BooleanField(default=False)
    share_token = models.CharField(max_length=43, unique=True, null=True, blank=True)
    regenerations = models.PositiveSmallIntegerField(default=0)
    version = models.PositiveIntegerField(
        default=1, editable=False, help_text="Moves on with every write, so an editor can tell its copy is stale."
    )
    # Computed by the database on every write, however the row was written: what the storage caps add up.
    stored_chars = models.GeneratedField(
        expression=Length("title") + Length("source_text") + Length("body_text"),
        output_field=models.PositiveIntegerField(),
        db_persist=True,
        help_text="Characters of text the thread keeps: title, source and tweets.",
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("-created_at", "-id")
        indexes = [models.Index(fields=["owner", "-created_at"])]

    def __str__(self) -> str:
        return self.title

    def set_tweets(self, tweets: list[str]) -> None:
        self.tweets = list(tweets)
        self.body_text = "\n\n".join(self.tweets)


class Generation(models.Model):
    """The quota ledger: one row per attempt. Reserved rows count against the quota until they succeed (and
    keep counting) or fail (and stop counting), or grow stale (older than the provider deadline)."""

    class Status(models.TextChoices):
        RESERVED = "reserved"
        SUCCEEDED = "succeeded"
        FAILED = "failed"

    class InputKind(models.TextChoices):
        TEXT = "text"
        URL = "url"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="generations")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RESERVED)
    engine = models.CharField(max_length=20, blank=True)
    input_kind = models.CharField(max_length=4, choices=InputKind.choices)
    error_code = models.CharField(max_length=40, blank=True)
    thread = models.ForeignKey(Thread, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    first_tweet_ms = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at",)
        indexes = [models.Index(fields=["user", "created_at"], name="generation_user_created")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.status} {self.created_at:%Y-%m-%d %H:%M}"


class Rewrite(models.Model):
    """The rewrite ledger: one row per tweet rewrite sent to the engine, for the daily allowance. A reserved row
    counts from before the engine is called. A failed one (the engine gave no answer) stops counting, as a failed
    generation does; a discarded one (the answer came, but the tweet had been edited meanwhile) keeps counting,
    since the provider was paid for it."""

    class Status(models.TextChoices):
        RESERVED = "reserved"
        SUCCEEDED = "succeeded"
        DISCARDED = "discarded"
        FAILED = "failed"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="rewrites")
    thread = models.ForeignKey(Thread, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RESERVED)
    error_code = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at",)
        indexes = [models.Index(fields=["user", "created_at"], name="rewrite_user_created")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.status} {self.created_at:%Y-%m-%d %H:%M}"
