"""The history API: list (cached per owner), read, edit, delete, duplicate, rewrite a tweet, export."""

from __future__ import annotations

import hashlib
import re

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.http import AuthenticatedRequest
from accounts.models import User
from generator import rewrites, services
from generator.api.outputs import ThreadOutput, ThreadSummaryOutput
from generator.api.throttling import burst_check, user_burst_check
from generator.domain import MAX_TWEETS, REWRITE_INSTRUCTIONS
from generator.errors import InputInvalid
from generator.exports import EXPORTERS, export_filename
from generator.models import Thread
from generator.selectors import thread_get_for_user, thread_list_for_user


class ThreadPagination(PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100


def query_bool(request: Request, name: str) -> bool | None:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return None
    if raw.lower() in {"1", "true", "yes"}:
        return True
    if raw.lower() in {"0", "false", "no"}:
        return False
    raise InputInvalid(f"'{name}' must be true or false.")


class ThreadListApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, description="search in titles and tweets"),
            OpenApiParameter("favourite", bool),
            OpenApiParameter("archived", bool, description="default false: archived threads are hidden"),
            OpenApiParameter("sort", str, enum=["newest", "oldest", "title"]),
            OpenApiParameter("page", int),
            OpenApiParameter("page_size", int),
        ],
        responses={200: ThreadSummaryOutput(many=True)},
    )
    def get(self, request: AuthenticatedRequest) -> HttpResponse:
        """Pages are cached as rendered under the owner's history version, which every change to their threads
        moves on (in the change's own transaction): a cached page is never older than the version it is filed
        under. The version is read with the user, before the threads, so a page filed under a version that has
        just moved on is newer, never staler, and nobody asks for that version again."""
        user = request.user
        seconds = settings.HISTORY_CACHE_SECONDS
        key = f"history:{user.pk}:{user.history_version}:{request_digest(request)}"
        content: bytes | None = cache.get(key) if seconds else None
        if content is None:
            content = JSONRenderer().render(self.page(request, user).data)
            if seconds:
                cache.set(key, content, seconds)
        return HttpResponse(content, content_type="application/json")

    def page(self, request: Request, user: User) -> Response:
        archived = query_bool(request, "archived")
        threads = thread_list_for_user(
            user=user,
            query=request.query_params.get("q", "")[:200],
            favourite=query_bool(request, "favourite"),
            archived=False if archived is None else archived,
            sort=request.query_params.get("sort", "newest"),
        )
        paginator = ThreadPagination()
        page = paginator.paginate_queryset(threads, request, view=self)
        return paginator.get_paginated_response(ThreadSummaryOutput(page or [], many=True).data)


def request_digest(request: Request) -> str:
    """What a history page depends on besides the user: its query and the host its next/previous links name."""
    return hashlib.sha256(request.build_absolute_uri().encode()).hexdigest()[:32]


IF_MATCH_HEADER = OpenApiParameter(
    "If-Match",
    str,
    location=OpenApiParameter.HEADER,
    description='The ETag of the thread the edit was made on, such as `"7"`. If the thread has changed since, the '
    "answer is 409 `version_conflict` with the current thread and nothing is saved. Without it (or with `*`) the "
    "last write wins.",
)
ETAG_HEADER = OpenApiParameter(
    "ETag",
    str,
    location=OpenApiParameter.HEADER,
    response=[200],
    description='The thread\'s version as an entity tag, such as `"7"` (the same number as `version`).',
)
VERSION_CONFLICT = inline_serializer(
    "VersionConflict",
    {
        "error": inline_serializer(
            "VersionConflictError",
            {"code": serializers.CharField(), "message": serializers.CharField(), "thread": ThreadOutput()},
        )
    },
)
ENTITY_TAG = re.compile(r'(?:W/)?"(\d{1,9})"')


def if_match_version(request: Request) -> int | None:
    """The version the client's If-Match names; None when it names none (absent or `*`). A weak tag (`W/"7"`, as
    a compressing proxy may turn an ETag into) names the same version: a version number is exact either way."""
    raw = request.headers.get("If-Match", "").strip()
    if raw in {"", "*"}:
        return None
    match = ENTITY_TAG.fullmatch(raw)
    if match is None:
        message = 'If-Match must be one ETag this API gave for the thread, such as "7".'
        raise InputInvalid(message, code="invalid_if_match")
    return int(match.group(1))


def thread_response(thread: Thread) -> Response:
    response = Response(ThreadOutput(thread).data)
    response["ETag"] = f'"{thread.version}"'
    return response


class ThreadDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    class ThreadUpdateSerializer(serializers.Serializer):
        title = serializers.CharField(required=False, max_length=200)
        tweets = serializers.ListField(
            child=serializers.CharField(allow_blank=True, trim_whitespace=False, max_length=5000),
            required=False,
            max_length=MAX_TWEETS * 2,
        )
        favourite = serializers.BooleanField(required=False, source="is_favourite")
        archived = serializers.BooleanField(required=False, source="is_archived")
        shared = serializers.BooleanField(required=False)

    @extend_schema(parameters=[ETAG_HEADER], responses={200: ThreadOutput})
    def get(self, request: AuthenticatedRequest, pk: int) -> Response:
        return thread_response(thread_get_for_user(user=request.user, pk=pk))

    @extend_schema(
        request=ThreadUpdateSerializer,
        parameters=[IF_MATCH_HEADER, ETAG_HEADER],
        responses={
            200: ThreadOutput,
            409: OpenApiResponse(
                response=VERSION_CONFLICT,
                description="If-Match named an older version: nothing was saved; `error.thread` is the thread now.",
            ),
        },
    )
    def patch(self, request: AuthenticatedRequest, pk: int) -> Response:
        user_burst_check(request.user, scope="thread-edit", limit=settings.THREAD_EDIT_RATE_PER_USER, what="edits")
        thread = thread_get_for_user(user=request.user, pk=pk)
        serializer = self.ThreadUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        thread = services.thread_update(
            thread=thread, expected_version=if_match_version(request), **serializer.validated_data
        )
        return thread_response(thread)

    @extend_schema(responses={204: None})
    def delete(self, request: AuthenticatedRequest, pk: int) -> Response:
        services.thread_delete(thread=thread_get_for_user(user=request.user, pk=pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


class ThreadDuplicateApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={201: ThreadOutput})
    def post(self, request: AuthenticatedRequest, pk: int) -> Response:
        user_burst_check(
            request.user, scope="thread-duplicate", limit=settings.THREAD_DUPLICATE_RATE_PER_USER, what="copies"
        )
        thread = thread_get_for_user(user=request.user, pk=pk)
        return Response(ThreadOutput(services.thread_duplicate(thread=thread)).data, status=status.HTTP_201_CREATED)


class TweetRegenerateApi(APIView):
    permission_classes = [IsAuthenticated]

    class RegenerateInputSerializer(serializers.Serializer):
        instruction = serializers.CharField(
            required=False,
            allow_blank=True,
            max_length=300,
            help_text="How the tweet should change. The local engine takes one of "
            + ", ".join(f"`{name}`" for name in REWRITE_INSTRUCTIONS)
            + ": `shorter` (fewer characters, still whole sentences), `plainer` (an easier read: shorter sentences "
            "and words, no asides), `question` (its point asked as a question, answered below it), `another` "
            "(another sentence from the same section, not already in the thread). The AI engine also takes free "
            "text. Empty: another version of the tweet.",
        )

    @extend_schema(
        request=RegenerateInputSerializer,
        responses={200: ThreadOutput},
        examples=[
            OpenApiExample(name, value={"instruction": name}, request_only=True) for name in REWRITE_INSTRUCTIONS
        ],
        description="Rewrite one tweet with the engine. Errors: 400 (`instruction_unsupported`: free text with the "
        "local engine, refused before any rewrite is counted), 402 (the day's rewrites are used up), 403 "
        "(the thread's rewrites are used up: `regenerate_limit`), 409 (the tweet was edited meanwhile), 422 "
        "(`rewrite_unavailable`: the article has nothing that honours the instruction; not counted), 429, "
        "502/503/504 (provider).",
    )
    def post(self, request: AuthenticatedRequest, pk: int, position: int) -> Response:
        thread = thread_get_for_user(user=request.user, pk=pk)
        serializer = self.RegenerateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        burst_check(
            request,
            request.user,
            scope="rewrite",
            per_user=settings.REWRITE_RATE_PER_USER,
            per_ip=settings.REWRITE_RATE_PER_IP,
            what="rewrites",
        )
        thread = rewrites.tweet_regenerate(
            thread=thread, position=position, instruction=serializer.validated_data.get("instruction") or None
        )
        return Response(ThreadOutput(thread).data)


class ThreadExportApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[OpenApiParameter("format", str, enum=sorted(EXPORTERS), default="txt")],
        responses={(200, "text/plain"): str},
    )
    def get(self, request: AuthenticatedRequest, pk: int) -> HttpResponse:
        thread = thread_get_for_user(user=request.user, pk=pk)
        kind = request.query_params.get("format", "txt")
        if kind not in EXPORTERS:
            raise InputInvalid(f"Export format must be one of: {', '.join(sorted(EXPORTERS))}.")
        content_type, render = EXPORTERS[kind]
        response = HttpResponse(render(thread), content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{export_filename(thread, kind)}"'
        return response
