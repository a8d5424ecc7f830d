"""The X tokens: unreadable in the database, renewed under a lock with the rotated pair saved before use, and a
refused renewal asks the person to reconnect."""

from __future__ import annotations

import threading
from datetime import timedelta

import httpx2
import pytest
from django.db import connection, connections
from django.utils import timezone

from publishing import services
from publishing.models import XAccount


def expire(account: XAccount) -> None:
    XAccount.objects.filter(pk=account.pk).update(access_expires_at=timezone.now() - timedelta(minutes=1))


def works(x, token: str) -> bool:
    return httpx2.get(f"{x.base_url}/2/users/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200


def test_tokens_are_not_readable_in_the_database(connected, x):
    access, refresh = x.tokens_of(x.user, "access")[0], x.tokens_of(x.user, "refresh")[0]

    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM publishing_xaccount")
        stored = " ".join(str(value) for row in cursor.fetchall() for value in row)

    assert access not in stored
    assert refresh not in stored
    assert connected.access_token == access  # the key reads them back


def test_a_key_rotated_in_first_still_reads_the_old_tokens(connected, settings):
    from cryptography.fernet import Fernet

    old = connected.access_token
    settings.FIELD_ENCRYPTION_KEY = [Fernet.generate_key().decode(), *settings.FIELD_ENCRYPTION_KEY]

    assert XAccount.objects.get(pk=connected.pk).access_token == old


def test_an_expired_token_is_renewed_and_the_new_pair_saved_before_use(bob, connected, x):
    expire(connected)

    token = services.x_account_access_token(user_id=bob.pk)

    connected.refresh_from_db()
    assert works(x, token)
    assert connected.access_token == token
    assert connected.refresh_token == x.tokens_of(x.user, "refresh", live=True)[0]
    assert connected.access_expires_at > timezone.now() + timedelta(hours=1)


def test_a_fresh_token_is_used_as_it_is(bob, connected, x):
    assert services.x_account_access_token(user_id=bob.pk) == connected.access_token
    assert x.calls("POST", "/2/oauth2/token") == 0


def test_a_refused_renewal_asks_the_person_to_reconnect(bob, connected, x, mailoutbox):
    expire(connected)
    x.oauth.revoke({"token": connected.refresh_token, "token_type_hint": "refresh_token",
                    "client_id": x.client_id}, "")  # fmt: skip

    with pytest.raises(services.XNotConnected, match="reconnect X"):
        services.x_account_access_token(user_id=bob.pk)

    connected.refresh_from_db()
    assert connected.status == "reconnect_needed"
    assert [mail.to for mail in mailoutbox] == [[bob.email]]
    assert "/accounts/settings/" in mailoutbox[0].body
    assert "Reconnect X" in _settings_page(bob)


def _settings_page(user) -> str:
    from tests.publishing.conftest import logged_in

    return logged_in(user).get("/accounts/settings/").content.decode()


def test_racing_renewals_end_with_one_working_pair(transactional_db, bob, x, settings):
    from tests.publishing.conftest import connect

    account = connect(bob, x)
    expire(account)
    start = threading.Barrier(6)
    tokens: list[str] = []
    errors: list[BaseException] = []

    def renew() -> None:
        try:
            start.wait()
            tokens.append(services.x_account_access_token(user_id=bob.pk))
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    racers = [threading.Thread(target=renew) for _ in range(6)]
    for racer in racers:
        racer.start()
    for racer in racers:
        racer.join(timeout=30)

    account.refresh_from_db()
    assert errors == []
    assert set(tokens) == {account.access_token}
    assert x.calls("POST", "/2/oauth2/token") == 1
    assert x.tokens_of(x.user, "refresh", live=True) == [account.refresh_token]
    assert account.status == "connected"
    assert works(x, account.access_token)
