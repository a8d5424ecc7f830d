"""The app's pages: the generator, the thread editor, history, and the public page of a shared thread.

The pages render server-side; their behaviour comes from small ES modules talking to `/api/v1/`.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from accounts.models import User
from billing.selectors import plans_on_sale
from generator.domain import MAX_TWEETS, Numbering, Tone
from generator.selectors import styles_for_user, thread_get_for_user, thread_get_shared, usage_for


def _editor_context(user: User) -> dict[str, object]:
    """What the generator and the editor show: quota, the choices the API accepts, and the plans to upgrade to."""
    return {
        "usage": usage_for(user=user),
        "styles": styles_for_user(user=user),
        "tones": [tone.value for tone in Tone],
        "numberings": [numbering.value for numbering in Numbering],
        "max_tweets": MAX_TWEETS,
        "tweet_counts": range(1, MAX_TWEETS + 1),
        "plans": plans_on_sale(),
        "author_name": user.display_name or user.email.split("@", 1)[0],
        "author_handle": user.email.split("@", 1)[0],
    }


@login_required
@require_safe
def app_page(request: HttpRequest) -> HttpResponse:
    """The generator: paste or link an article, watch the thread stream in, then edit it in place."""
    return render(request, "generator/app.html", _editor_context(request.user))  # type: ignore[arg-type]


@login_required
@require_safe
def thread_page(request: HttpRequest, pk: int) -> HttpResponse:
    """One saved thread in the editor."""
    from generator.api import ThreadOutput  # the editor starts from the same JSON the API serves

    thread = thread_get_for_user(user=request.user, pk=pk)  # type: ignore[arg-type]
    context = {**_editor_context(request.user), "thread": thread, "thread_data": ThreadOutput(thread).data}  # type: ignore[arg-type]
    return render(request, "generator/thread.html", context)


@login_required
@require_safe
def history_page(request: HttpRequest) -> HttpResponse:
    """Every thread the user made: search, filter, sort, and act on them."""
    return render(request, "generator/history.html", {"usage": usage_for(user=request.user)})  # type: ignore[arg-type]


@require_safe
def shared_page(request: HttpRequest, token: str) -> HttpResponse:
    """The read-only public page of a thread its owner chose to share. Nothing private is shown."""
    thread = thread_get_shared(token=token)
    return render(request, "generator/shared.html", {"thread": thread})
