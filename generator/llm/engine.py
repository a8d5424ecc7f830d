"""The LLM engine: `OpenAIEngine` writes a thread through any OpenAI-compatible Chat Completions server.

It asks with the brief (`brief`), reads the reply tweet by tweet as it streams (`client`, `stream`), and sends every
tweet through `splitter.repair_tweets` (links not in the source removed, over-long bodies re-split, empty ones
dropped), exactly as the local engine's output goes.

Deadlines and retries are ours, not the SDK's, because only the engine knows whether a tweet has been shown yet:
a rate limit, a 5xx, a timeout or a connection failure before the first tweet is retried at most
`OPENAI_MAX_RETRIES` times with backoff (or the server's Retry-After) while the whole-call deadline
(`OPENAI_TOTAL_TIMEOUT`, one `Deadline` for every attempt) allows; after the first tweet, a failure ends the stream
with an exception.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.conf import settings

from generator import splitter
from generator.domain import MAX_TWEETS, Article, Draft, StyleSpec, ThreadOptions, ThreadTitle
from generator.errors import ProviderRejected
from generator.llm.brief import build_messages, build_regenerate_messages
from generator.llm.client import FAILURES, Failure, stream_completion, translate
from generator.llm.stream import TweetStream
from threadr.lib.deadline import Deadline, DeadlinePassed

logger = logging.getLogger(__name__)

BACKOFF_BASE = 0.5  # seconds before the first retry; doubles each time

MSG_BAD_OUTPUT = "The AI provider's answer could not be turned into a thread. Please try again."
MSG_FILTERED = "The AI provider declined to write about this article."


@dataclass(frozen=True)
class _Limits:
    connect: float
    first_token: float
    total: float
    max_retries: int

    @classmethod
    def from_settings(cls) -> _Limits:
        return cls(
            connect=float(settings.OPENAI_CONNECT_TIMEOUT),
            first_token=float(settings.OPENAI_FIRST_TOKEN_TIMEOUT),
            total=float(settings.OPENAI_TOTAL_TIMEOUT),
            max_retries=int(settings.OPENAI_MAX_RETRIES),
        )


class OpenAIEngine:
    """Writes threads through Chat Completions (`stream=True`), honouring the `---` output protocol.

    Streaming contract of `generate`: bodies are yielded one by one, already repaired, the reply's `ThreadTitle`
    (from its `Title:` line, if it wrote one) just before the first. If the provider fails after
    some bodies were yielded (the connection breaks, the deadline passes), the generator raises
    `ProviderUnavailable` or `ProviderTimeout` after them: the caller must then discard what it received and not
    save a half thread. A reply with no usable tweet raises `ProviderRejected(code="bad_output")`.

    Settings are read on every call, so a changed key or deadline applies at once. `sleep` is injectable so tests
    can observe backoff without waiting for it.
    """

    name = "openai"
    instructions: tuple[str, ...] | None = None  # free text: the model reads whatever the person asks for

    def __init__(self, *, sleep: Callable[[float], None] = time.sleep) -> None:
        self._sleep = sleep

    def generate(self, *, article: Article, options: ThreadOptions, style: StyleSpec) -> Iterator[str | ThreadTitle]:
        for item in self._thread(article=article, options=options, style=style, drafts=False):
            if not isinstance(item, Draft):
                yield item

    def stream(
        self, *, article: Article, options: ThreadOptions, style: StyleSpec
    ) -> Iterator[str | ThreadTitle | Draft]:
        """`generate`, plus a `Draft` of the unfinished tweet after every piece of the reply that changed it."""
        return self._thread(article=article, options=options, style=style, drafts=True)

    def _thread(
        self, *, article: Article, options: ThreadOptions, style: StyleSpec, drafts: bool
    ) -> Iterator[str | ThreadTitle | Draft]:
        messages = build_messages(article=article, options=options, style=style)
        cap = options.max_tweets or MAX_TWEETS
        return self._tweets(messages, article=article, options=options, cap=cap, drafts=drafts)

    def regenerate(
        self,
        *,
        article: Article,
        bodies: list[str],
        position: int,
        options: ThreadOptions,
        style: StyleSpec,
        instruction: str | None = None,
    ) -> list[str]:
        messages = build_regenerate_messages(
            article=article, bodies=bodies, position=position, options=options, style=style, instruction=instruction
        )
        tweets = self._tweets(messages, article=article, options=options, cap=MAX_TWEETS, drafts=False)
        return [body for body in tweets if isinstance(body, str)]  # a rewritten tweet does not rename the thread

    def _tweets(
        self, messages: list[dict[str, str]], *, article: Article, options: ThreadOptions, cap: int, drafts: bool
    ) -> Iterator[str | ThreadTitle | Draft]:
        """Yield repaired bodies, retrying the whole request while nothing has been yielded yet. The reply's title,
        if it has one, comes just before its first body: a retried reply's title replaces a failed one's. With
        `drafts`, the unfinished tweet comes too, as it grows (a retry starts its drafts afresh)."""
        limits = _Limits.from_settings()
        deadline = Deadline(limits.total)
        source_text = "\n".join((article.text, article.title, article.url, article.canonical_url, *article.links))
        limit = splitter.body_limit(options)
        yielded = 0
        for attempt in range(limits.max_retries + 1):
            title = None
            try:
                for raw in self._attempt(messages, limits=limits, deadline=deadline, drafts=drafts):
                    if isinstance(raw, Draft):
                        yield raw
                        continue
                    if isinstance(raw, ThreadTitle):
                        title = raw
                        continue
                    for body in splitter.repair_tweets([raw], source_text=source_text, limit=limit):
                        if title is not None and not yielded:
                            yield title
                        yield body
                        yielded += 1
                        if yielded >= cap:
                            return
            except FAILURES as exc:
                failure = translate(exc, after_output=yielded > 0)
                delay = _backoff(failure, attempt)
                if yielded or not failure.retryable or attempt == limits.max_retries or not _fits(delay, deadline):
                    raise failure.error from (exc if failure.error is not exc else exc.__cause__)
                logger.info("Retrying the AI provider in %.2f s (%s)", delay, failure.error.code)
                self._sleep(delay)
                continue
            if yielded:
                return
            raise ProviderRejected(MSG_BAD_OUTPUT, code="bad_output")

    def _attempt(
        self, messages: list[dict[str, str]], *, limits: _Limits, deadline: Deadline, drafts: bool
    ) -> Iterator[str | ThreadTitle | Draft]:
        """One streamed request: yields raw tweets (and the title) as they arrive, and with `drafts` the unfinished
        tweet whenever a piece of the reply changed it; raises on any failure."""
        tweets = TweetStream()
        finish_reason = None
        draft = ""
        for text, finished in stream_completion(
            messages, deadline=deadline, first_token=limits.first_token, connect=limits.connect
        ):
            if text:
                yield from tweets.feed(text)
                if drafts and (pending := tweets.pending()) != draft:
                    draft = pending
                    if pending:
                        yield Draft(pending)
            finish_reason = finished or finish_reason
        if finish_reason == "content_filter":
            raise ProviderRejected(MSG_FILTERED, code="content_filtered")
        yield from tweets.close(truncated=finish_reason == "length")


def _backoff(failure: Failure, attempt: int) -> float:
    if failure.retry_after is not None:
        return failure.retry_after
    return BACKOFF_BASE * 2**attempt


def _fits(delay: float, deadline: Deadline) -> bool:
    """Whether a retry after `delay` would still start before the deadline."""
    try:
        return delay < deadline.remaining()
    except DeadlinePassed:
        return False
