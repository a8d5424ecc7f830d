"""The app's pages: the generator, the thread editor, history, and the public page of a shared thread.

The pages render server-side; their behaviour comes from small ES modules talking to `/api/v1/`.
"""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.views.decorators.http import require_safe

from accounts.http import AuthenticatedHttpRequest
from accounts.models import User
from billing.selectors import plans_on_sale
from generator import share_image
from generator.api.outputs import ThreadOutput
from generator.domain import MAX_TWEETS, NUMBERING_FORMATS, REWRITE_INSTRUCTIONS, Tone
from generator.engines import engine_class
from generator.models import Thread
from generator.selectors import (
    styles_for_user,
    thread_get_for_user,
    thread_get_shared,
    thread_list_for_user,
    usage_for,
)
from generator.services import MAX_TEXT_LENGTH
from generator.share_image import ShareCard
from threadr.lib.headers import public_page
from threadr.lib.urls import absolute_reverse

ANONYMOUS_AUTHOR = "A Threadr user"
SHARE_IMAGE_MAX_AGE = 24 * 3600
HISTORY_PAGE_SIZE = 20

# The editor's rewrite buttons, one per instruction every engine honours.
REWRITE_LABELS = {
    "shorter": "Shorter",
    "plainer": "Plainer",
    "question": "As a question",
    "another": "Another sentence",
}


def _editor_context(user: User) -> dict[str, object]:
    """What the generator and the editor show: quota, the choices the API accepts, and the plans to upgrade to.
    A free-text rewrite box only when the engine takes free text (the AI engine)."""
    return {
        "rewrite_choices": [(name, REWRITE_LABELS[name]) for name in REWRITE_INSTRUCTIONS],
        "rewrite_free_text": engine_class().instructions is None,
        "usage": usage_for(user=user),
        "styles": styles_for_user(user=user),
        "tones": [tone.value for tone in Tone],
        "numberings": [(numbering.value, spec.label) for numbering, spec in NUMBERING_FORMATS.items()],
        "max_tweets": MAX_TWEETS,
        "tweet_counts": range(1, MAX_TWEETS + 1),
        "max_rewrites": settings.MAX_REGENERATIONS_PER_THREAD,
        "max_text_length": MAX_TEXT_LENGTH,
        "max_text_length_label": f"{MAX_TEXT_LENGTH:,}",
        "min_article_chars": settings.MIN_ARTICLE_CHARS,
        "plans": plans_on_sale(),
        "author_name": user.display_name or user.email.split("@", 1)[0],
        "author_handle": user.x_handle,  # never made up from the email
    }


@login_required
@require_safe
def app_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The generator: paste or link an article, watch the thread stream in, then edit it in place. A writer with no
    thread yet is welcomed with an article to try it on."""
    first_visit = not thread_list_for_user(user=request.user, archived=None).exists()
    return render(request, "generator/app.html", {**_editor_context(request.user), "welcome": first_visit})


@login_required
@require_safe
def thread_page(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """One saved thread in the editor."""
    thread = thread_get_for_user(user=request.user, pk=pk)
    # The editor starts from the same JSON the API serves.
    context = {**_editor_context(request.user), "thread": thread, "thread_data": ThreadOutput(thread).data}
    return render(request, "generator/thread.html", context)


@login_required
@require_safe
def history_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every thread the user made: search, filter, sort, and act on them.

    The query string holds the whole view (q, show, sort, page), so the page works without JavaScript and a
    reload keeps the search. history.js asks for the same URL with `X-Threadr-Fragment: results` and gets only
    the results region back, so the rows are rendered in one place: here."""
    user = request.user
    query = request.GET.get("q", "").strip()[:200]
    show = request.GET.get("show", "all") if request.GET.get("show") in {"favourites", "archived"} else "all"
    sort = request.GET.get("sort", "newest") if request.GET.get("sort") in {"oldest", "title"} else "newest"
    threads = thread_list_for_user(
        user=user,
        query=query,
        favourite=True if show == "favourites" else None,
        archived=show == "archived",
        sort=sort,
    )
    page = Paginator(threads, HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {
            "thread": thread,
            "first_line": thread.tweets[0].strip().split("\n", 1)[0] if thread.tweets else "",
            "tweet_count": len(thread.tweets),
            "domain": (urlsplit(thread.source_url).hostname or "").removeprefix("www.") if thread.source_url else "",
            "style": thread.style.name if thread.style else str(thread.options.get("style", "")).title(),
            "share_url": absolute_reverse("shared", token=thread.share_token) if thread.share_token else "",
        }
        for thread in page
    ]
    state = {
        key: value
        for key, value in (("q", query), ("show", show), ("sort", sort))
        if value not in {"", "all", "newest"}
    }
    context = {
        "usage": usage_for(user=user),
        "rows": rows,
        "page": page,
        "query": query,
        "show": show,
        "sort": sort,
        "filters": [("all", "All"), ("favourites", "Favourites"), ("archived", "Archived")],
        "sorts": [("newest", "Newest first"), ("oldest", "Oldest first"), ("title", "Title, A to Z")],
        "state_query": urlencode(state),
        "has_any_thread": bool(rows) or user.threads.exists(),
    }
    fragment = request.headers.get("X-Threadr-Fragment") == "results"
    template = "generator/partials/history_results.html" if fragment else "generator/history.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["X-Threadr-Fragment"])
    return response


def _share_card(thread: Thread) -> ShareCard:
    owner = thread.owner
    return ShareCard(
        title=thread.title,
        excerpt=thread.tweets[0] if thread.tweets else "",
        author=owner.display_name.strip() or ANONYMOUS_AUTHOR,
        handle=owner.x_handle,
        verified=owner.x_handle_verified and bool(owner.x_handle),
    )


@public_page
@require_safe
def shared_page(request: HttpRequest, token: str) -> HttpResponse:
    """The read-only public page of a thread its owner chose to share. Nothing private is shown: the owner
    appears by the display name and X handle they chose on the settings page (never the email), and the article
    by its link, never its text. Absolute links are built on SITE_URL, so link previews name the real site."""
    thread = thread_get_shared(token=token)
    card = _share_card(thread)
    first_tweet = card.excerpt
    source_host = (urlsplit(thread.source_url).hostname or "").removeprefix("www.") if thread.source_url else ""
    context = {
        "thread": thread,
        "author_name": card.author,
        "author_handle": card.handle,
        "author_verified": card.verified,
        "source_host": source_host,
        "description": first_tweet if len(first_tweet) <= 200 else first_tweet[:199].rstrip() + "…",
        "page_url": absolute_reverse("shared", token=token),
        "image_url": absolute_reverse("shared-image", token=token, digest=card.digest()),
        "image_alt": f"{thread.title} — a thread by {card.author}",
        "image_width": share_image.WIDTH,
        "image_height": share_image.HEIGHT,
    }
    return render(request, "generator/shared.html", context)


@public_page
@require_safe
def shared_image(request: HttpRequest, token: str, digest: str) -> HttpResponseBase:
    """The link-preview picture of a shared thread, a 404 once it is unshared. Its URL names what it shows (the
    digest), so it is cached as immutable; an old URL is sent on to the current picture."""
    thread = thread_get_shared(token=token)
    card = _share_card(thread)
    current = card.digest()
    if digest != current:
        moved = redirect("shared-image", token=token, digest=current)
        patch_cache_control(moved, no_cache=True)
        return moved
    etag = f'"{current}"'
    not_modified = get_conditional_response(request, etag=etag)
    if not_modified is None:
        response: HttpResponseBase = HttpResponse(
            share_image.share_image_png(thread_id=thread.pk, card=card), content_type="image/png"
        )
    else:
        response = not_modified
    response["ETag"] = etag
    # A day, not a year: once the owner stops sharing, browsers and proxies must drop the picture soon too.
    patch_cache_control(response, public=True, max_age=SHARE_IMAGE_MAX_AGE, immutable=True)
    return response
