"""Gunicorn settings for Threadr: threaded workers so streamed generations hold a thread, not a process."""

import gc
import json
import os
import time

from gunicorn.glogging import Logger

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
# gthread, except that a connection gets a thread only once its request has arrived and a worker accepts only while
# it has a free thread: idle sockets cannot stop it accepting, and a burst of streams is shared between workers.
worker_class = "threadr.lib.gunicorn_worker.ThreadWorker"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "32"))
# Open connections per worker, idle and kept-alive ones included: a bound on file descriptors, not on work.
worker_connections = 1000
# A streamed generation may run up to the provider deadline (120 s by default); leave headroom.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "180"))
graceful_timeout = 30
keepalive = 5
# Recycle a worker now and then, as a guard against slow leaks. Starting one loads Django and the SDKs again, so the
# count is high enough that a busy host does not spend its time restarting workers (bench/RESULTS.md).
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "20000"))
max_requests_jitter = max_requests // 10
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108 - heartbeat file, not data
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


class JsonAccessLogger(Logger):
    """One JSON object per access-log line, with the request id Threadr echoed."""

    def access(self, resp, req, environ, request_time):  # type: ignore[no-untyped-def]
        if not (self.cfg.accesslog or self.cfg.logconfig or self.cfg.syslog):
            return
        headers = {name.lower(): value for name, value in resp.headers}
        entry = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "level": "INFO",
            "logger": "gunicorn.access",
            "message": f"{req.method} {req.path} {resp.status_code}",
            "request_id": headers.get("x-request-id"),
            "method": req.method,
            "path": req.path,
            "status": resp.status_code,
            "duration_ms": round(request_time.total_seconds() * 1000, 1),
            "bytes": getattr(resp, "sent", None),
            "remote_addr": environ.get("REMOTE_ADDR"),
            "user_agent": environ.get("HTTP_USER_AGENT"),
        }
        self.access_log.info(json.dumps(entry))


logger_class = JsonAccessLogger


def on_starting(server):  # type: ignore[no-untyped-def]
    """Start each run with an empty PROMETHEUS_MULTIPROC_DIR, so /metrics sums this run's workers only."""
    from threadr.lib.metrics_directory import reset_multiprocess_dir

    reset_multiprocess_dir()


def child_exit(server, worker):  # type: ignore[no-untyped-def]
    from threadr.lib.metrics_directory import mark_worker_dead

    mark_worker_dead(worker.pid)


def post_worker_init(worker):  # type: ignore[no-untyped-def]
    """Put what start-up loaded (Django, the SDKs, the extractor, the warmed clients) out of the garbage
    collector's reach, so a full collection, which pauses every thread of the worker, walks only what came later."""
    gc.collect()
    gc.freeze()
    # Collect young objects less often and the oldest generation in smaller steps: every in-flight generation keeps
    # objects alive long enough to reach the oldest generation, and one full collection of them all pauses every
    # open stream of the worker at once (bench/RESULTS.md has the figures).
    gc.set_threshold(2000, 10, 1)
