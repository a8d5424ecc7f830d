"""Seed the default styles. Admins may edit them afterwards; re-running never overwrites their edits."""

from django.db import migrations

STYLES = [
    {
        "slug": "summary",
        "name": "Summary",
        "description": "The article's key points, in order.",
        "llm_guidance": (
            "Open with a hook that states the article's main takeaway. Then give its key points in the order the "
            "article makes them, one idea per tweet, in plain words. End with the single most useful conclusion."
        ),
        "local_structure": "summary",
        "premium_only": False,
    },
    {
        "slug": "howto",
        "name": "How-to guide",
        "description": "Step-by-step instructions a reader can follow.",
        "llm_guidance": (
            "Open with what the reader will be able to do and why it matters. Then give the steps in order, one "
            "step per tweet, each starting with its number and an imperative verb. Keep prerequisites and warnings "
            "the article gives. End with the result the reader should see."
        ),
        "local_structure": "howto",
        "premium_only": False,
    },
    {
        "slug": "tips",
        "name": "Tips list",
        "description": "Short, practical tips drawn from the article.",
        "llm_guidance": (
            "Open with a hook promising a number of practical tips. Then give one concrete, actionable tip per "
            "tweet, each starting with an arrow or its number, with the article's reason or example. End with the "
            "tip that matters most."
        ),
        "local_structure": "tips",
        "premium_only": False,
    },
    {
        "slug": "story",
        "name": "Story",
        "description": "The article retold as a narrative with a turn and a lesson.",
        "llm_guidance": (
            "Tell the article as a story: set the scene in the first tweet, build tension through the middle, show "
            "the turning point, and close with the lesson. Use vivid but faithful details from the article only."
        ),
        "local_structure": "story",
        "premium_only": True,
    },
    {
        "slug": "news",
        "name": "News breakdown",
        "description": "What happened, who is involved, and why it matters.",
        "llm_guidance": (
            "Open with the news in one sentence. Then cover who is involved, what exactly happened, when and "
            "where, and why it matters, citing figures from the article. Keep opinions out; end with what happens "
            "next if the article says."
        ),
        "local_structure": "news",
        "premium_only": False,
    },
    {
        "slug": "case-study",
        "name": "Case study",
        "description": "Situation, approach, results and lessons.",
        "llm_guidance": (
            "Structure the thread as a case study: the situation and the problem, what was tried, the results with "
            "the article's numbers, and the lessons others can reuse."
        ),
        "local_structure": "case",
        "premium_only": True,
    },
    {
        "slug": "hot-take",
        "name": "Hot take",
        "description": "An opinionated, punchy angle on the article.",
        "llm_guidance": (
            "Open with a bold, opinionated claim the article supports. Argue it tweet by tweet with the article's "
            "evidence, acknowledge the strongest counterpoint, and end with a confident one-line verdict. Stay "
            "faithful to the article: bold in tone, never in facts."
        ),
        "local_structure": "hottake",
        "premium_only": True,
    },
    {
        "slug": "qa",
        "name": "Q&A",
        "description": "The questions a reader would ask, answered by the article.",
        "llm_guidance": (
            "Write the thread as questions and answers: each tweet asks one question a reader would have "
            "(prefixed 'Q:') and answers it from the article (prefixed 'A:'). Order the questions as the article "
            "answers them."
        ),
        "local_structure": "qa",
        "premium_only": False,
    },
]


def seed_styles(apps, schema_editor):
    Style = apps.get_model("generator", "Style")
    for position, values in enumerate(STYLES, start=1):
        fields = {key: value for key, value in values.items() if key != "slug"}
        Style.objects.get_or_create(slug=values["slug"], defaults={**fields, "position": position * 10})


def unseed_styles(apps, schema_editor):
    Style = apps.get_model("generator", "Style")
    Style.objects.filter(slug__in=[values["slug"] for values in STYLES]).delete()


class Migration(migrations.Migration):
    dependencies = [("generator", "0001_initial")]

    operations = [migrations.RunPython(seed_styles, unseed_styles)]
