"""Refuse input no view can use before any view reads it, so odd input is a clear 4xx, never a 500.

- A body larger than `DATA_UPLOAD_MAX_MEMORY_SIZE` is 413, judged by its declared length before a byte is read.
  Django's own check answers 400 and only for form bodies; the API's parser reads the stream without any limit.
- A path with a NUL byte is 404: no page has one, and PostgreSQL refuses the lookup instead of finding nothing.
- JSON nested deeper than any real payload is 400 (Python's parser overflows its stack past ~1,000 levels, and
  everything that walks the data afterwards recurses too).
- A NUL byte or a lone surrogate in any query parameter, form field or JSON string (or key) is 400 naming the
  field. PostgreSQL can store neither, and every form, API field and webhook would otherwise need to remember.

Paths under /api/ get the API's error shape; everything else a plain page.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import render

from threadr.lib.errors import ThreadrError, error_body

MAX_JSON_DEPTH = 32  # Stripe's deepest events nest about 8 levels; ours 3
API_PREFIX = "/api/"
FORM_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")

Path = list[str]


class Refusal(ThreadrError):
    """Input refused before any view ran; `title` heads the plain page a browser gets."""

    def __init__(self, status: int, code: str, title: str, message: str, **extra: Any) -> None:
        super().__init__(message, code=code, status=status)
        self.title = title
        self.extra = extra

    def details(self) -> dict[str, Any]:
        return self.extra


class InputGuardMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            input_check(request)
        except Refusal as refusal:
            return refused(request, refusal)
        return self.get_response(request)


def input_check(request: HttpRequest) -> None:
    """Raise a Refusal for input no view should see; return quietly otherwise."""
    if "\x00" in request.path:
        if request.path.startswith(API_PREFIX):
            raise Refusal(404, "not_found", "Not found", "Not found.")
        raise Http404("No page has a NUL byte in its address.")
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    length = _declared_length(request)
    if limit is not None and length > limit:
        raise Refusal(
            413,
            "request_too_large",
            "That is too much to send",
            f"The request is {_megabytes(length)}; the limit is {_megabytes(limit)}. Send less at once.",
            limit_bytes=limit,
        )
    _fields_check(request.GET.lists())
    content_type = request.content_type or ""
    if content_type in FORM_TYPES:
        form = request.POST if request.method == "POST" else QueryDict(request.body, encoding=request.encoding)
        _fields_check(form.lists())
    elif content_type == "application/json" or content_type.endswith("+json"):
        _json_body_check(request.body)


def refused(request: HttpRequest, refusal: Refusal) -> HttpResponse:
    if request.path.startswith(API_PREFIX):
        body = error_body(refusal.code, refusal.message, **refusal.details())
        return JsonResponse(body, status=refusal.status, json_dumps_params={"ensure_ascii": False})
    context = {"status": refusal.status, "title": refusal.title, "message": refusal.message}
    return render(request, "refused.html", context, status=refusal.status)


def _declared_length(request: HttpRequest) -> int:
    try:
        return max(0, int(request.META.get("CONTENT_LENGTH") or 0))
    except ValueError:
        return 0  # Django reads such a body as empty


def _megabytes(size: int) -> str:
    return f"{size / 1_048_576:.1f} MB"


def _fields_check(fields: Iterable[tuple[str, list[str]]]) -> None:
    for name, values in fields:
        for text in (name, *values):
            _text_check(text, [name])


def _json_body_check(body: bytes) -> None:
    try:
        data = json.loads(body)
    except RecursionError:
        raise _too_deep() from None
    except ValueError:
        return  # not JSON at all: the view's own parser says so in its own words
    json_check(data)


def json_check(data: Any) -> None:
    """Raise a Refusal if parsed JSON nests too deeply or holds text PostgreSQL cannot store (for bodies that
    arrive under another content type, such as a signed webhook's)."""
    pending: list[tuple[Any, Path]] = [(data, [])]
    while pending:
        value, path = pending.pop()
        if isinstance(value, str):
            _text_check(value, path)
            continue
        if not isinstance(value, dict | list):
            continue
        if len(path) >= MAX_JSON_DEPTH:
            raise _too_deep()
        items = value.items() if isinstance(value, dict) else enumerate(value)
        for key, item in items:
            _text_check(str(key), [*path, str(key)])
            pending.append((item, [*path, str(key)]))


def _too_deep() -> Refusal:
    return Refusal(
        400,
        "malformed_request",
        "That request is malformed",
        f"The JSON is nested more than {MAX_JSON_DEPTH} levels deep.",
    )


def _text_check(text: str, path: Path) -> None:
    if "\x00" in text:
        problem, what = "Null characters are not allowed.", "a NUL character"
    elif _LONE_SURROGATE.search(text):
        problem, what = "Surrogate characters are not allowed.", "a lone surrogate character"
    else:
        return
    name = ".".join(_printable(part) for part in path) or "the body"
    fields: Any = [problem]
    for part in reversed(path):
        fields = {_printable(part): fields}
    raise Refusal(
        400,
        "invalid_input",
        "Some input can't be used",
        f"“{name}” contains {what}, which can't be stored. Remove it and try again.",
        **({"fields": fields} if path else {}),
    )


def _printable(name: str) -> str:
    """A field's name as it can be shown and sent back: its NUL bytes and lone surrogates written as escapes."""
    return name.encode("utf-8", "backslashreplace").decode().replace("\x00", "\\x00")
