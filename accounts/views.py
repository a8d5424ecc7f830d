"""The one sign-in page allauth has no view for: sending the confirmation link again."""

from __future__ import annotations

from allauth.account.stages import EmailVerificationStage, LoginStageController
from allauth.core import ratelimit
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST


@require_POST
def verification_resend(request: HttpRequest) -> HttpResponse:
    """The "Resend the link" button of the page that asks the person to check their email. allauth sends the link
    again for the sign-up (or sign-in) waiting in this session, exactly as a new sign-in would: the same email, the
    same answer for an address that already has an account, and its `confirm_email` rate limit between two sends."""
    stage = LoginStageController.enter(request, EmailVerificationStage.key)
    # A sign-up names its user; one refused for a taken address (allauth answers it like any other) its address.
    email = stage and (stage.login.email or getattr(stage.login.user, "email", ""))
    if not stage or not email:
        messages.info(request, "Sign in, and if your address still needs confirming we will send you a new link.")
        return redirect("account_login")
    if ratelimit.consume(request, action="confirm_email", key=email.lower(), dry_run=True):
        stage.handle()  # sends, and says so
    else:
        messages.info(request, "We sent you a link a moment ago. You can ask for another in a few minutes.")
    return redirect("account_email_verification_sent")
