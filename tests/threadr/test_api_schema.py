"""The OpenAPI schema is valid and its docs page works offline under the strict CSP."""

from __future__ import annotations

import pytest
from django.core.management import call_command


def test_the_openapi_schema_validates(tmp_path):
    target = tmp_path / "schema.yml"

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))

    text = target.read_text()
    assert "/api/v1/generations" in text
    assert "/api/v1/threads/{id}" in text


@pytest.mark.django_db
def test_the_schema_and_docs_are_public_and_self_hosted(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    docs = client.get("/api/docs/")

    assert schema.status_code == 200
    assert schema.json()["info"]["title"] == "Threadr API"
    assert docs.status_code == 200
    page = docs.content.decode()
    assert "<script>" not in page.replace(" ", "")
    assert "cdn" not in page.lower()
