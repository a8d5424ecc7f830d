from __future__ import annotations

import pytest
from rest_framework.test import APIClient

ARTICLE = (
    "Remote work changed how teams write. Ten years ago most decisions happened in meetings; today they happen "
    "in documents. That shift rewards people who can explain an idea clearly in writing.\n\n"
    "The first habit of good remote writers is to lead with the conclusion. Readers skim, so the answer belongs "
    "in the first sentence, with the reasoning after it.\n\n"
    "The second habit is to write for a reader who has no context. Link the previous decision, name the owner, "
    "and say what happens next. A document that needs a meeting to explain it has failed.\n\n"
    "The third habit is to keep documents alive. Decisions change; a stale page misleads the next person. "
    "Teams that review their documents monthly make fewer repeated mistakes.\n\n"
    "None of this needs special software. It needs a team that values writing as much as talking."
)


@pytest.fixture
def api() -> APIClient:
    return APIClient()


@pytest.fixture
def alice_api(api: APIClient, alice) -> APIClient:
    api.force_login(alice)
    return api


def parse_sse(body: bytes) -> list[tuple[str, dict]]:
    """Parse a Server-Sent Events body the way a browser's EventSource does."""
    import json

    events = []
    for block in body.decode().split("\n\n"):
        if not block.strip():
            continue
        event, data = "message", []
        for line in block.splitlines():
            if line.startswith("event:"):
                event = line[len("event:") :].strip()
            elif line.startswith("data:"):
                data.append(line[len("data:") :].lstrip())
        events.append((event, json.loads("\n".join(data))))
    return events
