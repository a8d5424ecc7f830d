"""Writes for accounts: API tokens, data export, account deletion."""

from __future__ import annotations

import functools
import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import psycopg
from allauth.account.models import EmailAddress
from django.db import connection, transaction
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
    """The active user owning this token, or None. Records when the token was last used (at most once a minute),
    and whether the user has a verified email address (`email_verified`, read by `user_email_verified`).

    Every API call starts here, so the lookup is one hand-written query whose row becomes the user directly:
    compiling the equivalent queryset, or mapping a raw queryset's columns, cost more CPU than running it."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    now = now or timezone.now()
    row = _token_row([now - LAST_USED_EVERY, token_hash(raw)])
    if row is None:
        return None
    *values, token_id, token_stale, email_verified = row
    user = User.from_db(connection.alias, USER_FIELDS, _converted(values))
    if not user.is_active:
        return None
    user.email_verified = bool(email_verified)  # type: ignore[attr-defined]
    if token_stale:
        ApiToken.objects.filter(pk=token_id).update(last_used_at=now)
    return user


def _token_row(params: list[Any]) -> tuple[Any, ...] | None:
    """The lookup's row. On PostgreSQL it is a prepared statement of the connection: planning the join cost the
    server several times what running it did, on every API call. Django's cursors bind parameters on the client,
    which rules preparing out, so this one cursor binds on the server; Django still wraps it (errors, query log)."""
    connection.ensure_connection()
    if connection.vendor == "postgresql":
        connection.connection.prepare_threshold = 0  # prepare at once; Django's own cursors never prepare
        connection.validate_thread_sharing()
        bound = psycopg.Cursor(connection.connection)
        wrap = connection.make_debug_cursor if connection.queries_logged else connection.make_cursor
        # The stubs name Django's wrapper as the argument; Django itself passes the driver's cursor.
        cursor = wrap(bound)  # type: ignore[arg-type]
    else:
        cursor = connection.cursor()
    with cursor:
        cursor.execute(_token_lookup_sql(), params)
        return cursor.fetchone()


def user_email_verified(user: User) -> bool:
    """Whether the user has confirmed an email address: known already for a user the API token lookup loaded."""
    known = getattr(user, "email_verified", None)
    if known is not None:
        return bool(known)
    return EmailAddress.objects.filter(user=user, verified=True).exists()


LAST_USED_EVERY = timedelta(seconds=60)
USER_FIELDS = [field.attname for field in User._meta.concrete_fields]  # the lookup's first columns, in order


@functools.cache
def _token_lookup_sql() -> str:
    """The token's user (every column, in field order), the token's id, whether its last recorded use is older
    than LAST_USED_EVERY, and whether the user has a verified email address."""
    columns = ", ".join(f"u.{connection.ops.quote_name(field.column)}" for field in User._meta.concrete_fields)
    return f"""
        SELECT {columns}, t.id, (t.last_used_at IS NULL OR t.last_used_at < %s),
               EXISTS (SELECT 1 FROM {EmailAddress._meta.db_table} e WHERE e.user_id = u.id AND e.verified)
        FROM {ApiToken._meta.db_table} t JOIN {User._meta.db_table} u ON u.id = t.user_id
        WHERE t.key_hash = %s AND t.revoked_at IS NULL
    """  # noqa: S608 - table and column names come from the models, values are parameters


def _converted(values: list[Any]) -> list[Any]:
    """Database values as the user's fields hold them, through the converters the ORM would apply (SQLite returns
    datetimes as text, for one)."""
    for index, column, converters in _user_converters(connection.vendor):
        for converter in converters:
            values[index] = converter(values[index], column, connection)
    return values


@functools.cache
def _user_converters(vendor: str) -> list[tuple[int, Any, list[Any]]]:
    found = []
    for index, field in enumerate(User._meta.concrete_fields):
        column = field.get_col(User._meta.db_table)
        converters = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
        if converters:
            found.append((index, column, converters))
    return found


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
