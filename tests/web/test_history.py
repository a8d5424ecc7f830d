"""The history page in Chromium: one dense row per thread, finding a thread again, and favouriting, archiving,
duplicating, sharing and deleting it from its "⋯" menu (with an Undo that really undoes), on a phone and on a
desktop, with the keyboard alone and by touch."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from accounts.models import User
from generator import services
from generator.models import Thread
from tests.web.conftest import PageProblems, open_page
from tests.web.helpers import login, wait_until

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWPORTS = {"phone": (390, 844), "desktop": (1280, 800)}


def make_thread(owner: User, title: str, *, hours_ago: float = 1, source_url: str = "", **fields: object) -> Thread:
    thread = Thread(
        owner=owner,
        title=title,
        source_url=source_url,
        engine="local",
        options={"style": "summary"},
        created_at=timezone.now() - timedelta(hours=hours_ago),
        **fields,
    )
    thread.set_tweets([f"{title}: the first tweet says why it matters. 1/3", "The middle. 2/3", "The end. 3/3"])
    thread.save()
    return thread


def history(browser, live_server, user: User, problems: PageProblems, *, width: int = 1280, height: int = 800) -> Page:
    page = open_page(browser, problems, width=width, height=height, base_url=live_server.url)
    login(page, live_server, user)
    page.goto("/app/threads/")
    page.locator("#history").evaluate("node => { node.dataset.toastMs = '60000'; }")  # no toast ends mid-check
    return page


def cards(page: Page) -> Locator:
    return page.locator(".thread-row:not([hidden])")


def card(page: Page, title: str) -> Locator:
    return cards(page).filter(has=page.get_by_role("heading", name=title, exact=True))


def titles(page: Page) -> list[str]:
    return cards(page).locator(".thread-row-title").all_inner_texts()


def menu_button(page: Page, title: str) -> Locator:
    return card(page, title).get_by_role("button", name=f"Actions for {title}", exact=True)


def choose(page: Page, title: str, item: str) -> None:
    """Open the thread's "⋯" menu and pick `item` in it, with the mouse."""
    menu_button(page, title).click()
    menu = card(page, title).get_by_role("menu")
    expect(menu).to_be_visible()
    menu.get_by_role("menuitem", name=item, exact=True).or_(
        menu.get_by_role("menuitemcheckbox", name=item, exact=True)
    ).click()
    expect(menu).to_be_hidden()


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_it_shows_each_thread_as_a_row_that_says_what_it_is(browser, live_server, alice, viewport, screenshot_dir):
    make_thread(alice, "Sourdough for beginners", hours_ago=3, source_url="https://www.bakery.example/sourdough")
    remote = make_thread(alice, "Notes on remote work", hours_ago=50)
    services.thread_update(thread=remote, shared=True, is_favourite=True)
    problems = PageProblems()
    page = history(browser, live_server, alice, problems, width=VIEWPORTS[viewport][0], height=VIEWPORTS[viewport][1])

    first = card(page, "Sourdough for beginners")
    expect(first).to_contain_text("Sourdough for beginners: the first tweet says why it matters.")
    expect(first).to_contain_text("3 tweets")
    expect(first).to_contain_text("bakery.example")
    expect(first).to_contain_text("Summary")
    expect(first.locator("time")).to_have_text("3 hours ago")
    expect(first.locator(".badge")).to_have_count(0)
    second = card(page, "Notes on remote work")
    expect(second.locator("time")).to_have_text("2 days ago")
    expect(second).to_contain_text("Pasted text")
    expect(second.locator(".badge-favourite")).to_have_text("★ Favourite")
    token = Thread.objects.get(pk=remote.pk).share_token
    expect(second.get_by_role("link", name="Shared: open the public page")).to_have_attribute(
        "href", f"https://testserver/t/{token}/"
    )
    # At rest a row shows its link and one button: the rest waits in the menu.
    expect(first.get_by_role("button")).to_have_count(1)
    expect(first.get_by_role("menu")).to_be_hidden()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=screenshot_dir / f"history-{viewport}.png", full_page=True)

    first.get_by_role("link", name="Sourdough for beginners", exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/app/threads/{Thread.objects.get(title__startswith='Sour').pk}/")
    assert problems == []


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_a_page_of_twenty_threads_stays_short(browser, live_server, alice, viewport, screenshot_dir):
    for number in range(1, 23):
        thread = make_thread(
            alice,
            f"Thread {number:02d}: a long title about why remote teams write things down before they meet",
            hours_ago=number,
            source_url=f"https://www.blog{number}.example/posts/remote-writing",
        )
        if number % 3 == 0:
            services.thread_update(thread=thread, shared=True, is_favourite=True)
    problems = PageProblems()
    width, height = VIEWPORTS[viewport]
    page = history(browser, live_server, alice, problems, width=width, height=height)

    expect(cards(page)).to_have_count(20)
    expect(page.locator(".pagination")).to_contain_text("Page 1 of 2")
    page.screenshot(path=screenshot_dir / f"history-twenty-{viewport}.png", full_page=True)
    page_height = page.evaluate("document.documentElement.scrollHeight")
    if viewport == "desktop":
        assert page_height <= 2 * height, f"20 threads take {page_height}px, more than two screens"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert problems == []


def test_the_actions_menu_works_with_the_keyboard_alone(browser, live_server, alice):
    make_thread(alice, "Keyboard only", hours_ago=1)
    make_thread(alice, "Another thread", hours_ago=2)
    problems = PageProblems()
    page = history(browser, live_server, alice, problems)
    button = menu_button(page, "Keyboard only")
    menu = card(page, "Keyboard only").get_by_role("menu")

    page.get_by_role("link", name="Keyboard only", exact=True).focus()
    page.keyboard.press("Tab")
    expect(button).to_be_focused()
    expect(button).to_have_attribute("aria-expanded", "false")
    page.keyboard.press("Enter")
    expect(menu).to_be_visible()
    expect(button).to_have_attribute("aria-expanded", "true")
    expect(menu.get_by_role("menuitem", name="Open in the editor")).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(menu.get_by_role("menuitemcheckbox", name="Favourite")).to_be_focused()
    page.keyboard.press("End")
    expect(menu.get_by_role("menuitem", name="Delete…")).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(menu.get_by_role("menuitem", name="Open in the editor")).to_be_focused()
    page.keyboard.press("Escape")
    expect(menu).to_be_hidden()
    expect(button).to_be_focused()
    page.keyboard.press("ArrowUp")
    expect(menu.get_by_role("menuitem", name="Delete…")).to_be_focused()
    page.keyboard.press("Escape")

    page.keyboard.press("Space")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")

    expect(page.get_by_role("status").filter(has_text="Added to favourites.")).to_be_visible()
    expect(menu_button(page, "Keyboard only")).to_be_focused()
    expect(
        card(page, "Keyboard only").get_by_role("menuitemcheckbox", name="Favourite", include_hidden=True)
    ).to_have_attribute("aria-checked", "true")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    expect(card(page, "Keyboard only").get_by_role("menu")).to_be_hidden()
    assert problems == []


def test_the_actions_menu_works_by_touch_on_a_phone(browser, live_server, alice):
    make_thread(alice, "Tapped on a phone")
    problems = PageProblems()
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True, base_url=live_server.url
    )
    page = context.new_page()
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    login(page, live_server, alice)
    page.goto("/app/threads/")
    button = menu_button(page, "Tapped on a phone")
    box = button.bounding_box()
    assert box is not None
    assert box["width"] >= 44
    assert box["height"] >= 44

    button.tap()
    menu = card(page, "Tapped on a phone").get_by_role("menu")
    expect(menu).to_be_visible()
    page.get_by_role("heading", name="Your threads").tap()
    expect(menu).to_be_hidden()
    button.tap()
    menu.get_by_role("menuitem", name="Duplicate").tap()

    expect(cards(page)).to_have_count(2)
    assert problems == []
    context.close()


def test_it_invites_a_new_user_to_make_a_first_thread(browser, live_server, alice):
    problems = PageProblems()
    page = history(browser, live_server, alice, problems)

    expect(page.get_by_role("heading", name="No threads yet — make your first one")).to_be_visible()
    page.get_by_role("link", name="Make your first thread").click()

    expect(page).to_have_url(f"{live_server.url}/app/")
    assert problems == []


def test_it_searches_as_you_type_and_a_reload_keeps_the_search(browser, live_server, alice, mallory):
    make_thread(alice, "Sourdough for beginners")
    make_thread(alice, "Notes on remote work")
    make_thread(mallory, "Sourdough secrets of mallory")
    problems = PageProblems()
    page = history(browser, live_server, alice, problems)
    expect(cards(page)).to_have_count(2)

    page.get_by_label("Search").fill("sourdough")

    expect(cards(page)).to_have_count(1)
    assert titles(page) == ["Sourdough for beginners"]
    expect(page.locator("#history-count")).to_have_text("1 thread matching “sourdough”")
    expect(page).to_have_url(f"{live_server.url}/app/threads/?q=sourdough")
    page.reload()
    expect(page.get_by_label("Search")).to_have_value("sourdough")
    assert titles(page) == ["Sourdough for beginners"]

    page.get_by_label("Search").fill("croissant")
    expect(page.get_by_role("heading", name="Nothing matches “croissant”")).to_be_visible()
    page.get_by_role("link", name="Clear the search").click()
    expect(cards(page)).to_have_count(2)
    expect(page.get_by_label("Search")).to_have_value("")
    assert problems == []


def test_it_favourites_a_thread_and_filters_to_favourites(browser, live_server, alice):
    loved = make_thread(alice, "A thread worth keeping")
    make_thread(alice, "An ordinary thread")
    problems = PageProblems()
    page = history(browser, live_server, alice, problems)

    choose(page, "A thread worth keeping", "Favourite")

    expect(page.get_by_role("status").filter(has_text="Added to favourites.")).to_be_visible()
    expect(card(page, "A thread worth keeping").locator(".badge-favourite")).to_be_visible()
    expect(
        card(page, "A thread worth keeping").get_by_role("menuitemcheckbox", name="Favourite", include_hidden=True)
    ).to_have_attribute("aria-checked", "true")
    assert wait_until(lambda: Thread.objects.get(pk=loved.pk).is_favourite)
    page.get_by_text("Favourites", exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/app/threads/?show=favourites")
    expect(cards(page)).to_have_count(1)
    assert titles(page) == ["A thread worth keeping"]

    choose(page, "A thread worth keeping", "Favourite")
    expect(page.get_by_role("heading", name="No favourites yet")).to_be_visible()
    assert problems == []


def test_it_archives_a_thread_out_of_the_list_and_brings_it_back(browser, live_server, alice):
    old = make_thread(alice, "Last year's launch")
    make_thread(alice, "This week's news")
    problems = PageProblems()
    page = history(browser, live_server, alice, problems)

    choose(page, "Last year's launch", "Archive")

    expect(cards(page)).to_have_count(1)
    assert titles(page) == ["This week's news"]
    assert wait_until(lambda: Thread.objects.get(pk=old.pk).is_archived)
    page.get_by_text("Archived", exact=True).click()
    expect(cards(page)).to_have_count(1)
    choose(page, "Last year's launch", "Unarchive")
    expect(page.get_by_role("heading", name="The archive is empty")).to_be_visible()
    page.get_by_text("All", exact=True).click()
    expect(cards(page)).to_have_count(2)
    assert not Thread.objects.get(pk=old.pk).is_archived
    assert problems == []


def test_it_duplicates_a_thread(browser, live_server, alice):
    make_thread(alice, "Worth a second version")
    problems = PageProblems()
    page = history(browser, live_server, alice, problems)

    choose(page, "Worth a second version", "Duplicate")

    expect(cards(page)).to_have_count(2)
    copy = Thread.objects.exclude(title="Worth a second version").get(owner=alice)
    expect(page.get_by_role("status")).to_contain_text(f"Duplicated as “{copy.title}”.")
    expect(card(page, copy.title)).to_contain_text("3 tweets")
    assert problems == []


def test_it_deletes_only_when_the_undo_toast_expires(browser, live_server, alice):
    doomed = make_thread(alice, "A thread to delete")
    make_thread(alice, "A thread to keep")
    problems = PageProblems()
    page = history(browser, live_server, alice, problems)
    page.locator("#history").evaluate("node => { node.dataset.undoMs = '60000'; }")

    choose(page, "A thread to delete", "Delete…")
    dialog = page.get_by_role("dialog", name="Delete this thread?")
    expect(dialog).to_contain_text("A thread to delete")
    dialog.get_by_role("button", name="Delete").click()

    expect(cards(page)).to_have_count(1)
    expect(page.get_by_role("status")).to_contain_text("Deleted “A thread to delete”.")
    page.get_by_role("button", name="Undo").click()
    expect(cards(page)).to_have_count(2)
    expect(menu_button(page, "A thread to delete")).to_be_focused()
    assert Thread.objects.filter(pk=doomed.pk).exists()

    page.locator("#history").evaluate("node => { node.dataset.undoMs = '300'; }")
    choose(page, "A thread to delete", "Delete…")
    with page.expect_response(lambda response: response.request.method == "DELETE") as deleted:
        page.get_by_role("dialog").get_by_role("button", name="Delete").click()
        expect(page.get_by_role("button", name="Undo")).to_be_visible()

    assert deleted.value.status == 204
    expect(page.get_by_role("button", name="Undo")).to_have_count(0)
    assert not Thread.objects.filter(pk=doomed.pk).exists()
    page.reload()
    assert titles(page) == ["A thread to keep"]
    assert problems == []


def test_it_keeps_the_thread_when_the_delete_is_cancelled_with_the_keyboard(browser, live_server, alice):
    make_thread(alice, "Almost deleted")
    problems = PageProblems()
    page = history(browser, live_server, alice, problems)
    button = menu_button(page, "Almost deleted")

    button.focus()
    page.keyboard.press("ArrowUp")  # opens the menu on its last item, Delete…
    page.keyboard.press("Enter")
    expect(page.get_by_role("dialog")).to_be_visible()
    expect(page.get_by_role("dialog").get_by_role("button", name="Cancel")).to_be_focused()
    page.keyboard.press("Escape")

    expect(page.get_by_role("dialog")).to_be_hidden()
    expect(button).to_be_focused()
    expect(cards(page)).to_have_count(1)
    assert problems == []


def test_it_sorts_and_pages_through_many_threads(browser, live_server, alice):
    for number in range(1, 23):
        make_thread(alice, f"Thread {number:02d}", hours_ago=number)
    problems = PageProblems()
    page = history(browser, live_server, alice, problems)

    assert titles(page)[:2] == ["Thread 01", "Thread 02"]
    expect(cards(page)).to_have_count(20)
    expect(page.locator(".pagination")).to_contain_text("Page 1 of 2")
    page.get_by_role("link", name="Older page").click()
    expect(page).to_have_url(f"{live_server.url}/app/threads/?page=2")
    assert titles(page) == ["Thread 21", "Thread 22"]

    page.get_by_label("Sort").select_option(label="Oldest first")
    expect(page).to_have_url(f"{live_server.url}/app/threads/?sort=oldest")
    expect(cards(page).first).to_contain_text("Thread 22")
    page.get_by_role("link", name="Older page").click()
    expect(page).to_have_url(f"{live_server.url}/app/threads/?sort=oldest&page=2")
    assert titles(page) == ["Thread 02", "Thread 01"]
    page.reload()
    expect(page.get_by_label("Sort")).to_have_value("oldest")
    assert titles(page) == ["Thread 02", "Thread 01"]
    assert problems == []


def test_it_works_without_javascript(browser, live_server, alice):
    make_thread(alice, "Plain HTML still works")
    make_thread(alice, "Another thread")
    page = browser.new_context(java_script_enabled=False, base_url=live_server.url).new_page()
    login(page, live_server, alice)

    page.goto("/app/threads/?q=plain")

    assert titles(page) == ["Plain HTML still works"]
    page.goto("/app/history/?q=another")
    assert page.url == f"{live_server.url}/app/threads/?q=another"
    assert titles(page) == ["Another thread"]
    page.context.close()
