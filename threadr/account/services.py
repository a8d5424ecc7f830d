"""Writes over the whole account."""

from __future__ import annotations

from django.db import transaction

from accounts.models import User
from billing.selectors import subscription_keeps_account
from generator.services import thread_delete_all_for_user
from publishing.services import publications_cancel_all_for_user, x_account_disconnect
from threadr.lib.errors import ThreadrError


class DeletionBlocked(ThreadrError):
    """The account cannot be deleted yet; the message says what to do first."""

    code = "deletion_blocked"
    status = 409


@transaction.atomic
def user_delete(*, user: User) -> None:
    """Delete the account and everything personal: threads (through the generator's service, so its history
        bookkeeping runs), then the person with their generations, tokens and emails. Publications stop first and the X
    tokens are revoked at X. Payment records the law requires
        stay, detached from the person (the billing app's foreign keys are SET_NULL)."""
    if subscription_keeps_account(user=user):
        raise DeletionBlocked(
            "You have a Pro subscription that renews. Cancel it first from Manage billing, then delete your account."
        )
    publications_cancel_all_for_user(user=user)
    x_account_disconnect(user=user)  # X is told to revoke the tokens once the deletion is committed
    thread_delete_all_for_user(user=user)
    user.delete()
