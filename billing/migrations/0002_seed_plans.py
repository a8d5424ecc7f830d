"""Seed the two plans Threadr sells. Stripe Price ids come from the environment at seed time and are edited in the
admin afterwards; prices are in cents so the money is exact."""

from django.conf import settings
from django.db import migrations

PLANS = [
    {
        "slug": "pass-30",
        "name": "30-day pass",
        "kind": "pass",
        "price_cents": 499,
        "period_label": "once",
        "pass_days": 30,
        "price_setting": "STRIPE_PRICE_PASS_30",
        "features": "Unlimited threads for 30 days\nEvery style, including premium ones\nNo subscription, nothing renews",
        "button_label": "Get the pass",
        "featured": True,
        "sort_order": 10,
    },
    {
        "slug": "pro-monthly",
        "name": "Pro",
        "kind": "subscription",
        "price_cents": 999,
        "period_label": "a month",
        "pass_days": 0,
        "price_setting": "STRIPE_PRICE_PRO_MONTHLY",
        "features": "Unlimited threads while subscribed\nEvery style, including premium ones\nCancel any time",
        "button_label": "Go Pro",
        "featured": False,
        "sort_order": 20,
    },
]


def seed(apps, schema_editor):
    Plan = apps.get_model("billing", "Plan")
    for spec in PLANS:
        fields = {key: value for key, value in spec.items() if key not in ("slug", "price_setting")}
        fields["stripe_price_id"] = getattr(settings, str(spec["price_setting"]), "") or ""
        Plan.objects.get_or_create(slug=spec["slug"], defaults=fields)


def unseed(apps, schema_editor):
    apps.get_model("billing", "Plan").objects.filter(slug__in=[spec["slug"] for spec in PLANS]).delete()


class Migration(migrations.Migration):
    dependencies = [("billing", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
