"""Writes for rewriting one tweet of a saved thread with the engine (the provider, when it is the AI engine).

Everything that limits spend is decided before the engine is called, in one transaction: the thread's cap
(MAX_REGENERATIONS_PER_THREAD, counted on the thread's row, which is locked) and the owner's daily allowance
(counted from the `Rewrite` ledger under the owner's row lock, as the generation quota is). Concurrent rewrites of
one thread queue on those locks, so no more of them reach the provider than the cap allows. The burst throttles
are the API view's.

The engine is called outside any transaction. Its answer is then written into the thread as it is by then, read
again under its lock: only the rewritten tweet is replaced, so an edit saved meanwhile to any other tweet stays.
A rewrite the engine fails gives its place under the cap and in the allowance back, as a failed generation does.
One whose tweet was edited or removed meanwhile is discarded (409) and keeps counting: the provider was paid.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import F
from django.http import Http404
from django.utils import timezone

from accounts.models import User
from generator.domain import Article, Engine
from generator.engines import get_engine, style_spec
from generator.errors import GenerationError, InputInvalid, RewriteQuotaExceeded, TweetChanged
from generator.models import Rewrite, Thread
from generator.selectors import rewrite_allowance_for
from generator.services import release_connection, thread_options, thread_save
from generator.splitter import mark_tweets, unnumber_tweets

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RewriteReservation:
    rewrite: Rewrite
    thread: Thread  # the thread as it was when the rewrite was reserved: what the engine is shown


def rewrite_reserve(*, thread: Thread, position: int) -> RewriteReservation:
    """Count one rewrite of tweet `position` (from 1) against the thread's cap and its owner's day, or refuse."""
    now = timezone.now()
    with transaction.atomic():
        # The thread's row, then the owner's: the order every thread write takes them in.
        locked = _thread_locked(thread.pk)
        if not 1 <= position <= len(locked.tweets):
            raise InputInvalid(f"This thread has no tweet {position}.", code="no_such_tweet")
        if locked.regenerations >= settings.MAX_REGENERATIONS_PER_THREAD:
            raise GenerationError(
                f"This thread has used all {settings.MAX_REGENERATIONS_PER_THREAD} rewrites (copies of it too). "
                "Edit the tweet by hand.",
                code="regenerate_limit",
                status=403,
            )
        owner = User.objects.select_for_update().get(pk=locked.owner_id)
        allowance = rewrite_allowance_for(user=owner, now=now)
        if allowance.used >= allowance.limit:
            raise RewriteQuotaExceeded(
                _quota_message(owner, allowance.limit), limit=allowance.limit, resets_at=allowance.resets_at
            )
        Thread.objects.filter(pk=locked.pk).update(regenerations=F("regenerations") + 1)
        rewrite = Rewrite.objects.create(user=owner, thread=locked, created_at=now)
    locked.regenerations += 1
    return RewriteReservation(rewrite=rewrite, thread=locked)


def _instruction_for(engine: Engine, instruction: str | None) -> str | None:
    """The instruction as the engine takes it: any text for the AI engine, one of its named choices otherwise."""
    text = (instruction or "").strip()
    if not text or engine.instructions is None:
        return text or None
    if text.lower() not in engine.instructions:
        raise InputInvalid(
            f"Without AI a tweet can be rewritten only as one of: {', '.join(engine.instructions)}. "
            "Choose one, or edit the tweet by hand.",
            code="instruction_unsupported",
        )
    return text.lower()


def _quota_message(user: User, limit: int) -> str:
    if user.is_premium():
        return f"You've reached today's fair-use ceiling of {limit} rewrites. Edit by hand, or come back tomorrow."
    return (
        f"You've used all {limit} free rewrites today. Edit the tweet by hand, upgrade, or come back after "
        "midnight UTC."
    )


def rewrite_release(*, rewrite: Rewrite, code: str) -> None:
    """Give a failed rewrite back to its thread's cap and its owner's day. Never raises: if the database is gone
    too, the rewrite stays counted, which errs on the side of spending less."""
    try:
        with transaction.atomic():
            released = Rewrite.objects.filter(pk=rewrite.pk, status=Rewrite.Status.RESERVED).update(
                status=Rewrite.Status.FAILED, error_code=code[:40], finished_at=timezone.now()
            )
            if released and rewrite.thread_id:
                Thread.objects.filter(pk=rewrite.thread_id, regenerations__gt=0).update(
                    regenerations=F("regenerations") - 1
                )
    except DatabaseError:
        logger.warning("rewrite left counted", extra={"rewrite_id": rewrite.pk}, exc_info=True)


def tweet_regenerate(*, thread: Thread, position: int, instruction: str | None = None) -> Thread:
    """Rewrite tweet `position` (from 1) in the context of the thread; returns the thread as saved. Uses no
    generation quota, but counts against the thread's cap and the owner's daily rewrites. An instruction the
    engine cannot read is refused before anything is counted."""
    engine = get_engine()
    instruction = _instruction_for(engine, instruction)
    reservation = rewrite_reserve(thread=thread, position=position)
    current = reservation.thread
    options = thread_options(current)
    bodies = unnumber_tweets(current.tweets, options.numbering)
    try:
        spec = current.style.spec() if current.style else style_spec(options.style)
        article = Article(text=current.source_text or current.body_text, title=current.title, url=current.source_url)
        release_connection()
        replacement = engine.regenerate(
            article=article, bodies=bodies, position=position - 1, options=options, style=spec, instruction=instruction
        )
        return _tweet_replace(reservation, original=bodies[position - 1], position=position, replacement=replacement)
    except TweetChanged:
        Rewrite.objects.filter(pk=reservation.rewrite.pk).update(
            status=Rewrite.Status.DISCARDED, error_code=TweetChanged.code, finished_at=timezone.now()
        )
        raise
    except GenerationError as error:
        rewrite_release(rewrite=reservation.rewrite, code=error.code)
        raise
    except Exception:
        rewrite_release(rewrite=reservation.rewrite, code="internal_error")
        raise


def _tweet_replace(reservation: RewriteReservation, *, original: str, position: int, replacement: list[str]) -> Thread:
    """Put the rewrite in place of its tweet in the thread as it is now, and mark the rewrite done."""
    numbering = thread_options(reservation.thread).numbering
    with transaction.atomic():
        locked = _thread_locked(reservation.thread.pk)
        bodies = unnumber_tweets(locked.tweets, numbering)
        index = _index_of(original, bodies, near=position - 1)
        if index is None:
            raise TweetChanged(
                f"Tweet {position} was changed while it was being rewritten, so your edit was kept and the rewrite "
                "dropped."
            )
        bodies[index : index + 1] = replacement
        locked.set_tweets(mark_tweets(bodies, numbering))
        Rewrite.objects.filter(pk=reservation.rewrite.pk).update(
            status=Rewrite.Status.SUCCEEDED, finished_at=timezone.now()
        )
        return thread_save(thread=locked)


def _index_of(original: str, bodies: list[str], *, near: int) -> int | None:
    """Where the tweet that was rewritten is now: at its old place, or wherever it moved if it is there once."""
    if near < len(bodies) and bodies[near] == original:
        return near
    places = [index for index, body in enumerate(bodies) if body == original]
    return places[0] if len(places) == 1 else None


def _thread_locked(pk: int) -> Thread:
    thread = Thread.objects.select_for_update(of=("self",)).select_related("style", "owner").filter(pk=pk).first()
    if thread is None:
        raise Http404("No such thread.")
    return thread
