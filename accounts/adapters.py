from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.contrib.auth.base_user import AbstractBaseUser
from django.http import HttpRequest

from accounts.services import TooManyPasswordAttempts, password_attempt_begin, password_attempt_succeeded
from threadr.lib.client_ip import client_ip


class AccountAdapter(DefaultAccountAdapter):
    """Rate limits key on the same client IP as every other throttle in Threadr, and password checks (sign-in and
    re-authentication both come through `authenticate`) count against the shared password limits."""

    def get_client_ip(self, request: HttpRequest) -> str:
        return client_ip(request) or "unknown"

    def authenticate(self, request: HttpRequest, **credentials: Any) -> AbstractBaseUser | None:
        try:
            attempt = password_attempt_begin(request=request, login=credentials.get("email", ""))
        except TooManyPasswordAttempts:
            raise self.validation_error("too_many_login_attempts") from None
        user = super().authenticate(request, **credentials)
        if user is not None:
            password_attempt_succeeded(attempt=attempt)
        return user
