"""The fake OpenAI-compatible provider as its own process, so its work does not share a GIL with the load generator.

Run by bench/harness.py: `python bench/fake_provider.py --first-token 0.2 --chunk-delay 0.01 --tweets 6`. It serves
every chat completion with the same reply, prints its port on one line, and runs until killed.
"""

from __future__ import annotations

import argparse
import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.fakes.openai_server import FakeOpenAI, FakeReply, _Server

TWEET = "Small releases win because every change is easy to review, easy to test and easy to roll back again."


class DeepBacklogServer(_Server):
    """Hundreds of streams open at once: the accept queue must hold a burst of that size."""

    request_queue_size = 1024


def reply(*, first_token: float, chunk_delay: float, tweets: int) -> FakeReply:
    bodies = [f"{index}. {TWEET}" for index in range(1, tweets + 1)]
    return FakeReply(tweets=bodies, first_token_delay=first_token, chunk_delay=chunk_delay, chunk_size=16)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--first-token", type=float, default=0.2, help="seconds before the first token")
    parser.add_argument("--chunk-delay", type=float, default=0.01, help="seconds between chunks of 16 characters")
    parser.add_argument("--tweets", type=int, default=6)
    arguments = parser.parse_args()
    fake = FakeOpenAI()
    fake.default = reply(first_token=arguments.first_token, chunk_delay=arguments.chunk_delay, tweets=arguments.tweets)
    fake.record = lambda request: None  # type: ignore[method-assign] - hours of load would fill memory
    server = DeepBacklogServer(fake)
    print(server.server_address[1], flush=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    threading.Event().wait()


if __name__ == "__main__":
    main()
