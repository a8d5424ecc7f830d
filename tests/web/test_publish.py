"""Publishing in Chromium: a premium user with X connected presses "Publish to X" on a thread, is told it is on
its way and finds it in the queue; a free user is pointed to the plans instead."""

from __future__ import annotations

import gzip
from datetime import UTC, timedelta
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings as django_settings
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import User
from publishing import services
from publishing.models import Publication
from tests.fakes import x_server
from tests.publishing.conftest import KEY, connect, make_thread
from tests.web.conftest import PageProblems, open_page
from tests.web.helpers import login, wait_until

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

fake_x = x_server.fake_x


@pytest.fixture(autouse=True)
def _keys(settings):
    settings.FIELD_ENCRYPTION_KEY = [KEY]


def test_a_premium_user_publishes_a_thread_and_finds_it_in_the_queue(browser, live_server, bob, fake_x, screenshot_dir):
    connect(bob, fake_x)
    thread = make_thread(bob, 3)
    problems = PageProblems()
    page = open_page(browser, problems, width=1280, height=800, base_url=live_server.url)
    login(page, live_server, bob)
    page.goto(f"/app/threads/{thread.pk}/")

    expect(page.get_by_role("button", name="Post on X")).to_have_count(0)
    page.get_by_role("button", name="Publish to X").click()
    expect(page.get_by_role("dialog")).to_contain_text("3 tweets as a reply chain; none carries a link")
    page.get_by_role("button", name="Publish now").click()

    expect(page.locator("#publish-status")).to_contain_text("Publishing 3 tweets to X as a reply chain.")
    assert Publication.objects.get().thread_id == thread.pk
    page.screenshot(path=screenshot_dir / "publish-thread.png")
    page.get_by_role("link", name="Follow it in the queue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Publishing queue")
    item = page.get_by_role("listitem", name=thread.title)
    expect(item).to_contain_text("Publishing")
    expect(item).to_contain_text("3 tweets")
    assert problems == []


def test_a_free_user_with_x_connected_keeps_the_manual_guide_and_is_pointed_to_the_plans(
    browser, live_server, alice, fake_x
):
    connect(alice, fake_x)
    thread = make_thread(alice, 2)
    problems = PageProblems()
    page = open_page(browser, problems, width=390, height=844, base_url=live_server.url)
    login(page, live_server, alice)
    page.goto(f"/app/threads/{thread.pk}/")

    expect(page.get_by_role("button", name="Publish to X")).to_have_count(0)
    expect(page.locator("#publish-hint")).to_contain_text("Premium plans publish a thread to X for you")
    expect(page.locator("#publish-hint").get_by_role("link", name="See plans")).to_have_attribute("href", "/pricing")
    page.get_by_role("button", name="Post on X").click()
    expect(page.get_by_role("dialog", name="Post on X")).to_contain_text("Tweet 1 posted")
    assert problems == []


def test_a_premium_user_without_x_keeps_the_manual_guide_and_is_asked_to_connect(browser, live_server, bob, fake_x):
    thread = make_thread(bob, 2)
    problems = PageProblems()
    page = open_page(browser, problems, width=1280, height=800, base_url=live_server.url)
    login(page, live_server, bob)
    page.goto(f"/app/threads/{thread.pk}/")

    expect(page.get_by_role("button", name="Publish to X")).to_have_count(0)
    expect(page.locator("#publish-hint").get_by_role("link", name="Connect X")).to_have_attribute(
        "href", "/accounts/settings/#x-account"
    )
    page.get_by_role("button", name="Post on X").click()
    expect(page.get_by_role("dialog", name="Post on X")).to_be_visible()
    assert problems == []


def test_scheduling_takes_the_browsers_time_zone_and_keeps_it_on_the_profile(
    browser, live_server, bob, fake_x, screenshot_dir
):
    connect(bob, fake_x)
    thread = make_thread(bob, 2)
    thread.set_tweets(["Read it at https://example.com/builds first.", "2/2 That is all."])
    thread.save()
    problems = PageProblems()
    page = open_page(
        browser, problems, width=1280, height=800, base_url=live_server.url, timezone_id="America/New_York"
    )
    login(page, live_server, bob)
    page.goto(f"/app/threads/{thread.pk}/")
    when = (
        (timezone.now() + timedelta(days=2))
        .astimezone(ZoneInfo("America/New_York"))
        .replace(hour=9, minute=30, second=0, microsecond=0)
    )

    page.get_by_role("button", name="Publish to X").click()
    dialog = page.get_by_role("dialog")
    assert wait_until(lambda: User.objects.get(pk=bob.pk).time_zone == "America/New_York")
    expect(dialog).to_contain_text("2 tweets as a reply chain; 1 carries a link, which X charges more for.")
    expect(dialog).to_contain_text("America/New_York")
    dialog.get_by_label("At a time").check()
    dialog.get_by_label("Date and time").fill(when.strftime("%Y-%m-%dT%H:%M"))
    expect(dialog).to_contain_text(when.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC"))
    page.screenshot(path=screenshot_dir / "publish-dialog.png")
    dialog.get_by_role("button", name="Schedule").click()

    expect(page.locator("#publish-status")).to_contain_text("Scheduled 2 tweets for")
    publication = Publication.objects.get()
    assert publication.status == "scheduled"
    assert publication.scheduled_for == when
    assert problems == []


def test_scheduling_uses_the_zone_on_the_profile_over_the_browsers(browser, live_server, bob, fake_x):
    bob.time_zone = "Asia/Tokyo"
    bob.save()
    connect(bob, fake_x)
    thread = make_thread(bob, 2)
    problems = PageProblems()
    page = open_page(
        browser, problems, width=1280, height=800, base_url=live_server.url, timezone_id="America/New_York"
    )
    login(page, live_server, bob)
    detections: list[str] = []
    page.on("request", lambda request: detections.append(request.url) if "time-zone/detect" in request.url else None)
    page.goto(f"/app/threads/{thread.pk}/")
    when = (timezone.now() + timedelta(days=3)).astimezone(ZoneInfo("Asia/Tokyo")).replace(hour=8, minute=15)
    when = when.replace(second=0, microsecond=0)

    page.get_by_role("button", name="Publish to X").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("At a time").check()
    expect(dialog).to_contain_text("in your time zone (Asia/Tokyo)")
    dialog.get_by_label("Date and time").fill(when.strftime("%Y-%m-%dT%H:%M"))
    expect(dialog).to_contain_text(when.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC"))
    dialog.get_by_role("button", name="Schedule").click()

    expect(page.locator("#publish-status")).to_contain_text("(Asia/Tokyo)")
    assert Publication.objects.get().scheduled_for == when
    assert detections == []
    bob.refresh_from_db()
    assert bob.time_zone == "Asia/Tokyo"
    assert problems == []


def test_the_dialog_offers_to_carry_the_articles_link_in_the_last_tweet(browser, live_server, bob, fake_x):
    connect(bob, fake_x)
    url = "https://blog.example.com/build-times"
    thread = make_thread(bob, 3)
    thread.source_url = url
    thread.set_tweets([f"We cut build times by 70%.\n\n{url}", "We cached dependencies.", "Then we split the suite."])
    thread.save()
    problems = PageProblems()
    page = open_page(browser, problems, width=390, height=844, base_url=live_server.url)
    login(page, live_server, bob)
    page.goto(f"/app/threads/{thread.pk}/")

    page.get_by_role("button", name="Publish to X").click()
    dialog = page.get_by_role("dialog")
    offer = dialog.get_by_label("Tweet 1 carries the article's link: move it to the end of the last tweet")
    expect(offer).not_to_be_checked()
    offer.check()
    dialog.get_by_role("button", name="Publish now").click()

    expect(page.locator("#publish-status")).to_contain_text("The article's link is in the last tweet.")
    tweets = list(Publication.objects.get().tweets.order_by("position").values_list("text", flat=True))
    assert tweets == ["We cut build times by 70%.", "We cached dependencies.", f"Then we split the suite.\n\n{url}"]
    assert problems == []


def test_a_thread_linking_only_at_the_end_is_not_offered_a_move(browser, live_server, bob, fake_x):
    connect(bob, fake_x)
    thread = make_thread(bob, 2)
    thread.source_url = "https://blog.example.com/build-times"
    thread.set_tweets(["We cut build times by 70%.", "Read it all: https://blog.example.com/build-times"])
    thread.save()
    problems = PageProblems()
    page = open_page(browser, problems, width=1280, height=800, base_url=live_server.url)
    login(page, live_server, bob)
    page.goto(f"/app/threads/{thread.pk}/")

    page.get_by_role("button", name="Publish to X").click()

    expect(page.get_by_role("dialog")).to_contain_text("2 tweets as a reply chain; 1 carries a link")
    expect(page.get_by_role("checkbox")).to_have_count(0)
    assert problems == []


def test_a_scheduled_publication_is_rescheduled_from_the_queue(browser, live_server, bob, fake_x):
    connect(bob, fake_x)
    bob.time_zone = "Europe/Paris"
    bob.save(update_fields=["time_zone"])
    publication = services.publication_create(
        user=bob, thread=make_thread(bob, 2, title="Friday notes"), at=timezone.now() + timedelta(hours=3)
    )
    paris = ZoneInfo("Europe/Paris")
    when = (timezone.now() + timedelta(days=3)).astimezone(paris).replace(hour=8, minute=15, second=0, microsecond=0)
    problems = PageProblems()
    page = open_page(browser, problems, width=390, height=844, base_url=live_server.url)
    login(page, live_server, bob)
    page.goto("/app/queue/")

    page.get_by_text("Reschedule", exact=False).first.click()
    page.get_by_label("New date and time").fill(when.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Save the new time").click()

    expect(page.locator(".messages")).to_contain_text(
        f"“Friday notes” is rescheduled to {when:%-d %b %Y}, 08:15 (Europe/Paris)."
    )
    expect(page.get_by_role("listitem", name="Friday notes")).to_contain_text(f"For {when:%a %-d %b %Y}, 08:15")
    page.screenshot(path="/tmp/q1.png", full_page=True)
    publication.refresh_from_db()
    assert publication.scheduled_for == when
    assert problems == []


def test_the_queue_follows_a_publication_until_it_is_on_x(browser, live_server, bob, fake_x):
    connect(bob, fake_x)
    publication = services.publication_create(user=bob, thread=make_thread(bob, 2, title="Monday notes"), at=None)
    problems = PageProblems()
    page = open_page(browser, problems, width=1280, height=800, base_url=live_server.url)
    login(page, live_server, bob)
    page.goto("/app/queue/")
    item = page.get_by_role("listitem", name="Monday notes")
    expect(item).to_contain_text("Publishing")
    page.locator("#queue").evaluate("node => { node.dataset.refreshMs = '200'; }")

    # What a worker leaves once both tweets are on X.
    for position, tweet_id in ((1, "1860000000000000001"), (2, "1860000000000000002")):
        publication.tweets.filter(position=position).update(
            status="posted", tweet_id=tweet_id, posted_at=timezone.now()
        )
    Publication.objects.filter(pk=publication.pk).update(status="published", finished_at=timezone.now())

    expect(item).to_contain_text("Published", timeout=10_000)
    expect(item.get_by_role("link", name="Tweet 2 on X")).to_have_attribute(
        "href", "https://x.com/threadr_writer/status/1860000000000000002"
    )
    expect(page.locator("#queue-announcer")).to_have_text("Monday notes: Published.")
    assert problems == []


def test_the_queue_takes_the_browsers_time_zone_when_the_profile_has_none(browser, live_server, bob, fake_x):
    connect(bob, fake_x)
    services.publication_create(
        user=bob, thread=make_thread(bob, 2, title="Weekly notes"), at=timezone.now() + timedelta(days=2)
    )
    publication = Publication.objects.get()
    tokyo = publication.scheduled_for.astimezone(ZoneInfo("Asia/Tokyo"))
    problems = PageProblems()
    page = open_page(browser, problems, width=1280, height=800, base_url=live_server.url, timezone_id="Asia/Tokyo")
    login(page, live_server, bob)

    page.goto("/app/queue/")

    expect(page.get_by_text("Times are in your time zone, Asia/Tokyo.")).to_be_visible()
    expect(page.get_by_role("listitem", name="Weekly notes")).to_contain_text(f"For {tokyo:%a %-d %b %Y, %H:%M}")
    assert User.objects.get(pk=bob.pk).time_zone == "Asia/Tokyo"
    assert problems == []


def test_a_threads_page_with_publishing_weighs_under_60_kb_gzipped(browser, live_server, bob, fake_x):
    connect(bob, fake_x)
    thread = make_thread(bob, 2)
    problems = PageProblems()
    page = open_page(browser, problems, width=1280, height=800, base_url=live_server.url)
    login(page, live_server, bob)
    loaded: list[str] = []
    page.on("requestfinished", lambda request: loaded.append(urlsplit(request.url).path))

    page.goto(f"/app/threads/{thread.pk}/")
    page.wait_for_load_state("networkidle")

    assets = sorted({path for path in loaded if path.startswith("/static/") and path.endswith((".js", ".css"))})
    assert any("/js/publish." in path for path in assets)
    assert any("/js/zoned-time." in path for path in assets)
    root = Path(django_settings.STATIC_ROOT)
    total = sum(len(gzip.compress((root / path.removeprefix("/static/")).read_bytes(), 9)) for path in assets)
    assert total < 60 * 1024, (total, assets)
    assert problems == []
