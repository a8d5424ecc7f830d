"""The generator page states the limits the API enforces, from the server's own constants."""

from __future__ import annotations

import pytest
from django.test import Client

from generator import views
from generator.services import MAX_TEXT_LENGTH


def test_it_shows_the_article_limit_the_api_enforces(alice) -> None:
    client = Client()
    client.force_login(alice)

    page = client.get("/app/").content.decode()

    assert f'data-limit="{MAX_TEXT_LENGTH}"' in page
    assert f"0 / {MAX_TEXT_LENGTH:,} characters" in page


def test_the_limit_on_the_page_follows_the_server_constant(alice, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(views, "MAX_TEXT_LENGTH", 12_345)
    client = Client()
    client.force_login(alice)

    page = client.get("/app/").content.decode()

    assert 'data-limit="12345"' in page
    assert "0 / 12,345 characters" in page
