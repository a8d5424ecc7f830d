"""Writes for accounts: API tokens, signing out everywhere, the admin's quota resets, and counting password
attempts."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from accounts.models import ApiToken, QuotaReset, User
from threadr.lib import throttle
from threadr.lib.client_ip import client_network
from threadr.lib.errors import ThreadrError

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


def user_sign_out_everywhere(*, user: User, now: datetime | None = None) -> int:
    """End every session of the user on every device, the one asking included, and revoke every API token they
    have. Returns how many tokens were revoked."""
    now = now or timezone.now()
    with transaction.atomic():
        user.sessions_ended_at = now  # moves the hash every session is signed with (see User)
        user.save(update_fields=["sessions_ended_at"])
        return ApiToken.objects.filter(user=user, revoked_at=None).update(revoked_at=now)


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


class TooManyPasswordAttempts(ThreadrError):
    """Too many wrong passwords from this client, for this account or for all of them: wait for the window."""

    code = "too_many_password_attempts"
    status = 429

    def __init__(self, *, retry_after: int) -> None:
        super().__init__("Too many failed login attempts. Try again later.")
        self.retry_after = retry_after


def password_attempt_begin(*, request: HttpRequest, login: str) -> throttle.Decision:
    """Count one password attempt against `login` (the email as typed, known account or not) from this client, and
    against the client over all accounts; raise TooManyPasswordAttempts past either limit. Every form that checks a
    password calls this first, and `password_attempt_succeeded` when the password was right, so only wrong ones
    stay counted. Counted per account *and* client, a stranger's guesses never lock the owner out of their own
    device; while Redis is down the counts are kept in PostgreSQL."""
    client = client_network(request)
    account = hashlib.sha256(login.strip().lower().encode()).hexdigest()[:32]
    limits = [
        throttle.Limit("password-account", f"{account}:{client}", settings.PASSWORD_FAILURES_PER_ACCOUNT_AND_IP),
        throttle.Limit("password-client", client, settings.PASSWORD_FAILURES_PER_IP),
    ]
    decision = throttle.hit_all(limits, window=settings.PASSWORD_FAILURES_WINDOW, when_down="database")
    if not decision.allowed:
        raise TooManyPasswordAttempts(retry_after=decision.retry_after)
    return decision


def password_attempt_succeeded(*, attempt: throttle.Decision) -> None:
    throttle.refund(attempt)


def password_verify(*, request: HttpRequest, user: User, password: str) -> bool:
    """Whether `password` is the user's, counted as sign-in attempts are (raises TooManyPasswordAttempts)."""
    attempt = password_attempt_begin(request=request, login=user.email)
    if not user.check_password(password):
        return False
    password_attempt_succeeded(attempt=attempt)
    return True
