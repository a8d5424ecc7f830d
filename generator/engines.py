"""Choosing an engine and a style, and turning an engine's bodies into a finished, numbered thread.

The web, the API and the command line all start here, so `THREADR_ENGINE` means the same thing everywhere. The LLM
engine is imported only when chosen: a deployment without a key never loads its vendor SDK.
"""

from __future__ import annotations

from django.conf import settings

from generator.domain import MAX_TWEETS, Article, Engine, StyleSpec, ThreadOptions
from generator.local_engine import LocalEngine
from generator.models import Style
from generator.selectors import style_active, styles_active
from generator.splitter import number_tweets

ENGINE_NAMES = ("auto", "openai", "local")

# What a fresh install without seeded styles (or with all of them switched off) still offers.
FALLBACK_STYLE = StyleSpec(
    slug="summary",
    name="Summary",
    description="The article's key points, in order.",
    llm_guidance="Open with a hook that states the main takeaway, then give the key points in the article's order.",
    local_structure="summary",
)


def engine_name(name: str | None = None) -> str:
    """The concrete engine `name` (or `THREADR_ENGINE`) stands for: "auto" is OpenAI when a key is set."""
    choice = (name or settings.THREADR_ENGINE or "auto").lower()
    if choice not in ENGINE_NAMES:
        raise ValueError(f"Unknown engine {choice!r}: use one of {', '.join(ENGINE_NAMES)}.")
    if choice == "auto":
        return "openai" if settings.OPENAI_API_KEY else "local"
    return choice


def engine_class(name: str | None = None) -> type[Engine]:
    """The class of the engine `name` (or `THREADR_ENGINE`) stands for, for what it declares (`instructions`)
    without making one."""
    if engine_name(name) == "openai":
        from generator.llm import OpenAIEngine

        return OpenAIEngine
    return LocalEngine


def get_engine(name: str | None = None) -> Engine:
    return engine_class(name)()


def build_thread(*, engine: Engine, article: Article, options: ThreadOptions, style: StyleSpec) -> list[str]:
    """Run the engine to the end and number its bodies: the whole thread at once, for callers that do not
    stream. At most `options.max_tweets` (or 25) tweets, however many bodies the engine produced; a title the
    engine proposed is no tweet."""
    generated = engine.generate(article=article, options=options, style=style)
    bodies = [body for body in generated if isinstance(body, str)]
    return number_tweets(bodies[: options.max_tweets or MAX_TWEETS], options.numbering)


def default_style() -> StyleSpec:
    """The first active style every plan may use, in picker order."""
    style = next((style for style in styles_active() if not style.premium_only), None)
    return style.spec() if style else FALLBACK_STYLE


def style_spec(slug: str | None) -> StyleSpec:
    """The active style with this slug (the default style when no slug is given).

    Raises `Style.DoesNotExist` for an unknown or switched-off slug, except on an install with no active style
    at all, where the fallback Summary stands in for every slug.
    """
    if not slug:
        return default_style()
    style = style_active(slug=slug)
    if style:
        return style.spec()
    if not styles_active():
        return FALLBACK_STYLE
    raise Style.DoesNotExist(f"No active style {slug!r}.")
