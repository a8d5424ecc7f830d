"""The fake X speaks X's protocol to the clients Threadr publishes with: Authlib's httpx OAuth 2.0 client (PKCE S256)
for connecting and refreshing, and plain httpx for posts. If these pass, a publishing test that passes against the
fake exercises the same requests and answers it would meet at X."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx2
import pytest
import time_machine
from authlib.common.security import generate_token
from authlib.integrations.base_client import OAuthError
from authlib.integrations.httpx_client import OAuth2Client

from tests.fakes import x_server
from tests.fakes.x_server import SCOPES, FakeX, XUser, running_fake_x

fake_x = x_server.fake_x

CALLBACK = "https://threadr.test/accounts/x/callback/"


def oauth_client(fake: FakeX, **kwargs: Any) -> OAuth2Client:
    # A public client names itself in the form; a confidential one uses HTTP Basic, Authlib's default.
    options: dict[str, Any] = (
        {"client_secret": fake.client_secret} if fake.client_secret else {"token_endpoint_auth_method": "none"}
    )
    return OAuth2Client(
        client_id=fake.client_id,
        scope=SCOPES,
        redirect_uri=CALLBACK,
        code_challenge_method="S256",
        **(options | kwargs),
    )


def authorize(fake: FakeX, client: OAuth2Client, verifier: str) -> httpx2.URL:
    """Send the browser to X's authorize page; where X sends it back."""
    url, _state = client.create_authorization_url(fake.settings()["X_AUTHORIZE_URL"], code_verifier=verifier)
    answer = httpx2.get(url)
    assert answer.status_code == 302
    return httpx2.URL(answer.headers["location"])


def connect(fake: FakeX, client: OAuth2Client | None = None) -> dict[str, Any]:
    """The whole connect flow: authorize, then exchange the code with its verifier. The token it returns."""
    client = client or oauth_client(fake)
    verifier = generate_token(64)
    back = authorize(fake, client, verifier)
    token = client.fetch_token(fake.settings()["X_TOKEN_URL"], authorization_response=str(back), code_verifier=verifier)
    return dict(token)


def bearer_get(fake: FakeX, path: str, access_token: str) -> httpx2.Response:
    return httpx2.get(f"{fake.base_url}{path}", headers={"Authorization": f"Bearer {access_token}"})


def refresh(fake: FakeX, refresh_token: str) -> dict[str, Any]:
    return dict(oauth_client(fake).refresh_token(fake.settings()["X_TOKEN_URL"], refresh_token=refresh_token))


@pytest.fixture
def api(fake_x: FakeX) -> Iterator[httpx2.Client]:
    """Plain httpx for X's API, signed in as the fake's default user."""
    token = connect(fake_x)["access_token"]
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


# --- Connecting ---------------------------------------------------------------------------------------------------


def test_it_sends_the_browser_back_with_a_code_and_the_state(fake_x: FakeX) -> None:
    client = oauth_client(fake_x)
    url, state = client.create_authorization_url(fake_x.settings()["X_AUTHORIZE_URL"], code_verifier=generate_token(64))

    back = httpx2.URL(httpx2.get(url).headers["location"])

    assert str(back.copy_with(query=None)) == CALLBACK
    assert back.params["state"] == state
    assert back.params["code"]
    asked = fake_x.oauth.authorize_requests[-1]
    assert (asked.client_id, asked.redirect_uri, asked.scope) == (fake_x.client_id, CALLBACK, SCOPES)
    assert asked.code_challenge_method == "S256"


def test_it_sends_the_browser_back_with_access_denied_when_the_user_refuses(fake_x: FakeX) -> None:
    fake_x.deny_authorization = True

    back = authorize(fake_x, oauth_client(fake_x), generate_token(64))

    assert back.params["error"] == "access_denied"
    assert "code" not in back.params


def test_it_exchanges_the_code_for_a_two_hour_token_pair_that_reads_the_user(fake_x: FakeX) -> None:
    token = connect(fake_x)

    assert token["token_type"] == "bearer"
    assert token["expires_in"] == 7200
    assert token["scope"] == SCOPES
    me = bearer_get(fake_x, "/2/users/me", token["access_token"])
    assert me.json() == {"data": {"id": fake_x.user.id, "name": "Threadr Writer", "username": "threadr_writer"}}


def test_it_refuses_a_code_verifier_that_does_not_match_the_challenge(fake_x: FakeX) -> None:
    client = oauth_client(fake_x)
    back = authorize(fake_x, client, generate_token(64))

    with pytest.raises(OAuthError) as refused:
        client.fetch_token(
            fake_x.settings()["X_TOKEN_URL"], authorization_response=str(back), code_verifier=generate_token(64)
        )

    assert refused.value.error == "invalid_request"
    assert refused.value.description == "Value passed for the authorization code was invalid."
    assert fake_x.oauth.issued("access") == []


def test_it_takes_a_code_once(fake_x: FakeX) -> None:
    client = oauth_client(fake_x)
    verifier = generate_token(64)
    back = str(authorize(fake_x, client, verifier))
    client.fetch_token(fake_x.settings()["X_TOKEN_URL"], authorization_response=back, code_verifier=verifier)

    with pytest.raises(OAuthError, match="authorization code was invalid"):
        client.fetch_token(fake_x.settings()["X_TOKEN_URL"], authorization_response=back, code_verifier=verifier)


def test_a_confidential_client_must_authenticate_with_http_basic() -> None:
    with running_fake_x(client_secret="s3cret") as fake:
        assert connect(fake)["access_token"]

        with pytest.raises(OAuthError) as refused:
            connect(fake, oauth_client(fake, client_secret="wrong"))

    assert refused.value.error == "unauthorized_client"


# --- Tokens -------------------------------------------------------------------------------------------------------


def test_it_rotates_refresh_tokens_and_refuses_a_spent_one(fake_x: FakeX) -> None:
    first = connect(fake_x)

    second = refresh(fake_x, first["refresh_token"])
    with pytest.raises(OAuthError) as refused:
        refresh(fake_x, first["refresh_token"])

    assert second["refresh_token"] != first["refresh_token"]
    assert (refused.value.error, refused.value.description) == (
        "invalid_request",
        "Value passed for the token was invalid.",
    )
    assert fake_x.tokens_of(fake_x.user, "refresh", live=True) == [second["refresh_token"]]
    assert refresh(fake_x, second["refresh_token"])["access_token"]


def test_an_access_token_lasts_two_hours_and_authlib_then_refreshes_it(fake_x: FakeX) -> None:
    token = connect(fake_x)
    client = oauth_client(fake_x, token=token, token_endpoint=fake_x.settings()["X_TOKEN_URL"])

    with time_machine.travel(datetime.now(UTC) + timedelta(hours=2, seconds=1)):
        stale = bearer_get(fake_x, "/2/users/me", token["access_token"])
        fresh = client.get(f"{fake_x.base_url}/2/users/me")  # Authlib refreshes a token past its expiry first

    assert stale.status_code == 401
    assert stale.json() == {"title": "Unauthorized", "detail": "Unauthorized", "type": "about:blank", "status": 401}
    assert fresh.status_code == 200
    assert client.token["refresh_token"] != token["refresh_token"]


def test_expiring_the_access_tokens_forces_a_refresh_from_another_process(fake_x: FakeX) -> None:
    token = connect(fake_x)

    fake_x.oauth.expire_access_tokens()

    assert bearer_get(fake_x, "/2/users/me", token["access_token"]).status_code == 401
    renewed = refresh(fake_x, token["refresh_token"])
    assert bearer_get(fake_x, "/2/users/me", renewed["access_token"]).status_code == 200


def test_revoking_the_refresh_token_ends_the_grant(fake_x: FakeX) -> None:
    token = connect(fake_x)

    oauth_client(fake_x).revoke_token(
        fake_x.settings()["X_REVOKE_URL"], token["refresh_token"], token_type_hint="refresh_token"
    )

    assert bearer_get(fake_x, "/2/users/me", token["access_token"]).status_code == 401
    with pytest.raises(OAuthError):
        refresh(fake_x, token["refresh_token"])


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

    listed = timeline(api, fake_x.user)["data"]

    assert [tweet.in_reply_to_tweet_id for tweet in fake_x.posted(fake_x.user)] == [None, ids[0], ids[1]]
    assert [tweet["id"] for tweet in listed] == ids[::-1]
    assert listed[0]["referenced_tweets"] == [{"type": "replied_to", "id": ids[1]}]
    assert listed[0]["in_reply_to_user_id"] == fake_x.user.id
    assert "referenced_tweets" not in listed[-1]
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
