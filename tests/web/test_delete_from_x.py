"""Delete from X in Chromium: from the queue, through the confirmation page, to the chain gone from X, followed on
the queue page without a reload."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from publishing import runner
from publishing.models import Publication
from tests.fakes import x_server
from tests.publishing.conftest import KEY, connect, drive, make_thread, publish_now
from tests.web.conftest import PageProblems, open_page
from tests.web.helpers import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

fake_x = x_server.fake_x


@pytest.fixture(autouse=True)
def _publishing(settings):
    settings.FIELD_ENCRYPTION_KEY = [KEY]
    settings.PUBLISH_SPACING_SECONDS = 0


def test_a_chain_is_deleted_from_x_from_the_queue_and_followed_until_it_is_gone(browser, live_server, bob, fake_x):
    connect(bob, fake_x)
    publication = publish_now(bob, make_thread(bob, 3, title="Monday notes"))
    drive(publication)
    problems = PageProblems()
    page = open_page(browser, problems, width=1280, height=800, base_url=live_server.url)
    login(page, live_server, bob)
    page.goto("/app/queue/")
    item = page.get_by_role("listitem", name="Monday notes")
    expect(item.get_by_role("link", name="Tweet 3 on X")).to_be_visible()

    item.get_by_role("link", name="Delete from X Monday notes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Delete “Monday notes” from X?")
    expect(page.get_by_text("This deletes 3 tweets from X, last first. The thread stays in Threadr.")).to_be_visible()
    assert fake_x.deleted_ids() == []
    page.get_by_role("button", name="Delete from X").click()

    expect(page.get_by_text("Deleting “Monday notes” from X, last tweet first.")).to_be_visible()
    expect(item).to_contain_text("Deleting from X…")
    page.locator("#queue").evaluate("node => { node.dataset.refreshMs = '200'; }")
    for _ in range(5):  # what a worker does, one tweet per step
        runner.publication_step(publication_id=publication.pk)

    expect(item).to_contain_text("Deleted from X", timeout=10_000)
    expect(item.get_by_role("link", name="Tweet 1 on X")).to_have_count(0)
    expect(item.get_by_role("link", name="Delete from X Monday notes")).to_have_count(0)
    expect(page.locator("#queue-announcer")).to_have_text("Monday notes: Deleted from X.")
    assert Publication.objects.get(pk=publication.pk).status == "deleted"
    assert fake_x.posted(fake_x.user) == []
    assert problems == []
