"""Writes for accounts: API tokens, data export, account deletion."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from allauth.account.models import EmailAddress
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from accounts.models import ApiToken, User
from billing.selectors import subscription_keeps_account

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
    """The active user owning this token, or None, in one query. Records when the token was last used (at most
    once a minute), and whether the user has a verified email address (`email_verified`, read by
    `user_email_verified`, which would otherwise ask on every API call)."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    now = now or timezone.now()
    verified = EmailAddress.objects.filter(user_id=OuterRef("user_id"), verified=True)
    token = (
        ApiToken.objects.select_related("user")
        .annotate(email_verified=Exists(verified))
        .filter(key_hash=token_hash(raw), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    user = token.user
    user.email_verified = token.email_verified  # type: ignore[attr-defined]
    if token.last_used_at is None or token.last_used_at < now - LAST_USED_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return user


def user_email_verified(user: User) -> bool:
    """Whether the user has confirmed an email address: known already for a user the API token lookup loaded."""
    known = getattr(user, "email_verified", None)
    if known is not None:
        return bool(known)
    return EmailAddress.objects.filter(user=user, verified=True).exists()


LAST_USED_EVERY = timedelta(seconds=60)


class DeletionBlocked(Exception):
    """The account cannot be deleted yet; the message says what to do first."""


@transaction.atomic
def user_delete(*, user: User) -> None:
    """Delete the account and everything personal: threads, generations, tokens, emails. Payment records the law
    requires stay, detached from the person (the billing app's foreign keys are SET_NULL)."""
    if subscription_keeps_account(user=user):
        raise DeletionBlocked(
            "You have a Pro subscription that renews. Cancel it first from Manage billing, then delete your account."
        )
    user.delete()
