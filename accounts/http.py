"""Requests as views behind a login see them: `request.user` is our `User`, so views need no cast or ignore.

Django's and DRF's request types say the user may be anonymous; a view that `login_required` (or DRF's
`IsAuthenticated`) guards never sees one. Annotate such a view's request with these types."""

from __future__ import annotations

from django.http import HttpRequest
from rest_framework.request import Request

from accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    user: User


class AuthenticatedRequest(Request):
    user: User
