"""Private pages stay private: every response is `Cache-Control: private, no-store` (no browser cache, proxy or CDN
keeps it) except the public pages, which keep their own caching. Every URL the project routes is requested, so a
page added later is checked without anyone remembering to list it."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.templatetags.static import static
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.resolvers import RoutePattern

from generator import services
from generator.models import Thread

pytestmark = pytest.mark.django_db

# The pages that are the same for everyone who may see them. Anything else is somebody's.
PUBLIC = {"landing", "pricing", "privacy", "terms", "shared", "shared-image", "api-schema", "api-docs"}
PRIVATE_PREFIXES = ("/app/", "/accounts/", "/api/v1/")


def routes(patterns: list[URLPattern | URLResolver], prefix: str = "", namespace: str = "") -> Iterator[tuple]:
    """(route with its parameters in <name> form, namespaced URL name, view) for every URL the project serves."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from routes(pattern.url_patterns, prefix + _route(pattern.pattern), inner)
        else:
            name = f"{namespace}{pattern.name}" if pattern.name else None
            yield prefix + _route(pattern.pattern), name, pattern.callback


def _route(pattern: object) -> str:
    """A pattern as a route: `<int:pk>` becomes `<pk>`, and a regex's `(?P<key>...)` too (an alternation of
    literal words, as the admin's app labels, becomes its first word)."""
    text = str(pattern)
    if isinstance(pattern, RoutePattern):
        return re.sub(r"<(?:\w+:)?(\w+)>", r"<\1>", text)
    text = text.removeprefix("^").removesuffix("$")

    def group(match: re.Match[str]) -> str:
        words = match[2].split("|")
        return words[0] if all(word.isidentifier() for word in words) else f"<{match[1]}>"

    return re.sub(r"\(\?P<(\w+)>([^)]*)\)", group, text)


def cache_control(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


def test_every_page_but_the_public_ones_is_private_and_not_stored(client, alice):
    thread = Thread(owner=alice, title="Mine", engine="local")
    thread.set_tweets(["Hello."])
    thread = services.thread_update(thread=services.thread_save(thread=thread), shared=True)
    samples = {"pk": thread.pk, "position": 1, "token": thread.share_token, "plan_slug": "pass-30", "id": alice.pk}
    client.force_login(alice)

    checked, wrong = 0, []
    for route, name, view in routes(get_resolver().url_patterns):
        path = "/" + re.sub(r"<(\w+)>", lambda match: str(samples.get(match[1], "1")), route)
        if resolve(path).func != view:
            assert "<" not in route, f"{route}: give <...> a sample value that this route accepts"
            continue  # shadowed by an earlier route (the rate-limited admin sign-in), which the walk checks
        response = client.get(path)
        directives = cache_control(response)
        if name in PUBLIC:
            assert not path.startswith(PRIVATE_PREFIXES), f"{name} is public but lives among private pages"
            if "no-store" in directives:
                wrong.append(f"{path} ({name}) is public but says {response['Cache-Control']}")
        elif not {"private", "no-store"} <= directives:
            wrong.append(f"{path} ({name}, {response.status_code}) says {response.get('Cache-Control')!r}")
        checked += 1

    assert checked > 50  # the walk found the project's pages, the admin's and allauth's
    assert wrong == []


def test_a_downloaded_export_and_a_streamed_generation_are_private(client, alice):
    thread = services.thread_save(thread=Thread(owner=alice, title="Mine", engine="local", tweets=["Hello."]))
    client.force_login(alice)

    thread_export = client.get(f"/api/v1/threads/{thread.pk}/export?format=md")
    data_export = client.get("/accounts/settings/export/")

    assert thread_export.status_code == data_export.status_code == 200
    assert {"private", "no-store"} <= cache_control(thread_export)
    assert {"private", "no-store"} <= cache_control(data_export)


def test_a_page_that_does_not_exist_is_not_stored_either(client, alice):
    client.force_login(alice)

    assert {"private", "no-store"} <= cache_control(client.get("/app/nothing-here/"))


def test_static_files_keep_their_long_lived_caching(client):
    response = client.get(static("css/site.css"))

    assert response.status_code == 200
    assert "no-store" not in cache_control(response)
    assert "max-age=315360000" in cache_control(response) or "immutable" in cache_control(response)
