"""Billing's emails: a receipt per checkout, a warning per failed renewal, a reminder per premium end. Each is
claimed under a unique key before it is sent, so none goes out twice."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string

from accounts.models import User
from billing import stripe_client
from billing.models import SentEmail, Subscription


def email_send_once(*, user: User, kind: str, key: str, context: dict[str, Any]) -> bool:
    """Claim the (kind, key) row and queue the email with it: the outbox (EMAIL_BACKEND) sends it once the caller's
    transaction commits, and keeps it if the mail server is down. False when it was already sent."""
    full_context = {"user": user, "site_url": _site_url(), **context}
    try:
        with transaction.atomic():
            SentEmail.objects.create(user=user, kind=kind, key=key)
            subject = render_to_string(f"billing/emails/{kind}_subject.txt", full_context).strip()
            body = render_to_string(f"billing/emails/{kind}.txt", full_context)
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
    except IntegrityError:
        return False
    return True


def _site_url() -> str:
    hosts = [host for host in settings.ALLOWED_HOSTS if host and not host.startswith((".", "*"))]
    scheme = "http" if settings.DEBUG else "https"
    return f"{scheme}://{hosts[0]}" if hosts else ""


def payment_failed_notify(*, user: User, subscription: Subscription, invoice: stripe_client.InvoiceInfo) -> bool:
    """Tell the user once per invoice that the renewal failed; access stays while Stripe retries (past_due)."""
    context = {"invoice": invoice, "plan": subscription.plan}
    return email_send_once(user=user, kind=SentEmail.Kind.PAYMENT_FAILED, key=invoice.id, context=context)


def expiring_notify(*, now: datetime, within: timedelta = timedelta(days=3)) -> int:
    """Remind users whose premium ends within `within` and will not renew by itself; once per premium end."""
    renewing = Subscription.objects.filter(status__in=Subscription.ACCESS_STATUSES, cancel_at_period_end=False)
    ending = User.objects.filter(premium_until__gt=now, premium_until__lte=now + within)
    users = ending.exclude(pk__in=renewing.values("user_id"))
    sent = 0
    for user in users:
        key = f"{user.pk}:{user.premium_until}"
        context = {"premium_until": user.premium_until}
        sent += email_send_once(user=user, kind=SentEmail.Kind.EXPIRING, key=key, context=context)
    return sent
