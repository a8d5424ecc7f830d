"""Publishing runs against the fake X on 127.0.0.1 through the real Authlib and httpx2 clients.

`connected` gives a user a linked X account the way the callback leaves it (tokens from the fake's own grant);
`drive` runs a publication's steps in this process one after another, as a worker would take its jobs, for the
tests about what is posted rather than about the queue (those run real workers, in test_workers.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.test import Client
from django.utils import timezone

from accounts.models import User
from generator.models import Thread
from publishing import runner, services, x_client
from publishing.models import Publication, XAccount
from tests.fakes import x_server
from tests.fakes.x_server import FakeX

KEY = Fernet.generate_key().decode()


@pytest.fixture(autouse=True)
def _publishing_settings(settings: Any) -> None:
    settings.FIELD_ENCRYPTION_KEY = [KEY]
    settings.PUBLISH_SPACING_SECONDS = 0
    settings.X_TIMEOUT = 1.0


fake_x = x_server.fake_x


@pytest.fixture
def x(fake_x: FakeX) -> Iterator[FakeX]:
    """The fake X with a short hang, so a post that is accepted and never answered costs one X_TIMEOUT."""
    fake_x.hang_seconds = 3.0
    return fake_x


def connect(user: User, fake: FakeX, x_user: Any = None) -> XAccount:
    grant = fake.grant(x_user)
    who = x_user or fake.user
    tokens = x_client.Tokens(
        access_token=grant["access_token"],
        refresh_token=grant["refresh_token"],
        expires_at=timezone.now() + timedelta(seconds=int(grant["expires_in"])),
        scope=grant["scope"],
    )
    return services.x_account_connect(user=user, tokens=tokens, x_user=x_client.XUser(id=who.id, username=who.username))


@pytest.fixture
def connected(bob: User, x: FakeX) -> XAccount:
    """Bob (premium) has linked the fake's default X user."""
    return connect(bob, x)


def make_thread(owner: User, count: int = 3, *, title: str = "How we cut build times") -> Thread:
    tweets = [f"{position}/{count} Point number {position} about build times." for position in range(1, count + 1)]
    thread = Thread(owner=owner, title=title, engine="local")
    thread.set_tweets(tweets)
    thread.save()
    return thread


def logged_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def publish_now(user: User, thread: Thread) -> Publication:
    return services.publication_create(user=user, thread=thread, at=None)


def drive(publication: Publication, *, steps: int = 50) -> list[runner.Step]:
    """Run the publication's steps until it has nothing more to do, ignoring the times they ask to wait (the tests
    set no spacing); returns the steps taken."""
    taken = []
    for _ in range(steps):
        step = runner.publication_step(publication_id=publication.pk)
        taken.append(step)
        publication.refresh_from_db()
        if not publication.is_live:
            return taken
    return taken
