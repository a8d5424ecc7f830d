"""Writes for accounts: API tokens, data export, account deletion."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
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
    """The active user owning this token, or None. Records when the token was last used (at most once a minute).

    Every API call starts here, so the lookup is one hand-written join: compiling the equivalent queryset cost
    more CPU than running it."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    now = now or timezone.now()
    user = next(iter(User.objects.raw(USER_LOOKUP_SQL, [now - LAST_USED_EVERY, token_hash(raw)])), None)
    if user is None or not user.is_active:
        return None
    if user.token_stale:  # type: ignore[attr-defined]
        ApiToken.objects.filter(pk=user.token_id).update(last_used_at=now)  # type: ignore[attr-defined]
    return user


LAST_USED_EVERY = timedelta(seconds=60)
# The token's user, the token's id and whether its last recorded use is older than LAST_USED_EVERY.
USER_LOOKUP_SQL = """
    SELECT u.*, t.id AS token_id, (t.last_used_at IS NULL OR t.last_used_at < %s) AS token_stale
    FROM accounts_apitoken t JOIN accounts_user u ON u.id = t.user_id
    WHERE t.key_hash = %s AND t.revoked_at IS NULL
"""


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
