"""The free quota is exact: 5 a day and 20 a month (UTC), failures cost nothing, dead reservations expire."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from generator.errors import QuotaExceeded
from generator.models import Generation
from generator.selectors import usage_for
from generator.services import generation_fail, generation_reserve

pytestmark = pytest.mark.django_db

NOON = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def succeed(generation: Generation) -> None:
    Generation.objects.filter(pk=generation.pk).update(status=Generation.Status.SUCCEEDED)


def use(user, count: int, *, now: datetime) -> None:
    for _ in range(count):
        succeed(generation_reserve(user=user, input_kind="text", now=now).generation)


def test_it_allows_five_free_generations_a_day_then_refuses_the_sixth(alice):
    use(alice, 5, now=NOON)

    with pytest.raises(QuotaExceeded) as refused:
        generation_reserve(user=alice, input_kind="text", now=NOON)

    assert refused.value.reason == "daily"
    assert refused.value.status == 402
    assert "5 free threads today" in refused.value.message
    assert usage_for(user=alice, now=NOON).daily_left == 0
    assert Generation.objects.filter(user=alice).count() == 5  # the refused one left no ledger row


def test_a_reservation_is_saved_with_what_it_was_made_for(alice):
    reservation = generation_reserve(user=alice, input_kind="url", now=NOON)

    saved = Generation.objects.get(pk=reservation.generation.pk)
    assert (saved.user, saved.input_kind, saved.status, saved.created_at) == (alice, "url", "reserved", NOON)
    assert not reservation.generation._state.adding


def test_the_daily_quota_resets_at_utc_midnight(alice):
    use(alice, 5, now=datetime(2026, 3, 10, 23, 59, 59, tzinfo=UTC))

    with pytest.raises(QuotaExceeded):
        generation_reserve(user=alice, input_kind="text", now=datetime(2026, 3, 10, 23, 59, 59, 900000, tzinfo=UTC))
    generation_reserve(user=alice, input_kind="text", now=datetime(2026, 3, 11, 0, 0, tzinfo=UTC))


def test_the_day_is_utc_whatever_the_users_offset(alice):
    # 23:30 in New York on the 10th is 04:30 UTC on the 11th: a new UTC day.
    use(alice, 5, now=datetime(2026, 3, 10, 20, 0, tzinfo=UTC))

    generation_reserve(user=alice, input_kind="text", now=datetime(2026, 3, 11, 4, 30, tzinfo=UTC))


def test_the_monthly_quota_stops_at_twenty_even_on_a_fresh_day(alice):
    for day in range(1, 5):
        use(alice, 5, now=datetime(2026, 3, day, 9, 0, tzinfo=UTC))

    with pytest.raises(QuotaExceeded) as refused:
        generation_reserve(user=alice, input_kind="text", now=datetime(2026, 3, 5, 9, 0, tzinfo=UTC))

    assert refused.value.reason == "monthly"
    assert "20 free threads this month" in refused.value.message


def test_the_monthly_quota_resets_on_the_first_of_the_month_utc(alice):
    for day in range(27, 31):
        use(alice, 5, now=datetime(2026, 3, day, 9, 0, tzinfo=UTC))
    with pytest.raises(QuotaExceeded):
        generation_reserve(user=alice, input_kind="text", now=datetime(2026, 3, 31, 23, 0, tzinfo=UTC))

    generation_reserve(user=alice, input_kind="text", now=datetime(2026, 4, 1, 0, 0, tzinfo=UTC))


def test_a_failed_generation_costs_nothing(alice):
    for _ in range(10):
        generation = generation_reserve(user=alice, input_kind="url", now=NOON).generation
        generation_fail(generation=generation, code="not_found", now=NOON)

    usage = usage_for(user=alice, now=NOON)
    assert usage.daily_used == 0
    assert usage.daily_left == 5
    assert Generation.objects.filter(user=alice, status="failed", error_code="not_found").count() == 10


def test_a_live_reservation_holds_quota_while_its_generation_runs(alice):
    for _ in range(5):
        generation_reserve(user=alice, input_kind="text", now=NOON)

    with pytest.raises(QuotaExceeded):
        generation_reserve(user=alice, input_kind="text", now=NOON + timedelta(seconds=30))


def test_a_stale_reservation_stops_counting_after_the_provider_deadline(alice, settings):
    settings.GENERATION_STALE_AFTER = 180
    for _ in range(5):
        generation_reserve(user=alice, input_kind="text", now=NOON)

    later = NOON + timedelta(seconds=181)
    assert usage_for(user=alice, now=later).daily_used == 0
    generation_reserve(user=alice, input_kind="text", now=later)


def test_premium_has_no_daily_or_monthly_limit_below_the_fair_use_ceiling(bob, settings):
    settings.PREMIUM_DAILY_CEILING = 30
    now = timezone.now()
    use(bob, 30, now=now)
    usage = usage_for(user=bob, now=now)
    assert usage.plan == "premium"
    assert usage.monthly_limit is None

    with pytest.raises(QuotaExceeded) as refused:
        generation_reserve(user=bob, input_kind="text", now=now)

    assert "fair-use ceiling of 30" in refused.value.message


def test_a_pass_that_ran_out_puts_the_user_back_on_the_free_limits(bob):
    bob.premium_until = NOON - timedelta(minutes=1)
    bob.save()
    use(bob, 5, now=NOON)

    with pytest.raises(QuotaExceeded):
        generation_reserve(user=bob, input_kind="text", now=NOON)
    assert usage_for(user=bob, now=NOON).plan == "free"


def test_usage_reports_when_the_quota_resets(alice):
    usage = usage_for(user=alice, now=NOON)

    assert usage.daily_resets_at == datetime(2026, 3, 11, tzinfo=UTC)
    assert usage.monthly_resets_at == datetime(2026, 4, 1, tzinfo=UTC)


def test_an_admins_quota_reset_gives_a_fresh_day_but_keeps_the_month_counting(alice):
    use(alice, 5, now=NOON)
    alice.quota_reset_at = NOON + timedelta(minutes=1)
    alice.save(update_fields=["quota_reset_at"])

    use(alice, 5, now=NOON + timedelta(minutes=2))
    with pytest.raises(QuotaExceeded):
        generation_reserve(user=alice, input_kind="text", now=NOON + timedelta(minutes=3))

    usage = usage_for(user=alice, now=NOON + timedelta(minutes=3))
    assert (usage.daily_used, usage.monthly_used) == (5, 10)
    assert usage_for(user=alice, now=NOON + timedelta(days=1)).daily_used == 0


def test_a_reservation_reports_usage_with_itself_counted(alice):
    use(alice, 2, now=NOON)

    usage = generation_reserve(user=alice, input_kind="text", now=NOON).usage

    assert (usage.daily_used, usage.monthly_used, usage.daily_left) == (3, 3, 2)
    assert usage == usage_for(user=alice, now=NOON)
