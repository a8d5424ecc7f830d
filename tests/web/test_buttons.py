"""One button system: a danger button is red and a ghost one is not the primary fill, whatever page or dialog
holds them, in light and dark; and the header's "Log out" looks the same on the account pages as in the app."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Locator, Page

from generator.models import Thread
from tests.web.conftest import PageProblems, open_page
from tests.web.helpers import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWPORTS = {"phone": (390, 844), "desktop": (1280, 800)}
SCHEMES = ["light", "dark"]
LOOKS = ["color", "backgroundColor", "borderTopColor", "fontSize", "fontWeight", "textDecorationLine", "padding"]


def theme_colour(page: Page, name: str) -> str:
    """The computed colour of a theme variable (`--error`), as the browser resolves it in the current scheme."""
    return page.evaluate(
        """name => {
            const probe = document.createElement("span");
            probe.style.color = `var(${name})`;
            document.body.append(probe);
            const colour = getComputedStyle(probe).color;
            probe.remove();
            return colour;
        }""",
        name,
    )


def look(locator: Locator) -> dict[str, str]:
    script = "(node, names) => Object.fromEntries(names.map(name => [name, getComputedStyle(node)[name]]))"
    return locator.evaluate(script, LOOKS)


def signed_in_page(browser, live_server, alice, problems: PageProblems, viewport: str, scheme: str) -> Page:
    width, height = VIEWPORTS[viewport]
    page = open_page(browser, problems, width=width, height=height, base_url=live_server.url)
    page.emulate_media(color_scheme=scheme)
    login(page, live_server, alice)
    return page


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_delete_dialog_has_a_red_delete_and_a_cancel_that_is_not_primary(
    browser, live_server, alice, viewport, scheme
):
    thread = Thread(owner=alice, title="Remote teams", engine="local")
    thread.set_tweets(["Remote teams decide in documents."])
    thread.save()
    problems = PageProblems()
    page = signed_in_page(browser, live_server, alice, problems, viewport, scheme)
    page.goto("/app/threads/")
    # However the page opens it, the dialog's own buttons are what this checks.
    page.locator("#history-confirm").evaluate("dialog => dialog.showModal()")
    dialog = page.get_by_role("dialog")

    delete = look(dialog.get_by_role("button", name="Delete"))
    cancel = look(dialog.get_by_role("button", name="Cancel"))

    assert delete["backgroundColor"] == theme_colour(page, "--error")
    assert delete["color"] == theme_colour(page, "--error-text")
    assert cancel["backgroundColor"] == "rgba(0, 0, 0, 0)"
    assert cancel["color"] == theme_colour(page, "--accent")
    assert cancel["backgroundColor"] != theme_colour(page, "--accent")
    assert problems == []


@pytest.mark.parametrize("scheme", SCHEMES)
def test_the_delete_account_page_keeps_its_red_button_and_a_quiet_way_back(browser, live_server, alice, scheme):
    problems = PageProblems()
    page = signed_in_page(browser, live_server, alice, problems, "desktop", scheme)
    page.goto("/accounts/settings/")

    outlined = look(page.get_by_role("link", name="Delete my account…"))
    page.get_by_role("link", name="Delete my account…").click()
    # Its stylesheet too: a button read before it loads has the browser's own grey (a flake even on one core).
    page.wait_for_url(live_server.url + reverse("account_delete"))
    solid = look(page.get_by_role("button", name="Delete my account"))
    keep = look(page.get_by_role("link", name="Keep my account"))

    assert outlined["color"] == outlined["borderTopColor"] == theme_colour(page, "--error")
    assert outlined["backgroundColor"] == "rgba(0, 0, 0, 0)"
    assert solid["backgroundColor"] == theme_colour(page, "--error")
    assert keep["backgroundColor"] == "rgba(0, 0, 0, 0)"
    assert problems == []


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_log_out_in_the_header_looks_the_same_on_the_account_pages_as_in_the_app(
    browser, live_server, alice, viewport, scheme
):
    problems = PageProblems()
    page = signed_in_page(browser, live_server, alice, problems, viewport, scheme)
    log_out = page.get_by_role("navigation", name="Main").get_by_role("button", name="Log out")
    looks = {}

    for path in ["/app/", "/accounts/settings/", "/accounts/password/change/", "/accounts/email/"]:
        page.goto(path)
        if viewport == "phone":
            page.get_by_role("button", name="Menu").click()
        looks[path] = look(log_out)

    assert all(each == looks["/app/"] for each in looks.values()), looks
    assert looks["/app/"]["backgroundColor"] == "rgba(0, 0, 0, 0)"
    assert problems == []
