"""A fake OpenAI-compatible server on loopback, reached by the real `openai` client through `OPENAI_BASE_URL`.

It speaks the wire protocol the SDK expects: `POST /v1/chat/completions` answers with server-sent
`chat.completion.chunk` events (`data: {...}` lines, then `data: [DONE]`) over chunked transfer encoding when the
request asks for `stream: true`, and with one `chat.completion` JSON object otherwise; `GET /v1/models` lists the
model. Errors have the real error body (`{"error": {"message", "type", "code"}}`).

Each test scripts what the server says, one `FakeReply` per request, in order:

    fake_openai.script(FakeReply(tweets=["First.", "Second."], chunk_delay=0.01))
    fake_openai.script(FakeReply.rate_limited(retry_after="1"), FakeReply(tweets=["Then it works."]))

A reply can stream slowly (`first_token_delay`, `chunk_delay`), send chunks without content first
(`idle_chunks`), hold a chunk back until the test sets an event (`hold=(index, event)`), trickle the rest of the
body one byte at a time (`trickle`, after `trickle_after` chunks), or cut the connection after some chunks
(`cut_after`). When the queue is empty the server answers `default` if one is set, and a 400
naming the problem otherwise. Every request is recorded in `requests` (path, headers, JSON body) so tests can
assert on the prompt and count retries.

Test modules bind the fixture: `fake_openai = openai_server.fake_openai`. It points the settings at the server
(`OPENAI_API_KEY`, `OPENAI_BASE_URL`, `THREADR_ENGINE=openai`) and shuts it down afterwards.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from collections import deque
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from generator.domain import Article, StyleSpec
from tests.fakes.serving import serving

SEPARATOR = "\n---\n"
MODEL = "fake-model"
API_KEY = "sk-threadr-test"

# An article and a style for tests that generate through the fake; the links in SAMPLE_ARTICLE may appear in tweets.
SAMPLE_ARTICLE = Article(
    title="Why small releases win",
    text=(
        "Teams that ship often share one habit: they make small changes and look at the result before the next "
        "one. The cost of a slow feedback loop rarely shows on a dashboard. It shows up as engineers switching "
        "context while they wait and as bugs found by customers. The full study is at "
        "https://research.example.org/feedback-loops and the raw data at https://data.example.org/loops.csv."
    ),
    url="https://blog.example.com/small-releases?utm_source=feed",
    canonical_url="https://blog.example.com/small-releases",
    language="en",
)
SAMPLE_STYLE = StyleSpec(
    slug="summary",
    name="Summary",
    description="The article's key points.",
    llm_guidance="Summarise the key points faithfully, one per tweet.",
)


@dataclass(frozen=True)
class FakeReply:
    """One scripted answer. Successful replies carry `tweets` (joined with the `---` protocol) or raw `text`."""

    tweets: Sequence[str] = ()
    text: str | None = None  # the exact completion text; overrides `tweets`
    status: int = 200
    error: dict[str, Any] | None = None  # the "error" object of a failed reply
    headers: tuple[tuple[str, str], ...] = ()
    chunk_size: int = 7  # characters per streamed delta, small like real tokens
    chunk_delay: float = 0.0  # seconds between content chunks
    first_token_delay: float = 0.0  # seconds between the response headers and the first chunk (or the error body)
    idle_chunks: int = 0  # chunks without content (role only) sent before the text, `chunk_delay` apart
    hold: tuple[int, threading.Event] | None = None  # wait for the event before sending content chunk `index`
    cut_after: int | None = None  # close the socket after this many content chunks, mid-body
    error_after: int | None = None  # send an `error` event after this many content chunks, then end the stream
    cut_after_done: bool = False  # close the socket right after `data: [DONE]`, without ending the chunked body
    comments: bool = False  # send an SSE comment line (": keep-alive") before every event, as some servers do
    trickle: float = 0.0  # once `trickle_after` content chunks are out, send the rest one byte every `trickle` s
    trickle_after: int = 0
    finish_reason: str = "stop"

    @property
    def content(self) -> str:
        return self.text if self.text is not None else SEPARATOR.join(self.tweets)

    def chunks(self) -> list[str]:
        content = self.content
        return [content[start : start + self.chunk_size] for start in range(0, len(content), self.chunk_size)]

    @classmethod
    def failure(
        cls, status: int, message: str, *, kind: str, code: str | None = None, headers: tuple[tuple[str, str], ...] = ()
    ) -> FakeReply:
        return cls(status=status, error={"message": message, "type": kind, "code": code}, headers=headers)

    @classmethod
    def rate_limited(cls, retry_after: str | None = None) -> FakeReply:
        headers = (("Retry-After", retry_after),) if retry_after is not None else ()
        return cls.failure(
            429, "Rate limit reached for requests.", kind="requests", code="rate_limit_exceeded", headers=headers
        )

    @classmethod
    def insufficient_quota(cls) -> FakeReply:
        return cls.failure(
            429, "You exceeded your current quota.", kind="insufficient_quota", code="insufficient_quota"
        )

    @classmethod
    def unauthorized(cls) -> FakeReply:
        return cls.failure(401, "Incorrect API key provided.", kind="invalid_request_error", code="invalid_api_key")

    @classmethod
    def forbidden(cls) -> FakeReply:
        return cls.failure(403, "Project does not have access to the model.", kind="invalid_request_error")

    @classmethod
    def bad_request(cls, message: str = "Invalid value for 'messages'.") -> FakeReply:
        return cls.failure(400, message, kind="invalid_request_error", code="invalid_value")

    @classmethod
    def server_error(cls, status: int = 500) -> FakeReply:
        return cls.failure(status, "The server had an error while processing your request.", kind="server_error")


@dataclass(frozen=True)
class ReceivedRequest:
    method: str
    path: str
    headers: dict[str, str]  # names in lower case
    body: dict[str, Any]
    at: float  # time.monotonic() when the request arrived
    port: int = 0  # the client's port: requests sent over one kept-alive connection share it

    @property
    def messages(self) -> list[dict[str, str]]:
        return list(self.body.get("messages", []))

    def message(self, role: str) -> str:
        """The text of the first message with this role ("" when there is none)."""
        return next((item["content"] for item in self.messages if item.get("role") == role), "")


@dataclass
class FakeOpenAI:
    """The running server and its script. `base_url` ends in /v1, as `OPENAI_BASE_URL` does."""

    base_url: str = ""
    default: FakeReply | None = None
    requests: list[ReceivedRequest] = field(default_factory=list)
    _queue: deque[FakeReply] = field(default_factory=deque)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    stopping: threading.Event = field(default_factory=threading.Event)

    def script(self, *replies: FakeReply) -> None:
        """Queue replies for the next requests, in order."""
        with self._lock:
            self._queue.extend(replies)

    def next_reply(self) -> FakeReply | None:
        with self._lock:
            return self._queue.popleft() if self._queue else self.default

    def record(self, request: ReceivedRequest) -> None:
        with self._lock:
            self.requests.append(request)

    @property
    def completions(self) -> list[ReceivedRequest]:
        """The chat completion requests received, retries included."""
        return [request for request in self.requests if request.path.endswith("/chat/completions")]

    @property
    def pending(self) -> int:
        with self._lock:
            return len(self._queue)

    def pause(self, seconds: float) -> None:
        """Wait like a slow provider, but wake up at once when the server shuts down."""
        if seconds > 0:
            self.stopping.wait(seconds)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Each event leaves at once, as a streaming server sends it. With Nagle's algorithm on, a small write waited
    # for the client's (delayed) acknowledgement of the one before: up to 40 ms that no provider's timer saw.
    disable_nagle_algorithm = True
    server: _Server
    _comments = False
    _trickle = 0.0  # seconds between single bytes, once the reply trickles

    def log_message(self, format: str, *args: object) -> None:
        """Stay quiet: pytest shows what matters."""

    def do_GET(self) -> None:
        self._record({})
        if self.path.rstrip("/").endswith("/models"):
            self._json(200, {"object": "list", "data": [{"id": MODEL, "object": "model", "owned_by": "threadr"}]})
        else:
            self._json(404, _error_body("Unknown path.", kind="invalid_request_error"))

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(length) or b"{}")
        self._record(body)
        if not self.path.endswith("/chat/completions"):
            self._json(404, _error_body("Unknown path.", kind="invalid_request_error"))
            return
        reply = self.server.fake.next_reply()
        if reply is None:
            self._json(400, _error_body("The fake server has no reply scripted.", kind="invalid_request_error"))
        elif reply.status != 200:
            self._json(reply.status, {"error": reply.error or {}}, reply.headers, body_delay=reply.first_token_delay)
        elif body.get("stream"):
            self._stream(reply, model=body.get("model", MODEL))
        else:
            self._json(200, _completion(reply, model=body.get("model", MODEL)), reply.headers)

    def _record(self, body: dict[str, Any]) -> None:
        request = ReceivedRequest(
            self.command,
            self.path,
            {name.lower(): value for name, value in self.headers.items()},
            body,
            time.monotonic(),
            self.client_address[1],
        )
        self.server.fake.record(request)

    def _json(
        self, status: int, payload: dict[str, Any], headers: tuple[tuple[str, str], ...] = (), body_delay: float = 0.0
    ) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        if body_delay:
            self.wfile.flush()
            self.server.fake.pause(body_delay)
        self.wfile.write(data)

    def _stream(self, reply: FakeReply, *, model: str) -> None:
        fake = self.server.fake
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Transfer-Encoding", "chunked")
        self.send_header("Cache-Control", "no-cache")
        for name, value in reply.headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.flush()
        chunk_id = f"chatcmpl-fake{id(reply)}"
        self._comments = reply.comments
        self._trickle = 0.0
        try:
            fake.pause(reply.first_token_delay)
            for _ in range(reply.idle_chunks):
                self._event(_chunk(chunk_id, model, {"role": "assistant", "content": ""}))
                fake.pause(reply.chunk_delay)
            for index, text in enumerate(reply.chunks()):
                if reply.cut_after is not None and index >= reply.cut_after:
                    self._cut()
                    return
                if reply.error_after is not None and index >= reply.error_after:
                    self._event({"error": {"message": "The server is overloaded.", "type": "server_error"}})
                    self._write(b"data: [DONE]\n\n")
                    self.wfile.write(b"0\r\n\r\n")
                    self.wfile.flush()
                    return
                if reply.hold is not None and reply.hold[0] == index:
                    _wait_for(reply.hold[1], fake.stopping)
                if index:
                    fake.pause(reply.chunk_delay)
                if reply.trickle and index == reply.trickle_after:
                    self._trickle = reply.trickle
                delta = {"role": "assistant", "content": text} if index == 0 else {"content": text}
                self._event(_chunk(chunk_id, model, delta))
            self._event(_chunk(chunk_id, model, {}, finish_reason=reply.finish_reason))
            self._write(b"data: [DONE]\n\n")
            if reply.cut_after_done:
                self._cut()
                return
            self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def _event(self, payload: dict[str, Any]) -> None:
        comment = ": keep-alive\n\n" if self._comments else ""
        self._write(f"{comment}data: {json.dumps(payload)}\n\n".encode())

    def _write(self, data: bytes) -> None:
        """Send `data` as one chunk of the chunked body, or byte by byte while the reply trickles."""
        pieces = [data[index : index + 1] for index in range(len(data))] if self._trickle else [data]
        for piece in pieces:
            if self._trickle:
                self.server.fake.pause(self._trickle)
                if self.server.fake.stopping.is_set():
                    raise ConnectionResetError("the fake provider is shutting down")
            self.wfile.write(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
            self.wfile.flush()

    def _cut(self) -> None:
        """Drop the connection without ending the chunked body, as a provider crash or network cut does."""
        self.close_connection = True
        self.connection.shutdown(2)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    request_queue_size = 256  # fifty simultaneous streams connect at once in the resilience tests
    handler: type[_Handler] = _Handler

    def __init__(self, fake: FakeOpenAI) -> None:
        super().__init__(("127.0.0.1", 0), self.handler)
        self.fake = fake

    def handle_error(self, request: object, client_address: object) -> None:
        """A client that hangs up (a timeout, a closed stream) is routine here; anything else is printed."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)  # type: ignore[arg-type]


def _wait_for(event: threading.Event, stopping: threading.Event) -> None:
    while not event.wait(0.01) and not stopping.is_set():
        pass


def _error_body(message: str, *, kind: str, code: str | None = None) -> dict[str, Any]:
    return {"error": {"message": message, "type": kind, "param": None, "code": code}}


def _chunk(chunk_id: str, model: str, delta: dict[str, str], finish_reason: str | None = None) -> dict[str, Any]:
    return {
        "id": chunk_id,
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": model,
        "system_fingerprint": "fp_fake",
        "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish_reason}],
    }


def _completion(reply: FakeReply, *, model: str) -> dict[str, Any]:
    content = reply.content
    return {
        "id": f"chatcmpl-fake{id(reply)}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "system_fingerprint": "fp_fake",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content, "refusal": None},
                "logprobs": None,
                "finish_reason": reply.finish_reason,
            }
        ],
        "usage": {
            "prompt_tokens": 100,
            "completion_tokens": len(content) // 4,
            "total_tokens": 100 + len(content) // 4,
        },
    }


@contextmanager
def running() -> Iterator[FakeOpenAI]:
    """Start a fake server on a free loopback port for the duration of the block."""
    fake = FakeOpenAI()
    server = _Server(fake)
    fake.base_url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    with serving(server, stop=fake.stopping):
        yield fake


@pytest.fixture
def fake_openai(settings: Any) -> Iterator[FakeOpenAI]:
    """A running fake provider with the settings pointed at it (the OpenAI engine selected)."""
    with running() as fake:
        settings.OPENAI_API_KEY = API_KEY
        settings.OPENAI_BASE_URL = fake.base_url
        settings.OPENAI_MODEL = MODEL
        settings.THREADR_ENGINE = "openai"
        yield fake
