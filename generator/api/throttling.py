"""Burst throttles for API actions that cost money: one event per request against a per-user and a per-client
limit in a one-minute window (threadr.lib.throttle), refused with 429 and Retry-After."""

from __future__ import annotations

from rest_framework.exceptions import Throttled
from rest_framework.request import Request

from accounts.models import User
from threadr.lib import throttle
from threadr.lib.client_ip import client_ip


def burst_check(request: Request, user: User, *, scope: str, per_user: int, per_ip: int, what: str) -> None:
    """Count this request under `scope`; raise Throttled (429) past either limit. `what` names the action in the
    message ("threads", "rewrites")."""
    limits = (
        throttle.Limit(f"{scope}-user", str(user.pk), per_user),
        throttle.Limit(f"{scope}-ip", client_ip(request), per_ip),
    )
    _refuse_past_limit(throttle.hit_all(limits, window=60), what)


def user_burst_check(user: User, *, scope: str, limit: int, what: str) -> None:
    """Count this request against a per-user limit only, for writes that store text without using quota: the
    storage caps bound what is kept, this bounds how fast it churns."""
    _refuse_past_limit(throttle.hit(scope, str(user.pk), limit=limit, window=60), what)


def _refuse_past_limit(decision: throttle.Decision, what: str) -> None:
    if not decision.allowed:
        raise Throttled(
            wait=decision.retry_after,
            detail=f"Too many {what} at once. Try again in {decision.retry_after} seconds.",
        )
