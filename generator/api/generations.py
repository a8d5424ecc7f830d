"""`POST /api/v1/generations`: generate a thread and answer with JSON, or stream it as Server-Sent Events."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.http import HttpResponseBase, StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.http import AuthenticatedRequest
from accounts.models import User
from accounts.services import user_email_verified
from generator import services
from generator.api.outputs import ThreadOutput
from generator.api.throttling import burst_check
from generator.domain import MAX_TWEETS, Numbering, ThreadOptions, Tone
from generator.errors import GenerationError


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


EVENT_STREAM = """With `Accept: text/event-stream` the answer is a stream of Server-Sent Events instead, in this order:

- `status` `{"stage"}`: `fetching` (a link is being imported), `generating`, then `saving`.
- `draft` `{"position", "text"}`: the tweet at `position` (from 1) as far as the model has written it, at most one \
event every 100 ms; absent when the engine writes each tweet at once (the local engine). The `tweet` event for the \
same position replaces it: its text usually starts with the draft's, but repair may change it (a link not in the \
source removed, an overlong tweet split in two).
- `tweet` `{"position", "text", "weighted_length"}`: one finished tweet, without its numbering (added on saving).
- `done` `{"id", "url", "title", "tweets"}`: the saved thread, numbered; or `error` `{"code", "message", ...}`, \
also for errors raised before the stream began (402, 429...), after which nothing was saved and no quota used."""

SSE_EXAMPLE = (
    'event: status\ndata: {"stage": "generating"}\n\n'
    'event: draft\ndata: {"position": 1, "text": "Small releases win because"}\n\n'
    'event: tweet\ndata: {"position": 1, "text": "Small releases win because feedback comes sooner.", '
    '"weighted_length": 50}\n\n'
    'event: done\ndata: {"id": 7, "url": "/app/threads/7/", "title": "Why small releases win", "tweets": '
    '["Small releases win because feedback comes sooner. 1/1"]}\n\n'
)


class GenerationCreateApi(APIView):
    """Generate a thread from `text` or `url`. JSON by default; Server-Sent Events with
    `Accept: text/event-stream` (`status`, `draft`s, `tweet`s, then `done` or `error`)."""

    permission_classes = [IsAuthenticated]
    renderer_classes = [JSONRenderer, EventStreamRenderer]

    class GenerationInputSerializer(serializers.Serializer):
        text = serializers.CharField(required=False, allow_blank=True, trim_whitespace=True)
        url = serializers.CharField(required=False, allow_blank=True, max_length=2000, trim_whitespace=True)
        style = serializers.SlugField(  # type: ignore[assignment]  # DRF's Field.style is another thing
            required=False, default="summary", max_length=40
        )
        tone = serializers.ChoiceField(choices=[tone.value for tone in Tone], default=Tone.NEUTRAL.value)
        max_tweets = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=MAX_TWEETS)
        numbering = serializers.ChoiceField(
            choices=[numbering.value for numbering in Numbering], default=Numbering.FRACTION.value
        )
        hashtags = serializers.BooleanField(default=False)
        cta = serializers.BooleanField(default=False)
        link_in_reply = serializers.BooleanField(default=False)
        language = serializers.CharField(default="auto", max_length=40)

        def validate_text(self, value: str) -> str:
            # Refused here, before the quota is reserved or the provider asked: too little text for a thread.
            if value and len(value) < settings.MIN_ARTICLE_CHARS:
                raise serializers.ValidationError(
                    f"The text is {len(value):,} characters; paste at least {settings.MIN_ARTICLE_CHARS:,} so there "
                    "is enough to make a thread."
                )
            return value

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
        responses={
            (201, "application/json"): ThreadOutput,
            (200, "text/event-stream"): OpenApiResponse(
                response=OpenApiTypes.STR,
                description="The thread as it is written, as Server-Sent Events (see above).",
                examples=[OpenApiExample("A one-tweet thread", value=SSE_EXAMPLE, media_type="text/event-stream")],
            ),
        },
        description="Generate a thread from `text` (at least MIN_ARTICLE_CHARS characters, 200 by default) or "
        "`url`. Errors: 400 (`fields` names each bad field), 402 (quota, with usage), 403 (premium style or unverified "
        "email), 413 (text over 50,000 characters), 422 (URL import failed), 429, 502/503/504 (provider).\n\n"
        + EVENT_STREAM,
    )
    def post(self, request: AuthenticatedRequest) -> HttpResponseBase:
        user = request.user
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
        burst_check(
            request,
            user,
            scope="generate",
            per_user=settings.GENERATION_RATE_PER_USER,
            per_ip=settings.GENERATION_RATE_PER_IP,
            what="threads",
        )
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
                return Response({"error": error_body(payload)}, status=payload["status"])
            if event == "done":
                # The thread just saved and the usage that counted it: nothing to load again.
                body = {**ThreadOutput(reservation.generation.thread).data, "usage": reservation.usage.as_dict()}
                return Response(body, status=status.HTTP_201_CREATED)
        raise AssertionError("generation_events ends with done or error")


def stream_until_saved(events: Iterator[services.Event]) -> Iterator[bytes]:
    """Relay events to the client. If the client goes away (the server closes this generator), keep running
    the generation to its end without sending, so the thread is still saved and shows up in history."""
    try:
        for event, payload in events:
            if event == "error":
                payload = error_body(payload)
            yield sse_event(event, payload)
    except GeneratorExit:
        for _ in events:
            pass
        raise


def error_body(payload: dict[str, Any]) -> dict[str, Any]:
    """An `error` event as the API's error object: its code, message and details such as `fields`; the status is
    the response's (JSON) or was already sent (a stream)."""
    return {key: value for key, value in payload.items() if key != "status"}


def require_verified_email(user: User) -> None:
    if user.is_staff or user_email_verified(user):
        return
    raise GenerationError(
        "Please confirm your email address first: use the link we sent you (Account → Email to resend it).",
        code="email_unverified",
        status=403,
    )
