"""Writes for the generator: reserving quota, running a generation, and changing threads.

A generation is a stream of events (`status`, `draft`, `tweet`, `done` or `error`) so the JSON API, the SSE API and the
command line share one code path. It is saved in one transaction with its ledger row, whatever the client does
meanwhile: the SSE view drains the stream to the end when the browser goes away.
"""

from __future__ import annotations

import functools
import logging
import secrets
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from django.core.cache import cache
from django.db import DatabaseError, connection, transaction
from django.db.models import F, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.models import User
from generator import xtext
from generator.blocks import article_from_text, capped, opening_words
from generator.domain import Article, Draft, Numbering, ThreadOptions, ThreadTitle, Tone
from generator.drafts import DraftThrottle
from generator.engines import get_engine, style_spec
from generator.errors import GenerationError, InputInvalid, PremiumStyleRequired, QuotaExceeded, VersionConflict
from generator.models import Generation, Style, Thread
from generator.selectors import STYLES_CACHE_KEY, Usage, style_active, styles_active, usage_for
from generator.splitter import number_tweets
from generator.storage import storage_check_written, storage_room_check

logger = logging.getLogger(__name__)

MAX_TEXT_LENGTH = 50_000
Event = tuple[str, dict[str, Any]]


@dataclass(frozen=True)
class GenerationInput:
    options: ThreadOptions
    text: str = ""
    url: str = ""

    @property
    def kind(self) -> str:
        return Generation.InputKind.URL if self.url else Generation.InputKind.TEXT


@functools.lru_cache(maxsize=8192)
def weighted_length(text: str) -> int:
    """X's weight of a tweet, remembered: history pages show the same tweets over and over."""
    return xtext.weighted_length(text)


def tweet_payload(position: int, text: str) -> dict[str, Any]:
    return {"position": position, "text": text, "weighted_length": weighted_length(text)}


def style_check(*, user: User, slug: str) -> Style | None:
    """The chosen style, if the user may use it. Unknown slugs are bad input; premium styles need premium."""
    style = style_active(slug=slug)
    if style is None:
        if styles_active():
            raise InputInvalid(f"There is no style called '{slug}'.", code="unknown_style")
        return None
    if style.premium_only and not user.is_premium():
        raise PremiumStyleRequired(f"The {style.name} style is part of the premium plans. Upgrade to use it.")
    return style


def style_save(*, style: Style) -> Style:
    """Save a new or changed style; generations and the style picker see it from the next request."""
    with transaction.atomic():
        style.save()
        _styles_forget()
    return style


def style_delete(*, style: Style) -> None:
    with transaction.atomic():
        style.delete()
        _styles_forget()


def style_delete_many(*, styles: QuerySet[Style]) -> int:
    """Delete these styles (the admin's bulk delete); returns how many went. Their threads keep the slug."""
    with transaction.atomic():
        deleted = styles.delete()[1].get(Style._meta.label, 0)
        _styles_forget()
    return deleted


def _styles_forget() -> None:
    """Drop the cached active styles once the change is committed: dropped any earlier, a request could cache the
    old list again before the change is visible to it."""
    transaction.on_commit(lambda: cache.delete(STYLES_CACHE_KEY))


@dataclass(frozen=True)
class Reservation:
    generation: Generation
    usage: Usage  # the user's usage with this generation counted, as the reservation saw it


def generation_reserve(*, user: User, input_kind: str, now: datetime | None = None) -> Reservation:
    """Reserve one generation or raise QuotaExceeded. Runs before any provider work.

    The user's row is locked, so concurrent requests from one user — on any number of hosts — queue here and
    each counts the reservations committed before it."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        usage = usage_for(user=locked, now=now)
        if usage.monthly_limit is not None and usage.monthly_used >= usage.monthly_limit:
            raise QuotaExceeded(
                f"You've used all {usage.monthly_limit} free threads this month. "
                "Upgrade for unlimited threads, or wait for the 1st of next month (UTC).",
                reason="monthly",
                usage=usage,
            )
        if usage.daily_used >= usage.daily_limit:
            if usage.plan == "premium":
                message = f"You've reached today's fair-use ceiling of {usage.daily_limit} threads."
            else:
                message = (
                    f"You've used all {usage.daily_limit} free threads today. "
                    "Upgrade for unlimited threads, or come back after midnight UTC."
                )
            raise QuotaExceeded(message, reason="daily", usage=usage)
        storage_room_check(user=locked)
        generation = Generation.objects.create(user=user, input_kind=input_kind, created_at=now)
    counted = replace(usage, daily_used=usage.daily_used + 1, monthly_used=usage.monthly_used + 1)
    return Reservation(generation=generation, usage=counted)


def generation_fail(*, generation: Generation, code: str, now: datetime | None = None) -> None:
    """Release the reservation: a failed attempt never costs quota."""
    now = now or timezone.now()
    Generation.objects.filter(pk=generation.pk).update(
        status=Generation.Status.FAILED,
        error_code=code[:40],
        finished_at=now,
        duration_ms=_ms(generation.created_at, now),
    )


def generation_release_on_fresh_connection(*, generation: Generation, code: str = "database_error") -> None:
    """Release a reservation after its request failed in a way that may have killed its database connection
    (a restart, a failover): on a new connection, so the user's next attempt is not refused for quota. If the
    database is still gone, the reservation stops counting once it is stale (GENERATION_STALE_AFTER)."""
    if not connection.in_atomic_block:
        connection.close()
    try:
        generation_fail(generation=generation, code=code)
    except DatabaseError:
        logger.warning("reservation left to go stale", extra={"generation_id": generation.pk}, exc_info=True)


def _ms(start: datetime, end: datetime) -> int:
    return max(0, int((end - start).total_seconds() * 1000))


def release_connection() -> None:
    """Give the database connection back to the pool while waiting on the provider (seconds to minutes), so a
    host's streams are limited by its threads, not its database connections."""
    if not connection.in_atomic_block:
        connection.close()


def cap_article(article: Article) -> Article:
    """Imported pages can be far longer than pasted text may be; keep the first MAX_TEXT_LENGTH characters, cut at
    a block (or at least a sentence) boundary, text and blocks alike."""
    return capped(article, limit=MAX_TEXT_LENGTH)


def _title_for(article: Article, proposed: ThreadTitle | None = None) -> str:
    """The engine's own title for the thread when it wrote one (the AI engine's, in the thread's language), else
    the article's, else the article's opening words: never the first tweet, which opens with the hook."""
    title = (proposed.text.strip() if proposed else "") or article.title.strip() or opening_words(article.text)
    title = title or "Untitled thread"
    title = " ".join(title.split())
    return title if len(title) <= 120 else title[:119].rstrip() + "…"


def generation_events(
    *, user: User, generation: Generation, data: GenerationInput, style: Style | None
) -> Iterator[Event]:
    """Run a reserved generation in the style `style_check` allowed, yielding events as they happen: `draft`s of
    the tweet being written (at most one per DRAFT_INTERVAL), then each finished `tweet`. Never raises: failures
    become an `error` event and release the reservation. Success saves the thread and consumes the reservation
    atomically."""
    from generator.extract import import_article  # imported late: pulls in trafilatura (slow to import)

    started = time.monotonic()
    try:
        spec = style.spec() if style else style_spec(data.options.style)
        if data.url:
            yield "status", {"stage": "fetching"}
            article = cap_article(import_article(data.url))
        else:
            article = article_from_text(data.text)
        engine = get_engine()
        release_connection()
        yield "status", {"stage": "generating"}
        bodies: list[str] = []
        title = None
        first_tweet_ms = None
        drafts = DraftThrottle()
        for body in engine.stream(article=article, options=data.options, style=spec):
            if isinstance(body, Draft):
                if drafts.admit(body.text):
                    yield "draft", {"position": len(bodies) + 1, "text": body.text}
                continue
            if isinstance(body, ThreadTitle):
                title = body
                continue
            if first_tweet_ms is None:
                first_tweet_ms = int((time.monotonic() - started) * 1000)
            bodies.append(body)
            yield "tweet", tweet_payload(len(bodies), body)
        if not bodies:
            raise GenerationError("The engine produced no tweets. Try again or paste more text.", code="empty")
        yield "status", {"stage": "saving"}
        thread = thread_create_from_generation(
            generation=generation,
            user=user,
            article=article,
            bodies=bodies,
            title=title,
            data=data,
            style=style,
            engine=engine.name,
            first_tweet_ms=first_tweet_ms,
        )
    except GenerationError as error:
        generation_fail(generation=generation, code=error.code)
        logger.info("generation failed", extra={"error_code": error.code, "generation_id": generation.pk})
        yield "error", {"code": error.code, "message": error.message, "status": error.status, **error.details()}
        return
    except DatabaseError:
        logger.exception("generation lost its database", extra={"generation_id": generation.pk})
        generation_release_on_fresh_connection(generation=generation)
        message = "Threadr lost its database while saving your thread. No quota was used; try again in a minute."
        yield "error", {"code": "service_unavailable", "message": message, "status": 503}
        return
    except Exception:
        generation_release_on_fresh_connection(generation=generation, code="internal_error")
        logger.exception("generation crashed", extra={"generation_id": generation.pk})
        message = "Something went wrong on our side while writing your thread. No quota was used; try again."
        yield "error", {"code": "internal_error", "message": message, "status": 500}
        return
    yield "done", {"id": thread.pk, "url": f"/app/threads/{thread.pk}/", "title": thread.title, "tweets": thread.tweets}


def thread_create_from_generation(
    *,
    generation: Generation,
    user: User,
    article: Article,
    bodies: list[str],
    data: GenerationInput,
    style: Style | None,
    engine: str,
    first_tweet_ms: int | None,
    title: ThreadTitle | None = None,
) -> Thread:
    """Number the tweets and save the thread with its consumed ledger row and the owner's history version moved
    on, atomically."""
    now = timezone.now()
    thread = Thread(
        owner=user,
        title=_title_for(article, title),
        source_url=article.canonical_url or article.url or data.url,
        source_text=article.text,
        style=style,
        options=options_to_dict(data.options),
        engine=engine,
    )
    thread.set_tweets(number_tweets(bodies, data.options.numbering))
    consumed = {
        "status": Generation.Status.SUCCEEDED,
        "engine": engine,
        "finished_at": now,
        "duration_ms": _ms(generation.created_at, now),
        "first_tweet_ms": first_tweet_ms,
    }
    with transaction.atomic():
        _thread_store(thread=thread)
        Generation.objects.filter(pk=generation.pk).update(thread=thread, **consumed)
    generation.status, generation.thread = Generation.Status.SUCCEEDED, thread
    return thread


def options_to_dict(options: ThreadOptions) -> dict[str, Any]:
    return {
        "style": options.style,
        "tone": str(options.tone),
        "max_tweets": options.max_tweets,
        "numbering": str(options.numbering),
        "hashtags": options.hashtags,
        "cta": options.cta,
        "link_in_reply": options.link_in_reply,
        "language": options.language,
    }


def thread_options(thread: Thread) -> ThreadOptions:
    """The options a thread was made with (defaults for anything missing)."""
    saved = thread.options or {}
    options = ThreadOptions()
    known = {field: saved[field] for field in options_to_dict(options) if field in saved}
    # JSON gives the enums back as their text: turn them into the values the engines and the brief expect.
    if "numbering" in known:
        known["numbering"] = Numbering(known["numbering"])
    if "tone" in known:
        known["tone"] = Tone(known["tone"])
    return replace(options, **known)


def history_bump(*, owner: User) -> None:
    """Move the owner's history version on. Every change to someone's threads calls it in the change's own
    transaction, so a history page cached under the old version is never served again."""
    _history_bump(owner_ids=[owner.pk])


def _history_bump(*, owner_ids: Iterable[int]) -> None:
    User.objects.filter(pk__in=owner_ids).update(history_version=F("history_version") + 1)


def thread_save(*, thread: Thread) -> Thread:
    """Save a new or changed thread, move a changed thread's version on, and retire its owner's cached history
    pages. The database counts the version, so two writes that race can never both produce the same one. Raises
    StorageLimitReached (and saves nothing) if the thread is one more than its owner may keep, or grows their text
    past its cap."""
    changed = thread.pk is not None
    with transaction.atomic():
        if changed:
            thread.version = F("version") + 1
        _thread_store(thread=thread)
    if changed:
        thread.refresh_from_db(fields=["version"])
    return thread


def _thread_store(*, thread: Thread) -> None:
    """Save the thread in the caller's transaction, then hold its owner to the storage caps: past one, the
    transaction rolls back. The thread's row is locked before the owner's, in the order a rewrite takes them, so
    one owner's writes queue and the caps hold under concurrent requests."""
    before = None
    if thread.pk is not None:
        before = Thread.objects.select_for_update().values_list("stored_chars", flat=True).filter(pk=thread.pk).first()
        if before is None:  # deleted meanwhile: saving would bring it back
            raise Http404("No such thread.")
    history_bump(owner=thread.owner)  # locks the owner's row until the transaction ends
    thread.save()
    storage_check_written(thread=thread, stored_before=before)


def thread_update(*, thread: Thread, expected_version: int | None = None, **changes: Any) -> Thread:
    """Apply an edit from the editor or the API to the thread as it stands now (re-read under a lock, so an edit
    of one field never writes back another field's stale value). `tweets` replaces the list; `shared` creates or
    drops the link. `expected_version` is the version the edit was made on: if another write has moved the thread
    on since, nothing is written and VersionConflict carries the current thread. Without it the last write wins."""
    with transaction.atomic():
        thread = Thread.objects.select_for_update().get(pk=thread.pk)
        if expected_version is not None and thread.version != expected_version:
            raise VersionConflict(thread=thread)
        _thread_apply(thread, changes)
        return thread_save(thread=thread)


def _thread_apply(thread: Thread, changes: dict[str, Any]) -> None:
    if "tweets" in changes:
        tweets = [text.strip() for text in changes.pop("tweets")]
        if not tweets or any(not text for text in tweets):
            raise InputInvalid("A thread needs at least one tweet, and tweets cannot be empty.")
        thread.set_tweets(tweets)
    if "shared" in changes:
        shared = changes.pop("shared")
        if shared and not thread.share_token:
            thread.share_token = secrets.token_urlsafe(24)
        elif not shared:
            thread.share_token = None
    for field in ("title", "is_favourite", "is_archived"):
        if field in changes:
            setattr(thread, field, changes.pop(field))


def thread_duplicate(*, thread: Thread) -> Thread:
    copy = Thread(
        owner=thread.owner,
        title=f"Copy of {thread.title}"[:200],
        source_url=thread.source_url,
        source_text=thread.source_text,
        style=thread.style,
        options=thread.options,
        engine=thread.engine,
        regenerations=thread.regenerations,  # a copy is no way round the thread's cap on rewrites
    )
    copy.set_tweets(thread.tweets)
    return thread_save(thread=copy)


def thread_delete(*, thread: Thread) -> None:
    with transaction.atomic():
        thread.delete()
        history_bump(owner=thread.owner)


def thread_delete_many(*, threads: QuerySet[Thread]) -> int:
    """Delete these threads, of any owners (the admin, the retention command); returns how many went."""
    with transaction.atomic():
        owners = set(threads.values_list("owner_id", flat=True))
        deleted = threads.delete()[1].get(Thread._meta.label, 0)
        _history_bump(owner_ids=owners)
    return deleted


def thread_delete_all_for_user(*, user: User) -> int:
    """Delete every thread of one user (account deletion); returns how many went."""
    return thread_delete_many(threads=Thread.objects.filter(owner=user))


def thread_unshare_many(*, threads: QuerySet[Thread]) -> int:
    """Take these threads' public pages down (moderation); returns how many were shared."""
    with transaction.atomic():
        shared = threads.exclude(share_token__isnull=True)
        owners = set(shared.values_list("owner_id", flat=True))
        stopped = shared.update(share_token=None, version=F("version") + 1)
        _history_bump(owner_ids=owners)
    return stopped
