"""Storage caps: how many threads, and how much text, an account keeps (settings, higher for premium).

Every write that creates or grows a thread is held to them: a generation is refused before the provider is called
if its thread could not be kept, and a save that goes past a cap is rolled back. An edit that does not grow a
thread is always kept, so someone over a cap (after a downgrade) can still edit and tidy up.
"""

from __future__ import annotations

from django.conf import settings

from accounts.models import User
from generator.errors import StorageLimitReached
from generator.models import Thread
from generator.selectors import Storage, storage_for


def storage_room_check(*, user: User) -> None:
    """Refuse work whose result could not be kept: the user's threads are at a cap."""
    storage = storage_for(user=user)
    if storage.threads >= storage.thread_limit:
        raise storage_limit_error(storage, reason="threads", lead="Your threads are at")
    if storage.chars >= storage.char_limit:
        raise storage_limit_error(storage, reason="text", lead="Your threads are at")


def storage_check_written(*, thread: Thread, stored_before: int | None) -> None:
    """Hold the owner of a thread just written (in the open transaction) to the caps. `stored_before` is the
    thread's size before this write, None if the write created it."""
    storage = storage_for(user=thread.owner)
    if stored_before is None and storage.threads > storage.thread_limit:
        raise storage_limit_error(storage, reason="threads", lead="This would take your threads past")
    if storage.chars > storage.char_limit:
        thread.refresh_from_db(fields=["stored_chars"])
        if stored_before is None or thread.stored_chars > stored_before:
            raise storage_limit_error(storage, reason="text", lead="This would take your threads past")


def storage_limit_error(storage: Storage, *, reason: str, lead: str) -> StorageLimitReached:
    if reason == "threads":
        limit, premium_limit, unit = storage.thread_limit, settings.PREMIUM_MAX_THREADS_PER_USER, "threads"
    else:
        limit, premium_limit, unit = storage.char_limit, settings.PREMIUM_MAX_STORED_TEXT_PER_USER, "characters of text"
    message = f"{lead} the {limit:,} {unit} a {storage.plan} account keeps. Delete threads you no longer need"
    if storage.plan == "free" and premium_limit > limit:
        message += f", or upgrade to keep up to {premium_limit:,}."
    else:
        message += "."
    return StorageLimitReached(message, reason=reason)
