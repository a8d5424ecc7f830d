"""The screenshots Threadr's README shows, and how to reach each one in the browser.

A scene is one browser context (a viewport, light or dark, signed in or not) driven to one or more states; each
state is one PNG in docs/screenshots/. Pages are found the way a person finds them, by roles, labels and visible
text, so the scenes survive reworked markup; when a state cannot be reached, StateNotReached names it and what
never appeared.
"""

from __future__ import annotations

import contextlib
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from playwright.sync_api import Locator, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tools.screenshots import content

if TYPE_CHECKING:
    from tools.screenshots.stage import Stage

DESKTOP = (1280, 800)
PHONE = (390, 844)
WAIT_MS = 15_000


class StateNotReached(RuntimeError):
    def __init__(self, state: str, what: str) -> None:
        super().__init__(f"could not reach the '{state}' screenshot: {what}")
        self.state = state


@dataclass(frozen=True)
class State:
    name: str  # docs/screenshots/<name>.png
    caption: str  # the README's alt text


Shoot = Callable[[str], None]  # takes the screenshot of the named state


@dataclass(frozen=True)
class Scene:
    states: tuple[State, ...]
    play: Callable[[Page, Stage, Shoot], None]
    viewport: tuple[int, int] = DESKTOP
    dark: bool = False
    signed_in: bool = True


def reach(locator: Locator, *, state: str, what: str, timeout: int = WAIT_MS) -> Locator:
    """Wait for `locator` to show, or fail naming the state and what never appeared."""
    try:
        locator.first.wait_for(state="visible", timeout=timeout)
    except PlaywrightTimeout:
        where = locator.page.url
        raise StateNotReached(state, f"{what} never appeared on {where} (waited {timeout / 1000:.0f} s)") from None
    return locator


def tweet_boxes(page: Page) -> Locator:
    """The editor's tweets, each a text box in the list named "Tweets"."""
    return page.get_by_role("list", name="Tweets").get_by_role("textbox")


def open_editor(page: Page, stage: Stage, *, state: str) -> Locator:
    page.goto(f"/app/threads/{stage.editor_thread_id}/")
    boxes = reach(tweet_boxes(page), state=state, what="the editor's tweets (text boxes in the list 'Tweets')")
    first = content.demo(content.EDITOR_THREAD).tweets[0][:40]
    try:
        expect(boxes.first).to_have_value(re.compile(re.escape(first)), timeout=WAIT_MS)
    except AssertionError:
        raise StateNotReached(state, f"the editor never showed the thread's first tweet ({first!r}…)") from None
    return boxes


def generator_ready(page: Page, *, state: str) -> None:
    page.goto("/app/")
    reach(page.get_by_role("button", name="Generate thread"), state=state, what="the 'Generate thread' button")
    reach(page.get_by_role("tab", name="Text"), state=state, what="the 'Text' source tab")


# --- scenes -----------------------------------------------------------------------------------------------------
def play_empty(page: Page, stage: Stage, shoot: Shoot) -> None:
    generator_ready(page, state="empty")
    shoot("empty")


def play_phone_generator(page: Page, stage: Stage, shoot: Shoot) -> None:
    generator_ready(page, state="phone-generator")
    shoot("phone-generator")


def play_generate(page: Page, stage: Stage, shoot: Shoot) -> None:
    """Paste the article, generate, shoot while the (held) provider is halfway through tweet 3, then when done."""
    from tests.fakes.openai_server import SEPARATOR, FakeReply

    generator_ready(page, state="streaming")
    page.get_by_role("tab", name="Text").click()
    reach(page.get_by_label("Article text"), state="streaming", what="the 'Article text' field").fill(content.ARTICLE)
    release = threading.Event()
    # Hold the reply halfway through tweet 3: two tweets are done and one is being written when the shot is taken.
    held_at = len(SEPARATOR.join(content.TWEETS[:2]) + SEPARATOR) + len(content.TWEETS[2]) // 2
    stage.provider.script(
        FakeReply(tweets=content.TWEETS, chunk_delay=0.02, hold=(held_at // FakeReply.chunk_size, release))
    )
    try:
        page.get_by_role("button", name="Generate thread").click()
        reach(
            page.get_by_text(content.TWEETS[1][:40]),
            state="streaming",
            what="the second tweet while the provider held back the rest",
        )
        with contextlib.suppress(PlaywrightTimeout):  # the unfinished tweet, where the page shows it as written
            page.get_by_text(content.TWEETS[2][:24]).first.wait_for(state="visible", timeout=3000)
        shoot("streaming")
    finally:
        release.set()
    try:
        page.wait_for_url(re.compile(r"/app/threads/\d+/$"), timeout=WAIT_MS)
    except PlaywrightTimeout:
        raise StateNotReached("done", "the address never moved to the new thread's /app/threads/<id>/") from None
    boxes = reach(tweet_boxes(page), state="done", what="the editor's tweets (text boxes in the list 'Tweets')")
    try:
        expect(boxes).to_have_count(len(content.TWEETS), timeout=WAIT_MS)
    except AssertionError:
        raise StateNotReached("done", f"the editor never showed the {len(content.TWEETS)} tweets written") from None
    shoot("done")


def play_history(page: Page, stage: Stage, shoot: Shoot) -> None:
    page.goto("/app/threads/")
    for title in (content.EDITOR_THREAD, content.HISTORY[-1].title):
        reach(page.get_by_text(title, exact=True), state="history", what=f"the thread {title!r} in the history")
    shoot("history")


def play_share(page: Page, stage: Stage, shoot: Shoot) -> None:
    page.goto(stage.share_path)
    shared = content.demo(content.SHARED_THREAD)
    reach(page.get_by_text(content.AUTHOR_NAME).first, state="share", what="the author's display name")
    reach(page.get_by_text(shared.tweets[0][:40]), state="share", what="the shared thread's first tweet")
    shoot("share")


def play_phone_editor(page: Page, stage: Stage, shoot: Shoot) -> None:
    open_editor(page, stage, state="phone-editor")
    shoot("phone-editor")


def play_editor_dark(page: Page, stage: Stage, shoot: Shoot) -> None:
    open_editor(page, stage, state="editor-dark")
    shoot("editor-dark")


def play_over_limit(page: Page, stage: Stage, shoot: Shoot) -> None:
    """Type a tweet well past 280 characters into tweet 2 of the editor: the overflow shows."""
    box = open_editor(page, stage, state="over-limit").nth(1)
    box.click()
    box.fill(content.OVERFLOW)
    reach(
        page.get_by_text(re.compile(r"over X.s limit", re.IGNORECASE)),
        state="over-limit",
        what="the note that a tweet is over X's limit",
    )
    box.evaluate("(element) => element.scrollIntoView({block: 'center'})")  # the tweet and its note below it
    shoot("over-limit")


# The order they run in: the over-limit scene edits the thread the phone and dark scenes show, so it runs last.
SCENES = [
    Scene((State("empty", "The generator, ready for an article"),), play_empty),
    Scene(
        (
            State("streaming", "A thread streaming in, tweet by tweet"),
            State("done", "The finished thread in the editor"),
        ),
        play_generate,
    ),
    Scene((State("history", "The history of threads"),), play_history),
    Scene((State("share", "A shared thread's public page, with its author"),), play_share, signed_in=False),
    Scene((State("phone-generator", "The generator on a phone"),), play_phone_generator, viewport=PHONE),
    Scene((State("phone-editor", "The editor on a phone"),), play_phone_editor, viewport=PHONE),
    Scene((State("editor-dark", "The editor in dark mode"),), play_editor_dark, dark=True),
    Scene((State("over-limit", "A tweet over 280 characters, the overflow marked"),), play_over_limit),
]
STATES = [state for scene in SCENES for state in scene.states]
