"""Publishing's tables: the linked X account (tokens encrypted), publications and the tweets each one posts.

A publication's rows are the truth about what was posted; jobs only carry the work. Each tweet's X id is saved
before the next tweet is sent, and a tweet whose send began is marked before the request leaves, so after any
crash the runner knows where it stopped and whether X may already have the tweet.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone

from publishing import crypto


class XAccount(models.Model):
    """The X account a Threadr account publishes as: one each. The tokens are Fernet-encrypted (`crypto`)."""

    class Status(models.TextChoices):
        CONNECTED = "connected"
        RECONNECT_NEEDED = "reconnect_needed", "Reconnect needed"

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="x_account")
    x_user_id = models.CharField(max_length=32, unique=True)
    username = models.CharField(max_length=50)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.CONNECTED)
    access_token_encrypted = models.TextField(editable=False)
    refresh_token_encrypted = models.TextField(editable=False, blank=True)
    access_expires_at = models.DateTimeField()
    scope = models.CharField(max_length=200, blank=True)
    # The publication posting as this account right now: another one waits until it is done, so two threads'
    # tweets never interleave on the timeline.
    busy_with = models.ForeignKey(
        "Publication", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    connected_at = models.DateTimeField(default=timezone.now)
    refreshed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "X account"

    def __str__(self) -> str:
        return f"@{self.username}"

    @property
    def access_token(self) -> str:
        return crypto.decrypt(self.access_token_encrypted)

    @property
    def refresh_token(self) -> str:
        return crypto.decrypt(self.refresh_token_encrypted) if self.refresh_token_encrypted else ""

    def set_tokens(self, *, access_token: str, refresh_token: str, expires_at: datetime, scope: str) -> None:
        self.access_token_encrypted = crypto.encrypt(access_token)
        self.refresh_token_encrypted = crypto.encrypt(refresh_token) if refresh_token else ""
        self.access_expires_at = expires_at
        self.scope = scope


class Publication(models.Model):
    """One thread sent (or to be sent) to X as a reply chain. Its tweets are a copy taken when it was made."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled"
        PUBLISHING = "publishing"
        PUBLISHED = "published"
        FAILED = "failed"
        CANCELLED = "cancelled"
        DELETING = "deleting", "Deleting from X"
        DELETED = "deleted", "Deleted from X"

    LIVE_STATUSES = (Status.SCHEDULED, Status.PUBLISHING)
    # What the runner still has work for: the live ones, and one whose tweets are being deleted from X (not live:
    # its thread may be published again meanwhile).
    WORKING_STATUSES = (*LIVE_STATUSES, Status.DELETING)

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="publications")
    thread = models.ForeignKey(
        "generator.Thread", on_delete=models.SET_NULL, null=True, blank=True, related_name="publications"
    )
    title = models.CharField(max_length=200)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.SCHEDULED)
    scheduled_for = models.DateTimeField()
    # When the runner should next look at it (the next tweet, a rate limit's reset, a backoff): what the sweep reads
    # to resume a publication whose job was lost.
    next_run_at = models.DateTimeField(null=True, blank=True)
    x_username = models.CharField(max_length=50, blank=True)
    link_last = models.BooleanField(
        default=False, help_text="The thread's source link was moved to the last tweet when its tweets were copied."
    )
    error_code = models.CharField(max_length=40, blank=True)
    error_message = models.CharField(max_length=500, blank=True)
    reads = models.PositiveIntegerField(default=0, help_text="Reads of X's API made for it (lookups), for the spend.")
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at", "-id")
        indexes = [
            models.Index(fields=["user", "-created_at"]),
            models.Index(fields=["status", "next_run_at"]),
        ]
        constraints = [
            # One live publication per thread: a second request answers 409 with the first.
            models.UniqueConstraint(
                fields=["thread"],
                condition=models.Q(status__in=["scheduled", "publishing"]),
                name="publication_one_live_per_thread",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.status})"

    @property
    def is_live(self) -> bool:
        return self.status in self.LIVE_STATUSES

    def tweets_on_x(self) -> list[PublishedTweet]:
        """Its tweets that X has (an id, and not deleted from X since), from the prefetched tweets when the list was
        loaded with them."""
        return [
            tweet for tweet in self.tweets.all() if tweet.tweet_id and tweet.status != PublishedTweet.Status.DELETED
        ]

    # Read from the tweets as listed (prefetched by the selectors), so the queue page asks nothing more per row.
    @property
    def posted_count(self) -> int:
        return sum(1 for tweet in self.tweets.all() if tweet.status == PublishedTweet.Status.POSTED)

    @property
    def has_deleted_tweets(self) -> bool:
        return any(tweet.status == PublishedTweet.Status.DELETED for tweet in self.tweets.all())

    @property
    def can_delete_from_x(self) -> bool:
        """Whether "Delete from X" is offered: it has ended with tweets on X (again after a refusal, too)."""
        return self.status in (self.Status.PUBLISHED, self.Status.FAILED) and self.posted_count > 0


class PublishedTweet(models.Model):
    """One tweet of a publication, in order. `sending_since` is set (and committed) before the request to X leaves
    and cleared once the outcome is saved: found set by a later run, it means X may have the tweet. Deleting from X
    marks it the same way while its delete request is out (`publishing.deletion`)."""

    class Status(models.TextChoices):
        PENDING = "pending"
        POSTED = "posted"
        FAILED = "failed"
        UNKNOWN = "unknown"
        DELETED = "deleted"  # was posted, then deleted from X at the person's request (never posted again)

    # Tweets X took (and billed), whether or not they are still there.
    SENT_STATUSES = (Status.POSTED, Status.DELETED)

    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="tweets")
    position = models.PositiveSmallIntegerField()
    text = models.TextField()
    has_url = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    tweet_id = models.CharField(max_length=32, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0, help_text="Sends whose outcome left it unknown.")
    unsent_tries = models.PositiveSmallIntegerField(
        default=0, help_text="Sends that never reached X (or deletes X did not answer), in a row."
    )
    first_attempt_at = models.DateTimeField(null=True, blank=True)
    sending_since = models.DateTimeField(null=True, blank=True)
    may_exist = models.BooleanField(default=False, help_text="An earlier attempt may have posted it: look first.")
    error_message = models.CharField(max_length=500, blank=True)
    posted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("publication", "position")
        indexes = [models.Index(fields=["posted_at"], name="published_tweet_posted_at")]  # the month's spend
        constraints = [models.UniqueConstraint(fields=["publication", "position"], name="published_tweet_position")]

    def __str__(self) -> str:
        return f"{self.publication_id}#{self.position} {self.status}"

    def url(self, username: str) -> str:
        """Its address on X; none once it is deleted from there."""
        if not self.tweet_id or self.status == self.Status.DELETED:
            return ""
        return f"https://x.com/{username or 'i'}/status/{self.tweet_id}"

    @property
    def x_url(self) -> str:
        return self.url(self.publication.x_username)


class PublishingPause(models.Model):
    """The queue paused until a moment: set when X says the app's daily cap is spent (until its reset) or the
    monthly spend ceiling is reached (until the next month). The env kill switch PUBLISHING_PAUSED pauses too."""

    until = models.DateTimeField()
    reason = models.CharField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("-until",)

    def __str__(self) -> str:
        return f"Paused until {self.until:%Y-%m-%d %H:%M} UTC: {self.reason}"
