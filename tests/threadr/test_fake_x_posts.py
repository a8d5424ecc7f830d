"""The fake X's posts, timeline, rate limits and faults, through plain httpx as Threadr's X client sends them. If
these pass, a publishing test that passes against the fake has met X's answers, the awkward ones included."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx2
import pytest

from tests.fakes import x_server
from tests.fakes.x_server import FakeX, XUser

fake_x = x_server.fake_x


@pytest.fixture
def api(fake_x: FakeX) -> Iterator[httpx2.Client]:
    """Plain httpx for X's API, as the fake's default user with a freshly granted token."""
    token = fake_x.grant()["access_token"]
    with httpx2.Client(base_url=fake_x.base_url, headers={"Authorization": f"Bearer {token}"}) as client:
        yield client


def post(api: httpx2.Client, text: str, reply_to: str | None = None) -> httpx2.Response:
    body: dict[str, Any] = {"text": text}
    if reply_to is not None:
        body["reply"] = {"in_reply_to_tweet_id": reply_to}
    return api.post("/2/tweets", json=body)


def timeline(api: httpx2.Client, user: XUser, **params: str) -> dict[str, Any]:
    params.setdefault("tweet.fields", "created_at,referenced_tweets,in_reply_to_user_id")
    answer = api.get(f"/2/users/{user.id}/tweets", params=params)
    assert answer.status_code == 200
    return dict(answer.json())


# --- Auth ---------------------------------------------------------------------------------------------------------


def test_a_forced_401_hits_the_next_call_only(fake_x: FakeX, api: httpx2.Client) -> None:
    fake_x.refuse_auth()

    assert api.get("/2/users/me").status_code == 401
    assert api.get("/2/users/me").status_code == 200


# --- Posting ------------------------------------------------------------------------------------------------------


def test_it_chains_replies_and_lists_them_newest_first_as_replies(fake_x: FakeX, api: httpx2.Client) -> None:
    ids: list[str] = []
    for text in ("1/3 Small releases win.", "2/3 Feedback is fast.", "3/3 Ship today."):
        answer = post(api, text, reply_to=ids[-1] if ids else None)
        assert answer.status_code == 201
        data = answer.json()["data"]
        assert (data["text"], data["edit_history_tweet_ids"]) == (text, [data["id"]])
        ids.append(data["id"])

    listed = timeline(
        api, fake_x.user, **{"tweet.fields": "created_at,referenced_tweets,in_reply_to_user_id,conversation_id"}
    )["data"]
    heads_only = timeline(api, fake_x.user, exclude="replies")["data"]

    assert [tweet.in_reply_to_tweet_id for tweet in fake_x.posted(fake_x.user)] == [None, ids[0], ids[1]]
    assert [tweet["id"] for tweet in listed] == ids[::-1]
    assert listed[0]["referenced_tweets"] == [{"type": "replied_to", "id": ids[1]}]
    assert listed[0]["in_reply_to_user_id"] == fake_x.user.id
    assert "referenced_tweets" not in listed[-1]
    assert {tweet["conversation_id"] for tweet in listed} == {ids[0]}
    assert [tweet["id"] for tweet in heads_only] == [ids[0]]
    assert datetime.fromisoformat(listed[0]["created_at"]) > datetime.now(UTC) - timedelta(minutes=1)
    assert fake_x.tweet_calls == 3


def test_it_refuses_the_same_text_twice_as_duplicate_content(api: httpx2.Client) -> None:
    assert post(api, "Hello, world.").status_code == 201

    again = post(api, "Hello, world.")

    assert again.status_code == 403
    assert again.json() == {
        "detail": "You are not allowed to create a Tweet with duplicate content.",
        "type": "about:blank",
        "title": "Forbidden",
        "status": 403,
    }


def test_it_refuses_a_reply_to_a_post_that_is_gone(fake_x: FakeX, api: httpx2.Client) -> None:
    first = post(api, "Soon deleted.").json()["data"]["id"]
    assert api.delete(f"/2/tweets/{first}").json() == {"data": {"deleted": True}}

    orphan = post(api, "A reply to nothing.", reply_to=first)

    assert orphan.status_code == 403
    assert orphan.json()["detail"] == "You attempted to reply to a Tweet that is deleted or not visible to you."
    assert fake_x.posted(fake_x.user) == []


def test_it_wraps_links_in_tco_and_gives_the_original_in_entities(fake_x: FakeX, api: httpx2.Client) -> None:
    text = "Read it all: https://blog.example.com/small-releases"

    created = post(api, text).json()["data"]
    listed = timeline(api, fake_x.user, **{"tweet.fields": "entities"})["data"][0]

    assert created["text"].startswith("Read it all: https://t.co/")
    assert listed["text"] == created["text"]
    assert listed["entities"]["urls"][0]["expanded_url"] == "https://blog.example.com/small-releases"
    assert fake_x.posted(fake_x.user)[0].submitted == text


def test_a_rate_limited_post_gets_429_with_the_reset_headers(fake_x: FakeX, api: httpx2.Client) -> None:
    fake_x.posts.tweet_limit = 2
    fake_x.posts.user_daily_limit = 17
    first = post(api, "One.")
    post(api, "Two.")

    limited = post(api, "Three.")

    assert first.headers["x-rate-limit-remaining"] == "1"
    assert limited.status_code == 429
    assert limited.headers["x-rate-limit-limit"] == "2"
    assert limited.headers["x-rate-limit-remaining"] == "0"
    assert int(limited.headers["x-rate-limit-reset"]) == pytest.approx(datetime.now(UTC).timestamp() + 900, abs=5)
    assert limited.headers["x-user-limit-24hour-remaining"] == "15"
    assert [tweet.submitted for tweet in fake_x.posted(fake_x.user)] == ["One.", "Two."]


def test_a_scripted_429_names_the_daily_resets(fake_x: FakeX, api: httpx2.Client) -> None:
    fake_x.rate_limit_tweets(reset_in=60, user_24h_reset_in=3600, app_24h_reset_in=7200)

    limited = post(api, "Not now.")

    now = datetime.now(UTC).timestamp()
    assert limited.status_code == 429
    assert int(limited.headers["x-app-limit-24hour-reset"]) == pytest.approx(now + 7200, abs=5)
    assert int(limited.headers["x-user-limit-24hour-reset"]) == pytest.approx(now + 3600, abs=5)
    assert post(api, "Now.").status_code == 201


# --- Faults -------------------------------------------------------------------------------------------------------


def test_a_timeout_after_the_post_was_accepted_leaves_the_post_on_x(fake_x: FakeX, api: httpx2.Client) -> None:
    fake_x.accept_then_hang()

    with pytest.raises(httpx2.ReadTimeout):
        api.post("/2/tweets", json={"text": "Did it go?"}, timeout=0.5)

    listed = timeline(api, fake_x.user)["data"]
    assert [tweet["text"] for tweet in listed] == ["Did it go?"]
    assert post(api, "Did it go?").status_code == 403  # posting it again is a duplicate


def test_a_connection_dropped_after_the_post_was_accepted_leaves_the_post_on_x(
    fake_x: FakeX, api: httpx2.Client
) -> None:
    fake_x.accept_then_drop()

    with pytest.raises(httpx2.RemoteProtocolError):
        post(api, "Cut off.")

    assert [tweet.submitted for tweet in fake_x.posted(fake_x.user)] == ["Cut off."]


def test_a_connection_dropped_before_the_request_was_read_posts_nothing(fake_x: FakeX, api: httpx2.Client) -> None:
    fake_x.drop_tweets()

    with pytest.raises(httpx2.TransportError):
        post(api, "Lost.")

    assert fake_x.posted(fake_x.user) == []
    assert post(api, "Lost.").status_code == 201
    assert fake_x.tweet_calls == 2


def test_a_5xx_posts_nothing_and_the_next_post_goes_through(fake_x: FakeX, api: httpx2.Client) -> None:
    fake_x.fail_tweets(503)

    failed = post(api, "Try again.")

    assert failed.status_code == 503
    assert fake_x.posted(fake_x.user) == []
    assert post(api, "Try again.").status_code == 201


# --- The timeline -------------------------------------------------------------------------------------------------


def test_the_timeline_honours_start_time_and_max_results(fake_x: FakeX, api: httpx2.Client) -> None:
    for number in range(7):
        post(api, f"Post {number}.")
    later = (datetime.now(UTC) + timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%SZ")

    page = timeline(api, fake_x.user, max_results="5")
    rest = timeline(api, fake_x.user, max_results="5", pagination_token=page["meta"]["next_token"])
    none_yet = timeline(api, fake_x.user, start_time=later)
    too_few = api.get(f"/2/users/{fake_x.user.id}/tweets", params={"max_results": "2"})

    assert [tweet["text"] for tweet in page["data"]] == [f"Post {number}." for number in (6, 5, 4, 3, 2)]
    assert [tweet["text"] for tweet in rest["data"]] == ["Post 1.", "Post 0."]
    assert none_yet == {"meta": {"result_count": 0}}
    assert too_few.status_code == 400
    assert too_few.json()["title"] == "Invalid Request"


def test_a_new_post_stays_out_of_the_timeline_for_the_lag(fake_x: FakeX, api: httpx2.Client) -> None:
    fake_x.posts.timeline_lag = 60

    post(api, "Just now.")

    assert timeline(api, fake_x.user) == {"meta": {"result_count": 0}}
    assert [tweet.submitted for tweet in fake_x.posted(fake_x.user)] == ["Just now."]


def test_timeline_reads_carry_rate_limits_and_take_scripted_faults(fake_x: FakeX, api: httpx2.Client) -> None:
    fake_x.rate_limit_timeline(reset_in=120)
    fake_x.fail_timeline(503)
    path = f"/2/users/{fake_x.user.id}/tweets"

    limited, failed, read = api.get(path), api.get(path), api.get(path)

    assert limited.status_code == 429
    assert int(limited.headers["x-rate-limit-reset"]) == pytest.approx(datetime.now(UTC).timestamp() + 120, abs=5)
    assert (failed.status_code, failed.json()["title"]) == (503, "Service Unavailable")
    assert read.status_code == 200
    assert read.headers["x-rate-limit-remaining"] == "899"
    assert fake_x.calls("GET", "/2/users/") == 3


def test_the_timeline_of_an_unknown_user_is_xs_not_found_error(api: httpx2.Client) -> None:
    answer = api.get("/2/users/42/tweets")

    assert answer.status_code == 200
    assert answer.json()["errors"][0]["detail"] == "Could not find user with id: [42]."


# --- Watching and holding requests --------------------------------------------------------------------------------


def test_without_the_duplicate_check_a_post_made_twice_shows_twice(fake_x: FakeX, api: httpx2.Client) -> None:
    fake_x.posts.duplicate_window = 0

    post(api, "Once only, we hoped.")
    post(api, "Once only, we hoped.")

    assert [tweet.submitted for tweet in fake_x.posted(fake_x.user)] == ["Once only, we hoped."] * 2
    assert fake_x.sent_texts() == ["Once only, we hoped."] * 2


def test_a_test_can_hold_a_post_and_act_once_it_is_stored_before_the_answer(fake_x: FakeX, api: httpx2.Client) -> None:
    arrived, release, seen = threading.Event(), threading.Event(), []

    def hold(method: str, path: str) -> None:
        if path == "/2/tweets":
            arrived.set()
            release.wait(5)

    sender = threading.Thread(target=post, args=(api, "Held."))
    fake_x.on_request = hold
    fake_x.on_tweet = lambda tweet: seen.append((tweet.submitted, sender.is_alive()))

    sender.start()
    assert arrived.wait(5)
    held = fake_x.posted(fake_x.user)
    release.set()
    sender.join(5)

    assert held == []
    assert seen == [("Held.", True)]  # the sender was still waiting for X's answer
    assert [tweet.submitted for tweet in fake_x.posted(fake_x.user)] == ["Held."]


def test_reset_leaves_a_fake_that_outlives_a_test_as_good_as_new(fake_x: FakeX, api: httpx2.Client) -> None:
    post(api, "From an earlier test.")
    fake_x.accept_then_hang()
    fake_x.on_tweet = print
    user_id = fake_x.user.id

    fake_x.reset()

    assert api.get("/2/users/me").status_code == 401  # tokens from before are gone
    assert fake_x.user.id == user_id
    assert (fake_x.posted(fake_x.user), fake_x.tweet_calls, fake_x.pending_faults()) == ([], 0, 0)
    assert fake_x.on_tweet is None
