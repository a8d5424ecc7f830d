"""The staff dashboard shows the last 30 days as charts whose figures match the rows behind them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine

from billing.models import Plan, Purchase, Subscription
from generator.models import Generation
from tests.conftest import make_user
from threadr.staff.charts import daily_bars, nice_ceiling
from threadr.staff.figures import figures_for, percentile

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 20, 12, 0, tzinfo=UTC)


def at(day: int, hour: int = 9, month: int = 3) -> datetime:
    return datetime(2026, month, day, hour, 0, tzinfo=UTC)


def generation(user, *, when, status="succeeded", engine="local", code="", ms=None) -> Generation:
    return Generation.objects.create(
        user=user, status=status, engine=engine, error_code=code, input_kind="text", created_at=when, duration_ms=ms
    )


def purchase(user, plan, *, paid_at, amount=499, refunded=0) -> Purchase:
    return Purchase.objects.create(
        user=user,
        plan=plan,
        stripe_checkout_session_id=f"cs_{user.pk}_{paid_at or 'open'}",
        status="paid" if paid_at else "pending",
        amount_cents=amount,
        amount_refunded_cents=refunded,
        paid_at=paid_at,
    )


@pytest.fixture
def business(alice, bob, mallory):
    """A month of activity, with rows just outside every window to show they are left out."""
    pass_plan = Plan.objects.create(
        slug="test-pass", name="Pass", kind="pass", price_cents=499, period_label="once", button_label="Buy"
    )
    pro = Plan.objects.create(
        slug="test-pro", name="Pro", kind="subscription", price_cents=900, period_label="a month", button_label="Go"
    )
    for user, joined in ((alice, at(20)), (bob, at(10)), (mallory, at(1, month=2))):
        user.date_joined = joined
        user.save(update_fields=["date_joined"])
    generation(alice, when=at(20), ms=1000)
    generation(alice, when=at(20, 10), ms=3000)
    generation(alice, when=at(19), engine="openai", ms=2000)
    generation(alice, when=at(20, 11), status="failed", code="provider_timeout")
    generation(bob, when=at(10), status="failed", engine="", code="not_found")
    generation(bob, when=at(1, month=2), ms=500)  # before the 30 days
    purchase(bob, pass_plan, paid_at=at(1, month=2))  # bob's first payment: not a conversion this period
    purchase(bob, pass_plan, paid_at=at(19))
    purchase(alice, pass_plan, paid_at=at(20), refunded=200)
    purchase(mallory, pass_plan, paid_at=None)  # checkout abandoned
    Subscription.objects.create(user=mallory, plan=pro, stripe_subscription_id="sub_live", status="active")
    Subscription.objects.create(user=alice, plan=pro, stripe_subscription_id="sub_gone", status="canceled")


@pytest.fixture
def staff_client(client):
    with time_machine.travel(NOW, tick=False):
        client.force_login(make_user("staff@example.com", is_staff=True))
    return client


def test_the_figures_match_the_rows_they_come_from(business):
    figures = figures_for(now=NOW)

    assert figures.days[0].isoformat() == "2026-02-19"
    assert figures.days[-1].isoformat() == "2026-03-20"
    assert figures.generations_by_engine["local"][-1] == 2
    assert figures.generations_by_engine["openai"][-2] == 1
    assert sum(figures.generations_by_engine["local"]) == 2  # February's is outside the window
    assert figures.attempts == 5
    assert figures.failures_by_code == [("not_found", 1), ("provider_timeout", 1)]
    assert figures.failure_rates() == [("not_found", 0.2), ("provider_timeout", 0.2)]
    assert (figures.signups[-1], figures.signups[-11], sum(figures.signups)) == (1, 1, 2)
    assert (figures.conversions[-1], sum(figures.conversions)) == (1, 1)
    assert (figures.revenue_cents[-2], figures.revenue_cents[-1], sum(figures.revenue_cents)) == (499, 299, 798)
    assert (figures.p50_ms[-1], figures.p95_ms[-1], figures.p50_ms[-2], figures.p50_ms[-3]) == (1000, 3000, 2000, None)
    assert figures.active_users_7d == 1
    assert figures.mrr_cents == 900
    assert figures.passes_sold_this_month == 2


def test_the_page_draws_each_chart_with_a_title_a_description_and_a_data_table(business, staff_client):
    with time_machine.travel(NOW, tick=False):
        html = staff_client.get("/staff/").content.decode()

    for title in (
        "Generations per day by engine",
        "Failure rate by error code",
        "New sign-ups per day",
        "Premium conversions per day",
        "Revenue per day",
        "Generation time, p50 and p95",
        "Publications to X per day",
        "Estimated X spend per day",
    ):
        assert f">{title}</title>" in html
    assert html.count("<desc id=") == 8
    assert html.count("<summary>Data table</summary>") == 8
    assert "<title>Mar 20: $2.99</title>" in html
    assert '<th scope="row">provider_timeout</th><td>20.0%</td>' in html
    assert '<dd class="staff-figure-value">$9.00</dd>' in html
    assert "style=" not in html


def test_an_empty_month_still_draws(staff_client):
    with time_machine.travel(NOW, tick=False):
        response = staff_client.get("/staff/")

    assert response.status_code == 200
    assert "Nothing in this period" in response.content.decode()


def test_only_staff_see_the_dashboard(client, alice):
    assert client.get("/staff/").status_code == 302
    client.force_login(alice)
    assert client.get("/staff/").status_code == 404


def test_percentiles_are_nearest_rank():
    assert percentile([], 0.5) is None
    assert percentile([10], 0.95) == 10
    assert percentile(list(range(1, 101)), 0.95) == 95
    assert percentile(list(range(1, 101)), 0.5) == 50


def test_bars_are_drawn_to_scale_and_stacked_in_order():
    days = [datetime(2026, 3, 19).date(), datetime(2026, 3, 20).date()]

    chart = daily_bars(slug="t", title="T", description="D", days=days, series=[("a", [1, 3]), ("b", [1, 1])])

    assert (nice_ceiling(4), nice_ceiling(0), nice_ceiling(13), nice_ceiling(4100)) == (4, 2, 20, 6000)
    heights = [(rect.css, rect.height) for rect in chart.rects]
    assert heights == [("series-0", 45.0), ("series-1", 45.0), ("series-0", 135.0), ("series-1", 45.0)]
    assert chart.rects[3].y + chart.rects[3].height == chart.rects[2].y  # b sits on top of a
    assert [label.text for label in chart.labels[:3]] == ["0", "2", "4"]
    assert chart.rows == [["2026-03-19", "1", "1"], ["2026-03-20", "3", "1"]]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_dashboard_renders_in_a_browser_without_a_csp_violation(browser, live_server, business):
    from tests.web.conftest import PageProblems, open_page
    from tests.web.helpers import login

    problems = PageProblems()
    page = open_page(browser, problems, width=1280, height=900, base_url=live_server.url)
    login(page, live_server, make_user("staff@example.com", is_staff=True))

    page.goto("/staff/")

    assert page.get_by_role("heading", name="Dashboard", level=1).is_visible()
    assert page.locator("svg.chart").count() == 8
    bar_colour = page.evaluate("getComputedStyle(document.querySelector('.chart-bar.series-0')).fill")
    assert bar_colour not in ("", "rgb(0, 0, 0)")  # the stylesheet coloured it, not a style attribute
    page.get_by_text("Data table").first.click()
    assert page.locator("details.chart-data[open] table").first.is_visible()
    assert problems == []
