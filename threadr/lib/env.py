"""Tiny typed readers for environment variables (12-factor settings)."""

from __future__ import annotations

import os
from typing import Any

import environ

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


class MissingSetting(SystemExit):
    """Raised at start-up when a required variable is absent; prints one line and exits 1."""

    def __init__(self, name: str, why: str) -> None:
        super().__init__(f"Threadr cannot start: {name} is not set ({why}).")


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


def database_from_url(url: str) -> dict[str, Any]:
    """Parse a DATABASE_URL the django-environ way."""
    return dict(environ.Env.db_url_config(url))


def email_from_url(url: str) -> dict[str, Any]:
    """Parse an EMAIL_URL (smtp://user:pass@host:587, consolemail://) the django-environ way."""
    return dict(environ.Env.email_url_config(url))
