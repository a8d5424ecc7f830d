"""The data export streams: downloading 30 MB of threads holds a few megabytes in the worker, not 30."""

from __future__ import annotations

import json
import tracemalloc

import pytest

from accounts.models import User
from generator.models import Thread

pytestmark = pytest.mark.django_db

THREADS = 600
SOURCE_CHARS = 50_000  # the longest article a thread keeps: 600 of them make 30 MB


def seed_threads(owner: User) -> None:
    for batch in range(0, THREADS, 50):
        Thread.objects.bulk_create(
            Thread(
                owner=owner,
                title=f"Thread {number}",
                engine="local",
                source_text=(f"Sentence {number} of a long article. " * 2000)[:SOURCE_CHARS],
                tweets=["A tweet.", "Another tweet."],
                body_text="A tweet.\n\nAnother tweet.",
            )
            for number in range(batch, batch + 50)
        )


def test_exporting_30_mb_of_threads_holds_a_few_megabytes(client, alice):
    client.force_login(alice)
    client.get("/accounts/settings/export/").getvalue()  # a worker that has served an export: code loaded, caches warm
    seed_threads(alice)

    tracemalloc.start()
    try:
        response = client.get("/accounts/settings/export/")
        size = sum(len(chunk) for chunk in response.streaming_content)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert size > THREADS * SOURCE_CHARS
    assert peak < 5 * 1024 * 1024, f"the export held {peak / 1024 / 1024:.1f} MB at its peak"


def test_the_streamed_export_is_one_json_document_with_every_thread(client, alice):
    seed_threads(alice)
    client.force_login(alice)

    data = json.loads(client.get("/accounts/settings/export/").getvalue())

    assert len(data["threads"]) == THREADS
    assert {len(thread["source_text"]) for thread in data["threads"]} == {SOURCE_CHARS}
    assert data["threads"][0]["tweets"] == ["A tweet.", "Another tweet."]
    assert data["profile"]["email"] == alice.email
