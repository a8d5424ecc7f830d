"""Start-up with publishing configured: a client id needs encryption keys, and a key must be a Fernet key."""

from __future__ import annotations

from tests.publishing.conftest import KEY
from tests.threadr.test_settings import PRODUCTION_ENV, manage


def test_a_client_id_without_encryption_keys_stops_start_up_with_one_line():
    result = manage("check", env={**PRODUCTION_ENV, "X_CLIENT_ID": "threadr-app"}, drop=("FIELD_ENCRYPTION_KEY",))

    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "Threadr cannot start: FIELD_ENCRYPTION_KEY is not set (required with X_CLIENT_ID, to encrypt the X tokens)."
    ]


def test_a_key_that_is_not_a_fernet_key_stops_start_up_with_one_line():
    env = {**PRODUCTION_ENV, "X_CLIENT_ID": "threadr-app", "FIELD_ENCRYPTION_KEY": f"{KEY},not-a-key"}

    result = manage("check", env=env)

    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "Threadr cannot start: FIELD_ENCRYPTION_KEY key 2 is not a Fernet key (32 bytes in URL-safe base64)."
    ]


def test_it_starts_with_a_client_id_and_keys():
    env = {**PRODUCTION_ENV, "X_CLIENT_ID": "threadr-app", "FIELD_ENCRYPTION_KEY": KEY}

    assert manage("check", env=env).returncode == 0
