"""What the screenshots show: a demo author, the article she pastes, the thread the (fake) model writes from it,
and the threads already in her history. Invented text about invented teams, on example.com addresses."""

from __future__ import annotations

from dataclasses import dataclass

AUTHOR_EMAIL = "maya@example.com"
AUTHOR_NAME = "Maya Chen"
AUTHOR_HANDLE = "mayawrites"

ARTICLE = (
    "Why small releases win\n\n"
    "Teams that ship often share one habit: they make small changes and look at the result before the next one. "
    "A release that touches three files is easy to review, easy to test and easy to undo. A release that touches "
    "three hundred is none of those things, and everyone who works on it knows it.\n\n"
    "The cost of a slow feedback loop rarely shows on a dashboard. It shows up as engineers switching context while "
    "they wait for a build, as reviews that skim because the diff is too long to read, and as bugs that customers "
    "find before the tests do.\n\n"
    "Shorter loops make every change cheaper. When a deploy takes minutes instead of an afternoon, people stop "
    "batching work to make the wait worth it, and the batches that caused the trouble in the first place go away.\n\n"
    "Start with one measure: the time from a merged change to the moment a customer can use it. Halve it, then "
    "halve it again."
)

# What the fake model answers for ARTICLE, one tweet per item (Threadr adds the numbering).
TWEETS = [
    "Teams that ship often share one habit: small changes, and a look at the result before the next one.",
    "A release that touches three files is easy to review, test and undo. One that touches three hundred is "
    "none of those things.",
    "Slow feedback rarely shows on a dashboard. It shows up as context switching, skimmed reviews and bugs "
    "customers find first.",
    "When a deploy takes minutes instead of an afternoon, people stop batching work, and the batches that caused "
    "the trouble go away.",
    "Start with one measure: the time from a merged change to a customer using it. Halve it. Then halve it again.",
]

# Typed over tweet 2 in the over-limit shot: well past 280 characters.
OVERFLOW = (
    "A release that touches three files is easy to review, easy to test and easy to undo when something goes "
    "wrong on a Friday afternoon. A release that touches three hundred is none of those things, and everyone who "
    "works on it knows it long before the deploy starts, which is why the review drags on for a week."
)


@dataclass(frozen=True)
class DemoThread:
    title: str
    tweets: list[str]
    hours_ago: float
    style: str = "summary"
    source_url: str = ""
    source_text: str = ""
    favourite: bool = False
    shared: bool = False


EDITOR_THREAD = "What writing docs taught our team"  # opened in the editor (phone, dark, over-limit)
SHARED_THREAD = "Notes on remote onboarding"  # its public page is the share shot

HISTORY = [
    DemoThread(
        title=EDITOR_THREAD,
        hours_ago=2,
        style="tips",
        source_url="https://blog.example.com/writing-docs",
        tweets=[
            "We spent a year writing things down instead of meeting about them. Here is what changed for our team.",
            "Decisions got faster. A one-page proposal with a clear ask gets an answer in a day; a meeting gets "
            "a follow-up meeting.",
            "New people ramped up in weeks, not months, because the why behind each choice was written next to it.",
            "Lead with the conclusion. Readers skim, so give them the point first and the reasons after.",
            "Keep documents alive: a stale page misleads more than no page at all. Date them and name an owner.",
        ],
    ),
    DemoThread(
        title=SHARED_THREAD,
        hours_ago=26,
        style="howto",
        source_url="https://handbook.example.com/remote-onboarding",
        shared=True,
        tweets=[
            "Onboarding a remote hire is a writing problem, not a video-call problem. Five things that worked for us.",
            "Send the laptop, the accounts and a first-week plan before day one. Nobody should spend Monday waiting.",
            "Pair every newcomer with a buddy for two weeks: one person whose job includes answering small questions.",
            "Give them a real, small task on day two. Shipping something early beats reading the wiki for a week.",
            "Ask what confused them at the end of week one, and fix the docs while the confusion is fresh.",
        ],
    ),
    DemoThread(
        title="Sourdough for busy people",
        hours_ago=50,
        style="howto",
        source_url="https://bakery.example.com/sourdough-schedule",
        favourite=True,
        tweets=[
            "You can bake sourdough with a full-time job. The trick is letting the fridge do the waiting.",
            "Mix the dough after dinner, fold it twice before bed, and leave it in the fridge overnight.",
            "Shape it in the morning, proof it while you work, bake it when you get home.",
        ],
    ),
    DemoThread(
        title="How we cut our CI time in half",
        hours_ago=75,
        style="case-study",
        source_url="https://engineering.example.com/faster-ci",
        tweets=[
            "Our CI took 24 minutes. Now it takes 11. No new hardware, just four changes.",
            "We cached dependencies by lockfile hash, so a run only installs what changed.",
            "We split the slowest test suite in four and ran the parts in parallel.",
            "We stopped building the docs on every push, only on changes to the docs.",
        ],
    ),
    DemoThread(
        title="The case for boring technology",
        hours_ago=120,
        style="hot-take",
        tweets=[
            "Your stack is not where you should be creative. Spend your novelty on the product.",
            "Every new tool costs on-call knowledge, upgrades and hiring. Pay that only when it buys something.",
            "A database you already know how to back up beats a faster one you don't.",
        ],
    ),
    DemoThread(
        title="Five lessons from a year of maintaining open source",
        hours_ago=200,
        style="tips",
        source_url="https://oss.example.com/year-one",
        favourite=True,
        tweets=[
            "A year maintaining an open source library taught me five things nobody mentions in the README.",
            "Issue templates save more time than any bot.",
            "Saying no to a feature is kinder than merging it and abandoning it.",
            "A changelog written for users gets read; one written for maintainers does not.",
            "Thank every first-time contributor by name.",
        ],
    ),
]


def demo(title: str) -> DemoThread:
    return next(thread for thread in HISTORY if thread.title == title)


def numbered(tweets: list[str]) -> list[str]:
    """Tweets as Threadr stores them with its default numbering ("1/n" at the end of each)."""
    return [f"{text} {position}/{len(tweets)}" for position, text in enumerate(tweets, start=1)]
