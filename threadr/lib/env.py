"""Tiny typed readers for environment variables (12-factor settings)."""

from __future__ import annotations

import binascii
import os
from base64 import urlsafe_b64decode
from typing import Any

import environ
from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


class MissingSetting(SystemExit):
    """Raised at start-up when a required variable is absent; prints one line and exits 1."""

    def __init__(self, name: str, why: str) -> None:
        super().__init__(f"Threadr cannot start: {name} is not set ({why}).")


class BadSetting(SystemExit):
    """Raised at start-up when a variable is set but unusable; prints one line and exits 1."""

    def __init__(self, name: str, why: str) -> None:
        super().__init__(f"Threadr cannot start: {name} {why}.")


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise SystemExit(f"Threadr cannot start: {name}={raw!r} is not a yes/no value (use 1 or 0).")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise SystemExit(f"Threadr cannot start: {name}={raw!r} is not a whole number.") from None


def env_float(name: str, default: float) -> float:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return float(raw)
    except ValueError:
        raise SystemExit(f"Threadr cannot start: {name}={raw!r} is not a number.") from None


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return list(default or [])
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_fernet_keys(name: str) -> list[str]:
    """Comma-separated Fernet keys (32 bytes in URL-safe base64 each), checked here so a mistyped key stops start-up
    instead of the first token write."""
    keys = env_list(name)
    for position, key in enumerate(keys, start=1):
        try:
            raw = urlsafe_b64decode(key.encode())
        except (binascii.Error, ValueError):
            raw = b""
        if len(raw) != 32:
            raise BadSetting(name, f"key {position} is not a Fernet key (32 bytes in URL-safe base64)")
    return keys


def database_from_url(url: str) -> dict[str, Any]:
    """Parse a DATABASE_URL the django-environ way."""
    return dict(environ.Env.db_url_config(url))


FILE_BACKEND = "django.core.mail.backends.filebased.EmailBackend"


def email_from_url(url: str) -> dict[str, Any]:
    """Django's EMAIL_* settings from an EMAIL_URL parsed the django-environ way, for each of its schemes: smtp://,
    smtp+tls:// (or smtps://, STARTTLS), smtp+ssl://, consolemail://, filemail://, memorymail://, dummymail://.

    What Django would only trip over at the first email stops start-up instead: an unknown scheme, a filemail://
    without a directory, a query option nothing reads (`?tls=True` would have left the connection in plain text).
    """
    try:
        config = environ.Env.email_url_config(url)
    except ImproperlyConfigured as error:
        raise SystemExit(f"Threadr cannot start: EMAIL_URL: {error}.") from None
    options = config.get("OPTIONS") or {}
    if options:
        unread = ", ".join(sorted(name.lower() for name in options))
        raise SystemExit(
            f"Threadr cannot start: EMAIL_URL option(s) {unread} are not read; "
            "for TLS use smtp+tls:// (STARTTLS) or smtp+ssl:// (TLS from the first byte)."
        )
    backend = config["EMAIL_BACKEND"]
    if backend == FILE_BACKEND and not config["EMAIL_FILE_PATH"]:
        raise SystemExit(
            "Threadr cannot start: EMAIL_URL=filemail:// needs a directory, e.g. filemail:////var/tmp/threadr-mail "
            "(absolute, four slashes) or filemail:///sent-mail (relative to the working directory)."
        )
    use_tls = _url_flag(config.get("EMAIL_USE_TLS"))
    use_ssl = _url_flag(config.get("EMAIL_USE_SSL"))
    return {
        "EMAIL_DELIVERY_BACKEND": backend,
        "EMAIL_HOST": config["EMAIL_HOST"] or "localhost",
        "EMAIL_PORT": config["EMAIL_PORT"] or (465 if use_ssl else 587 if use_tls else 25),
        "EMAIL_HOST_USER": config["EMAIL_HOST_USER"] or "",
        "EMAIL_HOST_PASSWORD": config["EMAIL_HOST_PASSWORD"] or "",
        "EMAIL_USE_TLS": use_tls,
        "EMAIL_USE_SSL": use_ssl,
        "EMAIL_FILE_PATH": config["EMAIL_FILE_PATH"] or None,
    }


def _url_flag(value: object) -> bool:
    """`smtps://` sets True; `?email_use_tls=...` arrives as the text (or number) that was written."""
    return value is True or str(value).strip().lower() in TRUE_WORDS
