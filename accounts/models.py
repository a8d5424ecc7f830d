"""Threadr's user: email is the login, and the account carries its own entitlement."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.crypto import salted_hmac

from accounts.zones import time_zone_known

SESSION_HASH_SALT = "accounts.User.get_session_auth_hash"


def validate_time_zone(value: str) -> None:
    if value and not time_zone_known(value):
        raise ValidationError("Choose a time zone from the list, such as Europe/Paris.")


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **fields: Any) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **fields: Any) -> User:
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create(email, password, **fields)

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> User:
        fields.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **fields)

    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField("email address", max_length=254, unique=True)
    display_name = models.CharField(max_length=80, blank=True)
    x_handle = models.CharField(
        "X handle",
        max_length=15,
        blank=True,
        validators=[RegexValidator(r"\A[A-Za-z0-9_]{1,15}\Z", "Letters, digits and underscores only, without the @.")],
        help_text="Shown on shared threads, without the @. Never guessed.",
    )
    x_handle_verified = models.BooleanField(
        "X handle verified",
        default=False,
        help_text="Set when a connected X account confirmed the handle; the person can no longer edit it.",
    )
    time_zone = models.CharField(
        max_length=64,
        blank=True,
        validators=[validate_time_zone],
        help_text="An IANA name such as Europe/Paris, for scheduled times; first taken from the browser.",
    )
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)
    premium_until = models.DateTimeField(null=True, blank=True)
    quota_reset_at = models.DateTimeField(
        null=True, blank=True, help_text="Generations before this moment no longer count towards today's quota."
    )
    history_version = models.PositiveBigIntegerField(
        default=0, editable=False, help_text="Goes up with every change to the user's threads; names cached lists."
    )
    sessions_ended_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="When the user last signed out everywhere."
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        constraints = [models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique")]

    def __str__(self) -> str:
        return self.email

    def clean(self) -> None:
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def is_premium(self, now: datetime | None = None) -> bool:
        return self.premium_until is not None and self.premium_until > (now or timezone.now())

    # Django signs every session with this hash and drops a session whose hash no longer matches, on its next
    # request: that is how a password change signs out other devices. Signing out everywhere moves the hash the
    # same way, so every session and device is covered, with no list of sessions to keep. Until a user first does
    # it, the hash is Django's own, so sessions from before this existed stay signed in.
    def get_session_auth_hash(self) -> str:
        if self.sessions_ended_at is None:
            return super().get_session_auth_hash()
        return self._sessions_hash(secret=None)

    def get_session_auth_fallback_hash(self) -> Iterator[str]:
        if self.sessions_ended_at is None:
            yield from super().get_session_auth_fallback_hash()
            return
        for secret in settings.SECRET_KEY_FALLBACKS:  # sessions signed before a SECRET_KEY rotation
            yield self._sessions_hash(secret=secret)

    def _sessions_hash(self, *, secret: str | bytes | None) -> str:
        assert self.sessions_ended_at is not None
        value = f"{self.password}|{self.sessions_ended_at.timestamp()}"
        return salted_hmac(SESSION_HASH_SALT, value, secret=secret, algorithm="sha256").hexdigest()


class ApiToken(models.Model):
    """A personal API token. Only its SHA-256 is stored; the token itself is shown once, at creation."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=80)
    prefix = models.CharField(max_length=12, help_text="The token's first characters, to recognise it in a list.")
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "revoked_at"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class QuotaReset(models.Model):
    """The audit row of an admin's "reset today's quota": who gave whom a fresh day, and when."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="quota_resets")
    actor = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("-created", "-pk")

    def __str__(self) -> str:
        return f"Quota reset for {self.user}"
