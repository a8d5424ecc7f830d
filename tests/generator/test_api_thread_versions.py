"""Thread versions: every write moves a thread's version on, reads carry it (JSON `version` and `ETag`), and a
PATCH that names an old version in If-Match is refused with the current thread instead of overwriting it."""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from rest_framework.test import APIClient

from generator import services
from generator.models import Thread
from tests.generator.conftest import ARTICLE
from tests.live import connect, token_for

TWEETS = ["Lead with the conclusion. 1/2", "Keep documents alive. 2/2"]


def make_thread(owner) -> Thread:
    thread = Thread(owner=owner, title="Remote writing habits", engine="local", source_text=ARTICLE)
    thread.set_tweets(TWEETS)
    return services.thread_save(thread=thread)


def tab(user) -> APIClient:
    """Another browser tab (or API client) of the same user."""
    client = APIClient()
    client.force_login(user)
    return client


def texts(body: dict) -> list[str]:
    return [tweet["text"] for tweet in body["tweets"]]


@pytest.mark.django_db
class TestReads:
    def test_it_gives_a_new_thread_version_one_in_the_json_and_the_etag(self, alice_api, alice):
        thread = make_thread(alice)

        response = alice_api.get(f"/api/v1/threads/{thread.pk}")

        assert response.json()["version"] == 1
        assert response["ETag"] == '"1"'

    def test_every_write_moves_the_version_on(self, alice_api, alice):
        thread = make_thread(alice)
        url = f"/api/v1/threads/{thread.pk}"

        edited = alice_api.patch(url, {"title": "Better title"}, format="json")
        rewritten = alice_api.post(f"{url}/tweets/2/regenerate", {}, format="json")
        copy = alice_api.post(f"{url}/duplicate")
        services.thread_unshare_many(threads=Thread.objects.filter(pk=thread.pk))  # not shared: no write
        alice_api.patch(url, {"shared": True}, format="json")
        services.thread_unshare_many(threads=Thread.objects.filter(pk=thread.pk))

        assert edited.json()["version"] == 2
        assert edited["ETag"] == '"2"'
        assert rewritten.json()["version"] == 3
        assert copy.json()["version"] == 1
        assert alice_api.get(url).json()["version"] == 5


@pytest.mark.django_db
class TestConditionalEdits:
    def test_an_edit_made_on_the_current_version_is_saved(self, alice_api, alice):
        thread = make_thread(alice)

        response = alice_api.patch(
            f"/api/v1/threads/{thread.pk}", {"tweets": ["One.", "Two."]}, format="json", headers={"If-Match": '"1"'}
        )

        assert response.status_code == 200
        assert response.json()["version"] == 2
        assert response["ETag"] == '"2"'
        assert Thread.objects.get(pk=thread.pk).tweets == ["One.", "Two."]

    def test_an_edit_made_on_an_old_version_gets_409_with_the_current_thread_and_saves_nothing(self, alice):
        thread = make_thread(alice)
        url = f"/api/v1/threads/{thread.pk}"
        first, second = tab(alice), tab(alice)
        etag = first.get(url)["ETag"]
        assert second.get(url)["ETag"] == etag

        saved = first.patch(url, {"tweets": ["From the first tab."]}, format="json", headers={"If-Match": etag})
        stale = second.patch(
            url, {"title": "Second", "tweets": ["From the second tab."]}, format="json", headers={"If-Match": etag}
        )

        assert saved.status_code == 200
        assert stale.status_code == 409
        error = stale.json()["error"]
        assert error["code"] == "version_conflict"
        assert "changed elsewhere" in error["message"]
        assert error["thread"]["version"] == 2
        assert texts(error["thread"]) == ["From the first tab."]
        assert error["thread"]["title"] == "Remote writing habits"
        stored = Thread.objects.get(pk=thread.pk)
        assert (stored.title, stored.tweets, stored.version) == ("Remote writing habits", ["From the first tab."], 2)

    def test_without_if_match_the_last_write_wins(self, alice):
        thread = make_thread(alice)
        url = f"/api/v1/threads/{thread.pk}"
        first, second = tab(alice), tab(alice)

        first.patch(url, {"tweets": ["First."]}, format="json")
        last = second.patch(url, {"tweets": ["Second."]}, format="json")

        assert last.status_code == 200
        assert texts(last.json()) == ["Second."]
        assert last.json()["version"] == 3

    @pytest.mark.parametrize("header", ["*", 'W/"1"'])
    def test_a_star_or_a_weak_tag_of_the_current_version_is_accepted(self, alice_api, alice, header):
        thread = make_thread(alice)

        response = alice_api.patch(
            f"/api/v1/threads/{thread.pk}", {"favourite": True}, format="json", headers={"If-Match": header}
        )

        assert response.status_code == 200
        assert response.json()["favourite"] is True

    @pytest.mark.parametrize("header", ["1", '"1", "2"', '"one"', '"99999999999"'])
    def test_an_if_match_that_is_not_one_of_our_etags_is_bad_input(self, alice_api, alice, header):
        thread = make_thread(alice)

        response = alice_api.patch(
            f"/api/v1/threads/{thread.pk}", {"favourite": True}, format="json", headers={"If-Match": header}
        )

        assert response.status_code == 400
        assert response.json()["error"]["code"] == "invalid_if_match"
        assert Thread.objects.get(pk=thread.pk).is_favourite is False

    def test_another_users_thread_is_not_found_whatever_the_version(self, alice, bob):
        thread = make_thread(alice)

        response = tab(bob).patch(
            f"/api/v1/threads/{thread.pk}", {"title": "Mine"}, format="json", headers={"If-Match": '"1"'}
        )

        assert response.status_code == 404
        assert "thread" not in response.json()["error"]


@pytest.mark.django_db(transaction=True)
def test_of_racing_edits_made_on_one_version_exactly_one_is_saved(live_server, alice):
    thread = make_thread(alice)
    token = token_for(alice)
    racers = 8
    start = threading.Barrier(racers)

    def edit(number: int) -> tuple[int, dict]:
        body = json.dumps({"tweets": [f"Edit number {number}."]}).encode()
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json", "If-Match": '"1"'}
        connection = connect(live_server.url)
        start.wait()
        connection.request("PATCH", f"/api/v1/threads/{thread.pk}", body=body, headers=headers)
        response = connection.getresponse()
        return response.status, json.loads(response.read())

    with ThreadPoolExecutor(max_workers=racers) as pool:
        results = list(pool.map(edit, range(racers)))

    statuses = sorted(status for status, _ in results)
    assert statuses == [200] + [409] * (racers - 1)
    winner = next(body for status, body in results if status == 200)
    stored = Thread.objects.get(pk=thread.pk)
    assert stored.version == 2
    assert stored.tweets == texts(winner)
    assert all(body["error"]["thread"]["tweets"] == winner["tweets"] for status, body in results if status == 409)
