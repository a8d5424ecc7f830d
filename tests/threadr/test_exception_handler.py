"""The API's exception handler knows the project's base exception, so any app's error reaches the client in the
one shape: its code, its message, its status and whatever details it adds."""

from __future__ import annotations

from typing import Any

from threadr.api import exception_handler
from threadr.lib.errors import ThreadrError


class ShelfFull(ThreadrError):
    code = "shelf_full"
    status = 409

    def details(self) -> dict[str, Any]:
        return {"shelves": 3}


def test_it_answers_any_threadr_error_with_its_code_status_and_details():
    response = exception_handler(ShelfFull("Every shelf is full."), {})

    assert response.status_code == 409
    assert response.data == {"error": {"code": "shelf_full", "message": "Every shelf is full.", "shelves": 3}}


def test_it_answers_a_plain_threadr_error_with_the_base_shape():
    response = exception_handler(ThreadrError("No.", code="refused", status=403), {})

    assert response.status_code == 403
    assert response.data == {"error": {"code": "refused", "message": "No."}}
