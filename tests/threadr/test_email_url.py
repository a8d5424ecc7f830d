"""EMAIL_URL takes every django-environ scheme, keeps what each needs (filemail://'s directory), and stops start-up
on what would only fail at the first email."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from tests.accounts.test_sign_up_and_login import sign_up
from tests.threadr.test_settings import PRODUCTION_ENV, manage
from threadr.lib.env import email_from_url

BACKENDS = "django.core.mail.backends"


@pytest.mark.parametrize(
    ("url", "backend"),
    [
        ("smtp://mail.example.com", f"{BACKENDS}.smtp.EmailBackend"),
        ("smtps://mail.example.com", f"{BACKENDS}.smtp.EmailBackend"),
        ("smtp+tls://mail.example.com", f"{BACKENDS}.smtp.EmailBackend"),
        ("smtp+ssl://mail.example.com", f"{BACKENDS}.smtp.EmailBackend"),
        ("consolemail://", f"{BACKENDS}.console.EmailBackend"),
        ("filemail:////var/tmp/threadr-mail", f"{BACKENDS}.filebased.EmailBackend"),
        ("memorymail://", f"{BACKENDS}.locmem.EmailBackend"),
        ("dummymail://", f"{BACKENDS}.dummy.EmailBackend"),
    ],
)
def test_every_django_environ_scheme_names_its_backend(url, backend):
    assert email_from_url(url)["EMAIL_DELIVERY_BACKEND"] == backend


@pytest.mark.parametrize(
    ("url", "port", "tls", "ssl"),
    [
        ("smtp://mail.example.com", 25, False, False),
        ("smtp+tls://mail.example.com", 587, True, False),
        ("smtps://mail.example.com", 587, True, False),
        ("smtp+ssl://mail.example.com", 465, False, True),
        ("smtp+tls://mail.example.com:2525", 2525, True, False),
        ("smtp://mail.example.com?email_use_tls=False", 25, False, False),
        ("smtp://mail.example.com?email_use_tls=True", 587, True, False),
    ],
)
def test_smtp_urls_say_how_to_connect(url, port, tls, ssl):
    config = email_from_url(url)

    assert (config["EMAIL_HOST"], config["EMAIL_PORT"]) == ("mail.example.com", port)
    assert (config["EMAIL_USE_TLS"], config["EMAIL_USE_SSL"]) == (tls, ssl)


def test_credentials_are_read_with_their_escapes():
    config = email_from_url("smtp+tls://apikey:p%40ss%2Fword@smtp.example.com:587")

    assert (config["EMAIL_HOST_USER"], config["EMAIL_HOST_PASSWORD"]) == ("apikey", "p@ss/word")


def test_filemail_keeps_its_directory_absolute_or_relative():
    assert email_from_url("filemail:////var/tmp/threadr-mail")["EMAIL_FILE_PATH"] == "/var/tmp/threadr-mail"
    assert email_from_url("filemail:///sent-mail")["EMAIL_FILE_PATH"] == "sent-mail"


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("filemail://", "filemail:// needs a directory"),
        ("smtp://mail.example.com:587?tls=True", "option(s) tls are not read"),
        ("carrierpigeon://coop", "Invalid email schema carrierpigeon"),
    ],
)
def test_what_would_fail_at_the_first_email_stops_start_up(url, says):
    with pytest.raises(SystemExit, match=r"Threadr cannot start") as stopped:
        email_from_url(url)

    assert says in str(stopped.value)


@pytest.mark.django_db(transaction=True)  # the command runs in another process: its outbox row must be cleaned up
def test_a_filemail_url_writes_each_email_to_its_directory(tmp_path):
    database = connection.settings_dict
    env = {
        **PRODUCTION_ENV,
        "EMAIL_URL": f"filemail:///{tmp_path}",
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
    }

    result = manage("sendtestemail", "carol@example.com", env=env)

    assert result.returncode == 0, result.stderr
    [written] = list(tmp_path.iterdir())
    assert "To: carol@example.com" in written.read_text()


@pytest.mark.django_db(transaction=True)
def test_signing_up_with_a_filemail_url_writes_the_confirmation_email(client, settings: Any, tmp_path: Path):
    for name, value in email_from_url(f"filemail:///{tmp_path}").items():
        setattr(settings, name, value)
    settings.EMAIL_BACKEND = "threadr.lib.mail.backend.OutboxBackend"

    response = sign_up(client, "carol@example.com")

    assert response.status_code == 302
    [written] = [path.read_text() for path in tmp_path.iterdir()]
    assert "To: carol@example.com" in written
    assert "/accounts/confirm-email/" in written
