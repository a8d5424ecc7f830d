"""Every response carries the strict CSP and the other security headers: pages, errors and JSON alike."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def csp_directives(response) -> dict[str, str]:
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part.strip() for part in policy.split(";") if part.strip()}


def assert_secure_headers(response) -> None:
    directives = csp_directives(response)
    assert directives["default-src"] == "default-src 'self'"
    assert directives["script-src"] == "script-src 'self'"
    assert directives["style-src"] == "style-src 'self'"
    assert directives["frame-ancestors"] == "frame-ancestors 'none'"
    assert directives["form-action"] == "form-action 'self' https://checkout.stripe.com https://billing.stripe.com"
    assert directives["base-uri"] == "base-uri 'none'"
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]
    assert "microphone=()" in response["Permissions-Policy"]


@pytest.mark.django_db
def test_a_page_is_served_with_strict_security_headers(client):
    response = client.get("/")

    assert response.status_code == 200
    assert_secure_headers(response)


@pytest.mark.django_db
def test_a_404_is_styled_and_served_with_strict_security_headers(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "We couldn't find that page" in response.content.decode()
    assert_secure_headers(response)


@pytest.mark.django_db
def test_a_json_response_is_served_with_strict_security_headers(client):
    response = client.get("/health")

    assert response["Content-Type"] == "application/json"
    assert_secure_headers(response)


@pytest.mark.parametrize("template", sorted(TEMPLATES.rglob("*.html")), ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_no_template_has_inline_script_or_style(template):
    html = template.read_text()

    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline <script> is blocked by the CSP"
    assert not re.search(r"\son[a-z]+\s*=", html, re.IGNORECASE), "inline event handlers are blocked by the CSP"
    if {"email", "emails"} & set(template.relative_to(TEMPLATES).parts):
        return  # an email's HTML part is styled inline, as mail programs need; no page serves it under the CSP
    assert not re.search(r"<style\b", html, re.IGNORECASE), "inline <style> is blocked by the CSP"
    assert not re.search(r"\sstyle\s*=", html, re.IGNORECASE), "style= attributes are blocked by the CSP"
