"""The generator's tables. Styles are data so an admin can tune the product without a deploy."""

from __future__ import annotations

from django.db import models

from generator.domain import StyleSpec


class Style(models.Model):
    """A way of telling an article as a thread: guidance for the LLM and a structure hint for the local engine."""

    class LocalStructure(models.TextChoices):
        SUMMARY = "summary", "Summary"
        HOWTO = "howto", "How-to steps"
        TIPS = "tips", "Tips list"
        STORY = "story", "Story"
        NEWS = "news", "News breakdown"
        CASE = "case", "Case study"
        HOTTAKE = "hottake", "Hot take"
        QA = "qa", "Questions and answers"

    slug = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=60)
    description = models.CharField(max_length=200, blank=True, help_text="One line shown next to the style.")
    llm_guidance = models.TextField(blank=True, help_text="What the AI is told about this style.")
    local_structure = models.CharField(
        max_length=20,
        choices=LocalStructure.choices,
        default=LocalStructure.SUMMARY,
        help_text="How the built-in engine (no AI) shapes the thread.",
    )
    premium_only = models.BooleanField(default=False)
    position = models.PositiveSmallIntegerField(default=0, help_text="Order in the style picker.")
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ("position", "name")

    def __str__(self) -> str:
        return self.name

    def spec(self) -> StyleSpec:
        """The style's values detached from the ORM, as the engines take them."""
        return StyleSpec(
            slug=self.slug,
            name=self.name,
            description=self.description,
            llm_guidance=self.llm_guidance,
            local_structure=self.local_structure,
            premium_only=self.premium_only,
        )
