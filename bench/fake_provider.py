"""The fake OpenAI-compatible provider as its own process, so its work does not share a GIL with the load generator.

Run by bench/harness.py: `python bench/fake_provider.py --first-token 0.2 --chunk-delay 0.01 --tweets 6`. It serves
every chat completion with the same reply, prints its port on one line, and runs until killed.

A real provider is another company's machine, not a process on the app's two cores, so by default this one runs at
the lowest CPU priority (`--nice 19`): it gets the CPU the app, PostgreSQL and Redis leave. `--nice 0` makes it
compete with them as an equal.

It also times its own part of each completion: from the request's arrival to the last byte of the reply. The load
generator puts a marker ("Bench request <hex>") in each article it sends, and `GET /bench/timings` answers
{marker: seconds}, so a generation's overhead is its time minus the provider's own time for that very request.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.fakes.openai_server import FakeOpenAI, FakeReply, _Handler, _Server

TWEET = "Small releases win because every change is easy to review, easy to test and easy to roll back again."
MARKER = re.compile(r"Bench request ([0-9a-f]+)")


class TimedHandler(_Handler):
    server: TimedServer
    _marker: str | None = None

    def do_POST(self) -> None:
        started = time.perf_counter()
        self._marker = None
        super().do_POST()
        if self._marker:
            self.server.timings[self._marker] = time.perf_counter() - started

    def do_GET(self) -> None:
        if self.path == "/bench/timings":
            self._json(200, dict(self.server.timings))
        else:
            super().do_GET()

    def _record(self, body: dict[str, Any]) -> None:
        """Note the request's marker instead of keeping the request: hours of load would fill memory."""
        for message in body.get("messages", []):
            match = MARKER.search(str(message.get("content", "")))
            if match:
                self._marker = match.group(1)


class TimedServer(_Server):
    """Hundreds of streams open at once: the accept queue must hold a burst of that size."""

    request_queue_size = 1024
    handler = TimedHandler

    def __init__(self, fake: FakeOpenAI) -> None:
        super().__init__(fake)
        self.timings: dict[str, float] = {}


def reply(*, first_token: float, chunk_delay: float, tweets: int) -> FakeReply:
    bodies = [f"{index}. {TWEET}" for index in range(1, tweets + 1)]
    return FakeReply(tweets=bodies, first_token_delay=first_token, chunk_delay=chunk_delay, chunk_size=16)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--first-token", type=float, default=0.2, help="seconds before the first token")
    parser.add_argument("--chunk-delay", type=float, default=0.01, help="seconds between chunks of 16 characters")
    parser.add_argument("--tweets", type=int, default=6)
    parser.add_argument("--nice", type=int, default=19, help="CPU priority, added to this process's niceness")
    arguments = parser.parse_args()
    os.nice(arguments.nice)  # before any thread starts: threads take their niceness from the thread that made them
    fake = FakeOpenAI()
    fake.default = reply(first_token=arguments.first_token, chunk_delay=arguments.chunk_delay, tweets=arguments.tweets)
    server = TimedServer(fake)
    print(server.server_address[1], flush=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    threading.Event().wait()


if __name__ == "__main__":
    main()
