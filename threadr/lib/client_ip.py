"""The client's IP address, trusting X-Forwarded-For only as far as TRUSTED_PROXY_COUNT says."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """With N trusted proxies, the client is the N-th address from the right of X-Forwarded-For (each proxy
    appends the address it received from). Anything further left was written by the client and is ignored."""
    remote = request.META.get("REMOTE_ADDR", "")
    hops = settings.TRUSTED_PROXY_COUNT
    if hops <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < hops:
        return remote
    return forwarded[-hops]
