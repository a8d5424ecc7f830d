"""The pricing page sells what the plans table says, and only what this server can actually sell."""

from __future__ import annotations

import re

import pytest

from billing.models import Plan
from tests.billing.conftest import logged_in

pytestmark = pytest.mark.django_db


def plan_cards(html: str) -> list[str]:
    return re.findall(r'<h[23] class="plan-title">(.*?)</h[23]>', html)


def test_visitors_see_the_plans_with_sign_up_links(client, fake_stripe):
    html = client.get("/pricing").content.decode()

    assert plan_cards(html) == ["Free", "30-day pass", "Pro"]
    assert "US$4.99" in html
    assert "US$9.99" in html
    assert 'href="/accounts/signup/?next=/pricing">Get the pass</a>' in html
    assert "/billing/checkout/" not in html


def test_signed_in_users_get_buy_buttons_that_post_with_csrf(alice, fake_stripe):
    html = logged_in(alice).get("/pricing").content.decode()

    for slug, label in (("pass-30", "Get the pass"), ("pro-monthly", "Go Pro")):
        form = re.search(rf'<form method="post" action="/billing/checkout/{slug}/">(.*?)</form>', html, re.S)
        assert form is not None
        assert 'name="csrfmiddlewaretoken"' in form[1]
        assert label in form[1]
    assert 'action="/billing/portal/"' in html


def test_without_stripe_keys_the_plans_still_show_as_coming_soon(client, alice, settings):
    settings.STRIPE_SECRET_KEY = ""

    for html in (client.get("/pricing").content.decode(), logged_in(alice).get("/pricing").content.decode()):
        assert plan_cards(html) == ["Free", "30-day pass", "Pro"]
        assert html.count("Coming soon") == 2
        assert "unavailable" not in html
        assert "/billing/checkout/" not in html


def test_the_featured_plan_is_marked_most_popular(client, fake_stripe):
    html = client.get("/pricing").content.decode()

    featured = re.search(r'<li class="plan plan-featured">\s*<h2 class="plan-title">(.*?)</h2>\s*(<p.*?</p>)', html)
    assert featured is not None
    assert featured.groups() == ("30-day pass", '<p class="plan-badge">Most popular</p>')
    assert html.count("Most popular") == 1


def test_it_shows_what_the_admin_set(client, fake_stripe):
    Plan.objects.filter(slug="pro-monthly").update(price_cents=1250, features="Everything\nand more")
    Plan.objects.filter(slug="pass-30").update(active=False)

    html = client.get("/pricing").content.decode()

    assert plan_cards(html) == ["Free", "Pro"]
    assert "US$12.50" in html
    assert "<li>and more</li>" in html


def test_the_landing_page_shows_the_same_plans(client, fake_stripe):
    assert plan_cards(client.get("/").content.decode())[-3:] == ["Free", "30-day pass", "Pro"]


def test_the_seeded_plans_are_what_the_product_sells():
    plans = {plan.slug: plan for plan in Plan.objects.all()}

    assert (plans["pass-30"].price_cents, plans["pass-30"].pass_days, plans["pass-30"].kind) == (499, 30, "pass")
    assert (plans["pro-monthly"].price_cents, plans["pro-monthly"].kind) == (999, "subscription")
    assert plans["pass-30"].featured
    assert not plans["pro-monthly"].featured


def test_the_seed_takes_the_stripe_prices_from_the_environment(settings):
    from importlib import import_module

    from django.apps import apps

    seed = import_module("billing.migrations.0002_seed_plans")
    Plan.objects.all().delete()
    settings.STRIPE_PRICE_PASS_30, settings.STRIPE_PRICE_PRO_MONTHLY = "price_env_pass", "price_env_pro"

    seed.seed(apps, None)

    assert dict(Plan.objects.values_list("slug", "stripe_price_id")) == {
        "pass-30": "price_env_pass",
        "pro-monthly": "price_env_pro",
    }
    seed.unseed(apps, None)
    assert not Plan.objects.exists()


def test_prices_print_exactly_in_any_currency():
    assert Plan(price_cents=5, currency="usd").display_price == "US$0.05"
    assert Plan(price_cents=100000, currency="eur").display_price == "EUR 1000.00"


def test_the_current_plan_names_a_live_subscription_first(alice, bob):
    from billing.models import Plan, Subscription
    from billing.selectors import user_current_plan

    pro = Plan.objects.get(slug="pro-monthly")
    Subscription.objects.create(user=alice, plan=pro, stripe_subscription_id="sub_live_plan", status="active")
    Subscription.objects.create(user=bob, plan=None, stripe_subscription_id="sub_no_plan", status="past_due")

    assert user_current_plan(user=alice) == pro.name
    assert user_current_plan(user=bob) == "Subscription"
