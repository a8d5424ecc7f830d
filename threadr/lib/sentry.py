"""Error reporting to Sentry, when SENTRY_DSN is set: errors carry the request id and user id, and never a request
body, a cookie, a query string or an email address.

The SDK's own PII switch is off; `scrub` is the last word on what leaves, run on every event just before sending.
"""

from __future__ import annotations

import re
from typing import Any

from threadr.lib.logging import request_id_var, user_id_var

EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
REDACTED = "[email]"
# Parts of the captured request that may hold what users wrote or secrets: the body, cookies, tokens in the URL.
REQUEST_KEYS_DROPPED = ("data", "cookies", "query_string")


def _without_emails(value: Any) -> Any:
    if isinstance(value, str):
        return EMAIL.sub(REDACTED, value)
    if isinstance(value, dict):
        return {key: _without_emails(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_without_emails(item) for item in value]
    return value


def scrub(event: dict[str, Any], hint: dict[str, Any] | None = None) -> dict[str, Any]:
    """Sentry's `before_send`: tag the event with the request and user it happened in, drop the request's body,
    cookies and query string, keep only the user's id, and redact email addresses anywhere else in it."""
    request = event.get("request")
    if isinstance(request, dict):
        for key in REQUEST_KEYS_DROPPED:
            request.pop(key, None)
        headers = request.get("headers")
        if isinstance(headers, dict):
            request["headers"] = {
                name: value for name, value in headers.items() if name.lower() not in ("cookie", "authorization")
            }
    user_id = user_id_var.get()
    event["user"] = {"id": str(user_id)} if user_id is not None else {}
    tags = event.setdefault("tags", {})
    request_id = request_id_var.get()
    if request_id is not None:
        tags["request_id"] = request_id
    if user_id is not None:
        tags["user_id"] = str(user_id)
    return _without_emails(event)


def init_sentry(*, dsn: str, environment: str, traces_sample_rate: float) -> None:
    """Start the SDK (imported only when a DSN is set, so a deployment without Sentry never loads it)."""
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        integrations=[DjangoIntegration()],
        send_default_pii=False,
        max_request_body_size="never",
        include_local_variables=False,
        before_send=scrub,  # type: ignore[arg-type]
        traces_sample_rate=traces_sample_rate,
    )
