"""/metrics speaks Prometheus to a scraper holding METRICS_TOKEN and is a plain 404 to everyone else; it counts
requests, quota rejections and cache errors in-process and reads business figures from the database."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from django.utils import timezone
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families

from billing.models import WebhookEvent
from generator.models import Generation
from threadr.lib.mail.models import OutboxMessage

pytestmark = pytest.mark.django_db

TOKEN = "scrape-me-0123456789"


@pytest.fixture
def token(settings):
    settings.METRICS_TOKEN = TOKEN
    return TOKEN


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def scrape(client) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")
    return samples(response.content.decode())


def test_it_is_a_404_without_a_configured_token(client, settings):
    settings.METRICS_TOKEN = ""

    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics?token=").status_code == 404
    assert client.get("/metrics", headers={"Authorization": "Bearer "}).status_code == 404


def test_it_is_a_404_with_a_wrong_or_missing_token(client, token):
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics?token=nope").status_code == 404
    assert client.get("/metrics", headers={"Authorization": "Bearer nope"}).status_code == 404


def test_it_accepts_the_token_as_a_bearer_or_a_query_parameter(client, token):
    assert client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200
    assert client.get(f"/metrics?token={TOKEN}").status_code == 200


def test_it_counts_requests_by_view_and_status_and_times_them(client, token):
    labels = {"view": "pricing", "method": "GET", "status": "200"}
    before = REGISTRY.get_sample_value("threadr_http_requests_total", labels) or 0
    timed = REGISTRY.get_sample_value("threadr_http_request_duration_seconds_count", {"view": "pricing"}) or 0

    client.get("/pricing")
    client.get("/pricing")
    client.get("/no-such-page-anywhere")

    seen = scrape(client)
    assert seen[("threadr_http_requests_total", tuple(sorted(labels.items())))] == before + 2
    assert seen[("threadr_http_request_duration_seconds_count", (("view", "pricing"),))] == timed + 2
    unmatched = (("method", "GET"), ("status", "404"), ("view", "unmatched"))
    assert seen[("threadr_http_requests_total", unmatched)] >= 1


def test_it_counts_a_quota_rejection(client, token, alice):
    Generation.objects.bulk_create(
        [Generation(user=alice, status="succeeded", engine="local", input_kind="text") for _ in range(5)]
    )
    client.force_login(alice)
    before = REGISTRY.get_sample_value("threadr_quota_rejections_total") or 0

    response = client.post("/api/v1/generations", {"text": "An article. " * 30}, content_type="application/json")

    assert response.status_code == 402
    assert scrape(client)[("threadr_quota_rejections_total", ())] == before + 1


def test_it_counts_cache_errors_even_when_the_log_line_is_held_back(client, token):
    # Read through the scrape, as the total adds up every process's count (an earlier test's server included).
    before = scrape(client).get(("threadr_cache_errors_total", ()), 0)

    for _ in range(3):
        logging.getLogger("threadr.cache").warning("the cache is down")

    assert scrape(client)[("threadr_cache_errors_total", ())] == before + 3


def test_business_figures_come_from_the_database(client, token, alice):
    Generation.objects.create(user=alice, status="succeeded", engine="openai", input_kind="text", duration_ms=1500)
    Generation.objects.create(user=alice, status="succeeded", engine="openai", input_kind="url", duration_ms=7000)
    Generation.objects.create(user=alice, status="failed", engine="openai", input_kind="text", error_code="timeout")
    Generation.objects.create(user=alice, status="reserved", input_kind="text")
    WebhookEvent.objects.create(stripe_event_id="evt_1", type="invoice.paid", payload={}, processed="2026-01-01T00:00Z")
    WebhookEvent.objects.create(stripe_event_id="evt_2", type="invoice.paid", payload={}, error="boom")

    seen = scrape(client)

    assert seen[("threadr_generations_total", (("engine", "openai"), ("outcome", "succeeded")))] == 2
    assert seen[("threadr_generations_total", (("engine", "openai"), ("outcome", "failed")))] == 1
    assert seen[("threadr_generation_failures_total", (("code", "timeout"),))] == 1
    assert seen[("threadr_generations_reserved", ())] == 1
    latency = "threadr_provider_latency_seconds_bucket"
    assert seen[(latency, (("engine", "openai"), ("le", "2.0")))] == 1
    assert seen[(latency, (("engine", "openai"), ("le", "10.0")))] == 2
    assert seen[(latency, (("engine", "openai"), ("le", "+Inf")))] == 2
    assert seen[("threadr_provider_latency_seconds_sum", (("engine", "openai"),))] == 8.5
    assert seen[("threadr_webhook_events", (("outcome", "processed"), ("type", "invoice.paid")))] == 1
    assert seen[("threadr_webhook_events", (("outcome", "failed"), ("type", "invoice.paid")))] == 1
    assert seen[("threadr_webhook_events", (("outcome", "pending"), ("type", "invoice.paid")))] == 0


def test_the_outbox_shows_what_waits_and_for_how_long(client, token):
    waited = timezone.now() - timedelta(minutes=30)
    OutboxMessage.objects.create(subject="a", recipients="a@example.com", created_at=waited, next_attempt_at=waited)
    OutboxMessage.objects.create(subject="b", recipients="b@example.com", next_attempt_at=waited)
    OutboxMessage.objects.create(subject="c", recipients="c@example.com", next_attempt_at=waited, status="sent")

    seen = scrape(client)

    assert seen[("threadr_outbox_emails", (("status", "pending"),))] == 2
    assert seen[("threadr_outbox_emails", (("status", "sent"),))] == 1
    assert seen[("threadr_outbox_emails", (("status", "failed"),))] == 0
    assert 30 * 60 <= seen[("threadr_outbox_oldest_pending_seconds", ())] < 31 * 60


def test_in_multiprocess_mode_a_scrape_reads_the_shared_directory_cleared_at_start(
    monkeypatch, tmp_path, client, token
):
    from threadr.lib.metrics import exposition
    from threadr.lib.metrics_directory import reset_multiprocess_dir

    directory = tmp_path / "prometheus"
    directory.mkdir()
    (directory / "counter_4242.db").write_bytes(b"left by the last run")
    (directory / "README").write_text("not ours")
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(directory))

    reset_multiprocess_dir()
    body, content_type = exposition([])

    assert sorted(path.name for path in directory.iterdir()) == ["README"]
    assert content_type.startswith("text/plain")
    assert b"threadr_http_requests_total" not in body  # this test process writes no samples to the directory
    assert ("threadr_generations_reserved", ()) in scrape(client)
