"""Prometheus metrics measured inside the web process, and the /metrics exposition.

Measured here, per process: requests by view, method and status with their latency, quota rejections (every 402
answer: Threadr answers 402 for nothing else) and cache errors (every warning or error on the `threadr.cache`
logger, where django-redis and the throttles report a Redis that failed). Business counters (generations,
provider latency, webhook events) are not counted here: they are computed from the database at scrape time by
collectors the caller passes in, so they are exact whatever the number of processes and hosts.

Gunicorn runs several worker processes. With PROMETHEUS_MULTIPROC_DIR set (gunicorn's hooks prepare it and forget
dead workers: threadr.lib.metrics_directory), each worker writes its samples there and a scrape of any worker sums
them all; without it, a scrape sees only the worker that answered.
"""

from __future__ import annotations

import hmac
import logging
import os
import time
from collections.abc import Callable, Iterable, Iterator

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest, multiprocess
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.metrics_core import Metric
from prometheus_client.registry import Collector

METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)

REQUESTS = Counter(
    "threadr_http_requests", "HTTP requests answered, by view, method and status.", ["view", "method", "status"]
)
REQUEST_LATENCY = Histogram(
    "threadr_http_request_duration_seconds",
    "Time until the response started (for streams: until the first byte), by view.",
    ["view"],
    buckets=LATENCY_BUCKETS,
)
QUOTA_REJECTIONS = Counter("threadr_quota_rejections", "Generations refused because the quota was used up (402).")
CACHE_ERRORS = Counter("threadr_cache_errors", "Cache operations that failed and were passed over (fail open).")


def view_label(request: HttpRequest) -> str:
    """The matched URL's name: a small, fixed set of values, whatever paths clients make up."""
    match = getattr(request, "resolver_match", None)
    return match.view_name if match is not None else "unmatched"


class MetricsMiddleware:
    """Counts and times every response. Put it first, so the time includes the other middleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        view = view_label(request)
        method = request.method if request.method in METHODS else "other"
        REQUESTS.labels(view, method, str(response.status_code)).inc()
        REQUEST_LATENCY.labels(view).observe(time.perf_counter() - started)
        if response.status_code == 402:
            QUOTA_REJECTIONS.inc()
        return response


class CountCacheErrors(logging.Filter):
    """A logger filter that counts each warning or error on the cache logger and lets the record through (put it
    before any filter that thins the log lines out, so every failure is counted even when few are logged)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.WARNING:
            CACHE_ERRORS.inc()
        return True


def token_accepted(request: HttpRequest) -> bool:
    """METRICS_TOKEN as a bearer token or `?token=`. With no token configured, nothing is accepted."""
    expected = getattr(settings, "METRICS_TOKEN", "")
    if not expected:
        return False
    scheme, _, credentials = request.headers.get("Authorization", "").partition(" ")
    given = credentials.strip() if scheme.lower() == "bearer" else request.GET.get("token", "")
    return hmac.compare_digest(given.encode(), expected.encode())


class _Forward(Collector):
    """This process's default registry inside a per-scrape registry."""

    def collect(self) -> Iterator[Metric]:
        yield from REGISTRY.collect()


def exposition(collectors: Iterable[Collector]) -> tuple[bytes, str]:
    """The text format of the process metrics (every worker's, in multiprocess mode) plus `collectors`."""
    registry = CollectorRegistry(auto_describe=False)
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(_Forward())
    for collector in collectors:
        registry.register(collector)
    return generate_latest(registry), CONTENT_TYPE_LATEST
