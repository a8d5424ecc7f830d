"""Writes for accounts: API tokens, signing out everywhere, the admin's quota resets, counting password attempts,
and the profile shown on shared threads (display name and X handle)."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from accounts.models import ApiToken, QuotaReset, User
from accounts.zones import time_zone_known
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


# X's own rule for a username: 1 to 15 letters, digits or underscores.
X_HANDLE = re.compile(r"[A-Za-z0-9_]{1,15}")
X_HANDLE_CHARACTERS = re.compile(r"[A-Za-z0-9_]+")
DISPLAY_NAME_MAX = User._meta.get_field("display_name").max_length or 80


class ProfileInvalid(ThreadrError):
    """A profile field was refused; `fields` maps each refused field to what is wrong with it."""

    code = "profile_invalid"
    status = 400

    def __init__(self, fields: dict[str, str]) -> None:
        super().__init__("Some fields need fixing.")
        self.fields = fields

    def details(self) -> dict[str, Any]:
        return {"fields": self.fields}


def x_handle_clean(raw: str) -> str:
    """The handle as stored: without its leading @ and surrounding spaces; "" for none. Raises ValueError with a
    message a person can act on when X would not accept it as a username."""
    handle = raw.strip().removeprefix("@")
    if handle and not X_HANDLE.fullmatch(handle):
        if X_HANDLE_CHARACTERS.fullmatch(handle):
            raise ValueError("An X handle has at most 15 characters.")
        raise ValueError("An X handle has only letters, digits and underscores (_).")
    return handle


def user_profile_update(*, user: User, display_name: str, x_handle: str | None) -> User:
    """Set the name and X handle shown on the person's shared threads. Both may be empty. A handle confirmed by a
    connected X account (`x_handle_verified`) is not the person's to change: pass None, or the same handle."""
    errors: dict[str, str] = {}
    name = " ".join(display_name.split())  # one line, as X shows a name
    if len(name) > DISPLAY_NAME_MAX:
        errors["display_name"] = f"A display name has at most {DISPLAY_NAME_MAX} characters."
    handle = user.x_handle
    if x_handle is not None:
        try:
            handle = x_handle_clean(x_handle)
        except ValueError as refused:
            errors["x_handle"] = str(refused)
        else:
            if user.x_handle_verified:
                if handle.lower() != user.x_handle.lower():
                    errors["x_handle"] = "This handle comes from your connected X account and cannot be edited here."
                handle = user.x_handle
    if errors:
        raise ProfileInvalid(errors)
    user.display_name = name
    user.x_handle = handle
    user.save(update_fields=["display_name", "x_handle"])
    return user


def user_x_handle_confirm(*, user: User, handle: str) -> User:
    """Record the handle of the X account the person connected: it replaces whatever they typed, is shown as
    verified, and stops being editable on the settings page. For the publishing app's connect flow."""
    user.x_handle = x_handle_clean(handle)
    user.x_handle_verified = bool(user.x_handle)
    user.save(update_fields=["x_handle", "x_handle_verified"])
    return user


def user_x_handle_unverify(*, user: User) -> User:
    """The person disconnected their X account: the handle stays as it was, no longer shown as verified, and is
    theirs to edit again."""
    user.x_handle_verified = False
    user.save(update_fields=["x_handle_verified"])
    return user


def user_time_zone_update(*, user: User, time_zone: str) -> User:
    """The zone scheduled times are shown and chosen in; empty means "not set" (the browser's is used meanwhile)."""
    name = time_zone.strip()
    if name and not time_zone_known(name):
        raise ProfileInvalid({"time_zone": "Choose a time zone from the list, such as Europe/Paris."})
    user.time_zone = name
    user.save(update_fields=["time_zone"])
    return user


def user_time_zone_detect(*, user: User, time_zone: str) -> bool:
    """The browser's zone, kept only while the person has none: one they chose is never overwritten, even by a
    second tab racing this one. Says whether it was kept."""
    if not time_zone_known(time_zone):
        return False
    kept = User.objects.filter(pk=user.pk, time_zone="").update(time_zone=time_zone) == 1
    if kept:
        user.time_zone = time_zone
    return kept
