"""Writes for accounts: API tokens and the admin's quota resets."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from allauth.account.models import EmailAddress
from django.db import transaction
from django.utils import timezone

from accounts.models import ApiToken, QuotaReset, User

TOKEN_PREFIX = "thr_"  # noqa: S105 - a public prefix, not a secret


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    raw: str  # shown to the person once, never stored


def api_token_create(*, user: User, name: str) -> IssuedToken:
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name.strip()[:80] or "API token", prefix=raw[:10], key_hash=token_hash(raw)
    )
    return IssuedToken(token=token, raw=raw)


def api_token_revoke(*, token: ApiToken, now: datetime | None = None) -> None:
    if token.revoked_at is None:
        token.revoked_at = now or timezone.now()
        token.save(update_fields=["revoked_at"])


def api_token_authenticate(*, raw: str, now: datetime | None = None) -> User | None:
    """The active user owning this token, or None, in one query. Records when the token was last used, at most
    once a minute."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    now = now or timezone.now()
    try:
        token = ApiToken.objects.select_related("user").get(key_hash=token_hash(raw), revoked_at__isnull=True)
    except ApiToken.DoesNotExist:
        return None
    if not token.user.is_active:
        return None
    if token.last_used_at is None or token.last_used_at < now - LAST_USED_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def user_email_verified(user: User) -> bool:
    """Whether the user has confirmed an email address (generating needs one; reading history does not)."""
    return EmailAddress.objects.filter(user=user, verified=True).exists()


LAST_USED_EVERY = timedelta(seconds=60)


def quota_reset(*, user: User, actor: User, now: datetime | None = None) -> QuotaReset:
    """Give the user a fresh day: generations before `now` stop counting towards today's quota (the month still
    counts them). Written with its audit row in one transaction."""
    now = now or timezone.now()
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(quota_reset_at=now)
        return QuotaReset.objects.create(user=user, actor=actor, created=now)
