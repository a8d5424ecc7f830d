"""Every form that checks a password shares the sign-in limits, counted per account and client: a stranger guessing
from one address is stopped on every form, and the owner, from their own device, still gets in."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import time_machine
from django.test import Client

from accounts.models import User
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

STRANGER = "203.0.113.66"
OWNER = "198.51.100.7"
LOCKED = "Too many failed login attempts"


@pytest.fixture(autouse=True)
def _one_window(settings: Any) -> Iterator[None]:
    """Every attempt of a test falls in one five-minute window. What is tested is the counting, so passwords are
    hashed the fast way (argon2 makes each of these guesses cost a second on a busy test machine)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with time_machine.travel("2026-11-25 12:02:30+00:00", tick=False):
        yield


@dataclass(frozen=True)
class Door:
    """A form that checks a password: `attempt` sends `password` through it as `user`, from the client given."""

    name: str
    attempt: Callable[[Client, User, str], Any]
    signed_in: bool  # the form is behind sign-in: a guesser there holds a stolen session


def sign_in(client: Client, user: User, password: str) -> Any:
    return client.post("/accounts/login/", {"login": user.email, "password": password})


def reauthenticate(client: Client, user: User, password: str) -> Any:
    return client.post("/accounts/reauthenticate/", {"password": password})


def change_password(client: Client, user: User, password: str) -> Any:
    new = "an-Entirely-new-passphrase-7"
    return client.post("/accounts/password/change/", {"oldpassword": password, "password1": new, "password2": new})


def delete_account(client: Client, user: User, password: str) -> Any:
    return client.post("/accounts/settings/delete/", {"password": password})


def admin_sign_in(client: Client, user: User, password: str) -> Any:
    return client.post("/admin/login/", {"username": user.email, "password": password, "next": "/admin/"})


DOORS = [
    Door("sign-in", sign_in, signed_in=False),
    Door("re-authentication", reauthenticate, signed_in=True),
    Door("password change", change_password, signed_in=True),
    Door("account deletion", delete_account, signed_in=True),
    Door("admin sign-in", admin_sign_in, signed_in=False),
]


def from_address(address: str, *, as_user: User | None = None) -> Client:
    client = Client(REMOTE_ADDR=address)
    if as_user is not None:
        client.force_login(as_user)
    return client


def guess(door: Door, user: User, *, times: int, address: str = STRANGER) -> list[int]:
    guesser = from_address(address, as_user=user if door.signed_in else None)
    return [door.attempt(guesser, user, f"guess-{number}").status_code for number in range(times)]


@pytest.mark.parametrize("door", DOORS, ids=lambda door: door.name)
def test_wrong_passwords_on_any_form_stop_that_client_signing_in(door: Door, alice: User) -> None:
    answers = guess(door, alice, times=5)

    refused = sign_in(from_address(STRANGER), alice, PASSWORD)

    assert 302 not in answers  # every guess was answered "wrong", none got through
    assert LOCKED in refused.content.decode()
    assert not User.objects.get(pk=alice.pk).check_password("an-Entirely-new-passphrase-7")


@pytest.mark.parametrize("door", DOORS, ids=lambda door: door.name)
def test_after_wrong_sign_ins_every_form_refuses_that_client_even_the_right_password(door: Door, alice: User) -> None:
    alice.is_staff = True  # so that the admin's sign-in would otherwise let her in
    alice.save()
    guess(DOORS[0], alice, times=5)

    refused = door.attempt(from_address(STRANGER, as_user=alice if door.signed_in else None), alice, PASSWORD)

    assert refused.status_code != 302
    assert LOCKED in refused.content.decode()
    alice.refresh_from_db()  # still there, with the same password
    assert alice.check_password(PASSWORD)


@pytest.mark.parametrize("door", DOORS, ids=lambda door: door.name)
def test_a_stranger_guessing_on_any_form_does_not_lock_the_owner_out(door: Door, alice: User) -> None:
    guess(door, alice, times=20)

    assert sign_in(from_address(OWNER), alice, PASSWORD).status_code == 302


def test_the_owner_can_still_delete_her_account_while_a_stranger_is_locked_out(alice: User) -> None:
    guess(DOORS[0], alice, times=20)

    deleted = delete_account(from_address(OWNER, as_user=alice), alice, PASSWORD)

    assert deleted.status_code == 302
    assert not User.objects.filter(pk=alice.pk).exists()


def test_one_client_guessing_across_many_accounts_is_stopped(settings: Any, alice: User, bob: User) -> None:
    settings.PASSWORD_FAILURES_PER_IP = 6
    stranger = from_address(STRANGER)
    for email in ["carol@example.com", "dave@example.com", "erin@example.com", "alice@example.com"]:
        stranger.post("/accounts/login/", {"login": email, "password": "summer2026"})
    stranger.post("/accounts/login/", {"login": bob.email, "password": "summer2026"})
    stranger.post("/accounts/login/", {"login": bob.email, "password": "autumn2026"})

    refused = sign_in(from_address(STRANGER), bob, PASSWORD)

    assert LOCKED in refused.content.decode()
    assert sign_in(from_address(OWNER), bob, PASSWORD).status_code == 302


def test_right_passwords_are_not_counted_as_guesses(alice: User) -> None:
    for _ in range(10):
        assert sign_in(from_address(OWNER), alice, PASSWORD).status_code == 302
    owner = from_address(OWNER)
    for number in range(4):
        sign_in(owner, alice, f"typo-{number}")

    assert sign_in(owner, alice, PASSWORD).status_code == 302


def test_addresses_in_one_ipv6_64_count_as_one_client(alice: User) -> None:
    for host in range(1, 6):
        sign_in(from_address(f"2001:db8:0:7::{host}"), alice, "guess")

    assert LOCKED in sign_in(from_address("2001:db8:0:7::99"), alice, PASSWORD).content.decode()
    assert sign_in(from_address("2001:db8:0:8::1"), alice, PASSWORD).status_code == 302


def test_the_wait_is_said_in_a_retry_after_header_on_account_deletion(alice: User) -> None:
    guess(DOORS[3], alice, times=5)

    refused = delete_account(from_address(STRANGER, as_user=alice), alice, PASSWORD)

    assert refused.status_code == 429
    assert int(refused["Retry-After"]) == 150  # the window's end, 12:05:00
    assert User.objects.filter(pk=alice.pk).exists()


def test_the_admins_password_change_is_the_shared_one(admin_client: Client) -> None:
    response = admin_client.get("/admin/password_change/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/change/"
