"""Security headers Django has no setting for."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils.cache import patch_cache_control

View = TypeVar("View", bound=Callable[..., HttpResponseBase])


class PermissionsPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


def public_page(view: View) -> View:
    """Mark a view whose pages are the same for everyone who may see them (the landing page, a shared thread):
    PrivateByDefaultMiddleware leaves their caching to them. Like Django's `csrf_exempt`, a mark on the view."""

    view.public_page = True  # type: ignore[attr-defined]
    return view


class PrivateByDefaultMiddleware:
    """`Cache-Control: private, no-store` on every response but those of @public_page views, so no browser cache,
    proxy or CDN keeps a page, an API answer or an export made for one person, and a new page is private until
    someone decides otherwise. Directives a view set itself stay (`no-cache` on a stream); `public` goes. Static
    files never get here: whitenoise, before this in MIDDLEWARE, answers them with its own caching."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        match = request.resolver_match
        if match is None or not getattr(match.func, "public_page", False):
            patch_cache_control(response, private=True, no_store=True)
        return response
