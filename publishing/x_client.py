"""X's OAuth 2.0 and API v2, the only module importing Authlib or talking to X.

Authlib's httpx integration runs the OAuth steps (the PKCE authorisation URL, code exchange, refresh, revoke); the
API calls go over the same HTTP client with the bearer token. Answers come back as small dataclasses, and every
failure as one of our exceptions saying what the caller may do: `XUnavailable` (nothing happened, try later),
`XRefused` (X said no, with its message), or, for a post, an outcome that says whether the tweet may exist.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx2
from authlib.integrations.base_client import OAuthError
from authlib.integrations.httpx_client import OAuth2Client
from django.conf import settings

from threadr.lib.errors import ThreadrError

SCOPES = "tweet.read tweet.write users.read offline.access"
# The reset headers of a 429: the per-endpoint window, the user's day and the app's day.
RESET_HEADERS = ("x-rate-limit-reset", "x-user-limit-24hour-reset", "x-app-limit-24hour-reset")


class XUnavailable(ThreadrError):
    """X could not be reached or answered with a server error; nothing was decided. Try again later."""

    code = "x_unavailable"
    status = 502


class XRefused(ThreadrError):
    """X refused the request; `message` is X's own words."""

    code = "x_refused"
    status = 502


class RefreshRefused(XRefused):
    """The token endpoint refused the refresh token (spent, revoked or expired): the user must connect again."""

    code = "x_reconnect_needed"


@dataclass(frozen=True)
class Tokens:
    access_token: str
    refresh_token: str
    expires_at: datetime
    scope: str


@dataclass(frozen=True)
class XUser:
    id: str
    username: str


@dataclass(frozen=True)
class TimelineTweet:
    id: str
    text: str
    created_at: datetime
    replied_to: str | None


# What became of one POST /2/tweets.
@dataclass(frozen=True)
class Posted:
    tweet_id: str


@dataclass(frozen=True)
class NotSent:
    """The request never left (connection refused, DNS, pool): X cannot have the tweet."""

    reason: str


@dataclass(frozen=True)
class MaybePosted:
    """X may have the tweet: a 5xx, a timeout or dropped connection after sending, or a 403 duplicate content."""

    reason: str
    duplicate: bool = False  # X's "duplicate content": it has this text already, from this attempt or an older post


@dataclass(frozen=True)
class RateLimited:
    reset_at: datetime
    app_cap_spent: bool


@dataclass(frozen=True)
class Unauthorized:
    message: str


@dataclass(frozen=True)
class Rejected:
    message: str


PostOutcome = Posted | NotSent | MaybePosted | RateLimited | Unauthorized | Rejected


def configured() -> bool:
    return bool(settings.X_CLIENT_ID)


def _timeout() -> httpx2.Timeout:
    return httpx2.Timeout(settings.X_TIMEOUT)


def _oauth(*, redirect_uri: str | None = None) -> OAuth2Client:
    # A confidential client (with a secret) authenticates with HTTP Basic; a public one sends its id in the form.
    method = "client_secret_basic" if settings.X_CLIENT_SECRET else "none"
    return OAuth2Client(
        client_id=settings.X_CLIENT_ID,
        client_secret=settings.X_CLIENT_SECRET or None,
        token_endpoint_auth_method=method,
        revocation_endpoint_auth_method=method,
        scope=SCOPES,
        redirect_uri=redirect_uri,
        code_challenge_method="S256",
        timeout=_timeout(),
    )


def authorization_url(*, redirect_uri: str, state: str, code_verifier: str) -> str:
    with _oauth(redirect_uri=redirect_uri) as client:
        url, _ = client.create_authorization_url(settings.X_AUTHORIZE_URL, state=state, code_verifier=code_verifier)
    return str(url)


def _tokens(token: dict[str, Any], *, now: datetime) -> Tokens:
    return Tokens(
        access_token=str(token["access_token"]),
        refresh_token=str(token.get("refresh_token") or ""),
        expires_at=now + timedelta(seconds=int(token.get("expires_in") or 7200)),
        scope=str(token.get("scope") or ""),
    )


def exchange_code(*, code: str, redirect_uri: str, code_verifier: str, now: datetime) -> Tokens:
    try:
        with _oauth(redirect_uri=redirect_uri) as client:
            token = client.fetch_token(
                settings.X_TOKEN_URL, grant_type="authorization_code", code=code, code_verifier=code_verifier
            )
    except OAuthError as error:
        raise XRefused(f"X refused the sign-in: {error.description or error.error}.") from None
    except (httpx2.HTTPError, ValueError) as error:
        raise XUnavailable(f"X could not be reached ({type(error).__name__}).") from None
    return _tokens(token, now=now)


def refresh(*, refresh_token: str, now: datetime) -> Tokens:
    try:
        with _oauth() as client:
            token = client.refresh_token(settings.X_TOKEN_URL, refresh_token=refresh_token)
    except OAuthError as error:
        raise RefreshRefused(f"X refused to renew access: {error.description or error.error}.") from None
    except httpx2.HTTPStatusError as error:
        if 400 <= error.response.status_code < 500:
            raise RefreshRefused(f"X refused to renew access ({error.response.status_code}).") from None
        raise XUnavailable(f"X answered {error.response.status_code}.") from None
    except (httpx2.HTTPError, ValueError) as error:
        raise XUnavailable(f"X could not be reached ({type(error).__name__}).") from None
    return _tokens(token, now=now)


def revoke(*, token: str, hint: str) -> bool:
    """Best effort: a token X no longer knows is as good as revoked, and a disconnect never waits on X."""
    try:
        with _oauth() as client:
            response = client.revoke_token(settings.X_REVOKE_URL, token=token, token_type_hint=hint)
    except httpx2.HTTPError:
        return False
    return bool(response.status_code < 300)


def _api(access_token: str) -> httpx2.Client:
    return httpx2.Client(
        base_url=settings.X_API_BASE, timeout=_timeout(), headers={"Authorization": f"Bearer {access_token}"}
    )


def _message(response: httpx2.Response) -> str:
    """X's own words from an error body (`detail`, else the first of `errors`, else `title`)."""
    try:
        body = response.json()
    except ValueError:
        return f"X answered {response.status_code}."
    if isinstance(body, dict):
        errors = body.get("errors")
        first = errors[0] if isinstance(errors, list) and errors and isinstance(errors[0], dict) else {}
        for text in (body.get("detail"), first.get("message"), first.get("detail"), body.get("title")):
            if isinstance(text, str) and text:
                return text[:500]
    return f"X answered {response.status_code}."


def me(*, access_token: str) -> XUser:
    try:
        with _api(access_token) as client:
            response = client.get("/2/users/me")
    except httpx2.HTTPError as error:
        raise XUnavailable(f"X could not be reached ({type(error).__name__}).") from None
    if response.status_code >= 500:
        raise XUnavailable(f"X answered {response.status_code}.")
    if response.status_code != 200:
        raise XRefused(_message(response))
    data = response.json().get("data") or {}
    return XUser(id=str(data["id"]), username=str(data["username"]))


def post_tweet(*, access_token: str, text: str, reply_to: str | None) -> PostOutcome:
    body: dict[str, Any] = {"text": text}
    if reply_to:
        body["reply"] = {"in_reply_to_tweet_id": reply_to}
    try:
        with _api(access_token) as client:
            response = client.post("/2/tweets", json=body)
    except (httpx2.ConnectError, httpx2.ConnectTimeout, httpx2.PoolTimeout) as error:
        return NotSent(type(error).__name__)
    except httpx2.HTTPError as error:
        # Written and maybe read by X: a write or read timeout, a dropped connection, a half-sent request.
        return MaybePosted(type(error).__name__)
    status = response.status_code
    if status in (200, 201):
        try:
            return Posted(str(response.json()["data"]["id"]))
        except (ValueError, KeyError, TypeError):
            return MaybePosted("unreadable answer")
    if status == 429:
        return RateLimited(reset_at=_latest_reset(response), app_cap_spent=_app_cap_spent(response))
    if status == 401:
        return Unauthorized(_message(response))
    message = _message(response)
    if status == 403 and "duplicate" in message.lower():
        return MaybePosted(message, duplicate=True)
    if status >= 500:
        return MaybePosted(message)
    return Rejected(message)


def _latest_reset(response: httpx2.Response) -> datetime:
    """The latest of the reset moments X names (epoch seconds); a minute from now if it names none."""
    resets = []
    for name in RESET_HEADERS:
        raw = response.headers.get(name, "").strip()
        if raw.isdigit():
            resets.append(datetime.fromtimestamp(int(raw), tz=UTC))
    return max(resets) if resets else datetime.now(tz=UTC) + timedelta(minutes=1)


def _app_cap_spent(response: httpx2.Response) -> bool:
    return response.headers.get("x-app-limit-24hour-remaining", "").strip() == "0"


def recent_tweets(*, access_token: str, user_id: str, since: datetime) -> list[TimelineTweet]:
    """The user's posts since `since` (newest first, at most 100), with what each replies to."""
    params = {
        "max_results": "100",
        "start_time": since.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "tweet.fields": "created_at,referenced_tweets",
    }
    try:
        with _api(access_token) as client:
            response = client.get(f"/2/users/{user_id}/tweets", params=params)
    except httpx2.HTTPError as error:
        raise XUnavailable(f"X could not be reached ({type(error).__name__}).") from None
    if response.status_code == 429 or response.status_code >= 500:
        raise XUnavailable(f"X answered {response.status_code}.")
    if response.status_code != 200:
        raise XRefused(_message(response))
    found = []
    for item in response.json().get("data") or []:
        replied_to = next(
            (str(ref["id"]) for ref in item.get("referenced_tweets") or [] if ref.get("type") == "replied_to"), None
        )
        created = datetime.fromisoformat(str(item["created_at"]).replace("Z", "+00:00"))
        # v2 answers with &, < and > escaped as HTML entities.
        text = html.unescape(item["text"])
        found.append(TimelineTweet(id=str(item["id"]), text=text, created_at=created, replied_to=replied_to))
    return found


# What became of one DELETE /2/tweets/:id (a 5xx or no answer raises XUnavailable: deleting again is harmless).
@dataclass(frozen=True)
class Deleted:
    already_gone: bool  # X had no such post any more (deleted on X, or never there)


DeleteOutcome = Deleted | RateLimited | Unauthorized | Rejected


def delete_tweet(*, access_token: str, tweet_id: str) -> DeleteOutcome:
    try:
        with _api(access_token) as client:
            response = client.delete(f"/2/tweets/{tweet_id}")
    except httpx2.HTTPError as error:
        raise XUnavailable(f"X could not be reached ({type(error).__name__}).") from None
    status = response.status_code
    if status >= 500:
        raise XUnavailable(f"X answered {status}.")
    if status == 404:
        return Deleted(already_gone=True)
    if status == 200:
        try:
            deleted = response.json()["data"]["deleted"]
        except (ValueError, KeyError, TypeError):
            raise XUnavailable("X's answer could not be read.") from None
        return Deleted(already_gone=deleted is not True)
    if status == 429:
        return RateLimited(reset_at=_latest_reset(response), app_cap_spent=False)
    if status == 401:
        return Unauthorized(_message(response))
    return Rejected(_message(response))
