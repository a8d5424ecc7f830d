from __future__ import annotations

from typing import Any
from urllib.parse import quote

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailConfirmation
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.http import HttpRequest
from django.urls import reverse

from accounts.services import TooManyPasswordAttempts, password_attempt_begin, password_attempt_succeeded
from threadr.lib.client_ip import client_ip
from threadr.lib.urls import absolute_reverse, absolute_url


class AccountAdapter(DefaultAccountAdapter):
    """Rate limits key on the same client IP as every other throttle in Threadr, and password checks (sign-in and
    re-authentication both come through `authenticate`) count against the shared password limits.

    allauth's emails are our templates (templates/account/email/, a plain-text and an HTML part each): they greet
    the person and link to `SITE_URL`, never to whatever host the request named."""

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

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        user = context.get("user")
        context = {**context, "site_url": settings.SITE_URL, "name": getattr(user, "display_name", "")}
        super().send_mail(template_prefix, email, context)

    def get_email_confirmation_url(self, request: HttpRequest, emailconfirmation: EmailConfirmation) -> str:
        return absolute_reverse("account_confirm_email", emailconfirmation.key)

    def get_reset_password_from_key_url(self, key: str) -> str:
        # allauth's own URL takes the user's id and the token as one opaque key, joined by a hyphen.
        path = reverse("account_reset_password_from_key", kwargs={"uidb36": "UID", "key": "KEY"})
        return absolute_url(path.replace("UID-KEY", quote(key)))
