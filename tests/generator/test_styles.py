"""Styles are seeded data the style picker and both engines read."""

from __future__ import annotations

import pytest

from generator.domain import StyleSpec
from generator.engines import FALLBACK_STYLE, default_style, style_spec
from generator.models import Style

pytestmark = pytest.mark.django_db

SEEDED = {"summary", "howto", "tips", "story", "news", "case-study", "hot-take", "qa"}


def test_it_seeds_the_eight_default_styles_in_picker_order() -> None:
    styles = list(Style.objects.filter(is_active=True))

    assert {style.slug for style in styles} >= SEEDED
    assert [style.name for style in styles][:3] == ["Summary", "How-to guide", "Tips list"]


def test_it_keeps_at_least_three_styles_for_premium_users_only() -> None:
    premium = set(Style.objects.filter(premium_only=True).values_list("slug", flat=True))

    assert premium >= {"story", "case-study", "hot-take"}
    assert "summary" not in premium


def test_it_gives_every_seeded_style_guidance_and_a_distinct_local_structure() -> None:
    styles = Style.objects.filter(slug__in=SEEDED)

    assert all(style.llm_guidance and style.description for style in styles)
    assert len({style.local_structure for style in styles}) == len(SEEDED)


def test_it_detaches_a_style_into_the_spec_the_engines_take() -> None:
    spec = Style.objects.get(slug="hot-take").spec()

    assert isinstance(spec, StyleSpec)
    assert (spec.slug, spec.name, spec.local_structure, spec.premium_only) == ("hot-take", "Hot take", "hottake", True)


def test_it_defaults_to_the_first_style_every_plan_may_use() -> None:
    Style.objects.filter(slug="summary").update(position=99)

    assert default_style().slug == "howto"
    assert style_spec(None).slug == "howto"


def test_it_finds_an_active_style_by_slug_and_refuses_a_switched_off_one() -> None:
    Style.objects.filter(slug="qa").update(is_active=False)

    assert style_spec("case-study").name == "Case study"
    with pytest.raises(Style.DoesNotExist):
        style_spec("qa")


def test_it_falls_back_to_a_plain_summary_when_no_style_is_active() -> None:
    Style.objects.update(is_active=False)

    assert default_style() == FALLBACK_STYLE
    assert style_spec("story") == FALLBACK_STYLE


def test_it_looks_a_style_up_in_one_query(django_assert_num_queries) -> None:
    with django_assert_num_queries(1):
        assert style_spec("story").slug == "story"
    with django_assert_num_queries(1):
        assert default_style().slug == "summary"


def test_a_style_changed_in_the_admin_applies_at_once() -> None:
    assert style_spec("qa").name == "Q&A"  # cached from here on
    qa = Style.objects.get(slug="qa")
    qa.name = "Questions"
    qa.save()
    assert style_spec("qa").name == "Questions"

    qa.is_active = False
    qa.save()
    with pytest.raises(Style.DoesNotExist):
        style_spec("qa")

    Style.objects.create(slug="limerick", name="Limerick", position=1)
    assert style_spec("limerick").name == "Limerick"
    Style.objects.get(slug="limerick").delete()
    with pytest.raises(Style.DoesNotExist):
        style_spec("limerick")
