"""Publishing's refusals, each with the API status and code it is answered with."""

from __future__ import annotations

from typing import Any

from threadr.lib.errors import ThreadrError


class PublishingUnavailable(ThreadrError):
    code = "publishing_unavailable"
    status = 503

    def __init__(self) -> None:
        super().__init__("Publishing to X is not available on this server.")


class PremiumRequired(ThreadrError):
    code = "premium_required"
    status = 403


class PublishLimitReached(ThreadrError):
    code = "publish_limit_reached"
    status = 402

    def __init__(self, message: str, *, used: int, limit: int) -> None:
        super().__init__(message)
        self.used, self.limit = used, limit

    def details(self) -> dict[str, Any]:
        return {"used": self.used, "limit": self.limit}


class XNotConnected(ThreadrError):
    code = "x_not_connected"
    status = 409


class XAccountTaken(ThreadrError):
    code = "x_account_taken"
    status = 409


class ConnectFailed(ThreadrError):
    """The OAuth callback could not finish: denied, tampered with, expired, or X said no."""

    code = "x_connect_failed"
    status = 400


class PublicationConflict(ThreadrError):
    """The publication is not in a state that allows this; the API answers with it as `error.publication`."""

    code = "publication_conflict"
    status = 409

    def __init__(self, message: str, *, publication: Any, code: str | None = None) -> None:
        super().__init__(message, code=code)
        self.publication = publication

    def details(self) -> dict[str, Any]:
        from publishing.outputs import publication_payload  # the error shape needs the publication's own shape

        return {"publication": publication_payload(self.publication)}


class PublishInputInvalid(ThreadrError):
    code = "invalid_input"
    status = 400
