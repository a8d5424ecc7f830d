"""A thread's page offers "Publish to X" only to whoever can publish directly; everyone else keeps the manual
"Post on X" guide."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from publishing.models import XAccount
from tests.publishing.conftest import logged_in, make_thread


def buttons(user):
    page = logged_in(user).get(f"/app/threads/{make_thread(user).pk}/").content.decode()
    return ("Publish to X</button>" in page, "Post on X</button>" in page)


def test_a_premium_user_with_x_connected_gets_publish_instead_of_the_guide(bob, connected):
    assert buttons(bob) == (True, False)


def test_a_connection_that_needs_renewing_brings_the_guide_back(bob, connected):
    XAccount.objects.filter(pk=connected.pk).update(status=XAccount.Status.RECONNECT_NEEDED)

    assert buttons(bob) == (False, True)


def test_a_lapsed_premium_brings_the_guide_back(bob, connected):
    bob.premium_until = timezone.now() - timedelta(minutes=1)
    bob.save()

    assert buttons(bob) == (False, True)


def test_without_publishing_configured_everyone_gets_the_guide(bob, connected, settings):
    settings.X_CLIENT_ID = ""

    assert buttons(bob) == (False, True)
