"""The generator's own exceptions. Each is a `ThreadrError`: a stable code, a message a person can act on, and an
HTTP status the API's exception handler uses. Vendor modules translate SDK errors into these; nothing above them
sees a vendor exception."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from threadr.lib.errors import ThreadrError

if TYPE_CHECKING:
    from generator.models import Thread
    from generator.selectors import Usage


class GenerationError(ThreadrError):
    """`retryable` says whether the same request may succeed later (the provider was busy, not the input wrong)."""

    code = "generation_failed"
    status = 500
    retryable = False

    def __init__(
        self, message: str, *, code: str | None = None, retryable: bool | None = None, status: int | None = None
    ) -> None:
        super().__init__(message, code=code, status=status)
        if retryable is not None:
            self.retryable = retryable


class ImportFailed(GenerationError):
    """A URL could not be turned into an article (422). `code` says why: not_found, blocked, paywall, timeout,
    too_large, not_article, not_html, address_not_allowed, dns_failure, invalid_url, connection_failed."""

    code = "import_failed"
    status = 422

    def details(self) -> dict[str, Any]:
        # The link is what to fix: named the way a 400 names its fields, so a form marks the link field.
        return {"fields": {"url": [self.message]}}


class ProviderError(GenerationError):
    """The AI provider failed. No quota is consumed for any of these."""

    code = "provider_error"
    status = 502


class ProviderUnavailable(ProviderError):
    """Rate limited, overloaded or down: worth retrying later (503)."""

    code = "provider_unavailable"
    status = 503
    retryable = True


class ProviderTimeout(ProviderError):
    """No answer (or no first token) within the deadline (504)."""

    code = "provider_timeout"
    status = 504
    retryable = True


class ProviderRejected(ProviderError):
    """The provider refused the request: bad key, no credit, bad request, or unusable output (502)."""

    code = "provider_rejected"
    status = 502
    retryable = False


class QuotaExceeded(GenerationError):
    """The plan's daily or monthly allowance is used up (402). `usage` says what was used and when it resets."""

    code = "quota_exceeded"
    status = 402

    def __init__(self, message: str, *, reason: str, usage: Usage) -> None:
        super().__init__(message)
        self.reason = reason  # "daily" or "monthly"
        self.usage = usage

    def details(self) -> dict[str, Any]:
        return {"reason": self.reason, "usage": self.usage.as_dict()}


class PremiumStyleRequired(GenerationError):
    code = "premium_style"
    status = 403


class InputInvalid(GenerationError):
    code = "invalid_input"
    status = 400


class VersionConflict(ThreadrError):
    """An edit was made to a copy of the thread that another write has since replaced (409). The error carries the
    thread as it now stands, so the client can merge its edits into it and send them again with its version."""

    code = "version_conflict"
    status = 409

    def __init__(self, *, thread: Thread) -> None:
        super().__init__(
            "This thread changed elsewhere after you last read it. Nothing was saved: the current thread is attached; "
            "apply your edits to it and send them with its version."
        )
        self.thread = thread

    def details(self) -> dict[str, Any]:
        # Imported here: the API's thread shape imports the services, which raise this error.
        from generator.api.outputs import ThreadOutput

        return {"thread": ThreadOutput(self.thread).data}


class RewriteQuotaExceeded(GenerationError):
    """The user's rewrites for the UTC day are used up (402): FREE_DAILY_REWRITES, or the premium fair-use
    ceiling PREMIUM_DAILY_REWRITE_CEILING."""

    code = "rewrite_quota"
    status = 402

    def __init__(self, message: str, *, limit: int, resets_at: datetime) -> None:
        super().__init__(message)
        self.limit = limit
        self.resets_at = resets_at

    def details(self) -> dict[str, Any]:
        return {"limit": self.limit, "resets_at": self.resets_at.isoformat()}


class TweetChanged(GenerationError):
    """The tweet being rewritten was edited or removed before the rewrite arrived (409): the edit wins."""

    code = "tweet_changed"
    status = 409


class RewriteUnavailable(GenerationError):
    """The engine cannot honour the rewrite asked for with this article (422): nothing shorter that is still a
    sentence, nothing plainer, no unused sentence left in the section. The rewrite is given back."""

    code = "rewrite_unavailable"
    status = 422


class StorageLimitReached(GenerationError):
    """The owner's threads are at their plan's cap: how many threads, or how much text, an account keeps (403).
    `reason` is "threads" or "text"."""

    code = "storage_limit"
    status = 403

    def __init__(self, message: str, *, reason: str) -> None:
        super().__init__(message)
        self.reason = reason

    def details(self) -> dict[str, Any]:
        return {"reason": self.reason}
