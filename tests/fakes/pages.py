"""A fake corner of the web on loopback: realistic article pages and the hostile answers a URL importer must survive.

`page_server` serves the sample pages in tests/fakes/pages/ plus scripted answers (redirect chains, a page over
5 MB, a gzip bomb, a PDF, pages slower than any deadline, a page sent in slow pieces, 404/410/403).
`internal_server` plays a service on our private network: it listens on [::1] and only counts what reaches it,
so SSRF tests can prove a refused URL produced zero requests there. Both count requests per path and keep the
headers of the last one.

Test modules use them by binding the fixtures: `page_server = pages.page_server`. Host names are mapped to
these servers through `map_hosts`, which replaces `threadr.lib.fetch.policy.resolve`, the fetcher's one DNS seam.
"""

from __future__ import annotations

import gzip
import ipaddress
import socket
import threading
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from pytest_django.fixtures import Settings

from tests.fakes.serving import serving

SAMPLES = Path(__file__).with_name("pages")
MEGABYTE = 1024 * 1024
HTML = "text/html; charset=utf-8"

# A realistic paragraph the big pages repeat (bench/extract_bench.py builds its 500 KB page from these too).
PARAGRAPHS = (
    "Teams that ship often tend to share one habit: they make small changes and look at the result before making "
    "the next one. The habit sounds obvious, yet it is the first thing to go when a deadline approaches and "
    "everyone starts batching work into larger and riskier releases.",
    "The cost of a slow feedback loop is rarely visible on any dashboard. It shows up as engineers switching "
    "context while they wait, as reviews that happen a day late, and as bugs that are found by customers rather "
    "than by the people who wrote the code.",
    "Measuring where the time goes is cheaper than guessing. A week spent collecting numbers usually reveals that "
    "the part everyone complains about is not the part that costs the most, and that the cheapest fix is also the "
    "least glamorous one.",
    "Writing down what did not work is as valuable as writing down what did. Failed experiments are the first "
    "thing a team forgets, and the first thing a new colleague will try again if nobody left a note explaining why "
    "it was abandoned.",
)


@dataclass(frozen=True)
class Answer:
    """What the server says for one path. `stream`, when set, writes the body itself (slow or endless bodies)."""

    status: int = 200
    headers: tuple[tuple[str, str], ...] = (("Content-Type", HTML),)
    body: bytes = b""
    stream: Callable[[BaseHTTPRequestHandler, threading.Event], None] | None = None


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def html(name: str, status: int = 200) -> Answer:
    return Answer(status=status, body=sample(name))


def redirect(location: str, status: int = 302) -> Answer:
    return Answer(status=status, headers=(("Location", location), ("Content-Type", HTML)), body=b"<p>Moved</p>")


def big_article_html(size: int) -> bytes:
    """A well-formed article page of about `size` bytes, made of realistic paragraphs."""
    head = b"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>A long essay</title></head><body>"
    head += b"<article><h1>A long essay on feedback loops</h1>"
    tail = b"</article></body></html>"
    paragraphs = [f"<p>{text}</p>\n".encode() for text in PARAGRAPHS]
    parts, length, index = [head], len(head) + len(tail), 0
    while length < size:
        paragraph = paragraphs[index % len(paragraphs)]
        parts.append(paragraph)
        length += len(paragraph)
        index += 1
    parts.append(tail)
    return b"".join(parts)


@cache
def gzip_bomb() -> bytes:
    """About 20 KB on the wire, 20 MB once inflated: an HTML page padded with blank space."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    chunks = [compressor.compress(b"<!DOCTYPE html><html><body><p>")]
    block = b" " * MEGABYTE
    chunks.extend(compressor.compress(block) for _ in range(20))
    chunks.append(compressor.flush())
    return b"".join(chunks)


def _raw_deflate(data: bytes) -> bytes:
    """Deflate without the zlib wrapper, as some servers send it despite the spec."""
    compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush()


def _drip(handler: BaseHTTPRequestHandler, stop: threading.Event) -> None:
    """Headers at once, then a byte every 50 ms until the client gives up: each read is quick, the whole is not."""
    handler.send_response(200)
    handler.send_header("Content-Type", HTML)
    handler.end_headers()
    handler.wfile.write(b"<!DOCTYPE html><html><body><p>")
    while not stop.wait(0.05):
        handler.wfile.write(b".")
        handler.wfile.flush()


def _trickle(handler: BaseHTTPRequestHandler, data: bytes, stop: threading.Event) -> bool:
    """Write `data` one byte a second; False if the test ended first."""
    for index in range(len(data)):
        handler.wfile.write(data[index : index + 1])
        handler.wfile.flush()
        if stop.wait(1.0):
            return False
    return True


def _headers_by_the_byte(handler: BaseHTTPRequestHandler, stop: threading.Event) -> None:
    """A whole page whose status line and headers arrive one byte a second."""
    body = sample("blog_post.html")
    head = f"HTTP/1.1 200 OK\r\nContent-Type: {HTML}\r\nContent-Length: {len(body)}\r\n\r\n".encode()
    if _trickle(handler, head, stop):
        handler.wfile.write(body)


def _body_by_the_byte(handler: BaseHTTPRequestHandler, stop: threading.Event) -> None:
    """Headers at once, then a whole page one byte a second."""
    body = sample("blog_post.html")
    handler.send_response(200)
    handler.send_header("Content-Type", HTML)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    _trickle(handler, body, stop)


def _in_pieces(handler: BaseHTTPRequestHandler, stop: threading.Event) -> None:
    """A whole page in four pieces a fifth of a second apart: slow, but well within a deadline of seconds."""
    body = sample("blog_post.html")
    handler.send_response(200)
    handler.send_header("Content-Type", HTML)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    size = len(body) // 4 + 1
    for start in range(0, len(body), size):
        if stop.wait(0.2):
            return
        handler.wfile.write(body[start : start + size])
        handler.wfile.flush()


def _stall(handler: BaseHTTPRequestHandler, stop: threading.Event) -> None:
    """Accept the request and say nothing until the test ends."""
    stop.wait(30)


def _endless(handler: BaseHTTPRequestHandler, stop: threading.Event) -> None:
    """An undeclared body that never stops: only a running byte count can refuse it."""
    handler.send_response(200)
    handler.send_header("Content-Type", HTML)
    handler.end_headers()
    handler.wfile.write(b"<!DOCTYPE html><html><body>")
    chunk = big_article_html(256 * 1024)
    while not stop.is_set():
        handler.wfile.write(chunk)


def default_answers() -> dict[str, Answer]:
    huge = big_article_html(6 * MEGABYTE)
    blog = sample("blog_post.html")
    return {
        "/posts/ci-build-times": html("blog_post.html"),
        "/@dokafor/the-quiet-power-of-writing-things-down-5c1e2a": html("medium_post.html"),
        "/local/2024/06/cycle-lanes-approved": html("news_article.html"),
        "/business/heat-pump-race": html("paywall.html"),
        "/members/report": html("login_wall.html", status=403),
        "/": html("home_page.html"),
        "/notices/office-closed": html("short_page.html"),
        "/2020/01/porting-mercurial": html("porting_mercurial.html"),
        "/porting-mercurial.md": Answer(
            headers=(("Content-Type", "text/plain; charset=utf-8"),), body=sample("porting_mercurial.md")
        ),
        "/en/germany-coal-exit/a-52057410": html("coal_exit.html"),
        "/app/story/1234": html("app_shell.html"),
        "/latest": html("latest_stories.html"),
        "/notes.txt": Answer(headers=(("Content-Type", "text/plain; charset=utf-8"),), body=sample("field_notes.txt")),
        "/gzipped/ci-build-times": Answer(
            headers=(("Content-Type", HTML), ("Content-Encoding", "gzip")), body=gzip.compress(blog)
        ),
        "/xhtml/ci-build-times": Answer(headers=(("Content-Type", "application/xhtml+xml"),), body=blog),
        "/deflated/ci-build-times": Answer(
            headers=(("Content-Type", HTML), ("Content-Encoding", "deflate")), body=zlib.compress(blog)
        ),
        "/raw-deflated/ci-build-times": Answer(
            headers=(("Content-Type", HTML), ("Content-Encoding", "deflate")), body=_raw_deflate(blog)
        ),
        "/untyped/ci-build-times": Answer(headers=(), body=blog),
        "/corrupt-gzip": Answer(
            headers=(("Content-Type", HTML), ("Content-Encoding", "gzip")), body=gzip.compress(blog)[:10] + b"\xff" * 64
        ),
        "/truncated-gzip": Answer(
            headers=(("Content-Type", HTML), ("Content-Encoding", "gzip")), body=gzip.compress(blog)[:200]
        ),
        "/brotli": Answer(headers=(("Content-Type", HTML), ("Content-Encoding", "br")), body=b"\x1b\x00"),
        "/lost-redirect": Answer(status=302, body=b""),
        "/hop/2": redirect("/hop/1", status=301),
        "/hop/1": redirect("/posts/ci-build-times"),
        "/chain/4": redirect("/chain/3"),
        "/chain/3": redirect("/chain/2"),
        "/chain/2": redirect("/chain/1"),
        "/chain/1": redirect("/posts/ci-build-times"),
        "/to-ftp": redirect("ftp://files.example/report.html"),
        "/huge": Answer(body=huge),
        "/endless": Answer(stream=_endless),
        "/bomb": Answer(headers=(("Content-Type", HTML), ("Content-Encoding", "gzip")), body=gzip_bomb()),
        "/report.pdf": Answer(
            headers=(("Content-Type", "application/pdf"),), body=b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"
        ),
        "/photo.jpg": Answer(headers=(("Content-Type", "image/jpeg"),), body=b"\xff\xd8\xff\xe0" + b"\0" * 64),
        "/slow": Answer(stream=_stall),
        "/drip": Answer(stream=_drip),
        "/slow-headers": Answer(stream=_headers_by_the_byte),
        "/slow-body": Answer(stream=_body_by_the_byte),
        "/in-pieces": Answer(stream=_in_pieces),
        "/missing": html("short_page.html", status=404),
        "/gone": html("short_page.html", status=410),
        "/forbidden": Answer(status=403, headers=(("Content-Type", "text/plain"),), body=b"Forbidden"),
        "/payment-required": Answer(status=402, headers=(("Content-Type", "text/plain"),), body=b"Payment required"),
        "/broken": Answer(status=500, headers=(("Content-Type", "text/plain"),), body=b"Internal Server Error"),
    }


@dataclass
class PageServer:
    """A running fake site. `answers` may be changed by a test (for example to redirect to another server)."""

    host: str
    answers: dict[str, Answer]
    hits: Counter[str] = field(default_factory=Counter)
    last_headers: dict[str, dict[str, str]] = field(default_factory=dict)
    stop: threading.Event = field(default_factory=threading.Event)
    port: int = 0

    @property
    def address(self) -> str:
        return f"[{self.host}]" if ":" in self.host else self.host

    def url(self, path: str = "/", *, host: str | None = None) -> str:
        """The URL of `path` on this server, optionally spelled with another host name that maps to it."""
        return f"http://{host or self.address}:{self.port}{path}"

    @property
    def total_hits(self) -> int:
        return sum(self.hits.values())


def _handler_for(site: PageServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "FakeWeb/1.0"

        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0]
            site.hits[path] += 1
            site.last_headers[path] = {name.lower(): value for name, value in self.headers.items()}
            answer = site.answers.get(path)
            if answer is None:
                answer = Answer(status=404, headers=(("Content-Type", "text/plain"),), body=b"Not Found")
            if answer.stream is not None:
                answer.stream(self, site.stop)
                return
            self.send_response(answer.status)
            for name, value in answer.headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(answer.body)))
            self.end_headers()
            self.wfile.write(answer.body)

        def log_message(self, format: str, *args: object) -> None:
            return

    return Handler


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        """A client that hangs up mid-body (as the fetcher does at its caps) is expected, not an error."""


class _QuietServer6(_QuietServer):
    address_family = socket.AF_INET6


@contextmanager
def serve(host: str, answers: dict[str, Answer]) -> Iterator[PageServer]:
    server_class = _QuietServer6 if ":" in host else _QuietServer
    site = PageServer(host=host, answers=answers)
    server = server_class((host, 0), _handler_for(site))
    site.port = server.server_address[1]
    with serving(server, stop=site.stop):
        yield site


@pytest.fixture
def reachable(settings: Settings) -> None:
    """Let the fetcher reach the fake site on 127.0.0.1, as production reaches public hosts."""
    settings.FETCH_ALLOWED_PRIVATE_NETWORKS = ["127.0.0.1/32"]


@pytest.fixture
def unreachable(settings: Settings) -> None:
    """Production's rule: no private network is allowed."""
    settings.FETCH_ALLOWED_PRIVATE_NETWORKS = []


@pytest.fixture
def page_server() -> Iterator[PageServer]:
    """The public-looking site on 127.0.0.1 (reachable once a test allows 127.0.0.1/32)."""
    with serve("127.0.0.1", default_answers()) as site:
        yield site


@pytest.fixture
def internal_server() -> Iterator[PageServer]:
    """A private service on [::1] holding a secret; no test may ever reach it."""
    answers = {"/secret": Answer(headers=(("Content-Type", "text/plain"),), body=b"internal credentials")}
    with serve("::1", answers) as site:
        yield site


def map_hosts(monkeypatch: pytest.MonkeyPatch, names: dict[str, str]) -> None:
    """Make the fetcher resolve invented names to the given addresses; any other name does not exist."""

    def resolve(host: str, port: int) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
        if host not in names:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return [ipaddress.ip_address(address) for address in names[host].split(",")]

    monkeypatch.setattr("threadr.lib.fetch.policy.resolve", resolve)
