"""The outbound door's address policy: a URL can never make it reach our own network, however it is spelled."""

from __future__ import annotations

import ipaddress

import pytest

from tests.fakes import pages
from tests.fakes.pages import PageServer, map_hosts, redirect
from threadr.lib.fetch import FetchError, address_allowed, fetch

page_server = pages.page_server
internal_server = pages.internal_server
reachable = pages.reachable
unreachable = pages.unreachable

BLOG = "/posts/ci-build-times"


def refusal(url: str) -> FetchError:
    with pytest.raises(FetchError) as caught:
        fetch(url)
    return caught.value


def test_it_says_when_a_name_does_not_resolve(monkeypatch: pytest.MonkeyPatch) -> None:
    map_hosts(monkeypatch, {})

    assert refusal("https://no-such-site.example/post").code == "dns_failure"


@pytest.mark.parametrize(
    "url",
    [
        "ftp://files.example/report.html",
        "javascript:alert(1)",
        "file:///etc/passwd",
        "http://alice:secret@blog.example/post",
        "http://@blog.example/post",
        "http:///no-host",
        "http://blog.example:99999/",
        "http://blog example/",
        "http://1.2.3.4.5/",
        "http://[fe80::1%25eth0]/",
    ],
)
def test_it_refuses_addresses_that_are_not_plain_web_links(url: str) -> None:
    assert refusal(url).code == "invalid_url"


# --- Never our own network ----------------------------------------------------------------------------------


@pytest.mark.usefixtures("unreachable")
@pytest.mark.parametrize(
    "host",
    [
        "127.0.0.1",
        "2130706433",  # decimal
        "0x7f.1",  # hex, short form
        "0x7f000001",
        "0177.0.0.1",  # octal
        "127.1",
        "[::ffff:127.0.0.1]",  # IPv4-mapped
        "[::ffff:7f00:1]",
        "localhost",  # resolved by the system for real
    ],
)
def test_it_refuses_loopback_however_it_is_spelled_and_sends_nothing(page_server: PageServer, host: str) -> None:
    error = refusal(page_server.url(BLOG, host=host))

    assert error.code == "address_not_allowed"
    assert page_server.total_hits == 0


@pytest.mark.usefixtures("unreachable")
def test_it_refuses_a_name_that_resolves_to_an_internal_address(
    internal_server: PageServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    map_hosts(monkeypatch, {"intranet.example": "::1"})

    assert refusal(internal_server.url("/secret", host="intranet.example")).code == "address_not_allowed"
    assert refusal(internal_server.url("/secret")).code == "address_not_allowed"
    assert internal_server.total_hits == 0


@pytest.mark.usefixtures("unreachable")
def test_it_refuses_a_name_if_any_of_its_addresses_is_internal(
    page_server: PageServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    map_hosts(monkeypatch, {"mixed.example": "93.184.216.34,127.0.0.1"})

    assert refusal(page_server.url(BLOG, host="mixed.example")).code == "address_not_allowed"
    assert page_server.total_hits == 0


@pytest.mark.usefixtures("reachable")
@pytest.mark.parametrize(
    "location",
    [
        "http://[::1]:{port}/secret",
        "http://intranet.example:{port}/secret",
        "http://169.254.169.254/latest/meta-data/iam/security-credentials/",
        "http://[fd00:ec2::254]/latest/meta-data/",
    ],
)
def test_it_rechecks_every_redirect_and_refuses_one_into_the_network(
    page_server: PageServer, internal_server: PageServer, monkeypatch: pytest.MonkeyPatch, location: str
) -> None:
    map_hosts(monkeypatch, {"intranet.example": "::1"})
    page_server.answers["/innocent"] = redirect(location.format(port=internal_server.port))

    assert refusal(page_server.url("/innocent")).code == "address_not_allowed"
    assert page_server.hits["/innocent"] == 1
    assert internal_server.total_hits == 0


@pytest.mark.usefixtures("reachable")
def test_it_connects_to_the_address_it_vetted_without_asking_dns_again(
    page_server: PageServer, internal_server: PageServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DNS rebinding: the name answers with an allowed address once, then with an internal one."""
    answers = iter(["127.0.0.1", "::1", "::1"])
    lookups: list[str] = []

    def rebinding_resolve(host: str, port: int) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
        lookups.append(host)
        return [ipaddress.ip_address(next(answers))]

    monkeypatch.setattr("threadr.lib.fetch.policy.resolve", rebinding_resolve)

    page = fetch(page_server.url(BLOG, host="rebind.example"))

    assert b"CI build" in page.body
    assert lookups == ["rebind.example"]
    assert internal_server.total_hits == 0


@pytest.mark.usefixtures("unreachable")
@pytest.mark.parametrize(
    "address",
    [
        "0.0.0.0",  # noqa: S104 — an address to judge, not to bind
        "10.1.2.3",
        "100.64.0.1",  # carrier-grade NAT
        "127.0.0.53",
        "169.254.169.254",  # cloud metadata
        "172.16.5.4",
        "192.168.1.1",
        "192.0.0.170",
        "198.18.0.1",
        "224.0.0.251",
        "240.0.0.1",
        "255.255.255.255",
        "::",
        "::1",
        "::127.0.0.1",  # IPv4-compatible
        "fe80::1",
        "fc00::1",
        "fd00:ec2::254",  # cloud metadata over IPv6
        "ff02::1",
        "::ffff:10.0.0.1",  # IPv4-mapped
        "::ffff:169.254.169.254",
        "64:ff9b::a9fe:a9fe",  # NAT64 of 169.254.169.254
        "64:ff9b::7f00:1",
        "64:ff9b:1::5db8:d822",  # local-use NAT64
        "2002:7f00:1::1",  # 6to4 of 127.0.0.1
        "2002:c0a8:101::",  # 6to4 of 192.168.1.1
        "2001:0:4136:e378:8000:63bf:3fff:fdd2",  # Teredo
        "2001:db8::1",
    ],
)
def test_it_judges_non_public_addresses_not_allowed(address: str) -> None:
    assert not address_allowed(ipaddress.ip_address(address))


@pytest.mark.usefixtures("unreachable")
@pytest.mark.parametrize(
    "address",
    [
        "93.184.216.34",
        "1.1.1.1",
        "2606:4700:4700::1111",
        "::ffff:93.184.216.34",
        "64:ff9b::5db8:d822",
        "2002:5db8:d822::",
    ],
)
def test_it_judges_public_addresses_allowed_in_every_form(address: str) -> None:
    assert address_allowed(ipaddress.ip_address(address))
