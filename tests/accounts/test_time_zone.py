"""The time zone on the profile: taken silently from the browser while the person has none, never over one they
chose, and chosen or cleared on the settings page from zoneinfo's names."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from accounts.models import User

pytestmark = pytest.mark.django_db


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def detect(client: Client, zone: object):
    return client.post(
        "/accounts/settings/time-zone/detect/", json.dumps({"time_zone": zone}), content_type="application/json"
    )


def test_the_browsers_zone_is_kept_while_the_profile_has_none(alice):
    response = detect(signed_in(alice), "America/New_York")

    assert response.json() == {"time_zone": "America/New_York", "kept": True}
    alice.refresh_from_db()
    assert alice.time_zone == "America/New_York"


def test_a_zone_the_person_chose_is_never_replaced_by_the_browsers(alice):
    client = signed_in(alice)
    client.post("/accounts/settings/time-zone/", {"time_zone": "Asia/Tokyo"})

    response = detect(client, "Europe/Paris")

    assert response.json() == {"time_zone": "Asia/Tokyo", "kept": False}
    alice.refresh_from_db()
    assert alice.time_zone == "Asia/Tokyo"


@pytest.mark.parametrize("zone", ["Mars/Olympus_Mons", "", "../../etc/passwd", 42, None])
def test_a_zone_zoneinfo_does_not_know_is_not_kept(alice, zone):
    response = detect(signed_in(alice), zone)

    assert response.status_code == 200
    assert response.json()["kept"] is False
    alice.refresh_from_db()
    assert alice.time_zone == ""


def test_detecting_needs_a_signed_in_person():
    response = detect(Client(), "Europe/Paris")

    assert response.status_code == 302
    assert not User.objects.filter(time_zone="Europe/Paris").exists()


def test_the_settings_page_lists_the_zones_with_the_stored_one_selected(alice):
    alice.time_zone = "Europe/Berlin"
    alice.save()

    page = signed_in(alice).get("/accounts/settings/").content.decode()

    assert "<option selected>Europe/Berlin</option>" in page
    assert "<option>Pacific/Auckland</option>" in page


def test_the_settings_page_saves_a_chosen_zone(alice):
    response = signed_in(alice).post("/accounts/settings/time-zone/", {"time_zone": "Pacific/Auckland"}, follow=True)

    assert "Your time zone is saved." in response.content.decode()
    alice.refresh_from_db()
    assert alice.time_zone == "Pacific/Auckland"


def test_the_settings_page_refuses_an_unknown_zone_and_keeps_the_stored_one(alice):
    alice.time_zone = "Europe/Berlin"
    alice.save()

    response = signed_in(alice).post("/accounts/settings/time-zone/", {"time_zone": "Europe/Atlantis"})

    assert response.status_code == 400
    assert "Choose a time zone from the list" in response.content.decode()
    alice.refresh_from_db()
    assert alice.time_zone == "Europe/Berlin"


def test_clearing_the_zone_lets_the_browser_set_it_again(alice):
    client = signed_in(alice)
    client.post("/accounts/settings/time-zone/", {"time_zone": "Asia/Tokyo"})
    client.post("/accounts/settings/time-zone/", {"time_zone": ""})

    assert detect(client, "Europe/Paris").json()["kept"] is True


def test_the_model_refuses_an_unknown_zone(alice):
    alice.time_zone = "Nowhere/Special"

    with pytest.raises(ValidationError, match="time_zone"):
        alice.full_clean()
