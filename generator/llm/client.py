"""The provider client: the shared SDK client, one streamed Chat Completions request, and SDK errors made ours.

Everything the SDK raises becomes one of our `ProviderError`s in `translate`, with a message a person can act on
and a retry hint; nothing above this package sees a vendor exception. The SDK itself never retries
(`max_retries=0`): only the engine knows whether a tweet has been shown yet.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterator
from dataclasses import dataclass

import httpx2
import openai
from django.conf import settings

from generator.errors import ProviderError, ProviderRejected, ProviderTimeout, ProviderUnavailable
from generator.llm.transport import DeadlineTransport, deadline_applied
from threadr.lib.deadline import Deadline, DeadlinePassed

logger = logging.getLogger(__name__)

# What a person sees; operators get the details in the log.
MSG_RATE_LIMITED = "The AI provider is busy right now. Please try again in a minute."
MSG_UNAVAILABLE = "The AI provider is not responding right now. Please try again in a few minutes."
MSG_INTERRUPTED = (
    "The AI provider's answer broke off before the thread was complete. Nothing was saved; please try again."
)
MSG_TIMEOUT = "The AI provider took too long to answer. Nothing was saved; please try again."
MSG_NO_CREDIT = (
    "The AI provider refused the request because Threadr's provider account has run out of credit. This is not "
    "something you did: the site operator needs to check the provider account's billing and quota."
)
MSG_AUTH = (
    "The AI provider did not accept Threadr's credentials. This is not something you did: the site operator needs "
    "to check OPENAI_API_KEY and OPENAI_BASE_URL."
)
MSG_BAD_REQUEST = (
    "The AI provider rejected the request. This is not something you did: the site operator needs to check "
    "OPENAI_MODEL and OPENAI_BASE_URL."
)
MSG_NOT_CONFIGURED = "The AI engine is not configured: the site operator needs to set OPENAI_API_KEY."

# What a provider call may raise: the SDK's errors, our own, and the call's deadline passing between steps.
FAILURES = (openai.OpenAIError, ProviderError, DeadlinePassed)


@functools.lru_cache(maxsize=8)
def provider_client(api_key: str, base_url: str) -> openai.OpenAI:
    """One client per provider, shared by every request and thread: it holds the connection pool, so generations
    reuse warm connections. Each call passes its own timeout; every wait keeps to the call's deadline."""
    http_client = openai.DefaultHttpxClient(transport=DeadlineTransport(limits=openai.DEFAULT_CONNECTION_LIMITS))
    return openai.OpenAI(api_key=api_key, base_url=base_url or None, max_retries=0, http_client=http_client)


def warm_up() -> None:
    """Build the shared provider client now rather than in the first generation. A setting the client refuses is
    logged, not raised: the site still serves, and generations report it."""
    if settings.OPENAI_API_KEY:
        try:
            provider_client(settings.OPENAI_API_KEY, settings.OPENAI_BASE_URL)
        except Exception:
            logger.exception("Could not build the AI provider client; check OPENAI_BASE_URL")


def stream_completion(
    messages: list[dict[str, str]], *, deadline: Deadline, first_token: float, connect: float
) -> Iterator[tuple[str, str | None]]:
    """One streamed request: the text and finish reason of each chunk, as it arrives.

    Every wait (connecting, sending, each read) gets at most the time left on the call's deadline, and no single
    read more than the first token may take. Once the reply has begun, a server could still keep the connection
    busy without ever writing text, so until the first text arrives the waits keep to the first-token deadline
    too. An `error` object sent inside the stream comes out as the SDK's `APIError`; nothing is translated here.

    The request goes through the SDK's documented way to make a request by path (`client.post`) rather than
    `chat.completions.create`, for one reason: `create` builds a typed model of every chunk, and a reply is one
    chunk per few characters, so those models cost a streamed generation more CPU than everything else it does
    (bench/RESULTS.md). Asked for plain `object`s, the SDK hands over each chunk's JSON as it parsed it (a
    `dict[str, Any]` would still have it walk every value to build it again), and it still sends the request, reads
    the server-sent events, stops at `[DONE]` and raises its own errors, for a refused request and for an error sent
    inside the stream alike.
    """
    if not settings.OPENAI_API_KEY:
        raise ProviderRejected(MSG_NOT_CONFIGURED, code="not_configured")
    client = provider_client(settings.OPENAI_API_KEY, settings.OPENAI_BASE_URL)
    left = deadline.remaining()
    timeout = openai.Timeout(left, connect=min(connect, left), read=min(first_token, left))
    with deadline_applied(deadline):
        try:
            chunks = client.post(
                "/chat/completions",
                body={"model": settings.OPENAI_MODEL, "messages": messages, "stream": True},
                cast_to=object,
                options={"timeout": timeout},
                stream=True,
                stream_cls=openai.Stream[object],
            )
        # The SDK reads a refusal's body (a 429's, a 500's) outside its own error handling: a body slower than the
        # read timeout, or cut, would escape as the transport's error. It is the SDK's timeout or connection error.
        except httpx2.TimeoutException as exc:
            raise openai.APITimeoutError(request=exc.request) from exc
        except httpx2.TransportError as exc:
            raise openai.APIConnectionError(request=exc.request) from exc
    with chunks:
        waiting = Deadline(min(first_token, deadline.remaining()))
        while True:
            with deadline_applied(waiting):
                chunk = next(chunks, None)
            if chunk is None:
                return
            text, finish_reason = _delta(chunk)
            if text:
                waiting = deadline
            yield text, finish_reason


def _delta(chunk: object) -> tuple[str, str | None]:
    """The text and finish reason of a `chat.completion.chunk`, as the server sent it; a chunk without choices (a
    usage report) has none."""
    choices = chunk.get("choices") if isinstance(chunk, dict) else None
    choice = choices[0] if isinstance(choices, list) and choices and isinstance(choices[0], dict) else {}
    delta = choice.get("delta")
    text = delta.get("content") if isinstance(delta, dict) else None
    finish_reason = choice.get("finish_reason")
    return (text if isinstance(text, str) else ""), (finish_reason if isinstance(finish_reason, str) else None)


@dataclass(frozen=True)
class Failure:
    """An exception translated: our error, whether a retry may help, and the server's Retry-After."""

    error: ProviderError
    retryable: bool
    retry_after: float | None = None


def translate(exc: Exception, *, after_output: bool) -> Failure:
    """Map an SDK exception (or our own, or the deadline passing) to the error a person sees and a retry hint."""
    if isinstance(exc, ProviderError):
        return Failure(exc, retryable=exc.retryable)
    if isinstance(exc, DeadlinePassed):
        return Failure(ProviderTimeout(MSG_TIMEOUT), retryable=True)
    _log(exc)
    if isinstance(exc, openai.APITimeoutError):
        return Failure(ProviderTimeout(MSG_TIMEOUT), retryable=True)
    if isinstance(exc, openai.APIConnectionError):
        return Failure(_unavailable(after_output=after_output), retryable=True)
    if isinstance(exc, openai.RateLimitError):
        if exc.code == "insufficient_quota" or exc.type == "insufficient_quota":
            return Failure(ProviderRejected(MSG_NO_CREDIT, code="insufficient_quota"), retryable=False)
        return Failure(
            ProviderUnavailable(MSG_RATE_LIMITED, code="rate_limited"),
            retryable=True,
            retry_after=_retry_after(exc.response.headers),
        )
    if isinstance(exc, openai.AuthenticationError | openai.PermissionDeniedError):
        return Failure(ProviderRejected(MSG_AUTH, code="provider_auth"), retryable=False)
    if isinstance(exc, openai.APIStatusError):
        if exc.status_code >= 500 or exc.status_code in (408, 409):
            return Failure(ProviderUnavailable(MSG_UNAVAILABLE), retryable=True)
        return Failure(ProviderRejected(MSG_BAD_REQUEST, code="bad_request"), retryable=False)
    # An error event inside the stream, or anything else the SDK raises.
    return Failure(_unavailable(after_output=after_output), retryable=True)


def _unavailable(*, after_output: bool) -> ProviderUnavailable:
    if after_output:
        return ProviderUnavailable(MSG_INTERRUPTED, code="stream_interrupted")
    return ProviderUnavailable(MSG_UNAVAILABLE)


def _retry_after(headers: object) -> float | None:
    """Seconds the server asked us to wait (`retry-after-ms` or `retry-after` in seconds), if it said."""
    get = getattr(headers, "get", None)
    if get is None:
        return None
    for name, scale in (("retry-after-ms", 0.001), ("retry-after", 1.0)):
        try:
            value = float(get(name))
        except (TypeError, ValueError):
            continue
        if value >= 0:
            return value * scale
    return None


def _log(exc: Exception) -> None:
    status = getattr(exc, "status_code", None)
    code = getattr(exc, "code", None)
    request_id = getattr(exc, "request_id", None)
    logger.warning(
        "AI provider error: %s (status=%s code=%s request_id=%s)", type(exc).__name__, status, code, request_id
    )
