"""Linking an X account: the redirect to X, the callback, what the settings page then says, and unlinking."""

from __future__ import annotations

import base64
import hashlib
import urllib.request
from urllib.parse import parse_qs, urlsplit

import pytest

from publishing import services
from publishing.models import XAccount
from tests.fakes import x_server
from tests.publishing.conftest import logged_in


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


def consent(authorize_url: str) -> str:
    """What the browser does at X: open the authorize page and come back with X's redirect to our callback."""
    opener = urllib.request.build_opener(_NoRedirect)
    with pytest.raises(urllib.error.HTTPError) as answer:
        opener.open(authorize_url)
    assert answer.value.code == 302
    parts = urlsplit(answer.value.headers["Location"])
    return f"{parts.path}?{parts.query}"


def test_connect_sends_the_person_to_x_with_pkce(bob, x, settings):
    settings.SITE_URL = "https://threadr.example.com"
    client = logged_in(bob)

    response = client.get("/accounts/x/connect/")

    assert response.status_code == 302
    target = urlsplit(response["Location"])
    query = {name: values[0] for name, values in parse_qs(target.query).items()}
    assert f"{target.scheme}://{target.netloc}{target.path}" == settings.X_AUTHORIZE_URL
    assert query["response_type"] == "code"
    assert query["client_id"] == settings.X_CLIENT_ID
    assert query["redirect_uri"] == "https://threadr.example.com/accounts/x/callback/"
    assert query["scope"] == "tweet.read tweet.write users.read offline.access"
    assert query["code_challenge_method"] == "S256"
    verifier = client.session["x_oauth"]["verifier"]
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    assert query["code_challenge"] == challenge
    assert query["state"] == client.session["x_oauth"]["state"]


def test_connecting_links_the_account_and_the_settings_page_says_so(bob, x):
    client = logged_in(bob)
    callback = consent(client.get("/accounts/x/connect/")["Location"])

    response = client.get(callback, follow=True)

    account = XAccount.objects.get(user=bob)
    assert (account.username, account.x_user_id, account.status) == ("threadr_writer", x.user.id, "connected")
    assert "Connected as @threadr_writer" in response.content.decode()
    bob.refresh_from_db()
    assert (bob.x_handle, bob.x_handle_verified) == ("threadr_writer", True)
    assert x.oauth.authorize_requests[0].code_challenge_method == "S256"


def test_a_denied_connection_says_so_and_stores_nothing(bob, x):
    x.deny_authorization = True
    client = logged_in(bob)
    callback = consent(client.get("/accounts/x/connect/")["Location"])

    page = client.get(callback, follow=True).content.decode()

    assert "X did not allow the connection. Nothing was connected." in page
    assert not XAccount.objects.exists()


@pytest.mark.parametrize("tamper", ["state", "session"])
def test_a_tampered_callback_says_so_and_stores_nothing(bob, x, tamper):
    client = logged_in(bob)
    callback = consent(client.get("/accounts/x/connect/")["Location"])
    if tamper == "state":
        callback = callback.replace("state=", "state=forged")
    else:
        logged_in(bob)  # a callback arriving in another session than the one that started
        client = logged_in(bob)

    page = client.get(callback, follow=True).content.decode()

    assert "does not match a connection started here" in page
    assert not XAccount.objects.exists()
    assert x.calls("POST", "/2/oauth2/token") == 0


def test_a_callback_is_good_once(bob, x):
    client = logged_in(bob)
    callback = consent(client.get("/accounts/x/connect/")["Location"])
    client.get(callback)
    XAccount.objects.all().delete()

    client.get(callback)

    assert not XAccount.objects.exists()


def test_an_x_account_linked_elsewhere_is_refused(bob, alice, x):
    from tests.publishing.conftest import connect

    connect(alice, x)
    client = logged_in(bob)
    callback = consent(client.get("/accounts/x/connect/")["Location"])

    page = client.get(callback, follow=True).content.decode()

    assert "linked to another Threadr account" in page
    assert not XAccount.objects.filter(user=bob).exists()


def test_disconnecting_revokes_at_x_and_forgets_the_tokens(bob, connected, x, django_capture_on_commit_callbacks):
    client = logged_in(bob)

    with django_capture_on_commit_callbacks(execute=True):
        page = client.post("/accounts/x/disconnect/", follow=True).content.decode()

    assert "X is disconnected" in page
    assert not XAccount.objects.filter(user=bob).exists()
    bob.refresh_from_db()
    assert (bob.x_handle, bob.x_handle_verified) == ("threadr_writer", False)
    assert x.tokens_of(x.user, "access", live=True) == []
    assert x.tokens_of(x.user, "refresh", live=True) == []
    assert "Connect X" in client.get("/accounts/settings/").content.decode()


def test_without_a_client_id_publishing_shows_as_unavailable(bob, settings):
    settings.X_CLIENT_ID = ""
    client = logged_in(bob)

    page = client.get("/accounts/settings/").content.decode()
    connect = client.get("/accounts/x/connect/", follow=True).content.decode()

    assert "Publishing to X is not available on this server." in page
    assert "Publishing to X is not available on this server." in connect


def test_a_confidential_client_authenticates_to_x_with_http_basic(bob, settings):
    with x_server.running_fake_x(client_secret="threadr-secret") as confidential:
        for name, value in confidential.settings().items():
            setattr(settings, name, value)
        client = logged_in(bob)
        callback = consent(client.get("/accounts/x/connect/")["Location"])

        client.get(callback)
        account = XAccount.objects.get(user=bob)
        XAccount.objects.filter(pk=account.pk).update(access_expires_at=account.connected_at)
        services.x_account_access_token(user_id=bob.pk)

        token_requests = [r for r in confidential.requests if r.path == "/2/oauth2/token"]
        assert len(token_requests) == 2
        assert all(r.headers["authorization"].startswith("Basic ") for r in token_requests)
        assert XAccount.objects.get(user=bob).status == "connected"


def test_reconnecting_replaces_the_tokens_and_revokes_the_old_pair(
    bob, connected, x, django_capture_on_commit_callbacks
):
    old_refresh = connected.refresh_token
    client = logged_in(bob)
    callback = consent(client.get("/accounts/x/connect/")["Location"])

    with django_capture_on_commit_callbacks(execute=True):
        client.get(callback)

    account = XAccount.objects.get(user=bob)
    assert account.refresh_token != old_refresh
    assert x.tokens_of(x.user, "refresh", live=True) == [account.refresh_token]
