"""The history API: list, search, read, edit, duplicate, export, regenerate — and only ever your own threads."""

from __future__ import annotations

import json

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts.services import api_token_create
from generator import services
from generator.models import Thread
from tests.conftest import DEAD_REDIS
from tests.generator.conftest import ARTICLE

pytestmark = pytest.mark.django_db


def make_thread(owner, title="Remote writing habits", tweets=None, **fields) -> Thread:
    thread = Thread(owner=owner, title=title, engine="local", source_text="Some source.", **fields)
    thread.set_tweets(tweets or ["Lead with the conclusion. 1/2", "Keep documents alive. 2/2"])
    return services.thread_save(thread=thread)  # as every path that writes threads does


def test_it_lists_threads_newest_first_in_drf_pages(alice_api, alice):
    for number in range(25):
        make_thread(alice, title=f"Thread {number}")

    first = alice_api.get("/api/v1/threads").json()
    second = alice_api.get(first["next"]).json()

    assert first["count"] == 25
    assert first["results"][0]["title"] == "Thread 24"
    assert first["results"][0]["tweet_count"] == 2
    assert first["results"][0]["first_tweet"] == "Lead with the conclusion. 1/2"
    assert "tweets" not in first["results"][0]
    assert len(first["results"]) == 20
    assert len(second["results"]) == 5
    assert second["previous"] is not None


def test_the_list_runs_a_constant_number_of_queries(alice_api, alice):
    def queries_for(count: int) -> int:
        services.thread_delete_many(threads=Thread.objects.all())
        for number in range(count):
            make_thread(alice, title=f"Thread {number}")
        with CaptureQueriesContext(connection) as captured:
            assert alice_api.get("/api/v1/threads?page_size=50").status_code == 200
        return len(captured)

    assert queries_for(3) == queries_for(40)


def test_it_searches_titles_and_tweets(alice_api, alice):
    make_thread(alice, title="Remote writing habits")
    make_thread(alice, title="Sourdough basics", tweets=["Feed the starter twice a day.", "Bake hot."])

    by_title = alice_api.get("/api/v1/threads?q=sourdough").json()
    by_tweet = alice_api.get("/api/v1/threads?q=starter").json()

    assert [item["title"] for item in by_title["results"]] == ["Sourdough basics"]
    assert [item["title"] for item in by_tweet["results"]] == ["Sourdough basics"]


def test_it_filters_favourites_and_archived(alice_api, alice):
    make_thread(alice, title="Plain")
    make_thread(alice, title="Starred", is_favourite=True)
    make_thread(alice, title="Old", is_archived=True)

    favourites = alice_api.get("/api/v1/threads?favourite=true").json()["results"]
    archived = alice_api.get("/api/v1/threads?archived=true").json()["results"]
    default = alice_api.get("/api/v1/threads").json()["results"]

    assert [item["title"] for item in favourites] == ["Starred"]
    assert [item["title"] for item in archived] == ["Old"]
    assert {item["title"] for item in default} == {"Plain", "Starred"}


def test_it_edits_tweets_title_and_flags(alice_api, alice):
    thread = make_thread(alice)

    response = alice_api.patch(
        f"/api/v1/threads/{thread.pk}",
        {"title": "Better title", "tweets": ["One.", "Two.", "Three."], "favourite": True, "shared": True},
        format="json",
    )

    assert response.status_code == 200
    body = response.json()
    assert body["title"] == "Better title"
    assert [tweet["text"] for tweet in body["tweets"]] == ["One.", "Two.", "Three."]
    assert body["favourite"] is True
    assert body["shared"] is True
    thread.refresh_from_db()
    assert thread.share_token is not None
    assert len(thread.share_token) >= 32
    assert body["share_url"] == f"/t/{thread.share_token}/"


def test_unsharing_drops_the_link(alice_api, alice):
    thread = make_thread(alice, share_token="x" * 32)

    alice_api.patch(f"/api/v1/threads/{thread.pk}", {"shared": False}, format="json")

    thread.refresh_from_db()
    assert thread.share_token is None


def test_an_empty_tweet_is_refused(alice_api, alice):
    thread = make_thread(alice)

    response = alice_api.patch(f"/api/v1/threads/{thread.pk}", {"tweets": ["One.", "  "]}, format="json")

    assert response.status_code == 400
    thread.refresh_from_db()
    assert len(thread.tweets) == 2


def test_it_duplicates_and_deletes(alice_api, alice):
    thread = make_thread(alice)

    copy = alice_api.post(f"/api/v1/threads/{thread.pk}/duplicate").json()
    deleted = alice_api.delete(f"/api/v1/threads/{thread.pk}")

    assert copy["title"] == "Copy of Remote writing habits"
    assert [tweet["text"] for tweet in copy["tweets"]] == thread.tweets
    assert deleted.status_code == 204
    assert list(Thread.objects.values_list("pk", flat=True)) == [copy["id"]]


@pytest.mark.parametrize(
    ("kind", "content_type", "expected"),
    [
        ("txt", "text/plain", "Lead with the conclusion. 1/2\n\nKeep documents alive. 2/2\n"),
        ("md", "text/markdown", "## Tweet 2\n\nKeep documents alive. 2/2"),
    ],
)
def test_it_exports_text_and_markdown(alice_api, alice, kind, content_type, expected):
    thread = make_thread(alice)

    response = alice_api.get(f"/api/v1/threads/{thread.pk}/export?format={kind}")

    assert response.status_code == 200
    assert response["Content-Type"].startswith(content_type)
    assert f".{kind}" in response["Content-Disposition"]
    assert expected in response.content.decode()


def test_it_exports_json(alice_api, alice):
    thread = make_thread(alice)

    data = json.loads(alice_api.get(f"/api/v1/threads/{thread.pk}/export?format=json").content)

    assert data["title"] == "Remote writing habits"
    assert data["tweets"][1] == {"position": 2, "text": "Keep documents alive. 2/2", "weighted_length": 25}


def test_usage_and_styles(alice_api):
    usage = alice_api.get("/api/v1/usage").json()
    styles = alice_api.get("/api/v1/styles").json()

    assert usage["plan"] == "free"
    assert (usage["daily_used"], usage["daily_limit"], usage["monthly_limit"]) == (0, 5, 20)
    assert usage["premium_until"] is None
    premium = [style["slug"] for style in styles if style["premium_only"]]
    assert len(premium) >= 3
    assert all(not style["available"] for style in styles if style["premium_only"])


ENDPOINTS = [
    ("get", "/api/v1/threads/{pk}"),
    ("patch", "/api/v1/threads/{pk}"),
    ("delete", "/api/v1/threads/{pk}"),
    ("post", "/api/v1/threads/{pk}/duplicate"),
    ("post", "/api/v1/threads/{pk}/tweets/1/regenerate"),
    ("get", "/api/v1/threads/{pk}/export?format=txt"),
]


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_someone_elses_thread_is_a_404_on_every_endpoint(api, alice, mallory, method, path):
    thread = make_thread(alice)
    api.force_login(mallory)

    response = getattr(api, method)(path.format(pk=thread.pk), {"title": "pwned"}, format="json")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    thread.refresh_from_db()
    assert thread.title == "Remote writing habits"
    assert Thread.objects.count() == 1


def test_someone_elses_threads_never_appear_in_a_list_or_search(api, alice, mallory):
    make_thread(alice, title="Alice's secret plan")
    api.force_login(mallory)

    assert api.get("/api/v1/threads?q=secret").json()["count"] == 0
    assert api.get("/api/v1/threads").json()["count"] == 0


def test_session_writes_need_a_csrf_token(alice):
    thread = make_thread(alice)
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(alice)

    response = client.patch(f"/api/v1/threads/{thread.pk}", {"title": "changed"}, format="json")

    assert response.status_code == 403
    thread.refresh_from_db()
    assert thread.title == "Remote writing habits"


def test_regenerating_a_tweet_rewrites_it_and_counts_against_the_thread(alice_api, alice, settings):
    settings.MAX_REGENERATIONS_PER_THREAD = 2
    from tests.generator.conftest import ARTICLE

    created = alice_api.post("/api/v1/generations", {"text": ARTICLE}, format="json").json()
    url = f"/api/v1/threads/{created['id']}/tweets/2/regenerate"

    first = alice_api.post(url, {"instruction": "shorter"}, format="json")
    second = alice_api.post(url, {}, format="json")
    third = alice_api.post(url, {}, format="json")

    assert first.status_code == 200
    assert first.json()["regenerations"] == 1
    assert all(tweet["weighted_length"] <= 280 for tweet in first.json()["tweets"])
    assert second.status_code == 200
    assert third.status_code == 403
    assert third.json()["error"]["code"] == "regenerate_limit"
    assert alice_api.get("/api/v1/usage").json()["daily_used"] == 1


def test_a_search_with_a_nul_character_is_refused_naming_the_field_not_crashed(alice_api, alice):
    make_thread(alice, title="Sourdough basics")

    response = alice_api.get("/api/v1/threads?q=sour%00dough")

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"q": ["Null characters are not allowed."]}


def test_rewriting_a_tweet_in_a_thread_with_an_overlong_edit_still_works(alice_api, alice):
    from tests.generator.conftest import ARTICLE

    created = alice_api.post("/api/v1/generations", {"text": ARTICLE}, format="json").json()
    tweets = [tweet["text"] for tweet in created["tweets"]]
    tweets[0] = "word " * 80 + tweets[0]  # a person pasted too much into the first tweet
    alice_api.patch(f"/api/v1/threads/{created['id']}", {"tweets": tweets}, format="json")

    response = alice_api.post(f"/api/v1/threads/{created['id']}/tweets/2/regenerate", {}, format="json")

    assert response.status_code == 200
    texts = [tweet["text"] for tweet in response.json()["tweets"]]
    assert texts[0] == tweets[0]
    assert texts[-1].endswith(f"{len(texts)}/{len(texts)}")


def schema_properties(api, component: str) -> set[str]:
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    return set(schema["components"]["schemas"][component]["properties"])


def test_a_thread_is_answered_exactly_as_its_schema_describes_it(alice_api, alice):
    thread = make_thread(alice, share_token="token-for-the-schema-test", is_favourite=True, regenerations=2)
    thread.refresh_from_db()

    answered = alice_api.get(f"/api/v1/threads/{thread.pk}").json()

    assert answered == {
        "id": thread.pk,
        "title": "Remote writing habits",
        "source_url": "",
        "style": "",
        "engine": "local",
        "options": {},
        "created_at": thread.created_at.isoformat().replace("+00:00", "Z"),
        "updated_at": thread.updated_at.isoformat().replace("+00:00", "Z"),
        "favourite": True,
        "archived": False,
        "shared": True,
        "share_url": "/t/token-for-the-schema-test/",
        "regenerations": 2,
        "version": 1,
        "tweets": [
            {"position": 1, "text": "Lead with the conclusion. 1/2", "weighted_length": 29},
            {"position": 2, "text": "Keep documents alive. 2/2", "weighted_length": 25},
        ],
    }
    assert set(answered) == schema_properties(alice_api, "ThreadOutput")


def test_a_history_entry_is_answered_exactly_as_its_schema_describes_it(alice_api, alice):
    thread = make_thread(alice, share_token="token-for-the-schema-test")
    thread.refresh_from_db()

    [entry] = alice_api.get("/api/v1/threads").json()["results"]

    assert entry == {
        "id": thread.pk,
        "title": "Remote writing habits",
        "source_url": "",
        "style": "",
        "engine": "local",
        "created_at": thread.created_at.isoformat().replace("+00:00", "Z"),
        "updated_at": thread.updated_at.isoformat().replace("+00:00", "Z"),
        "favourite": False,
        "archived": False,
        "shared": True,
        "tweet_count": 2,
        "first_tweet": "Lead with the conclusion. 1/2",
    }
    assert set(entry) == schema_properties(alice_api, "ThreadSummaryOutput")


def test_a_repeated_history_page_comes_from_the_cache(api, alice):
    make_thread(alice, title="Cached once")
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {api_token_create(user=alice, name='cli').raw}")
    assert api.get("/api/v1/threads").status_code == 200

    with CaptureQueriesContext(connection) as captured:
        again = api.get("/api/v1/threads")

    assert again.json()["results"][0]["title"] == "Cached once"
    assert len(captured) == 1  # the token's lookup: the page itself is not built again


def test_it_keeps_history_pages_only_in_the_shared_cache(api, alice):
    make_thread(alice, title="Cached once")
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {api_token_create(user=alice, name='cli').raw}")
    assert api.get("/api/v1/threads").status_code == 200

    cache.clear()  # what every worker sees: no copy left in this process can answer
    with CaptureQueriesContext(connection) as captured:
        again = api.get("/api/v1/threads")

    assert again.json()["results"][0]["title"] == "Cached once"
    assert len(captured) > 1  # the page was built again from the database


def test_it_builds_every_history_page_afresh_when_the_cache_is_off(api, alice, settings):
    settings.HISTORY_CACHE_SECONDS = 0
    make_thread(alice, title="Never cached")
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {api_token_create(user=alice, name='cli').raw}")
    assert api.get("/api/v1/threads").status_code == 200

    with CaptureQueriesContext(connection) as captured:
        again = api.get("/api/v1/threads")

    assert again.json()["results"][0]["title"] == "Never cached"
    assert len(captured) > 1


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(
            lambda api, thread: api.patch(f"/api/v1/threads/{thread.pk}", {"title": "Renamed"}, format="json"),
            id="edit",
        ),
        pytest.param(
            lambda api, thread: api.patch(f"/api/v1/threads/{thread.pk}", {"favourite": True}, format="json"), id="star"
        ),
        pytest.param(lambda api, thread: api.delete(f"/api/v1/threads/{thread.pk}"), id="delete"),
        pytest.param(lambda api, thread: api.post(f"/api/v1/threads/{thread.pk}/duplicate"), id="duplicate"),
        pytest.param(
            lambda api, thread: services.thread_delete_many(threads=Thread.objects.filter(pk=thread.pk)),
            id="delete-outside-api",
        ),
        pytest.param(lambda api, thread: make_thread(thread.owner, title="Made elsewhere"), id="create-outside-api"),
        pytest.param(
            lambda api, thread: api.post("/api/v1/generations", {"text": ARTICLE}, format="json"), id="generate"
        ),
    ],
)
def test_every_change_to_a_users_threads_shows_in_the_next_history_page(alice_api, alice, change):
    thread = make_thread(alice, title="Before")
    before = alice_api.get("/api/v1/threads").json()

    change(alice_api, thread)
    after = alice_api.get("/api/v1/threads").json()

    assert after != before
    assert after == alice_api.get("/api/v1/threads?page=1").json()  # another address: built afresh


def test_one_users_cached_history_is_never_anothers(api, alice, mallory):
    make_thread(alice, title="Alice's only")
    for user, expected in ((alice, ["Alice's only"]), (mallory, []), (alice, ["Alice's only"]), (mallory, [])):
        api.force_login(user)
        assert [item["title"] for item in api.get("/api/v1/threads").json()["results"]] == expected


def test_the_history_is_served_while_redis_is_down(alice_api, alice):
    make_thread(alice, title="Still listed")
    with override_settings(CACHES=DEAD_REDIS):
        response = alice_api.get("/api/v1/threads")

    assert response.status_code == 200
    assert response.json()["results"][0]["title"] == "Still listed"
