"""Throttles key on the real client: a spoofed X-Forwarded-For changes nothing unless proxies are trusted."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from threadr.lib.client_ip import client_ip, client_network


@pytest.fixture
def request_from():
    def build(remote: str, forwarded: str | None = None):
        headers = {"REMOTE_ADDR": remote}
        if forwarded is not None:
            headers["HTTP_X_FORWARDED_FOR"] = forwarded
        return RequestFactory().get("/", **headers)

    return build


def test_without_trusted_proxies_the_socket_address_is_the_client(request_from, settings):
    settings.TRUSTED_PROXY_COUNT = 0

    assert client_ip(request_from("203.0.113.9", "1.2.3.4")) == "203.0.113.9"


def test_with_one_trusted_proxy_the_last_forwarded_address_is_the_client(request_from, settings):
    settings.TRUSTED_PROXY_COUNT = 1

    # The client claimed 1.2.3.4; our proxy appended the address it really saw.
    assert client_ip(request_from("10.0.0.2", "1.2.3.4, 198.51.100.7")) == "198.51.100.7"


def test_with_two_trusted_proxies_the_client_is_two_hops_back(request_from, settings):
    settings.TRUSTED_PROXY_COUNT = 2

    assert client_ip(request_from("10.0.0.3", "1.2.3.4, 198.51.100.7, 10.0.0.2")) == "198.51.100.7"


def test_a_short_forwarded_header_falls_back_to_the_socket(request_from, settings):
    settings.TRUSTED_PROXY_COUNT = 2

    assert client_ip(request_from("10.0.0.3", "198.51.100.7")) == "10.0.0.3"


@pytest.mark.django_db
def test_spoofing_x_forwarded_for_does_not_dodge_the_ip_throttle(alice, settings):
    from rest_framework.test import APIClient

    from tests.generator.conftest import ARTICLE

    settings.TRUSTED_PROXY_COUNT = 0
    settings.GENERATION_RATE_PER_IP = 2
    api = APIClient()
    api.force_login(alice)

    statuses = [
        api.post(
            "/api/v1/generations", {"text": ARTICLE}, format="json", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}"
        ).status_code
        for n in range(3)
    ]

    assert statuses == [201, 201, 429]


@pytest.mark.parametrize(
    ("remote", "client"),
    [
        ("203.0.113.9", "203.0.113.9"),
        ("2001:db8:0:7::1", "2001:db8:0:7::/64"),
        ("2001:db8:0:7:ffff::2", "2001:db8:0:7::/64"),
        ("::ffff:203.0.113.9", "203.0.113.9"),
        ("", "unknown"),
    ],
)
def test_per_client_limits_count_an_ipv6_client_by_its_64(request_from, settings, remote, client):
    settings.TRUSTED_PROXY_COUNT = 0

    assert client_network(request_from(remote)) == client
