"""Support runs Threadr from the admin: every record is findable, lists cost the same at 100 rows as at 1, the
levers on a user are audited, and the sign-in page holds off password guessing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import QuotaReset, User
from billing.models import EntitlementChange, Plan, Subscription
from generator.models import Generation, Rewrite, Thread
from generator.selectors import usage_for
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def users_with_activity(count: int, *, batch: str = "a") -> None:
    """`count` users, each verified, with a thread, two successful generations and a rewrite today, and a
    subscription."""
    users = User.objects.bulk_create([User(email=f"user{number}{batch}@example.com") for number in range(count)])
    EmailAddress.objects.bulk_create(
        [EmailAddress(user=user, email=user.email, verified=True, primary=True) for user in users]
    )
    threads = Thread.objects.bulk_create(
        [Thread(owner=user, title=f"Thread {user.pk}", engine="local", tweets=["one", "two"]) for user in users]
    )
    Generation.objects.bulk_create(
        [
            Generation(user=thread.owner, status="succeeded", engine="local", input_kind="text", thread=thread)
            for thread in threads
            for _ in range(2)
        ]
    )
    Rewrite.objects.bulk_create([Rewrite(user=thread.owner, thread=thread, status="succeeded") for thread in threads])
    pro = Plan.objects.filter(kind="subscription").first()
    Subscription.objects.bulk_create(
        [Subscription(user=user, plan=pro, stripe_subscription_id=f"sub_{user.pk}", status="active") for user in users]
    )


def queries_for(admin_client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = admin_client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    "url",
    ["/admin/accounts/user/", "/admin/generator/thread/", "/admin/generator/generation/", "/admin/generator/rewrite/"],
)
def test_a_change_list_costs_the_same_queries_at_100_rows_as_at_1(admin_client, url):
    users_with_activity(1)
    with_one = queries_for(admin_client, url)
    users_with_activity(99, batch="b")

    assert queries_for(admin_client, url) == with_one


def test_the_user_list_shows_what_support_asks_first(admin_client, alice):
    users_with_activity(1)
    Generation.objects.create(user=alice, status="succeeded", engine="local", input_kind="text")
    Generation.objects.create(
        user=alice,
        status="succeeded",
        engine="local",
        input_kind="text",
        created_at=timezone.now() - timedelta(days=40),
    )
    Thread.objects.create(owner=alice, title="Mine", engine="local", tweets=["a"])

    html = admin_client.get("/admin/accounts/user/?q=alice").content.decode()

    assert '<td class="field-current_plan">Free</td>' in html
    assert '<td class="field-generations_today">1</td>' in html
    assert '<td class="field-threads_count">1</td>' in html
    assert 'field-verified"><img src="/static/admin/img/icon-yes' in html
    assert "user0a@example.com" not in html


def test_reset_todays_quota_gives_a_fresh_day_and_writes_an_audit_row(admin_client, admin_user, alice):
    for _ in range(5):
        Generation.objects.create(user=alice, status="succeeded", engine="local", input_kind="text")
    assert usage_for(user=alice).daily_left == 0

    response = admin_client.post(
        "/admin/accounts/user/", {"action": "reset_todays_quota", "_selected_action": [alice.pk]}, follow=True
    )

    alice.refresh_from_db()
    assert "Reset today&#x27;s quota of 1 users." in response.content.decode()
    assert usage_for(user=alice).daily_left == 5
    assert list(QuotaReset.objects.values_list("user", "actor")) == [(alice.pk, admin_user.pk)]


def test_grant_and_revoke_go_through_billing_and_leave_its_audit_rows(admin_client, admin_user, alice):
    admin_client.post("/admin/accounts/user/", {"action": "grant_30_days", "_selected_action": [alice.pk]})
    alice.refresh_from_db()
    assert alice.is_premium()

    admin_client.post("/admin/accounts/user/", {"action": "revoke_premium", "_selected_action": [alice.pk]})
    alice.refresh_from_db()
    assert not alice.is_premium()
    assert list(EntitlementChange.objects.order_by("created", "pk").values_list("reason", "actor")) == [
        ("admin_grant", admin_user.pk),
        ("admin_revoke", admin_user.pk),
    ]


def test_premium_until_cannot_be_typed_in_by_hand(admin_client, alice):
    html = admin_client.get(f"/admin/accounts/user/{alice.pk}/change/").content.decode()

    assert 'name="premium_until' not in html
    assert "free: 0 of 5 today, 0 of 20 this month" in html


def test_a_threads_content_is_read_only_and_its_public_page_can_be_taken_down(admin_client, alice):
    thread = Thread.objects.create(
        owner=alice, title="Shared", engine="local", tweets=["<b>first</b>", "second"], share_token="tok"
    )

    html = admin_client.get(f"/admin/generator/thread/{thread.pk}/change/").content.decode()
    assert "<li>&lt;b&gt;first&lt;/b&gt;</li><li>second</li>" in html
    assert 'name="title"' not in html

    admin_client.post("/admin/generator/thread/", {"action": "stop_sharing", "_selected_action": [thread.pk]})
    thread.refresh_from_db()
    assert thread.share_token is None


def test_the_generation_ledger_is_filterable_and_cannot_be_edited(admin_client, alice):
    Generation.objects.create(user=alice, status="failed", engine="openai", input_kind="url", error_code="timeout")
    Generation.objects.create(user=alice, status="succeeded", engine="local", input_kind="text")

    html = admin_client.get("/admin/generator/generation/?error_code=timeout").content.decode()

    assert html.count('<td class="field-error_code">timeout</td>') == 1
    assert 'field-status">succeeded' not in html
    assert admin_client.get("/admin/generator/generation/add/").status_code == 403


def test_the_rewrite_ledger_is_filterable_and_cannot_be_edited(admin_client, alice):
    Rewrite.objects.create(user=alice, status=Rewrite.Status.FAILED, error_code="provider_timeout")
    Rewrite.objects.create(user=alice, status=Rewrite.Status.SUCCEEDED)

    html = admin_client.get("/admin/generator/rewrite/?status=failed").content.decode()

    assert html.count('<td class="field-error_code">provider_timeout</td>') == 1
    assert 'field-status">succeeded' not in html
    assert admin_client.get("/admin/generator/rewrite/add/").status_code == 403


@time_machine.travel(datetime(2026, 5, 4, 12, 0, 30, tzinfo=UTC), tick=False)  # all four in one throttle window
def test_admin_sign_in_attempts_are_limited_per_address(client, settings, admin_user):
    settings.ADMIN_LOGIN_RATE = 3
    wrong = {"username": admin_user.email, "password": "wrong", "next": "/admin/"}

    statuses = [client.post("/admin/login/", wrong).status_code for _ in range(3)]
    refused = client.post("/admin/login/", {**wrong, "password": "password"})

    assert statuses == [200, 200, 200]
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert "Too many sign-in attempts" in refused.content.decode()
    assert client.get("/admin/login/").status_code == 200  # the form itself stays readable


def test_only_staff_reach_the_admin(client, alice):
    client.login(email=alice.email, password=PASSWORD)

    response = client.get("/admin/")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_user_list_renders_in_a_browser_without_a_csp_violation(browser, live_server, admin_user, alice):
    from tests.web.conftest import PageProblems, open_page
    from tests.web.helpers import login

    problems = PageProblems()
    page = open_page(browser, problems, width=1280, height=900, base_url=live_server.url)
    login(page, live_server, admin_user)

    page.goto("/admin/accounts/user/")
    page.get_by_role("link", name="alice@example.com").click()
    page.wait_for_url("**/change/")

    assert page.get_by_text("free: 0 of 5 today").is_visible()
    assert problems == []
