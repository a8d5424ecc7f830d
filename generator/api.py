"""The generation and history API (`/api/v1/`): one class per action, nested input and output serializers.

Business rules live in services and selectors; these views parse, authorise, call, and shape the answer.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.core.cache import cache, caches
from django.http import HttpResponse, StreamingHttpResponse
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import Throttled
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from accounts.services import user_email_verified
from generator import services
from generator.domain import MAX_TWEETS, Numbering, ThreadOptions, Tone
from generator.errors import GenerationError, InputInvalid
from generator.exports import EXPORTERS, export_filename
from generator.models import Thread
from generator.selectors import styles_for_user, thread_get_for_user, thread_list_for_user, usage_for
from threadr.lib import throttle
from threadr.lib.client_ip import client_ip


class EventStreamRenderer(BaseRenderer):
    """Lets clients ask for `text/event-stream`. Errors raised before the stream starts (402, 429...) are
    rendered as a single SSE `error` event, so a streaming client parses one format whatever happens."""

    media_type = "text/event-stream"
    format = "sse"
    charset = "utf-8"

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None) -> bytes:
        if isinstance(data, dict) and "error" in data:
            return sse_event("error", data["error"])
        return sse_event("message", data)


def sse_event(event: str, data: Any) -> bytes:
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False, default=str)}\n\n".encode()


def tweets_out(tweets: list[str]) -> list[dict[str, Any]]:
    return [services.tweet_payload(position, text) for position, text in enumerate(tweets, start=1)]


def usage_out(user: User) -> dict[str, Any]:
    return usage_for(user=user).as_dict()


def style_slug(thread: Thread) -> str:
    """The thread's style; the slug it was generated with when that style has since been deleted."""
    return thread.style.slug if thread.style else str(thread.options.get("style", ""))


def share_url(thread: Thread) -> str | None:
    return f"/t/{thread.share_token}/" if thread.share_token else None


class ThreadOutput(serializers.ModelSerializer):
    """A thread as the API answers it. Describes the schema; `thread_out` builds the same shape directly."""

    style = serializers.SerializerMethodField()
    tweets = serializers.SerializerMethodField()
    shared = serializers.SerializerMethodField()
    share_url = serializers.SerializerMethodField()
    favourite = serializers.BooleanField(source="is_favourite")
    archived = serializers.BooleanField(source="is_archived")

    class Meta:
        model = Thread
        fields = (
            "id",
            "title",
            "source_url",
            "style",
            "engine",
            "options",
            "created_at",
            "updated_at",
            "favourite",
            "archived",
            "shared",
            "share_url",
            "regenerations",
            "tweets",
        )

    def get_style(self, thread: Thread) -> str:
        return style_slug(thread)

    def get_tweets(self, thread: Thread) -> list[dict[str, Any]]:
        return tweets_out(thread.tweets)

    def get_shared(self, thread: Thread) -> bool:
        return bool(thread.share_token)

    def get_share_url(self, thread: Thread) -> str | None:
        return share_url(thread)


def thread_out(thread: Thread) -> dict[str, Any]:
    """ThreadOutput's shape, built directly: generation and autosave answer with it on every call, and a
    ModelSerializer builds its fields anew each time (a test keeps the two identical)."""
    return {
        "id": thread.pk,
        "title": thread.title,
        "source_url": thread.source_url,
        "style": style_slug(thread),
        "engine": thread.engine,
        "options": thread.options,
        "created_at": thread.created_at,
        "updated_at": thread.updated_at,
        "favourite": thread.is_favourite,
        "archived": thread.is_archived,
        "shared": bool(thread.share_token),
        "share_url": share_url(thread),
        "regenerations": thread.regenerations,
        "tweets": tweets_out(thread.tweets),
    }


class ThreadSummaryOutput(serializers.Serializer):
    """A history entry: what a list needs, not every tweet (the detail endpoint has those)."""

    id = serializers.IntegerField()
    title = serializers.CharField()
    source_url = serializers.CharField()
    style = serializers.CharField()
    engine = serializers.CharField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    favourite = serializers.BooleanField()
    archived = serializers.BooleanField()
    shared = serializers.BooleanField()
    tweet_count = serializers.IntegerField()
    first_tweet = serializers.CharField()


def thread_summary(thread: Thread) -> dict[str, Any]:
    """ThreadSummaryOutput's shape, built directly: a history page lists many threads per request."""
    return {
        "id": thread.pk,
        "title": thread.title,
        "source_url": thread.source_url,
        "style": style_slug(thread),
        "engine": thread.engine,
        "created_at": thread.created_at,
        "updated_at": thread.updated_at,
        "favourite": thread.is_favourite,
        "archived": thread.is_archived,
        "shared": bool(thread.share_token),
        "tweet_count": len(thread.tweets),
        "first_tweet": thread.tweets[0] if thread.tweets else "",
    }


class GenerationCreateApi(APIView):
    """Generate a thread from `text` or `url`. JSON by default; Server-Sent Events with
    `Accept: text/event-stream` (`status`, `tweet`, then `done` or `error`)."""

    permission_classes = [IsAuthenticated]
    renderer_classes = [JSONRenderer, EventStreamRenderer]

    class GenerationInputSerializer(serializers.Serializer):
        text = serializers.CharField(required=False, allow_blank=True, trim_whitespace=True)
        url = serializers.CharField(required=False, allow_blank=True, max_length=2000, trim_whitespace=True)
        style = serializers.SlugField(required=False, default="summary", max_length=40)
        tone = serializers.ChoiceField(choices=[tone.value for tone in Tone], default=Tone.NEUTRAL.value)
        max_tweets = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=MAX_TWEETS)
        numbering = serializers.ChoiceField(
            choices=[numbering.value for numbering in Numbering], default=Numbering.FRACTION.value
        )
        hashtags = serializers.BooleanField(default=False)
        cta = serializers.BooleanField(default=False)
        link_in_reply = serializers.BooleanField(default=False)
        language = serializers.CharField(default="auto", max_length=40)

        def validate_url(self, value: str) -> str:
            if value and not value.lower().startswith(("http://", "https://")):
                raise serializers.ValidationError("Only http:// and https:// links can be imported.")
            return value

        def validate(self, data: dict[str, Any]) -> dict[str, Any]:
            text, url = data.get("text", ""), data.get("url", "")
            if bool(text) == bool(url):
                raise serializers.ValidationError({"text": "Send either the article's text or its URL, not both."})
            return data

    @extend_schema(
        request=GenerationInputSerializer,
        responses={201: ThreadOutput},
        description="Generate a thread. Errors: 400, 402 (quota, with usage), 403 (premium style or unverified "
        "email), 413 (text over 50,000 characters), 422 (URL import failed), 429, 502/503/504 (provider).",
    )
    def post(self, request: Request) -> HttpResponse:
        user: User = request.user  # type: ignore[assignment]
        raw_text = request.data.get("text") if hasattr(request.data, "get") else None
        if isinstance(raw_text, str) and len(raw_text.strip()) > services.MAX_TEXT_LENGTH:
            raise GenerationError(
                f"The text is {len(raw_text.strip()):,} characters; the limit is {services.MAX_TEXT_LENGTH:,}. "
                "Paste a shorter part of the article.",
                code="input_too_large",
                status=413,
            )
        serializer = self.GenerationInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        require_verified_email(user)
        self.throttle(request, user)
        generation_input = services.GenerationInput(
            text=data.get("text", ""),
            url=data.get("url", ""),
            options=ThreadOptions(
                style=data["style"],
                tone=Tone(data["tone"]),
                max_tweets=data.get("max_tweets"),
                numbering=Numbering(data["numbering"]),
                hashtags=data["hashtags"],
                cta=data["cta"],
                link_in_reply=data["link_in_reply"],
                language=data["language"],
            ),
        )
        style = services.style_check(user=user, slug=generation_input.options.style)
        reservation = services.generation_reserve(user=user, input_kind=generation_input.kind)
        events = services.generation_events(
            user=user, generation=reservation.generation, data=generation_input, style=style
        )
        if request.accepted_renderer.format == "sse":
            response = StreamingHttpResponse(stream_until_saved(events), content_type="text/event-stream")
            response["Cache-Control"] = "no-cache"
            response["X-Accel-Buffering"] = "no"
            return response
        return self.respond_json(reservation, events)

    def respond_json(self, reservation: services.Reservation, events: Iterator[services.Event]) -> Response:
        for event, payload in events:
            if event == "error":
                return Response(
                    {"error": {"code": payload["code"], "message": payload["message"]}}, status=payload["status"]
                )
            if event == "done":
                # The thread just saved and the usage that counted it: nothing to load again.
                body = thread_out(reservation.generation.thread)
                body["usage"] = reservation.usage.as_dict()
                return Response(body, status=status.HTTP_201_CREATED)
        raise AssertionError("generation_events ends with done or error")

    def throttle(self, request: Request, user: User) -> None:
        limits = (
            throttle.Limit("generate-user", str(user.pk), settings.GENERATION_RATE_PER_USER),
            throttle.Limit("generate-ip", client_ip(request), settings.GENERATION_RATE_PER_IP),
        )
        decision = throttle.hit_all(limits, window=60)
        if not decision.allowed:
            raise Throttled(
                wait=decision.retry_after,
                detail=f"Too many threads at once. Try again in {decision.retry_after} seconds.",
            )


def stream_until_saved(events: Iterator[services.Event]) -> Iterator[bytes]:
    """Relay events to the client. If the client goes away (the server closes this generator), keep running
    the generation to its end without sending, so the thread is still saved and shows up in history."""
    try:
        for event, payload in events:
            if event == "error":
                payload = {"code": payload["code"], "message": payload["message"]}
            yield sse_event(event, payload)
    except GeneratorExit:
        for _ in events:
            pass
        raise


def require_verified_email(user: User) -> None:
    if user.is_staff or user_email_verified(user):
        return
    raise GenerationError(
        "Please confirm your email address first: use the link we sent you (Account → Email to resend it).",
        code="email_unverified",
        status=403,
    )


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
    def get(self, request: Request) -> HttpResponse:
        """Pages are cached as rendered under the owner's history version, which every change to their threads
        moves on (in the change's own transaction): a cached page is never older than the version it is filed
        under. The version is read with the user, before the threads, so a page filed under a version that has
        just moved on is newer, never staler, and nobody asks for that version again."""
        user: User = request.user  # type: ignore[assignment]
        key = f"history:{user.pk}:{user.history_version}:{_request_digest(request)}"
        seconds = settings.HISTORY_CACHE_SECONDS
        content = _cached_page(key, seconds) if seconds else None
        if content is None:
            content = JSONRenderer().render(self.page(request, user).data)
            if seconds:
                cache.set(key, content, seconds)
                caches["pages"].set(key, content, seconds)  # this worker's copy
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
        return paginator.get_paginated_response([thread_summary(thread) for thread in page or []])


def _cached_page(key: str, seconds: int) -> bytes | None:
    """This worker's copy of a rendered page, else the shared one (kept here for the next request)."""
    content: bytes | None = caches["pages"].get(key)
    if content is None:
        content = cache.get(key)
        if content is not None:
            caches["pages"].set(key, content, seconds)
    return content


def _request_digest(request: Request) -> str:
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
    def get(self, request: Request, pk: int) -> Response:
        return Response(thread_out(thread_get_for_user(user=request.user, pk=pk)))  # type: ignore[arg-type]

    @extend_schema(request=ThreadUpdateSerializer, responses={200: ThreadOutput})
    def patch(self, request: Request, pk: int) -> Response:
        thread = thread_get_for_user(user=request.user, pk=pk)  # type: ignore[arg-type]
        serializer = self.ThreadUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        thread = services.thread_update(thread=thread, **serializer.validated_data)
        return Response(thread_out(thread))

    @extend_schema(responses={204: None})
    def delete(self, request: Request, pk: int) -> Response:
        services.thread_delete(thread=thread_get_for_user(user=request.user, pk=pk))  # type: ignore[arg-type]
        return Response(status=status.HTTP_204_NO_CONTENT)


class ThreadDuplicateApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={201: ThreadOutput})
    def post(self, request: Request, pk: int) -> Response:
        thread = thread_get_for_user(user=request.user, pk=pk)  # type: ignore[arg-type]
        return Response(thread_out(services.thread_duplicate(thread=thread)), status=status.HTTP_201_CREATED)


class TweetRegenerateApi(APIView):
    permission_classes = [IsAuthenticated]

    class RegenerateInputSerializer(serializers.Serializer):
        instruction = serializers.CharField(required=False, allow_blank=True, max_length=300)

    @extend_schema(request=RegenerateInputSerializer, responses={200: ThreadOutput})
    def post(self, request: Request, pk: int, position: int) -> Response:
        thread = thread_get_for_user(user=request.user, pk=pk)  # type: ignore[arg-type]
        serializer = self.RegenerateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        thread = services.tweet_regenerate(
            thread=thread, position=position, instruction=serializer.validated_data.get("instruction") or None
        )
        return Response(thread_out(thread))


class ThreadExportApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[OpenApiParameter("format", str, enum=sorted(EXPORTERS), default="txt")],
        responses={(200, "text/plain"): str},
    )
    def get(self, request: Request, pk: int) -> HttpResponse:
        thread = thread_get_for_user(user=request.user, pk=pk)  # type: ignore[arg-type]
        kind = request.query_params.get("format", "txt")
        if kind not in EXPORTERS:
            raise InputInvalid(f"Export format must be one of: {', '.join(sorted(EXPORTERS))}.")
        content_type, render = EXPORTERS[kind]
        response = HttpResponse(render(thread), content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{export_filename(thread, kind)}"'
        return response


class UsageApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        responses=inline_serializer(
            "Usage",
            {
                "plan": serializers.CharField(),
                "daily_used": serializers.IntegerField(),
                "daily_limit": serializers.IntegerField(),
                "daily_left": serializers.IntegerField(),
                "monthly_used": serializers.IntegerField(),
                "monthly_limit": serializers.IntegerField(allow_null=True),
                "premium_until": serializers.DateTimeField(allow_null=True),
                "daily_resets_at": serializers.DateTimeField(),
                "monthly_resets_at": serializers.DateTimeField(),
            },
        )
    )
    def get(self, request: Request) -> Response:
        return Response(usage_out(request.user))  # type: ignore[arg-type]


class StyleListApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        responses=inline_serializer(
            "Style",
            {
                "slug": serializers.CharField(),
                "name": serializers.CharField(),
                "description": serializers.CharField(),
                "premium_only": serializers.BooleanField(),
                "available": serializers.BooleanField(),
            },
            many=True,
        )
    )
    def get(self, request: Request) -> Response:
        return Response(
            [
                {
                    "slug": style.slug,
                    "name": style.name,
                    "description": style.description,
                    "premium_only": style.premium_only,
                    "available": available,
                }
                for style, available in styles_for_user(user=request.user)  # type: ignore[arg-type]
            ]
        )
