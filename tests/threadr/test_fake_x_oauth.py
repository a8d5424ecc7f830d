"""The fake X's authorization server against the client Threadr connects with: Authlib's httpx OAuth 2.0 client,
PKCE S256. If these pass, the connect, refresh and revoke code that passes against the fake sends what X expects and
meets the answers X gives."""

from __future__ import annotations

import threading
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
from tests.fakes.x_server import SCOPES, FakeX, running_fake_x

fake_x = x_server.fake_x

CALLBACK = "https://threadr.test/accounts/x/callback/"


_clients: list[OAuth2Client] = []  # closed after each test: each holds a pool of connections to the fake


@pytest.fixture(autouse=True)
def _close_clients() -> Iterator[None]:
    yield
    while _clients:
        _clients.pop().close()


def oauth_client(fake: FakeX, **kwargs: Any) -> OAuth2Client:
    # A public client names itself in the form; a confidential one uses HTTP Basic, Authlib's default.
    options: dict[str, Any] = (
        {"client_secret": fake.client_secret} if fake.client_secret else {"token_endpoint_auth_method": "none"}
    )
    client = OAuth2Client(
        client_id=fake.client_id,
        scope=SCOPES,
        redirect_uri=CALLBACK,
        code_challenge_method="S256",
        **(options | kwargs),
    )
    _clients.append(client)
    return client


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


def test_of_two_racing_refreshes_with_one_token_exactly_one_wins(fake_x: FakeX) -> None:
    spent = connect(fake_x)["refresh_token"]
    start, outcomes = threading.Barrier(2), []

    def race() -> None:
        start.wait(5)
        try:
            outcomes.append(refresh(fake_x, spent)["refresh_token"])
        except OAuthError as refused:
            outcomes.append(refused.error)

    racers = [threading.Thread(target=race) for _ in range(2)]
    for racer in racers:
        racer.start()
    for racer in racers:
        racer.join(5)

    winners = [outcome for outcome in outcomes if outcome != "invalid_request"]
    assert len(outcomes) == 2
    assert winners == fake_x.tokens_of(fake_x.user, "refresh", live=True)
    assert len(winners) == 1


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
