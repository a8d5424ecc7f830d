"""One place where exceptions become the API's error shape: {"error": {"code", "message", "fields"?}}."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, DataError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response

from threadr.lib.errors import ThreadrError, error_body

logger = logging.getLogger(__name__)

DRF_CODES = {
    exceptions.NotAuthenticated: "not_authenticated",
    exceptions.AuthenticationFailed: "authentication_failed",
    exceptions.PermissionDenied: "permission_denied",
    exceptions.NotFound: "not_found",
    exceptions.MethodNotAllowed: "method_not_allowed",
    exceptions.NotAcceptable: "not_acceptable",
    exceptions.UnsupportedMediaType: "unsupported_media_type",
    exceptions.ParseError: "malformed_request",
    exceptions.Throttled: "throttled",
}


def error_response(code: str, message: str, http_status: int, **extra: Any) -> Response:
    return Response(error_body(code, message, **extra), status=http_status)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response:
    if isinstance(exc, ThreadrError):
        return error_response(exc.code, exc.message, exc.status, **exc.details())
    if isinstance(exc, Http404):
        return error_response("not_found", "Not found.", status.HTTP_404_NOT_FOUND)
    if isinstance(exc, PermissionDenied):
        return error_response("permission_denied", "You may not do that.", status.HTTP_403_FORBIDDEN)
    if isinstance(exc, exceptions.ValidationError):
        return error_response(
            "invalid_input", "Some fields need fixing.", status.HTTP_400_BAD_REQUEST, fields=_fields(exc.detail)
        )
    if isinstance(exc, exceptions.APIException):
        code = next((name for kind, name in DRF_CODES.items() if isinstance(exc, kind)), "error")
        response = error_response(code, _message(exc.detail), exc.status_code)
        wait = getattr(exc, "wait", None)  # set by Throttled (DRF reads it the same way); its stubs omit it
        if wait is not None:
            response["Retry-After"] = str(int(wait))
        auth_header = getattr(exc, "auth_header", None)
        if auth_header:
            response["WWW-Authenticate"] = auth_header
        return response
    if isinstance(exc, DataError):
        return error_response("invalid_input", "Some of the input cannot be stored as given.", 400)
    if isinstance(exc, DatabaseError):
        logger.exception("database error in API view")
        response = error_response(
            "service_unavailable",
            "Threadr can't reach its database right now. Nothing was lost; try again in a minute.",
            status.HTTP_503_SERVICE_UNAVAILABLE,
        )
        response["Retry-After"] = "30"
        return response
    logger.exception("unexpected error in API view")
    return error_response(
        "internal_error", "Something went wrong on our side. Try again.", status.HTTP_500_INTERNAL_SERVER_ERROR
    )


def _fields(detail: Any) -> Any:
    if isinstance(detail, dict):
        return {key: _fields(value) for key, value in detail.items()}
    if isinstance(detail, list):
        return [str(item) if not isinstance(item, dict | list) else _fields(item) for item in detail]
    return str(detail)


def _message(detail: Any) -> str:
    if isinstance(detail, list | tuple) and detail:
        return str(detail[0])
    if isinstance(detail, dict) and detail:
        return str(next(iter(detail.values())))
    return str(detail)
