"""allauth's forms in Threadr's words, and the forms that check a password and are not allauth's sign-in (which
counts through the adapter): each counts its attempts against the shared password limits in `accounts.services`.

A new password is typed once, into a box with a show/hide toggle (templates/allauth/elements/fields.html), and its
rules are said only when the password breaks one: the error names the rule."""

from __future__ import annotations

from typing import Any

from allauth.account import forms as allauth_forms
from allauth.account.adapter import get_adapter
from allauth.core import context
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError
from django.forms import Form

from accounts.services import (
    TooManyPasswordAttempts,
    password_attempt_begin,
    password_attempt_succeeded,
    password_verify,
)


def _one_new_password(form: Form, *, label: str) -> None:
    form.fields.pop("password2", None)
    form.fields["password1"].label = label
    form.fields["password1"].help_text = ""


class LoginForm(allauth_forms.LoginForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["remember"].label = "Remember me"


class SignupForm(allauth_forms.SignupForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _one_new_password(self, label="Password")


class ResetPasswordKeyForm(allauth_forms.ResetPasswordKeyForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _one_new_password(self, label="New password")


class ChangePasswordForm(allauth_forms.ChangePasswordForm):
    """allauth's password change (ACCOUNT_FORMS), whose current-password box is one more place to guess."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["oldpassword"].label = "Current password"
        _one_new_password(self, label="New password")

    def clean_oldpassword(self) -> str:
        adapter = get_adapter()
        password = self.cleaned_data.get("oldpassword", "")
        try:
            # allauth's forms are not given the request; its middleware keeps it in this context.
            right = password_verify(request=context.request, user=self.user, password=password)
        except TooManyPasswordAttempts:
            raise adapter.validation_error("too_many_login_attempts") from None
        if not right:
            raise adapter.validation_error("enter_current_password")
        return password


class AdminLoginForm(AdminAuthenticationForm):
    """The admin's sign-in (`admin.site.login_form`), counted with every other sign-in."""

    def clean(self) -> dict[str, object]:
        if self.request is None or not self.cleaned_data.get("username") or not self.cleaned_data.get("password"):
            return super().clean()  # Django says what is missing; no password was checked
        try:
            attempt = password_attempt_begin(request=self.request, login=self.cleaned_data["username"])
        except TooManyPasswordAttempts as refused:
            raise ValidationError(refused.message, code="too_many_attempts") from None
        cleaned = super().clean()  # raises for a wrong password, and for a right one of someone not staff
        password_attempt_succeeded(attempt=attempt)
        return cleaned
