"""Styles are seeded data the style picker and both engines read."""

from __future__ import annotations

import pytest

from generator.domain import StyleSpec
from generator.engines import FALLBACK_STYLE, default_style, style_spec
from generator.models import Style
from generator.selectors import styles_active

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


def test_it_reads_the_styles_in_one_query_and_then_from_the_cache(django_assert_num_queries) -> None:
    with django_assert_num_queries(1):
        assert style_spec("story").slug == "story"
    with django_assert_num_queries(0):
        assert default_style().slug == "summary"
        assert style_spec("hot-take").slug == "hot-take"


def style_form(style: Style, **changes: object) -> dict[str, object]:
    """The admin's change form for `style`, as its page sends it, with `changes` made."""
    fields = ("name", "slug", "description", "position", "llm_guidance", "local_structure")
    form: dict[str, object] = {field: getattr(style, field) for field in fields}
    form.update({"is_active": "on"} if style.is_active else {})
    form.update({"premium_only": "on"} if style.premium_only else {})
    form.update(changes)
    return {field: value for field, value in form.items() if value is not False}


def admin_posts(admin_client, capture_on_commit):
    """Posts to the admin as a request does, running what waits for the commit."""

    def post(url: str, data: dict[str, object]) -> int:
        with capture_on_commit(execute=True):
            return int(admin_client.post(url, data).status_code)

    return post


def test_a_style_changed_in_the_admin_applies_at_once(admin_client, django_capture_on_commit_callbacks) -> None:
    post = admin_posts(admin_client, django_capture_on_commit_callbacks)
    assert style_spec("qa").name == "Q&A"  # cached from here on
    qa = Style.objects.get(slug="qa")

    assert post(f"/admin/generator/style/{qa.pk}/change/", style_form(qa, name="Questions")) == 302
    assert style_spec("qa").name == "Questions"

    assert post(f"/admin/generator/style/{qa.pk}/change/", style_form(qa, is_active=False)) == 302
    with pytest.raises(Style.DoesNotExist):
        style_spec("qa")

    limerick = Style(slug="limerick", name="Limerick", position=1, local_structure="story", is_active=True)
    assert post("/admin/generator/style/add/", style_form(limerick)) == 302
    assert style_spec("limerick").name == "Limerick"

    limerick = Style.objects.get(slug="limerick")
    assert post(f"/admin/generator/style/{limerick.pk}/delete/", {"post": "yes"}) == 302
    with pytest.raises(Style.DoesNotExist):
        style_spec("limerick")


def test_styles_switched_off_in_the_admins_list_or_deleted_together_go_at_once(
    admin_client, django_capture_on_commit_callbacks
) -> None:
    post = admin_posts(admin_client, django_capture_on_commit_callbacks)
    assert {style.slug for style in styles_active()} >= {"qa", "news", "tips"}  # cached from here on
    styles = list(Style.objects.all())
    edits: dict[str, object] = {
        "form-TOTAL_FORMS": len(styles),
        "form-INITIAL_FORMS": len(styles),
        "_save": "Save",
    }
    for index, style in enumerate(styles):
        edits.update({f"form-{index}-id": style.pk, f"form-{index}-position": style.position})
        if style.slug != "qa":
            edits[f"form-{index}-is_active"] = "on"
        if style.premium_only:
            edits[f"form-{index}-premium_only"] = "on"

    assert post("/admin/generator/style/", edits) == 302
    assert "qa" not in {style.slug for style in styles_active()}

    chosen = Style.objects.filter(slug__in=["news", "tips"]).values_list("pk", flat=True)
    deletion = {"action": "delete_selected", "_selected_action": list(chosen), "post": "yes"}
    assert post("/admin/generator/style/", deletion) == 302
    assert not {"news", "tips"} & {style.slug for style in styles_active()}
