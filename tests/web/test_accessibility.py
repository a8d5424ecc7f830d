"""axe finds no serious or critical accessibility problem on the landing, pricing, history, share, account and
publishing queue pages (and the queue's "Delete from X" confirmation) and the app's first-visit welcome, in light
and dark colour schemes, with the History page's menu, dialog and toast open too."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import BrowserContext, Page

from accounts.models import User
from accounts.services import user_x_handle_confirm
from generator import services
from generator.models import Thread
from publishing.models import Publication, PublishedTweet
from tests.web.helpers import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Axe()
PUBLIC_PAGES = ["/", "/pricing", "/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"]
PUBLIC_PAGES += ["/accounts/password/reset/done/", "/accounts/confirm-email/", "/accounts/confirm-email/not-a-key/"]
SIGNED_IN_PAGES = ["/app/threads/", "/accounts/settings/", "/accounts/settings/delete/", "/accounts/email/"]
SIGNED_IN_PAGES += [
    "/accounts/password/change/",
    "/app/threads/?q=nothing-matches",
    "/accounts/settings/sign-out-everywhere/",
    "/accounts/logout/",
]


def axe_context(browser, live_server, scheme: str) -> BrowserContext:
    # axe's script is injected into the page, which the CSP forbids: these contexts alone bypass it.
    return browser.new_context(bypass_csp=True, base_url=live_server.url, color_scheme=scheme)


def serious_problems(page: Page, *, within: str | None = None) -> list[str]:
    results = AXE.run(page, context=within)
    return [
        f"{page.url}: {violation['id']} ({violation['impact']}): {violation['help']} — "
        + "; ".join(node["target"][0] for node in violation["nodes"][:3])
        for violation in results.response["violations"]
        if violation["impact"] in {"serious", "critical"}
    ]


def shared_thread(owner: User) -> Thread:
    # A verified handle: the share page then shows every part of its byline.
    user_x_handle_confirm(user=owner, handle="alice_writes")
    thread = Thread(owner=owner, title="How remote teams write", engine="local", source_url="https://blog.example/a")
    thread.set_tweets(["Remote teams decide in documents. 1/2", "Lead with the decision. 2/2"])
    thread.save()
    return services.thread_update(thread=thread, shared=True, is_favourite=True)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_public_pages_have_no_serious_problem(browser, live_server, alice, scheme):
    thread = shared_thread(alice)
    context = axe_context(browser, live_server, scheme)
    page = context.new_page()
    problems: list[str] = []

    for path in [*PUBLIC_PAGES, f"/t/{thread.share_token}/"]:
        page.goto(path)
        problems += serious_problems(page)

    context.close()
    assert problems == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_signed_in_pages_have_no_serious_problem(browser, live_server, alice, scheme):
    shared_thread(alice)
    context = axe_context(browser, live_server, scheme)
    page = context.new_page()
    login(page, live_server, alice)
    problems: list[str] = []

    for path in SIGNED_IN_PAGES:
        page.goto(path)
        problems += serious_problems(page)

    context.close()
    assert problems == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_app_has_no_serious_problem_with_its_first_visit_welcome(browser, live_server, bob, scheme):
    context = axe_context(browser, live_server, scheme)
    page = context.new_page()
    login(page, live_server, bob)
    page.goto("/app/")
    page.get_by_role("button", name="Try a sample").click()

    problems = serious_problems(page)

    context.close()
    assert problems == []


def test_the_history_page_has_no_serious_problem_with_its_menu_dialog_and_toast_open(browser, live_server, alice):
    shared_thread(alice)
    context = axe_context(browser, live_server, "light")
    page = context.new_page()
    login(page, live_server, alice)
    page.goto("/app/threads/")
    page.locator("#history").evaluate("node => { node.dataset.toastMs = '60000'; }")

    page.get_by_role("button", name="Actions for How remote teams write").click()
    page.get_by_role("menu").wait_for()
    menu_problems = serious_problems(page)
    page.get_by_role("menuitem", name="Duplicate").click()
    page.get_by_role("status").get_by_text("Duplicated as").wait_for()
    # The list refreshes after a duplicate and is dimmed while it loads; judge the settled page.
    page.locator(".history-results:not([aria-busy])").wait_for()
    page.wait_for_function("getComputedStyle(document.querySelector('.history-results')).opacity === '1'")
    toast_problems = serious_problems(page)
    page.get_by_role("button", name="Actions for How remote teams write").first.click()
    page.get_by_role("menuitem", name="Delete…").click()
    page.get_by_role("dialog").wait_for()
    dialog_problems = serious_problems(page, within="#history-confirm")  # the page behind a modal is inert

    context.close()
    assert menu_problems == []
    assert toast_problems == []
    assert dialog_problems == []


def queue_of_every_kind(owner: User) -> None:
    """One publication in each status, the posted ones with their tweets' ids, a failed one with X's reason."""
    thread = shared_thread(owner)
    for status in Publication.Status.values:
        publication = Publication.objects.create(
            user=owner,
            thread=thread if status == "scheduled" else None,
            title=f"A {status} thread",
            status=status,
            scheduled_for=timezone.now() + timedelta(hours=2),
            x_username="alice_writes",
            error_message="X refused tweet 2: Your Tweet text is too long." if status == "failed" else "",
        )
        for position in (1, 2):
            posted = status == "published" or (status == "failed" and position == 1)
            PublishedTweet.objects.create(
                publication=publication,
                position=position,
                text=f"Tweet {position}",
                status="posted" if posted else "pending",
                tweet_id=f"18{publication.pk}{position}" if posted else "",
            )


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_publishing_queue_has_no_serious_problem_with_its_reschedule_form_open(browser, live_server, alice, scheme):
    queue_of_every_kind(alice)
    context = axe_context(browser, live_server, scheme)
    page = context.new_page()
    login(page, live_server, alice)
    page.goto("/app/queue/")
    page.locator(".reschedule summary").click()

    problems = serious_problems(page)

    context.close()
    assert problems == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_delete_from_x_confirmation_has_no_serious_problem(browser, live_server, alice, scheme):
    queue_of_every_kind(alice)
    published = Publication.objects.get(user=alice, status="published")
    context = axe_context(browser, live_server, scheme)
    page = context.new_page()
    login(page, live_server, alice)
    page.goto(f"/app/queue/{published.pk}/delete-from-x/")

    shown = page.get_by_text("This deletes 2 tweets from X, last first.").is_visible()
    problems = serious_problems(page)

    context.close()
    assert shown
    assert problems == []
