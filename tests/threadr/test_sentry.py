"""Error reports name the request and the user by id only: no body, cookie, query string or email leaves."""

from __future__ import annotations

from threadr.lib.logging import request_id_var, user_id_var
from threadr.lib.sentry import scrub


def event() -> dict:
    return {
        "message": "Stripe event for alice@example.com failed",
        "exception": {"values": [{"type": "ValueError", "value": "no user bob@example.org"}]},
        "request": {
            "url": "https://threadr.example.com/api/v1/generations",
            "method": "POST",
            "data": {"text": "My unpublished article"},
            "cookies": {"sessionid": "secret"},
            "query_string": "token=abc",
            "headers": {"Cookie": "sessionid=secret", "Authorization": "Bearer thr_x", "User-Agent": "curl"},
        },
        "user": {"email": "alice@example.com", "ip_address": "203.0.113.9"},
        "breadcrumbs": {"values": [{"message": "signed in as carol@example.net"}]},
    }


def test_it_drops_the_body_cookies_query_string_and_credentials():
    request = scrub(event())["request"]

    assert request == {
        "url": "https://threadr.example.com/api/v1/generations",
        "method": "POST",
        "headers": {"User-Agent": "curl"},
    }


def test_it_redacts_email_addresses_wherever_they_appear():
    scrubbed = scrub(event())

    assert scrubbed["message"] == "Stripe event for [email] failed"
    assert scrubbed["exception"]["values"][0]["value"] == "no user [email]"
    assert scrubbed["breadcrumbs"]["values"][0]["message"] == "signed in as [email]"
    assert "@" not in repr(scrubbed)


def test_it_tags_the_request_id_and_keeps_only_the_users_id():
    request_token, user_token = request_id_var.set("req-123"), user_id_var.set(42)
    try:
        scrubbed = scrub(event())
    finally:
        request_id_var.reset(request_token)
        user_id_var.reset(user_token)

    assert scrubbed["tags"] == {"request_id": "req-123", "user_id": "42"}
    assert scrubbed["user"] == {"id": "42"}


def test_outside_a_request_it_sends_no_user_at_all():
    scrubbed = scrub(event())

    assert scrubbed["user"] == {}
    assert scrubbed["tags"] == {}
