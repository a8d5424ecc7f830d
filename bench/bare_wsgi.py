"""The app for the benchmarks: Threadr's own WSGI application, plus `/bench/bare`, a Django view that does nothing,
served through the same middleware, so the history figure has a reference measured in the same server."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import include, path

from threadr.wsgi import application as threadr_application


def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("bench/bare", bare), path("", include(settings.ROOT_URLCONF))]
settings.ROOT_URLCONF = __name__
application = threadr_application
