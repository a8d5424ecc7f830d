"""One thread edited in two tabs, in Chromium: every save names the version it was made on, a save made on an old
version is merged with what the other tab saved, the user is told, and nothing either tab typed is lost. Then the
merge rules themselves (static/js/editor/merge.js), case by case."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from generator import services
from generator.models import Thread
from tests.web.conftest import PageProblems, open_page
from tests.web.helpers import wait_until
from tests.web.test_editor import BODIES, LONG, card, make_thread, open_editor, saved, texts

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

A, B, C, D = BODIES
NOTICE = "This thread changed elsewhere; your edits were kept."


def type_into(page: Page, index: int, text: str) -> None:
    area = card(page, index).locator("textarea")
    area.click()
    area.press("End")
    page.keyboard.type(text)


def stored(thread: Thread) -> list[str]:
    return Thread.objects.get(pk=thread.pk).tweets


def test_a_save_from_a_stale_tab_is_merged_and_nothing_typed_is_lost(browser, live_server, alice):
    thread = make_thread(alice)
    problems = PageProblems()
    first = open_editor(browser, live_server, problems, alice, thread)
    second = open_editor(browser, live_server, problems, alice, thread)

    with first.expect_request(lambda request: request.method == "PATCH") as patch:
        type_into(first, 0, " Edited in the first tab.")
    saved(first)
    assert patch.value.headers["if-match"] == '"1"'
    type_into(second, 2, " Edited in the second tab.")
    saved(second)

    merged = [f"{A} Edited in the first tab.", B, f"{C} Edited in the second tab.", D]
    expect(second.locator("#editor-notice")).to_be_visible()
    expect(second.locator("#editor-notice")).to_contain_text(NOTICE)
    assert texts(second) == merged
    assert stored(thread) == [f"{body} {k}/4" for k, body in enumerate(merged, start=1)]
    # The second tab kept its place: typing goes on where it left off, and is saved on the merged version.
    second.keyboard.type(" Still typing.")
    saved(second)
    assert stored(thread)[2] == f"{C} Edited in the second tab. Still typing. 3/4"

    # The first tab is now the stale one: its next edit takes in everything the second tab saved.
    first.locator("#thread-title").fill("Renamed in the first tab")
    saved(first)
    expect(first.locator("#editor-notice")).to_contain_text(NOTICE)
    assert texts(first)[2] == f"{C} Edited in the second tab. Still typing."
    final = Thread.objects.get(pk=thread.pk)
    assert final.title == "Renamed in the first tab"
    assert final.tweets[0] == f"{A} Edited in the first tab. 1/4"
    assert final.tweets[2] == f"{C} Edited in the second tab. Still typing. 3/4"
    assert len(problems) == 2
    assert all("status of 409" in problem for problem in problems)  # Chromium logs every refused request


def test_a_tweet_deleted_in_one_tab_and_edited_in_the_other_keeps_what_was_typed(browser, live_server, alice):
    thread = make_thread(alice)
    problems = PageProblems()
    first = open_editor(browser, live_server, problems, alice, thread)
    second = open_editor(browser, live_server, problems, alice, thread)

    card(first, 1).hover()
    card(first, 1).get_by_role("button", name="Delete").click()
    saved(first)
    type_into(second, 1, " Typed while the first tab deleted this tweet.")
    saved(second)

    expect(second.locator("#editor-notice")).to_contain_text(NOTICE)
    kept = f"{B} Typed while the first tab deleted this tweet."
    assert texts(second) == [A, kept, C, D]
    assert stored(thread)[1] == f"{kept} 2/4"
    second.get_by_role("button", name="Dismiss").click()
    expect(second.locator("#editor-notice")).to_be_hidden()
    assert len(problems) == 1
    assert "status of 409" in problems[0]


def test_a_tab_that_saved_last_is_not_told_of_a_change_it_made_itself(browser, live_server, alice):
    thread = make_thread(alice)
    problems = PageProblems()
    page = open_editor(browser, live_server, problems, alice, thread)
    answers = []
    page.on("response", lambda response: answers.append(response.status) if response.request.method == "PATCH" else 0)

    type_into(page, 0, " One.")
    saved(page)
    type_into(page, 1, " Two.")
    saved(page)

    expect(page.locator("#editor-notice")).to_be_hidden()
    assert answers
    assert set(answers) == {200}
    assert stored(thread)[:2] == [f"{A} One. 1/4", f"{B} Two. 2/4"]
    assert problems == [], problems


def test_a_change_elsewhere_that_the_editor_does_not_show_is_taken_in_silently(browser, live_server, alice):
    thread = make_thread(alice)
    problems = PageProblems()
    page = open_editor(browser, live_server, problems, alice, thread)
    services.thread_update(thread=thread, is_favourite=True)  # starred in History, in another tab

    type_into(page, 0, " Typed after it was starred.")
    saved(page)

    expect(page.locator("#editor-notice")).to_be_hidden()
    final = Thread.objects.get(pk=thread.pk)
    assert final.is_favourite is True
    assert final.tweets[0] == f"{A} Typed after it was starred. 1/4"
    assert len(problems) == 1
    assert "status of 409" in problems[0]


def test_what_is_typed_while_a_tweet_is_rewritten_is_kept(browser, live_server, alice):
    thread = make_thread(alice, [A, LONG, C, D])
    problems = PageProblems()
    page = open_editor(browser, live_server, problems, alice, thread)
    held = []
    page.route("**/tweets/2/regenerate", lambda route: held.append(route))  # held until the typing below is done

    card(page, 1).hover()
    card(page, 1).get_by_role("button", name="Rewrite…").click()
    card(page, 1).get_by_role("button", name="Shorter").click()
    while not held:
        page.wait_for_timeout(20)
    type_into(page, 3, " Typed while rewriting.")
    held[0].continue_()

    expect(page.locator("#editor-announcer")).to_contain_text("rewritten")
    saved(page)
    assert texts(page)[3] == f"{D} Typed while rewriting."
    assert wait_until(lambda: stored(thread)[3] == f"{D} Typed while rewriting. 4/4")
    assert Thread.objects.get(pk=thread.pk).regenerations == 1
    assert all("status of 409" in problem for problem in problems)


MERGE = """async (cases) => {
  const { ServerCopy, mergeThread } = await import("/static/js/editor/merge.js");
  let next = 100;
  return cases.map(({ base, local, server, title }) => {
    const copy = new ServerCopy(1, title.base, base.map((body, index) => ({ id: index + 1, body })));
    const merge = mergeThread({
      copy,
      items: local.map(([id, body]) => ({ id, body })),
      title: title.local,
      server: { version: 2, title: title.server, bodies: server },
      newItem: (body) => ({ id: next++, body }),
    });
    return { bodies: merge.items.map((item) => item.body), title: merge.title, differs: merge.differs };
  });
}"""

# (what happened, saved copy, this tab's tweets as [id, body] (ids count the saved copy from 1), the server's
# tweets now, the merged tweets)
CASES = [
    (
        "each side edited a different tweet: both edits stay",
        ["a", "b", "c"],
        [[1, "a"], [2, "b"], [3, "c mine"]],
        ["a", "b theirs", "c"],
        ["a", "b theirs", "c mine"],
    ),
    (
        "both edited the same tweet: this tab's text stays",
        ["a", "b", "c"],
        [[1, "a"], [2, "b mine"], [3, "c"]],
        ["a", "b theirs", "c"],
        ["a", "b mine", "c"],
    ),
    (
        "the server deleted a tweet this tab edited: it stays",
        ["a", "b", "c"],
        [[1, "a"], [2, "b mine"], [3, "c"]],
        ["a", "c"],
        ["a", "b mine", "c"],
    ),
    (
        "the server deleted a tweet this tab left alone: it goes",
        ["a", "b", "c"],
        [[1, "a mine"], [2, "b"], [3, "c"]],
        ["a", "c"],
        ["a mine", "c"],
    ),
    (
        "this tab deleted a tweet: it stays deleted",
        ["a", "b", "c"],
        [[1, "a"], [3, "c"]],
        ["a theirs", "b", "c"],
        ["a theirs", "c"],
    ),
    (
        "both added a tweet: the server's comes in after the tweet it follows there",
        ["a", "b", "c"],
        [[1, "a"], [2, "b"], [9, "new mine"], [3, "c"]],
        ["new theirs", "a", "b", "c"],
        ["new theirs", "a", "b", "new mine", "c"],
    ),
    (
        "this tab reordered: its order stays, with the server's edit",
        ["a", "b", "c"],
        [[3, "c"], [1, "a"], [2, "b"]],
        ["a", "b theirs", "c"],
        ["c", "a", "b theirs"],
    ),
    (
        "a rewrite made one tweet two",
        ["a", "b", "c"],
        [[1, "a"], [2, "b"], [3, "c"]],
        ["a", "b1", "b2", "c"],
        ["a", "b1", "b2", "c"],
    ),
]


@pytest.fixture
def merge_page(browser, live_server):
    problems = PageProblems()
    page = open_page(browser, problems, width=800, height=600, base_url=live_server.url)
    page.goto("/static/js/editor/merge.js")
    yield page
    page.context.close()
    assert problems == []


def test_the_merge_keeps_what_this_tab_changed_and_takes_what_only_the_server_changed(merge_page):
    cases = [
        {"base": base, "local": local, "server": server, "title": {"base": "T", "local": "T", "server": "T"}}
        for _, base, local, server, _ in CASES
    ]

    results = merge_page.evaluate(MERGE, cases)

    assert {name: result["bodies"] for (name, *_), result in zip(CASES, results, strict=True)} == {
        name: merged for name, *_, merged in CASES
    }
    assert [result["differs"] for result in results] == [True, True, True, True, True, True, True, False]


def test_the_title_follows_the_same_rule(merge_page):
    tweets = {"base": ["a"], "local": [[1, "a"]], "server": ["a"]}
    cases = [
        {**tweets, "title": {"base": "Old", "local": "Mine", "server": "Theirs"}},
        {**tweets, "title": {"base": "Old", "local": "Old", "server": "Theirs"}},
    ]

    mine, theirs = merge_page.evaluate(MERGE, cases)

    assert (mine["title"], mine["differs"]) == ("Mine", True)
    assert (theirs["title"], theirs["differs"]) == ("Theirs", False)
