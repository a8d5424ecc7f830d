"""The project's base exception. Every app's errors derive from it, so the API's exception handler, the pages and
the command line know one shape: a stable `code`, an HTTP `status`, and a `message` a person can act on."""

from __future__ import annotations

from typing import Any


class ThreadrError(Exception):
    code = "error"
    status = 400

    def __init__(self, message: str, *, code: str | None = None, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status

    def details(self) -> dict[str, Any]:
        """Extra members of the API's error object beside `code` and `message` (a quota error adds its usage)."""
        return {}


def error_body(code: str, message: str, **extra: Any) -> dict[str, Any]:
    """The API's error object, for the exception handler and for refusals made before a view runs."""
    return {"error": {"code": code, "message": message, **extra}}
