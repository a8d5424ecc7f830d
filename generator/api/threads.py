"""The history API: list (cached per owner), read, edit, delete, duplicate, rewrite a tweet, export."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.http import AuthenticatedRequest
from accounts.models import User
from generator import services
from generator.api.outputs import ThreadOutput, ThreadSummaryOutput
from generator.domain import MAX_TWEETS
from generator.errors import InputInvalid
from generator.exports import EXPORTERS, export_filename
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

    @extend_schema(responses={200: ThreadOutput})
    def get(self, request: AuthenticatedRequest, pk: int) -> Response:
        return Response(ThreadOutput(thread_get_for_user(user=request.user, pk=pk)).data)

    @extend_schema(request=ThreadUpdateSerializer, responses={200: ThreadOutput})
    def patch(self, request: AuthenticatedRequest, pk: int) -> Response:
        thread = thread_get_for_user(user=request.user, pk=pk)
        serializer = self.ThreadUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        thread = services.thread_update(thread=thread, **serializer.validated_data)
        return Response(ThreadOutput(thread).data)

    @extend_schema(responses={204: None})
    def delete(self, request: AuthenticatedRequest, pk: int) -> Response:
        services.thread_delete(thread=thread_get_for_user(user=request.user, pk=pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


class ThreadDuplicateApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={201: ThreadOutput})
    def post(self, request: AuthenticatedRequest, pk: int) -> Response:
        thread = thread_get_for_user(user=request.user, pk=pk)
        return Response(ThreadOutput(services.thread_duplicate(thread=thread)).data, status=status.HTTP_201_CREATED)


class TweetRegenerateApi(APIView):
    permission_classes = [IsAuthenticated]

    class RegenerateInputSerializer(serializers.Serializer):
        instruction = serializers.CharField(required=False, allow_blank=True, max_length=300)

    @extend_schema(request=RegenerateInputSerializer, responses={200: ThreadOutput})
    def post(self, request: AuthenticatedRequest, pk: int, position: int) -> Response:
        thread = thread_get_for_user(user=request.user, pk=pk)
        serializer = self.RegenerateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        thread = services.tweet_regenerate(
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
