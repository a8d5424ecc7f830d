"""Money pages: checkout, the return from Stripe, the customer portal and the webhook."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe

from accounts.http import AuthenticatedHttpRequest
from billing import selectors, stripe_client
from billing.models import Purchase
from billing.services import fulfilment, webhooks

logger = logging.getLogger(__name__)

UNAVAILABLE = "Purchases are unavailable on this server right now. Please try again later."


class SeeOther(HttpResponseRedirect):
    """303: the browser follows a POST's answer with a GET, which is what Stripe's pages expect."""

    status_code = 303


@login_required
@require_POST
def checkout(request: AuthenticatedHttpRequest, plan_slug: str) -> HttpResponse:
    plan = selectors.plan_get_on_sale(slug=plan_slug)
    success_url = request.build_absolute_uri(reverse("billing:success")) + "?session_id={CHECKOUT_SESSION_ID}"
    try:
        url = fulfilment.checkout_start(
            user=request.user,
            plan=plan,
            success_url=success_url,
            cancel_url=request.build_absolute_uri(reverse("billing:cancelled")),
        )
    except (fulfilment.PlanUnavailable, stripe_client.StripeError):
        logger.warning("Checkout for %s could not start", plan.slug, exc_info=True)
        messages.error(request, UNAVAILABLE)
        return SeeOther(reverse("pricing"))
    return SeeOther(url)


@never_cache
@login_required
@require_safe
def success(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Confirms the payment with Stripe itself, so premium starts now even if the webhook is still on its way."""
    session_id = request.GET.get("session_id", "")
    if not session_id:
        raise Http404("No checkout session.")
    try:
        session = stripe_client.checkout_session_retrieve(session_id)
        if session.client_reference_id != str(request.user.pk):
            raise Http404("No such checkout session.")
        checkout = stripe_client.checkout_result_retrieve(session)
    except stripe_client.StripeNotFound as error:
        raise Http404("No such checkout session.") from error
    except stripe_client.StripeError:
        logger.warning("Checkout session %s could not be read", session_id, exc_info=True)
        return render(request, "billing/processing.html", status=503)
    purchase = fulfilment.purchase_fulfil(checkout=checkout)
    if purchase is None or purchase.status == Purchase.Status.PENDING:
        return render(request, "billing/processing.html")
    request.user.refresh_from_db(fields=["premium_until"])
    return render(request, "billing/success.html", {"purchase": purchase})


@require_safe
def cancelled(request: HttpRequest) -> HttpResponse:
    return render(request, "billing/cancelled.html")


@login_required
@require_POST
def portal(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Stripe's Customer Portal: cards, invoices, cancelling. Only for users who ever went through checkout."""
    customer = selectors.customer_for_user(user=request.user)
    if customer is None:
        messages.info(request, "You have nothing to manage yet: buy a pass or subscribe first.")
        return SeeOther(reverse("pricing"))
    try:
        url = stripe_client.portal_session_create(
            customer_id=customer.stripe_customer_id, return_url=request.build_absolute_uri(reverse("pricing"))
        )
    except stripe_client.StripeError:
        logger.warning("Portal for %s could not open", customer.stripe_customer_id, exc_info=True)
        messages.error(request, "The billing portal is unavailable right now. Please try again later.")
        return SeeOther(reverse("pricing"))
    return SeeOther(url)


@csrf_exempt
@require_POST
def webhook(request: HttpRequest) -> HttpResponse:
    """Stripe's deliveries: 400 unless signed, 200 once stored and applied (or a duplicate, or not for us),
    500 when applying failed so that Stripe delivers again."""
    try:
        payload = stripe_client.webhook_event(request.body, request.headers.get("Stripe-Signature"))
    except stripe_client.InvalidSignature:
        return HttpResponse("Invalid signature.", status=400, content_type="text/plain")
    event = webhooks.webhook_event_process(event=webhooks.webhook_event_store(payload=payload))
    if event.processed is None:
        return HttpResponse("Not processed; please retry.", status=500, content_type="text/plain")
    return HttpResponse("OK", content_type="text/plain")
