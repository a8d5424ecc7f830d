"""Mail servers on 127.0.0.1 for the outbox's tests, reached by Django's real SMTP backend.

`running_smtp` speaks enough SMTP for smtplib (EHLO, MAIL, RCPT, DATA with dot-stuffing, RSET, NOOP, QUIT) and keeps
what it receives; it refuses any `nobody@` recipient, as a real server refuses an unknown mailbox. `silent_smtp`
accepts connections and never says a word: a hung server. `closed_port` is a port where nothing listens: a server
that is down.
"""

from __future__ import annotations

import email
import email.policy
import socket
import socketserver
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from email.message import EmailMessage

from tests.fakes.serving import serving


@dataclass(frozen=True)
class Received:
    sender: str
    recipients: list[str]
    message: EmailMessage

    @property
    def text(self) -> str:
        part = self.message.get_body(("plain",))
        assert part is not None
        return str(part.get_content())


class FakeSMTP(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Session)
        self.received: list[Received] = []

    @property
    def port(self) -> int:
        return int(self.server_address[1])


class _Session(socketserver.StreamRequestHandler):
    server: FakeSMTP

    def handle(self) -> None:
        self.reply("220 fake-smtp ESMTP ready")
        sender, recipients = "", []
        while line := self.rfile.readline():
            verb, _, argument = line.decode().strip().partition(" ")
            verb = verb.upper()
            if verb == "EHLO":
                self.reply("250-fake-smtp", "250 8BITMIME")
            elif verb in {"HELO", "NOOP"}:
                self.reply("250 OK")
            elif verb == "MAIL":
                sender, recipients = _address(argument), []
                self.reply("250 OK")
            elif verb == "RCPT" and _address(argument).startswith("nobody@"):
                self.reply("550 5.1.1 No such user here")
            elif verb == "RCPT":
                recipients.append(_address(argument))
                self.reply("250 OK")
            elif verb == "DATA":
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                message = email.message_from_bytes(self.read_data(), policy=email.policy.default)
                assert isinstance(message, EmailMessage)
                self.server.received.append(Received(sender, recipients, message))
                self.reply("250 OK queued")
            elif verb == "RSET":
                sender, recipients = "", []
                self.reply("250 OK")
            elif verb == "QUIT":
                self.reply("221 Bye")
                return
            else:
                self.reply("502 Command not implemented")

    def reply(self, *lines: str) -> None:
        self.wfile.write("".join(f"{line}\r\n" for line in lines).encode())

    def read_data(self) -> bytes:
        lines = []
        while (line := self.rfile.readline()) not in {b".\r\n", b""}:
            lines.append(line[1:] if line.startswith(b"..") else line)
        return b"".join(lines)


def _address(argument: str) -> str:
    """`FROM:<a@b>` or `TO:<a@b> SIZE=12` -> `a@b`."""
    return argument.partition(":")[2].split(" ")[0].strip("<>")


@contextmanager
def running_smtp() -> Iterator[FakeSMTP]:
    server = FakeSMTP()
    with serving(server):
        yield server


@contextmanager
def silent_smtp() -> Iterator[int]:
    """A port that completes TCP handshakes (the kernel does, from the backlog) and never sends a greeting."""
    with closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(64)
        yield int(listener.getsockname()[1])


def closed_port() -> int:
    """A loopback port nobody listens on: connecting is refused at once."""
    with closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
