"""Linking an X account (OAuth 2.0 with PKCE: connect, callback, disconnect) and the publishing queue page with
its actions."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import partial
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.http import AuthenticatedHttpRequest
from accounts.zones import zone_named
from publishing import selectors, services, x_client
from publishing.errors import ConnectFailed
from publishing.models import XAccount
from threadr.lib.errors import ThreadrError
from threadr.lib.urls import absolute_reverse

logger = logging.getLogger(__name__)

SESSION_KEY = "x_oauth"


@login_required
@require_safe
def x_connect(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Send the person to X's consent page with a fresh state and PKCE verifier, kept in their session only."""
    if not selectors.publishing_available():
        messages.error(request, "Publishing to X is not available on this server.")
        return redirect("account_settings")
    state, verifier = secrets.token_urlsafe(32), secrets.token_urlsafe(64)
    redirect_uri = absolute_reverse("x-callback")
    request.session[SESSION_KEY] = {"state": state, "verifier": verifier, "redirect_uri": redirect_uri}
    return redirect(x_client.authorization_url(redirect_uri=redirect_uri, state=state, code_verifier=verifier))


@login_required
@require_safe
def x_callback(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Finish linking. The state must be the one this session was given (once: it is spent either way); a denied,
    tampered or expired callback stores nothing and says so."""
    pending = request.session.pop(SESSION_KEY, None)
    try:
        account = _finish_connect(request, pending)
    except ThreadrError as error:
        messages.error(request, f"{error.message} Nothing was connected.")
    else:
        messages.success(request, f"Connected as @{account.username}.")
    return redirect("account_settings")


def _finish_connect(request: AuthenticatedHttpRequest, pending: object) -> XAccount:
    query = request.GET
    if not isinstance(pending, dict) or not secrets.compare_digest(str(pending["state"]), query.get("state", "")):
        raise ConnectFailed("That answer from X does not match a connection started here, or it expired.")
    if query.get("error"):
        raise ConnectFailed("X did not allow the connection.")
    if not query.get("code"):
        raise ConnectFailed("X sent no authorisation code.")
    tokens = x_client.exchange_code(
        code=query["code"], redirect_uri=pending["redirect_uri"], code_verifier=pending["verifier"], now=timezone.now()
    )
    x_user = x_client.me(access_token=tokens.access_token)
    return services.x_account_connect(user=request.user, tokens=tokens, x_user=x_user)


@login_required
@require_POST
def x_disconnect(request: AuthenticatedHttpRequest) -> HttpResponse:
    if services.x_account_disconnect(user=request.user):
        messages.success(request, "X is disconnected, and Threadr's access to it was revoked.")
    return redirect("account_settings")


@login_required
@require_safe
def queue_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Newest first, every time on the clocks of the profile's time zone (UTC until it has one)."""
    publications = selectors.publication_list_for_user(user=request.user)[:100]
    zone = zone_named(request.user.time_zone)
    now = timezone.now()
    return render(
        request,
        "publishing/queue.html",
        {
            "publications": publications,
            "available": selectors.publishing_available(),
            "zone": zone,
            "earliest": _local_value(now + timedelta(seconds=settings.PUBLISH_MIN_LEAD_SECONDS), zone),
        },
    )


def _local_value(moment: datetime, zone: ZoneInfo) -> str:
    """A moment as a datetime-local field shows it, on the clocks of `zone`."""
    return moment.astimezone(zone).strftime("%Y-%m-%dT%H:%M")


def _back_to_queue(request: AuthenticatedHttpRequest, action: Callable[[], object], done: str) -> HttpResponse:
    """Run one of the queue's actions and say what came of it on the queue page: `done`, or why it was refused."""
    try:
        action()
    except ThreadrError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, done)
    return redirect("publishing-queue")


@login_required
@require_POST
def queue_reschedule(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The new moment comes as the field's wall-clock value, read in the profile's time zone."""
    publication = selectors.publication_get_for_user(user=request.user, pk=pk)
    zone = zone_named(request.user.time_zone)
    try:
        at = datetime.fromisoformat(request.POST.get("at", "").strip()).replace(tzinfo=zone)
    except ValueError:
        messages.error(request, "Pick a date and time to reschedule it to.")
        return redirect("publishing-queue")
    return _back_to_queue(
        request,
        partial(services.publication_reschedule, publication=publication, at=at),
        f"“{publication.title}” is rescheduled to {at:%-d %b %Y, %H:%M} ({zone.key}).",
    )


@login_required
@require_POST
def queue_cancel(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    publication = selectors.publication_get_for_user(user=request.user, pk=pk)
    return _back_to_queue(
        request,
        partial(services.publication_cancel, publication=publication),
        f"“{publication.title}” is cancelled. Nothing was posted.",
    )


@login_required
@require_POST
def queue_retry(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    publication = selectors.publication_get_for_user(user=request.user, pk=pk)
    return _back_to_queue(
        request,
        partial(services.publication_retry, publication=publication),
        f"“{publication.title}” carries on from its first unposted tweet.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def queue_delete_from_x(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Asks first, on a page of its own (no script needed), then queues the deletion and goes back to the queue."""
    publication = selectors.publication_get_for_user(user=request.user, pk=pk)
    if request.method == "POST":
        return _back_to_queue(
            request,
            partial(services.publication_delete_from_x, publication=publication),
            f"Deleting “{publication.title}” from X, last tweet first.",
        )
    if not publication.can_delete_from_x:
        messages.error(request, "Only a published or failed publication with tweets on X can be deleted from X.")
        return redirect("publishing-queue")
    return render(request, "publishing/delete_from_x.html", {"publication": publication})
