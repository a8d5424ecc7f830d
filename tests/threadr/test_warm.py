"""A worker loads at start-up what its first requests would otherwise load, so no user waits for it and
gunicorn's gc.freeze() after start-up (gunicorn.conf.py) takes it out of every later garbage collection."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import json, sys
import threadr.wsgi
from generator import language
from generator.llm import client
names = ("redis", "django_redis.client.default", "h11", "trafilatura")
print(json.dumps({
    "modules": sorted(name for name in names if name in sys.modules),
    "provider_clients": client.provider_client.cache_info().currsize,
    "language_detectors": language.detector.cache_info().currsize,
}))
"""


def load_the_app(**settings: str) -> tuple[dict[str, Any], str]:
    """What loading `threadr.wsgi` in a fresh process left loaded and built, and what it logged."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "threadr.settings",
        "DEBUG": "1",
        "OPENAI_API_KEY": "sk-threadr-test",
        "REDIS_URL": "redis://127.0.0.1:6379/15",  # building the cache client opens no connection
        **settings,
    }
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=True
    )
    return json.loads(result.stdout.strip().splitlines()[-1]), result.stdout + result.stderr


def test_loading_the_app_builds_the_provider_client_and_language_detector_and_loads_cache_and_http() -> None:
    loaded, _ = load_the_app(OPENAI_BASE_URL="http://127.0.0.1:9/v1")  # building the client opens no connection

    assert loaded == {
        "modules": ["django_redis.client.default", "h11", "redis", "trafilatura"],
        "provider_clients": 1,
        "language_detectors": 1,
    }


def test_a_provider_url_the_client_refuses_is_logged_and_the_app_still_loads() -> None:
    loaded, output = load_the_app(OPENAI_BASE_URL="::not a url")

    assert loaded["provider_clients"] == 0
    assert "Could not build the AI provider client; check OPENAI_BASE_URL" in output
