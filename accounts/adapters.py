from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest

from threadr.lib.client_ip import client_ip


class AccountAdapter(DefaultAccountAdapter):
    """Rate limits key on the same client IP as every other throttle in Threadr."""

    def get_client_ip(self, request: HttpRequest) -> str:
        return client_ip(request) or "unknown"
