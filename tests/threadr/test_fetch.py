"""The outbound door's transport: it fetches real pages over HTTP and TLS, within its caps and its one deadline.

What a URL may reach (parsing, address vetting, redirects into our network) is tested in test_fetch_policy.py.
"""

from __future__ import annotations

import ipaddress
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from pytest_django.fixtures import Settings

from tests.fakes import pages
from tests.fakes.pages import PageServer, map_hosts
from threadr.lib.fetch import USER_AGENT, FetchError, fetch

page_server = pages.page_server
reachable = pages.reachable

BLOG = "/posts/ci-build-times"


def refusal(url: str) -> FetchError:
    with pytest.raises(FetchError) as caught:
        fetch(url)
    return caught.value


# --- Fetching -------------------------------------------------------------------------------------------------


@pytest.mark.usefixtures("reachable")
def test_it_fetches_a_page_and_says_what_it_is(page_server: PageServer) -> None:
    page = fetch(page_server.url(BLOG))

    assert page.status == 200
    assert page.final_url == page_server.url(BLOG)
    assert (page.content_type, page.charset) == ("text/html", "utf-8")
    assert b"How we cut our CI build from 40 minutes to 6" in page.body
    assert page.headers["content-type"] == "text/html; charset=utf-8"


@pytest.mark.usefixtures("reachable")
def test_it_identifies_itself_and_asks_for_the_name_the_user_gave(
    page_server: PageServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    map_hosts(monkeypatch, {"blog.example": "127.0.0.1"})

    fetch(page_server.url(BLOG, host="Blog.Example"))

    sent = page_server.last_headers[BLOG]
    assert sent["host"] == f"blog.example:{page_server.port}"
    assert sent["user-agent"] == USER_AGENT == "ThreadrBot/1.0 (+https://threadr.app/bot)"
    assert sent["accept"].startswith("text/html")


@pytest.mark.usefixtures("reachable")
def test_it_follows_two_redirects_to_the_article(page_server: PageServer) -> None:
    page = fetch(page_server.url("/hop/2"))

    assert page.final_url == page_server.url(BLOG)
    assert page_server.hits == {"/hop/2": 1, "/hop/1": 1, BLOG: 1}


@pytest.mark.usefixtures("reachable")
def test_it_refuses_a_fourth_redirect_without_following_it(page_server: PageServer) -> None:
    error = refusal(page_server.url("/chain/4"))

    assert error.code == "too_many_redirects"
    assert page_server.hits[BLOG] == 0


@pytest.mark.usefixtures("reachable")
def test_it_never_follows_a_redirect_to_another_scheme(page_server: PageServer) -> None:
    assert refusal(page_server.url("/to-ftp")).code == "invalid_url"


@pytest.mark.usefixtures("reachable")
@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("/gzipped/ci-build-times", "text/html"),
        ("/deflated/ci-build-times", "text/html"),
        ("/raw-deflated/ci-build-times", "text/html"),
        ("/xhtml/ci-build-times", "application/xhtml+xml"),
        ("/untyped/ci-build-times", "text/html"),  # no Content-Type: recognised by its doctype
    ],
)
def test_it_reads_compressed_xhtml_and_untyped_pages(page_server: PageServer, path: str, content_type: str) -> None:
    page = fetch(page_server.url(path))

    assert page.content_type == content_type
    assert page.body == (pages.SAMPLES / "blog_post.html").read_bytes()


@pytest.mark.usefixtures("reachable")
def test_it_reads_plain_text(page_server: PageServer) -> None:
    page = fetch(page_server.url("/notes.txt"))

    assert page.content_type == "text/plain"
    assert page.body.startswith(b"Field notes on running a small weekly newsletter")


@pytest.mark.usefixtures("reachable")
@pytest.mark.parametrize(("path", "content_type"), [("/report.pdf", "application/pdf"), ("/photo.jpg", "image/jpeg")])
def test_it_refuses_files_that_are_not_web_pages(page_server: PageServer, path: str, content_type: str) -> None:
    error = refusal(page_server.url(path))

    assert (error.code, error.content_type) == ("not_html", content_type)


@pytest.mark.usefixtures("reachable")
@pytest.mark.parametrize("path", ["/huge", "/endless", "/bomb"])
def test_it_refuses_pages_over_five_megabytes_however_they_arrive(page_server: PageServer, path: str) -> None:
    """Declared too long, never-ending without a length, or a few KB that inflate to 20 MB."""
    started = time.monotonic()

    assert refusal(page_server.url(path)).code == "too_large"
    assert time.monotonic() - started < 3


@pytest.mark.usefixtures("reachable")
@pytest.mark.parametrize("path", ["/slow", "/drip"])
def test_it_gives_up_at_the_total_deadline(page_server: PageServer, settings: Settings, path: str) -> None:
    """A server that says nothing, and one that answers a byte at a time so that no single read is slow."""
    settings.FETCH_TIMEOUT = 0.4
    started = time.monotonic()

    assert refusal(page_server.url(path)).code == "timeout"
    assert 0.35 < time.monotonic() - started < 2


@pytest.mark.usefixtures("reachable")
@pytest.mark.parametrize("path", ["/slow-headers", "/slow-body"])
def test_it_gives_up_on_a_server_that_sends_a_byte_a_second_at_the_deadline(
    page_server: PageServer, settings: Settings, path: str
) -> None:
    """Every byte comes within a second, so no single wait is slow: only the one deadline for the fetch ends it."""
    settings.FETCH_TIMEOUT = 2
    started = time.monotonic()

    assert refusal(page_server.url(path)).code == "timeout"
    assert 1.9 < time.monotonic() - started < 2.5


@pytest.mark.usefixtures("reachable")
@pytest.mark.parametrize("path", ["/in-pieces", "/hop/2"])
def test_it_still_reads_a_page_that_arrives_slowly_or_by_redirects_within_the_deadline(
    page_server: PageServer, settings: Settings, path: str
) -> None:
    settings.FETCH_TIMEOUT = 2

    page = fetch(page_server.url(path))

    assert page.body == (pages.SAMPLES / "blog_post.html").read_bytes()


@pytest.mark.usefixtures("reachable")
def test_it_counts_the_name_lookup_against_the_deadline(
    page_server: PageServer, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.FETCH_TIMEOUT = 0.2

    def slow_resolve(host: str, port: int) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
        time.sleep(0.3)
        return [ipaddress.ip_address("127.0.0.1")]

    monkeypatch.setattr("threadr.lib.fetch.policy.resolve", slow_resolve)

    assert refusal(page_server.url(BLOG, host="slow-dns.example")).code == "timeout"
    assert page_server.total_hits == 0


@pytest.mark.usefixtures("reachable")
def test_it_keeps_time_without_a_watchdog_thread(
    page_server: PageServer, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The deadline lives in each wait's timeout, so a fetch starts no thread of its own."""
    settings.FETCH_TIMEOUT = 0.4
    caller = threading.current_thread()
    started: list[threading.Thread] = []
    start = threading.Thread.start

    def recording_start(thread: threading.Thread) -> None:
        if threading.current_thread() is caller:
            started.append(thread)
        start(thread)

    monkeypatch.setattr(threading.Thread, "start", recording_start)

    assert refusal(page_server.url("/drip")).code == "timeout"
    assert started == []


@pytest.mark.usefixtures("reachable")
@pytest.mark.parametrize(
    ("path", "code", "status"),
    [
        ("/missing", "not_found", 404),
        ("/gone", "not_found", 410),
        ("/forbidden", "blocked", 403),
        ("/payment-required", "http_error", 402),
        ("/broken", "http_error", 500),
        ("/lost-redirect", "http_error", 302),
        ("/corrupt-gzip", "http_error", None),
        ("/truncated-gzip", "http_error", None),
        ("/brotli", "http_error", None),  # an encoding we never asked for
    ],
)
def test_it_names_each_failure_of_the_server(page_server: PageServer, path: str, code: str, status: int | None) -> None:
    error = refusal(page_server.url(path))

    assert (error.code, error.status) == (code, status)


@pytest.mark.usefixtures("reachable")
def test_it_keeps_the_body_of_a_refusal_so_a_login_wall_can_be_recognised(page_server: PageServer) -> None:
    error = refusal(page_server.url("/members/report"))

    assert error.code == "blocked"
    assert error.page is not None
    assert b"Sign in to continue" in error.page.body


@pytest.mark.usefixtures("reachable")
def test_it_says_when_nothing_answers_at_the_address() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]

    assert refusal(f"http://127.0.0.1:{closed_port}/").code == "connection_failed"


# --- TLS to the vetted address, checked against the name -------------------------------------------------------


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for secure.example, made with the system's openssl."""
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
            *("-subj", "/CN=secure.example", "-addext", "subjectAltName=DNS:secure.example"),
            *("-keyout", str(key), "-out", str(cert)),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


@pytest.fixture
def tls_server(certificate: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> Iterator[int]:
    cert, key = certificate

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = b"<!DOCTYPE html><html><body><p>Served over TLS.</p></body></html>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            return

    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_context.load_cert_chain(cert, key)
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.handle_error = lambda request, client_address: None  # type: ignore[method-assign]
    server.socket = server_context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    client_context = ssl.create_default_context(cafile=str(cert))
    monkeypatch.setattr("threadr.lib.fetch.transport.tls_context", lambda: client_context)
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


@pytest.mark.usefixtures("reachable")
def test_it_verifies_tls_against_the_name_while_connecting_to_the_vetted_address(
    tls_server: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    map_hosts(monkeypatch, {"secure.example": "127.0.0.1", "impostor.example": "127.0.0.1"})

    page = fetch(f"https://secure.example:{tls_server}/")

    assert b"Served over TLS." in page.body
    assert refusal(f"https://impostor.example:{tls_server}/").code == "connection_failed"
