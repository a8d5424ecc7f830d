"""The account settings page (plan and usage, the profile shown on shared threads, API tokens), signing out
everywhere, the data export and deleting the account."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseBase, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.http import AuthenticatedHttpRequest
from accounts.models import ApiToken
from accounts.services import (
    ProfileInvalid,
    TooManyPasswordAttempts,
    api_token_create,
    api_token_revoke,
    password_verify,
    user_profile_update,
    user_sign_out_everywhere,
    user_time_zone_detect,
    user_time_zone_update,
)
from accounts.zones import time_zone_names
from billing.models import Plan
from billing.selectors import customer_for_user, plans_on_sale, user_current_plan
from generator.selectors import storage_for, usage_for
from publishing.selectors import publish_allowance_for, publishing_available, x_account_for_user
from threadr.account import selectors, services
from threadr.lib.jsonstream import json_chunks


def _settings_page(
    request: AuthenticatedHttpRequest,
    *,
    new_token: str | None = None,
    profile: dict[str, str] | None = None,
    profile_errors: dict[str, str] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The settings page, with what the plan card needs: the plan's name, what the account keeps against its storage
    caps, whether Stripe's portal has anything to manage (only after a checkout), and the pass on sale if this
    server can sell it."""
    user = request.user
    usage = usage_for(user=user)
    storage = storage_for(user=user)
    offers = [offer for offer in plans_on_sale() if offer.purchasable]
    context = {
        "usage": usage,
        "daily_percent": min(100, round(100 * usage.daily_used / usage.daily_limit)) if usage.daily_limit else 100,
        "storage": storage,
        "storage_percent": min(100, round(100 * storage.chars / storage.char_limit)) if storage.char_limit else 100,
        "plan_name": user_current_plan(user=user),
        "has_billing": customer_for_user(user=user) is not None,
        "pass_offer": next((offer.plan for offer in offers if offer.plan.kind == Plan.Kind.PASS), None),
        "tokens": ApiToken.objects.filter(user=user, revoked_at=None),
        "new_token": new_token,
        # What the profile form shows: the values as typed when they were refused, else the stored ones.
        "profile": profile or {"display_name": user.display_name, "x_handle": user.x_handle},
        "profile_errors": profile_errors or {},
        "time_zones": time_zone_names(),
        "publishing": {
            "available": publishing_available(),
            "account": x_account_for_user(user=user),
            "allowance": publish_allowance_for(user=user),
        },
    }
    return render(request, "account/settings.html", context, status=status)


@login_required
@require_safe
def account_settings(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _settings_page(request)


@login_required
@require_POST
def profile_update(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The name and X handle on the person's shared threads. A verified handle has no field to send."""
    display_name = request.POST.get("display_name", "")
    x_handle = None if request.user.x_handle_verified else request.POST.get("x_handle", "")
    try:
        user_profile_update(user=request.user, display_name=display_name, x_handle=x_handle)
    except ProfileInvalid as refused:
        typed = {"display_name": display_name, "x_handle": x_handle if x_handle is not None else ""}
        return _settings_page(request, profile=typed, profile_errors=refused.fields, status=refused.status)
    messages.success(request, "Your profile is saved. Shared threads show it from now on.")
    return redirect("account_settings")


@login_required
@require_POST
def time_zone_update(request: AuthenticatedHttpRequest) -> HttpResponse:
    try:
        user_time_zone_update(user=request.user, time_zone=request.POST.get("time_zone", ""))
    except ProfileInvalid as refused:
        return _settings_page(request, profile_errors=refused.fields, status=refused.status)
    messages.success(request, "Your time zone is saved. Scheduled times are shown in it.")
    return redirect("account_settings")


@login_required
@require_POST
def time_zone_detect(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The browser's zone, sent once by static/js/time-zone.js while the profile has none. Never an error the
    person would see: a zone this server does not know is simply not kept."""
    try:
        sent = json.loads(request.body or b"{}").get("time_zone", "")
    except (ValueError, AttributeError):
        sent = ""
    kept = user_time_zone_detect(user=request.user, time_zone=sent if isinstance(sent, str) else "")
    return JsonResponse({"time_zone": request.user.time_zone, "kept": kept})


@login_required
@require_POST
def token_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The new token is shown once, in this response, and never again."""
    issued = api_token_create(user=request.user, name=request.POST.get("name", ""))
    return _settings_page(request, new_token=issued.raw, status=201)


@login_required
@require_POST
def token_revoke(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user, revoked_at=None)
    api_token_revoke(token=token)
    messages.success(request, f"The token “{token.name}” was revoked. Scripts using it will get 401.")
    return redirect("account_settings")


@login_required
@require_safe
def data_export(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    """Streamed: however many threads someone keeps, the worker holds a batch of them at a time, not all."""
    response = StreamingHttpResponse(
        json_chunks(selectors.user_export(user=request.user)), content_type="application/json"
    )
    stamp = timezone.now().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="threadr-export-{stamp}.json"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def account_delete(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.method == "POST":
        try:
            right = password_verify(request=request, user=request.user, password=request.POST.get("password", ""))
        except TooManyPasswordAttempts as refused:
            response = render(request, "account/delete.html", {"error": refused.message}, status=refused.status)
            response["Retry-After"] = str(refused.retry_after)
            return response
        if right:
            try:
                services.user_delete(user=request.user)
            except services.DeletionBlocked as blocked:
                return render(request, "account/delete.html", {"error": blocked.message}, status=blocked.status)
            logout(request)
            messages.success(request, "Your account and your threads were deleted. Thank you for using Threadr.")
            return redirect("landing")
        return render(
            request, "account/delete.html", {"error": "That password is not right. Nothing was deleted."}, status=400
        )
    return render(request, "account/delete.html")


@login_required
@require_http_methods(["GET", "POST"])
def sign_out_everywhere(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Asks first; then ends every session of the user (this one too) and revokes their API tokens."""
    if request.method == "POST":
        revoked = user_sign_out_everywhere(user=request.user)
        logout(request)
        tokens = f" and {revoked} API token{pluralize(revoked)} revoked" if revoked else ""
        messages.success(request, f"You were signed out on every device{tokens}. Sign in again to carry on.")
        return redirect("account_login")
    token_count = ApiToken.objects.filter(user=request.user, revoked_at=None).count()
    return render(request, "account/sign_out_everywhere.html", {"token_count": token_count})
