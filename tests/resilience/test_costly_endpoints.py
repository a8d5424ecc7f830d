"""No endpoint that calls the AI provider or fetches a URL is unthrottled.

The audit, kept current by the first two tests: the provider and the fetcher are reached only through the doors
below, the doors are called only by the services named here, and the only views (pages or API) that call those
services are the endpoints in COSTLY. The last tests prove each of them refuses a burst with 429 before the
provider or the page is reached.
"""

from __future__ import annotations

import ast
import inspect
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient

from accounts.models import User
from generator import services
from generator.models import Thread
from tests.fakes import pages
from tests.fakes.openai_server import FakeOpenAI, FakeReply
from tests.generator.conftest import ARTICLE

ROOT = Path(__file__).resolve().parents[2]
PROJECT = ("accounts", "billing", "generator", "threadr")

# Who may call each door to the provider or the fetcher (definitions aside). Anything new here is a new way to
# spend money: throttle the endpoint that reaches it, then list it.
DOORS = {
    "get_engine": {"generator/services.py", "generator/rewrites.py", "generator/management/commands/makethread.py"},
    "import_article": {"generator/services.py", "generator/management/commands/makethread.py"},
    "fetch": {"generator/extract/__init__.py"},
    "generation_events": {"generator/api/generations.py"},
    "tweet_regenerate": {"generator/api/threads.py"},
}
# URL name -> (method, path, request body): every endpoint that reaches a door.
COSTLY = {
    "api-generations": ("post", "/api/v1/generations", {"text": ARTICLE}),
    "api-tweet-regenerate": ("post", "/api/v1/threads/{thread}/tweets/1/regenerate", {}),
}
THROTTLES = {  # the settings that throttle each, per user and per client IP
    "api-generations": ("GENERATION_RATE_PER_USER", "GENERATION_RATE_PER_IP"),
    "api-tweet-regenerate": ("REWRITE_RATE_PER_USER", "REWRITE_RATE_PER_IP"),
}

page_server = pages.page_server


def called(source: str) -> set[str]:
    """The names of the functions and methods `source` calls."""
    calls = [node.func for node in ast.walk(ast.parse(textwrap.dedent(source))) if isinstance(node, ast.Call)]
    return {
        call.id if isinstance(call, ast.Name) else call.attr
        for call in calls
        if isinstance(call, ast.Name | ast.Attribute)
    }


def project_sources() -> Iterator[tuple[str, str]]:
    for top in PROJECT:
        for path in (ROOT / top).rglob("*.py"):
            if "migrations" not in path.parts:
                yield str(path.relative_to(ROOT)), path.read_text(encoding="utf-8")


def test_the_provider_and_the_fetcher_are_reached_only_through_the_known_doors() -> None:
    callers: dict[str, set[str]] = {door: set() for door in DOORS}
    for name, source in project_sources():
        for door in DOORS.keys() & called(source):
            callers[door].add(name)

    assert callers == DOORS


def views() -> Iterator[tuple[str, Callable[..., Any]]]:
    def walk(resolver: URLResolver) -> Iterator[tuple[str, Callable[..., Any]]]:
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                yield from walk(entry)
            elif isinstance(entry, URLPattern):
                view = getattr(entry.callback, "view_class", None) or inspect.unwrap(entry.callback)
                if view.__module__.split(".")[0] in PROJECT:
                    yield entry.name or view.__qualname__, view

    yield from walk(get_resolver())


def test_every_page_and_endpoint_that_reaches_a_door_is_listed_as_costly() -> None:
    reaching = {
        name for name, view in views() if called(inspect.getsource(view)) & {"generation_events", "tweet_regenerate"}
    }

    assert reaching == set(COSTLY)
    assert set(THROTTLES) == set(COSTLY)


@pytest.fixture
def thread(alice: User) -> Thread:
    made = Thread(owner=alice, title="Remote writing", engine="openai", source_text=ARTICLE)
    made.set_tweets(["Lead with the conclusion. 1/2", "Keep documents alive. 2/2"])
    return services.thread_save(thread=made)


def send(api: APIClient, name: str, thread: Thread, **body: Any) -> Any:
    method, path, default = COSTLY[name]
    return getattr(api, method)(path.format(thread=thread.pk), {**default, **body}, format="json")


@pytest.mark.usefixtures("one_throttle_window")  # its requests all land in one throttle window
@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(COSTLY))
def test_each_costly_endpoint_refuses_a_burst_from_one_user_before_the_provider(
    name: str, alice: User, thread: Thread, fake_openai: FakeOpenAI, settings: Any
) -> None:
    per_user, _ = THROTTLES[name]
    setattr(settings, per_user, 1)
    fake_openai.default = FakeReply(tweets=["Lead with the conclusion.", "Keep documents alive."])
    api = APIClient()
    api.force_login(alice)

    first, second = send(api, name, thread), send(api, name, thread)

    assert first.status_code in {200, 201}, first.content
    assert second.status_code == 429
    assert second.json()["error"]["code"] == "throttled"
    assert 1 <= int(second["Retry-After"]) <= 60
    assert len(fake_openai.completions) == 1


@pytest.mark.usefixtures("one_throttle_window")  # its requests all land in one throttle window
@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(COSTLY))
def test_each_costly_endpoint_refuses_a_burst_from_one_address_across_accounts(
    name: str, alice: User, mallory: User, thread: Thread, fake_openai: FakeOpenAI, settings: Any
) -> None:
    _, per_ip = THROTTLES[name]
    setattr(settings, per_ip, 1)
    fake_openai.default = FakeReply(tweets=["Lead with the conclusion.", "Keep documents alive."])
    mallorys = Thread(owner=mallory, title="Remote writing", engine="openai", source_text=ARTICLE)
    mallorys.set_tweets(thread.tweets)
    services.thread_save(thread=mallorys)
    first, second = APIClient(), APIClient()
    first.force_login(alice)
    second.force_login(mallory)

    assert send(first, name, thread).status_code in {200, 201}
    assert send(second, name, mallorys).status_code == 429
    assert len(fake_openai.completions) == 1


@pytest.mark.usefixtures("one_throttle_window")  # its requests all land in one throttle window
@pytest.mark.django_db
def test_a_throttled_url_import_fetches_nothing(
    alice: User, page_server: Any, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.GENERATION_RATE_PER_USER = 1
    settings.FETCH_ALLOWED_PRIVATE_NETWORKS = ["127.0.0.1/32"]
    pages.map_hosts(monkeypatch, {"blog.example": "127.0.0.1"})
    api = APIClient()
    api.force_login(alice)

    assert api.post("/api/v1/generations", {"text": ARTICLE}, format="json").status_code == 201
    url = f"http://blog.example:{page_server.port}/blog_post.html"
    refused = api.post("/api/v1/generations", {"url": url}, format="json")

    assert refused.status_code == 429
    assert page_server.total_hits == 0
