"""Encryption at rest for X tokens: the only module importing `cryptography`.

FIELD_ENCRYPTION_KEY holds one or more Fernet keys; the first encrypts and every one decrypts, so a new key is
rotated in by putting it first and keeping the old one until every token has been refreshed (two hours at most).
"""

from __future__ import annotations

from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

from threadr.lib.errors import ThreadrError


class TokenUnreadable(ThreadrError):
    """A stored token no key can read: the key that wrote it was removed. The account has to be connected again."""

    code = "x_reconnect_needed"
    status = 409


@cache
def _keys(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key.encode()) for key in keys])


def _fernet() -> MultiFernet:
    keys = tuple(settings.FIELD_ENCRYPTION_KEY)
    if not keys:
        raise ThreadrError("FIELD_ENCRYPTION_KEY is not set.", code="publishing_unavailable", status=503)
    return _keys(keys)


def encrypt(text: str) -> str:
    return _fernet().encrypt(text.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        raise TokenUnreadable("Your X connection needs renewing: connect X again.") from None
