"""The profile shown on shared threads: a display name and an X handle the person types on the settings page,
checked as X checks a username, and a handle a connected X account confirmed, which they can no longer edit."""

from __future__ import annotations

import json

import pytest

from accounts.models import User
from accounts.services import ProfileInvalid, user_profile_update, user_x_handle_confirm, x_handle_clean

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("jack", "jack"),
        ("@jack", "jack"),
        ("  @Threadr_App  ", "Threadr_App"),
        ("a", "a"),
        ("_", "_"),
        ("abcdefghijklmno", "abcdefghijklmno"),
        ("@abcdefghijklmno", "abcdefghijklmno"),
        ("2024", "2024"),
        ("", ""),
        ("   ", ""),
        ("@", ""),
    ],
)
def test_it_keeps_a_handle_x_would_accept_without_its_at(typed, stored):
    assert x_handle_clean(typed) == stored


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("abcdefghijklmnop", "at most 15 characters"),
        ("@abcdefghijklmnop", "at most 15 characters"),
        ("jack.dorsey", "only letters, digits and underscores"),
        ("jack-dorsey", "only letters, digits and underscores"),
        ("jack dorsey", "only letters, digits and underscores"),
        ("@@jack", "only letters, digits and underscores"),
        ("jäck", "only letters, digits and underscores"),
        ("\uff4a\uff41\uff43\uff4b", "only letters, digits and underscores"),  # full-width "jack"
        ("https://x.com/jack", "only letters, digits and underscores"),
    ],
)
def test_it_refuses_a_handle_x_would_not_accept(typed, reason):
    with pytest.raises(ValueError, match=reason):
        x_handle_clean(typed)


def test_it_saves_the_name_and_handle(alice):
    user_profile_update(user=alice, display_name="  Alice   Martin ", x_handle="@alice_writes")

    alice.refresh_from_db()
    assert (alice.display_name, alice.x_handle, alice.x_handle_verified) == ("Alice Martin", "alice_writes", False)


def test_it_refuses_a_bad_handle_and_saves_nothing(alice):
    with pytest.raises(ProfileInvalid) as refused:
        user_profile_update(user=alice, display_name="Someone else", x_handle="not a handle")

    assert list(refused.value.fields) == ["x_handle"]
    alice.refresh_from_db()
    assert (alice.display_name, alice.x_handle) == ("Alice", "")


def test_it_refuses_a_name_longer_than_the_column(alice):
    with pytest.raises(ProfileInvalid) as refused:
        user_profile_update(user=alice, display_name="A" * 81, x_handle="")

    assert refused.value.fields == {"display_name": "A display name has at most 80 characters."}


def test_a_new_account_has_no_handle_made_up_from_its_email(db):
    user = User.objects.create_user("jack@example.com", "x" * 20)

    assert user.x_handle == ""
    assert not user.x_handle_verified


def test_a_confirmed_handle_cannot_be_changed_by_the_person(alice):
    user_x_handle_confirm(user=alice, handle="@AliceOnX")

    with pytest.raises(ProfileInvalid) as refused:
        user_profile_update(user=alice, display_name="Alice", x_handle="someone_else")
    assert "connected X account" in refused.value.fields["x_handle"]
    user_profile_update(user=alice, display_name="Alice M.", x_handle=None)
    user_profile_update(user=alice, display_name="Alice M.", x_handle="@aliceonx")

    alice.refresh_from_db()
    assert (alice.display_name, alice.x_handle, alice.x_handle_verified) == ("Alice M.", "AliceOnX", True)


def test_the_settings_page_saves_the_profile(client, alice):
    client.force_login(alice)

    response = client.post("/accounts/settings/profile/", {"display_name": "Alice Martin", "x_handle": "@alice_m"})

    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Your profile is saved." in page
    assert 'value="alice_m"' in page
    alice.refresh_from_db()
    assert (alice.display_name, alice.x_handle) == ("Alice Martin", "alice_m")


def test_the_settings_page_says_what_is_wrong_with_a_handle_and_keeps_what_was_typed(client, alice):
    client.force_login(alice)

    response = client.post("/accounts/settings/profile/", {"display_name": "Alice M", "x_handle": "alice.m"})

    assert response.status_code == 400
    page = response.content.decode()
    assert "An X handle has only letters, digits and underscores (_)." in page
    assert 'value="alice.m"' in page
    assert 'aria-invalid="true"' in page
    alice.refresh_from_db()
    assert (alice.display_name, alice.x_handle) == ("Alice", "")


def test_the_settings_page_shows_a_verified_handle_without_a_field_and_ignores_a_forged_one(client, alice):
    user_x_handle_confirm(user=alice, handle="AliceOnX")
    client.force_login(alice)

    page = client.get("/accounts/settings/").content.decode()
    assert 'name="x_handle"' not in page
    assert "@AliceOnX" in page
    response = client.post("/accounts/settings/profile/", {"display_name": "Alice", "x_handle": "mallory"})

    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.x_handle == "AliceOnX"


def test_the_export_lists_the_profile(client, alice):
    user_profile_update(user=alice, display_name="Alice", x_handle="alice_m")
    alice.time_zone = "Europe/Berlin"
    alice.save(update_fields=["time_zone"])
    client.force_login(alice)

    data = json.loads(client.get("/accounts/settings/export/").getvalue())

    assert data["profile"]["display_name"] == "Alice"
    assert data["profile"]["x_handle"] == "alice_m"
    assert data["profile"]["x_handle_verified"] is False
    assert data["profile"]["time_zone"] == "Europe/Berlin"


def test_an_admin_may_edit_a_typed_handle_but_not_a_verified_one(admin_client, alice, bob):
    user_x_handle_confirm(user=bob, handle="BobOnX")

    typed = admin_client.get(f"/admin/accounts/user/{alice.pk}/change/").content.decode()
    verified = admin_client.get(f"/admin/accounts/user/{bob.pk}/change/").content.decode()

    assert 'name="x_handle"' in typed
    assert 'name="x_handle_verified"' not in typed
    assert 'name="x_handle"' not in verified
    assert "BobOnX" in verified
