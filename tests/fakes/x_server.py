"""A fake X (Twitter) on 127.0.0.1 that speaks X API v2 and its OAuth 2.0 as documented, for the real Authlib and
httpx clients to publish threads against.

Endpoints: `GET /i/oauth2/authorize` (answers at once with the redirect a user's consent would bring),
`POST /2/oauth2/token`, `POST /2/oauth2/revoke`, `GET /2/users/me`, `POST /2/tweets`, `DELETE /2/tweets/:id` and
`GET /2/users/:id/tweets`. The OAuth rules live in `x_oauth.py`; posts, the timeline and rate limits in
`x_tweets.py`. Behaviour worth knowing when writing a client against it, all as X does:

- Links in a post come back as t.co links in `text` (the original is in `entities.urls[].expanded_url` when
  `tweet.fields=entities` is asked for), so compare posts by `Tweet.submitted` or by expanding the entities.
- A reply to a missing or deleted post is 403 "You attempted to reply to a Tweet that is deleted or not visible
  to you."; the same text as a recent post by the same user is 403 "duplicate content".
- `POST /2/tweets` answers carry `x-rate-limit-limit`, `-remaining` and `-reset` (epoch seconds), plus the
  `x-user-limit-24hour-*` and `x-app-limit-24hour-*` triples when those caps are set.

Tests script faults (`x_faults.py`: `fail_tweets`, `rate_limit_tweets`, `accept_then_hang`, `accept_then_drop`,
`drop_tweets`, `refuse_auth`, `fail_timeline`, `rate_limit_timeline`, `fail_deletes`, `rate_limit_deletes`), tune
`posts` (`tweet_limit`, `user_daily_limit`, `app_daily_limit`, `timeline_lag`, and `duplicate_window = 0` to see a
post made twice rather than X's refusal of the second) and read the state: `posted(user)`, `sent_texts()`,
`deleted_ids()`, `tweet_calls`, `calls(method, path)`, `requests`, `tokens_of(user, kind)`,
`oauth.authorize_requests`. `on_request` and `on_tweet` let a test act at the moment a request arrives or a post is
stored (hold it, kill a worker).

Test modules bind the fixture (`fake_x = x_server.fake_x`); it points the X_* settings at the server. For worker
processes, pass `fake.settings()` as environment variables.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import select
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest

from tests.fakes.serving import serving
from tests.fakes.x_faults import ACCEPTED, ARRIVAL, AUTH, DELETE, TIMELINE, TWEET, XFaults, forced_limit_headers
from tests.fakes.x_oauth import XError, XOAuth, problem
from tests.fakes.x_tweets import Tweet, XTweets

CLIENT_ID = "threadr-test-client"
SCOPES = "tweet.read tweet.write users.read offline.access"
TWEET_SCOPES = ("tweet.read", "tweet.write", "users.read")
READ_SCOPES = ("tweet.read", "users.read")


@dataclass(frozen=True)
class XUser:
    id: str
    name: str
    username: str


@dataclass(frozen=True)
class ReceivedRequest:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]  # names in lower case
    body: Any  # the form (dict), the JSON, or None when the connection was dropped before it was read
    at: float  # time.time() on arrival


@dataclass(frozen=True)
class Answer:
    status: int
    body: dict[str, Any] | None = None
    headers: tuple[tuple[str, str], ...] = ()
    then: str = ""  # "hang" or "drop": the post was stored but no answer goes out
    tweet: Tweet | None = None  # the post this request stored


class FakeX(XFaults):
    """State, faults and routing; the HTTP handler below only moves bytes."""

    def __init__(self, *, client_id: str = CLIENT_ID, client_secret: str = "") -> None:
        super().__init__()
        self.base_url = ""
        self.client_id, self.client_secret = client_id, client_secret
        self.stopping = threading.Event()
        self.lock = threading.RLock()
        self.reset()

    def reset(self) -> None:
        """Forget every user, token, post, fault, hook and request; a default user is signed in again. For a
        fake that outlives one test (one started for a worker process, say)."""
        with self.lock:
            self.hang_seconds = 30.0  # how long a hung answer waits for the client to give up
            # Called with (method, path) as each request arrives, before it is answered; may block to hold it.
            self.on_request: Callable[[str, str], None] | None = None
            # Called with each post once it is stored, before the answer goes out: a test can kill a worker here.
            self.on_tweet: Callable[[Tweet], None] | None = None
            self.oauth = XOAuth(self.client_id, self.client_secret)
            self.posts = XTweets()
            self.users: dict[str, XUser] = {}
            self.requests: list[ReceivedRequest] = []
            self.errors: list[str] = []  # the fake's own crashes: the fixture fails the test on any
            self.deny_authorization = False
            self.clear_faults()
            self._user_ids = itertools.count(1)
            self.user = self.add_user("threadr_writer", "Threadr Writer")
            self.signed_in: XUser | None = self.user

    # --- the cast ------------------------------------------------------------------------------------------------

    def add_user(self, username: str, name: str | None = None) -> XUser:
        with self.lock:
            user = XUser(
                id=str(1_600_000_000_000_000_000 + next(self._user_ids)), name=name or username, username=username
            )
            self.users[user.id] = user
            return user

    def sign_in(self, user: XUser) -> None:
        """`user` is the one who consents on the next authorize pages."""
        self.signed_in = user

    def grant(self, user: XUser | None = None, *, scope: str = SCOPES) -> dict[str, Any]:
        """A token answer (access and refresh token) for `user`, the default user if none, without the authorize
        page: for tests that start from a connected account."""
        with self.lock:
            return self.oauth.grant(user_id=(user or self.user).id, scope=scope)

    def settings(self) -> dict[str, str]:
        """The X_* settings (or environment variables) that point Threadr at this fake."""
        return {
            "X_CLIENT_ID": self.client_id,
            "X_CLIENT_SECRET": self.client_secret,
            "X_API_BASE": self.base_url,
            "X_AUTHORIZE_URL": f"{self.base_url}/i/oauth2/authorize",
            "X_TOKEN_URL": f"{self.base_url}/2/oauth2/token",
            "X_REVOKE_URL": f"{self.base_url}/2/oauth2/revoke",
        }

    # --- what tests read -----------------------------------------------------------------------------------------

    def posted(self, user: XUser) -> list[Tweet]:
        """`user`'s live posts, oldest first."""
        with self.lock:
            return self.posts.of(user.id)

    def calls(self, method: str, path: str) -> int:
        """How many requests arrived for `method` and `path` (a prefix when it ends in "/")."""
        with self.lock:
            return sum(
                1
                for request in self.requests
                if request.method == method
                and (request.path == path or (path.endswith("/") and request.path.startswith(path)))
            )

    @property
    def tweet_calls(self) -> int:
        """How many `POST /2/tweets` requests arrived, refused and dropped ones included."""
        return self.calls("POST", "/2/tweets")

    def deleted_ids(self) -> list[str]:
        """The ids of every delete request that arrived, in order, refused ones included."""
        with self.lock:
            return [request.path.rsplit("/", 1)[-1] for request in self.requests if request.method == "DELETE"]

    def sent_texts(self) -> list[str]:
        """The text of every post request that was read, in order, refused ones included."""
        with self.lock:
            return [
                request.body["text"]
                for request in self.requests
                if (request.method, request.path) == ("POST", "/2/tweets")
                and isinstance(request.body, dict)
                and "text" in request.body
            ]

    def tokens_of(self, user: XUser, kind: str, *, live: bool = False) -> list[str]:
        with self.lock:
            tokens = self.oauth.live(kind, user_id=user.id) if live else self.oauth.issued(kind, user_id=user.id)
            return [token.value for token in tokens]

    # --- routing -------------------------------------------------------------------------------------------------

    def arrive(self, method: str, path: str) -> bool:
        """A request's line and headers are in; False: drop its connection before reading the rest."""
        if self.on_request is not None:
            self.on_request(method, path)
        if (method, path) == ("POST", "/2/tweets") and self.take_fault(ARRIVAL):
            with self.lock:
                self.requests.append(ReceivedRequest(method, path, {}, {}, None, time.time()))
            return False
        return True

    def answer(self, request: ReceivedRequest) -> Answer:
        with self.lock:
            self.requests.append(request)
            try:
                answer = self._route(request)
            except XError as error:
                answer = Answer(error.status, error.body, tuple(error.headers.items()))
            except Exception as error:  # a bug in the fake: say so in the test, not only in a 500
                self.errors.append(f"{request.method} {request.path}: {error!r}")
                answer = Answer(500, problem(500, "Internal Server Error", f"The fake X crashed: {error!r}").body)
        if answer.tweet is not None and self.on_tweet is not None:
            self.on_tweet(answer.tweet)
        return answer

    def _route(self, request: ReceivedRequest) -> Answer:
        method, path, form = request.method, request.path, request.body
        authorization = request.headers.get("authorization", "")
        if (method, path) == ("GET", "/i/oauth2/authorize"):
            consenting = None if self.deny_authorization else self.signed_in
            reply = self.oauth.authorize(request.query, user_id=consenting.id if consenting else None)
            target = request.query["redirect_uri"]
            location = f"{target}{'&' if '?' in target else '?'}{urlencode(reply)}"
            return Answer(302, None, (("Location", location),))
        if (method, path) == ("POST", "/2/oauth2/token"):
            return Answer(200, self.oauth.token(form or {}, authorization))
        if (method, path) == ("POST", "/2/oauth2/revoke"):
            return Answer(200, self.oauth.revoke(form or {}, authorization))
        parts = path.strip("/").split("/")
        if parts[:1] != ["2"]:
            raise problem(404, "Not Found Error", f"Unknown path: {path}.")
        if self.take_fault(AUTH):
            raise problem(401, "Unauthorized")
        if (method, parts) == ("GET", ["2", "users", "me"]):
            user = self.users[self.oauth.bearer(authorization, needs=READ_SCOPES).user_id]
            return Answer(200, {"data": {"id": user.id, "name": user.name, "username": user.username}})
        if (method, parts) == ("POST", ["2", "tweets"]):
            return self._post(self.oauth.bearer(authorization, needs=TWEET_SCOPES).user_id, request.body)
        if method == "DELETE" and parts[:2] == ["2", "tweets"] and len(parts) == 3:
            user_id = self.oauth.bearer(authorization, needs=TWEET_SCOPES).user_id
            _raise_scripted(self.take_fault(DELETE))
            return Answer(200, self.posts.delete(user_id, parts[2]))
        if method == "GET" and parts[:2] == ["2", "users"] and parts[3:] == ["tweets"]:
            reader = self.oauth.bearer(authorization, needs=READ_SCOPES).user_id
            return self._timeline(reader, parts[2], request.query)
        raise problem(404, "Not Found Error", f"Unknown path: {method} {path}.")

    def _post(self, user_id: str, body: Any) -> Answer:
        _raise_scripted(self.take_fault(TWEET))
        headers = self.posts.post_limit(user_id)
        tweet = self.posts.create(user_id, body)
        then = self.take_fault(ACCEPTED).get("kind", "")  # only a stored post hangs or drops
        data = {"data": {"id": tweet.id, "text": tweet.text, "edit_history_tweet_ids": [tweet.id]}}
        return Answer(201, data, tuple(headers.items()), then=then, tweet=tweet)

    def _timeline(self, reader_id: str, user_id: str, query: dict[str, str]) -> Answer:
        _raise_scripted(self.take_fault(TIMELINE))
        headers = self.posts.read_limit(reader_id)
        if user_id not in self.users:
            return Answer(200, {"errors": [_user_not_found(user_id)]}, tuple(headers.items()))
        return Answer(200, self.posts.timeline(user_id, query), tuple(headers.items()))


def _raise_scripted(fault: dict[str, Any]) -> None:
    if fault.get("kind") == "fail":
        raise problem(fault["status"], HTTPStatus(fault["status"]).phrase, fault.get("detail"))
    if fault.get("kind") == "429":
        raise XError(429, problem(429, "Too Many Requests").body, forced_limit_headers(fault["resets"]))


def _user_not_found(user_id: str) -> dict[str, str]:
    return {
        "value": user_id,
        "detail": f"Could not find user with id: [{user_id}].",
        "title": "Not Found Error",
        "resource_type": "user",
        "parameter": "id",
        "resource_id": user_id,
        "type": "https://api.twitter.com/2/problems/resource-not-found",
    }


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body leave as two writes; with Nagle's algorithm on, the body waited for the client's delayed
    # acknowledgement of the headers, adding up to 40 ms to every answer.
    disable_nagle_algorithm = True
    server: _Server

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: tests read `FakeX.requests` instead."""

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def do_DELETE(self) -> None:
        self._serve()

    def _serve(self) -> None:
        fake = self.server.fake
        url = urlsplit(self.path)
        if not fake.arrive(self.command, url.path):
            self._close()
            return
        headers = {name.lower(): value for name, value in self.headers.items()}
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
        body: Any = None
        if headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
            body = dict(parse_qsl(raw, keep_blank_values=True))
        elif raw:
            try:
                body = json.loads(raw)
            except ValueError:
                body = raw
        query = dict(parse_qsl(url.query, keep_blank_values=True))
        answer = fake.answer(ReceivedRequest(self.command, url.path, query, headers, body, time.time()))
        if answer.then == "hang":
            self._hang()
        if answer.then:
            self._close()
            return
        data = json.dumps(answer.body).encode() if answer.body is not None else b""
        self.send_response(answer.status)
        if answer.body is not None:
            self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        for name, value in answer.headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _hang(self) -> None:
        """Say nothing until the client hangs up, the fake stops, or `hang_seconds` pass."""
        fake = self.server.fake
        deadline = time.monotonic() + fake.hang_seconds
        while not fake.stopping.is_set() and time.monotonic() < deadline:
            readable, _, _ = select.select([self.connection], [], [], 0.05)
            if readable:
                try:
                    if not self.connection.recv(1024):
                        return
                except OSError:
                    return

    def _close(self) -> None:
        self.close_connection = True
        with contextlib.suppress(OSError):  # the client may have gone already
            self.connection.shutdown(2)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    request_queue_size = 64  # several workers post at once in the queue tests

    def __init__(self, fake: FakeX) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.fake = fake


@contextmanager
def running_fake_x(*, client_secret: str = "") -> Iterator[FakeX]:
    """Serve a fresh fake X on a free loopback port for the duration of the block."""
    fake = FakeX(client_secret=client_secret)
    server = _Server(fake)
    fake.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    with serving(server, stop=fake.stopping):
        yield fake


@pytest.fixture
def fake_x(settings: Any) -> Iterator[FakeX]:
    """A running fake X with the X_* settings pointed at it (a public client: no secret)."""
    with running_fake_x() as fake:
        for name, value in fake.settings().items():
            setattr(settings, name, value)
        yield fake
        assert not fake.errors, f"the fake X crashed: {fake.errors}"
