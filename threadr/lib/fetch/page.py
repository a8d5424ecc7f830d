"""What a fetch hands back: the page it read, or a `FetchError` saying why there is none.

Shared by the address policy and the transport, so neither has to import the other for its results.
"""

from __future__ import annotations

from dataclasses import dataclass, field


class FetchError(Exception):
    """Why a URL could not be fetched. `code` is stable (invalid_url, address_not_allowed, dns_failure, timeout,
    too_large, not_html, not_found, blocked, too_many_redirects, connection_failed, http_error); `status` and
    `content_type` are set when the server answered; `page` holds the (capped) body of a refusal such as a 401/403,
    so callers can tell a login wall from a plain refusal."""

    def __init__(
        self,
        code: str,
        message: str,
        *,
        status: int | None = None,
        content_type: str = "",
        page: FetchedPage | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status
        self.content_type = content_type
        self.page = page


@dataclass(frozen=True)
class FetchedPage:
    final_url: str
    status: int
    content_type: str  # media type only, lowercased: "text/html"
    charset: str | None
    body: bytes  # decompressed
    headers: dict[str, str] = field(default_factory=dict)  # lowercased names
