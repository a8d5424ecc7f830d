"""The user's premium end: the per-user lock every billing write takes, the one way it is saved (with its audit row),
and an admin's grant or revoke."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from billing.models import Entitlement, EntitlementChange

ADMIN_GRANT = timedelta(days=30)


def entitlement_lock(*, user_id: int) -> tuple[User, Entitlement]:
    """Lock the user's row (the per-user mutex for every billing write) and load its entitlement. Call it inside a
    transaction, and never call Stripe until that transaction ends.

    A user with premium from before billing existed keeps it: it becomes the starting pass end.
    """
    user = User.objects.select_for_update().get(pk=user_id)
    entitlement, _ = Entitlement.objects.get_or_create(user=user, defaults={"pass_until": user.premium_until})
    return user, entitlement


def _remaining(end: datetime | None, now: datetime) -> timedelta:
    return max(end - now, timedelta()) if end is not None else timedelta()


def entitlement_save(
    *,
    user: User,
    entitlement: Entitlement,
    reason: str,
    stripe_object_id: str = "",
    actor: User | None = None,
    now: datetime,
) -> EntitlementChange:
    """Write the entitlement, copy its end onto the user, and keep the audit row saying by how much it moved.
    The caller holds the lock from `entitlement_lock`."""
    before = user.premium_until
    entitlement.save()
    user.premium_until = entitlement.premium_until()
    user.save(update_fields=["premium_until"])
    return EntitlementChange.objects.create(
        user=user,
        reason=reason,
        delta=_remaining(user.premium_until, now) - _remaining(before, now),
        premium_until_before=before,
        premium_until_after=user.premium_until,
        stripe_object_id=stripe_object_id,
        actor=actor,
        created=now,
    )


def premium_grant(*, user: User, actor: User, days: timedelta = ADMIN_GRANT) -> EntitlementChange:
    """An admin's goodwill: adds to the pass exactly as a bought pass would."""
    now = timezone.now()
    with transaction.atomic():
        locked, entitlement = entitlement_lock(user_id=user.pk)
        entitlement.pass_until = max(entitlement.pass_until or now, now) + days
        return entitlement_save(
            user=locked, entitlement=entitlement, reason=EntitlementChange.Reason.ADMIN_GRANT, actor=actor, now=now
        )


def premium_revoke(*, user: User, actor: User) -> EntitlementChange:
    """Ends premium now. A subscription that Stripe still bills would grant it again on its next change, so cancel
    that in Stripe first."""
    now = timezone.now()
    with transaction.atomic():
        locked, entitlement = entitlement_lock(user_id=user.pk)
        entitlement.pass_until = min(entitlement.pass_until or now, now)
        entitlement.subscription_until = min(entitlement.subscription_until or now, now)
        return entitlement_save(
            user=locked, entitlement=entitlement, reason=EntitlementChange.Reason.ADMIN_REVOKE, actor=actor, now=now
        )
