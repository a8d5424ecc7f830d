"""The publishing API: publish a thread now or at a time, list and read publications, cancel, retry, take a
fresh copy of a scheduled one's thread, and delete a posted one from X. Every endpoint answers 503
`publishing_unavailable` without X_CLIENT_ID."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpResponse
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.http import AuthenticatedRequest
from generator.selectors import thread_get_for_user
from publishing import selectors, services
from publishing.errors import PublishingUnavailable, PublishInputInvalid
from publishing.models import Publication, PublishedTweet
from publishing.outputs import publication_payload


class PublicationOutput(serializers.Serializer):
    """The shape `publication_payload` builds, for the schema."""

    id = serializers.IntegerField()
    thread_id = serializers.IntegerField(allow_null=True)
    title = serializers.CharField()
    status = serializers.ChoiceField(choices=Publication.Status.choices)
    scheduled_for = serializers.DateTimeField()
    link_last = serializers.BooleanField(help_text="The source link was moved to the last tweet.")
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    error = inline_serializer(
        "PublicationError", {"code": serializers.CharField(), "message": serializers.CharField()}, allow_null=True
    )
    tweets = inline_serializer(
        "PublishedTweet",
        {
            "position": serializers.IntegerField(),
            "text": serializers.CharField(),
            "status": serializers.ChoiceField(choices=PublishedTweet.Status.choices),
            "tweet_id": serializers.CharField(allow_null=True),
            "url": serializers.URLField(allow_null=True),
            "error": serializers.CharField(allow_null=True),
        },
        many=True,
    )


CONFLICT = OpenApiResponse(description="The publication is not in a state that allows this; `error.publication`.")


class PublishingApi(APIView):
    permission_classes = [IsAuthenticated]

    def initial(self, request: AuthenticatedRequest, *args: object, **kwargs: object) -> None:  # type: ignore[override]
        super().initial(request, *args, **kwargs)
        if not selectors.publishing_available():
            raise PublishingUnavailable()


def parse_at(raw: object) -> datetime | None:
    """`null` is now; otherwise ISO 8601 with an offset, so the moment is never a guess about time zones."""
    if raw is None:
        return None
    if not isinstance(raw, str):
        raise PublishInputInvalid("'at' must be null or a date and time in ISO 8601 with an offset.")
    try:
        at = datetime.fromisoformat(raw.strip().replace("Z", "+00:00"))
    except ValueError:
        example = "2026-05-01T09:30:00+02:00"
        raise PublishInputInvalid(f"'at' must be a date and time in ISO 8601, such as {example}.") from None
    if at.tzinfo is None:
        raise PublishInputInvalid("'at' needs an offset, such as +02:00 or Z.")
    return at


class PublicationCreateApi(PublishingApi):
    @extend_schema(
        request=inline_serializer(
            "PublicationCreate",
            {
                "at": serializers.DateTimeField(allow_null=True),
                "link_last": serializers.BooleanField(
                    required=False, help_text="Move the thread's source link to the end of the last tweet."
                ),
            },
        ),
        responses={
            201: PublicationOutput,
            402: OpenApiResponse(description="This month's publications are used up (`used`, `limit`)."),
            403: OpenApiResponse(description="Publishing is premium."),
            409: CONFLICT,
            503: OpenApiResponse(description="Publishing is not available on this server."),
        },
    )
    def post(self, request: AuthenticatedRequest, pk: int) -> Response:
        thread = thread_get_for_user(user=request.user, pk=pk)
        data = request.data if isinstance(request.data, dict) else {}
        link_last = data.get("link_last", False)
        if not isinstance(link_last, bool):
            raise PublishInputInvalid("'link_last' must be true or false.")
        publication = services.publication_create(
            user=request.user, thread=thread, at=parse_at(data.get("at")), link_last=link_last
        )
        return Response(publication_payload(publication), status=status.HTTP_201_CREATED)


class PublicationPagination(PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100


class PublicationListApi(PublishingApi):
    @extend_schema(
        parameters=[
            OpenApiParameter("status", str, enum=list(Publication.Status.values)),
            OpenApiParameter("page", int),
            OpenApiParameter("page_size", int),
        ],
        responses={200: PublicationOutput(many=True)},
    )
    def get(self, request: AuthenticatedRequest) -> HttpResponse:
        wanted = request.query_params.get("status", "")
        if wanted and wanted not in Publication.Status.values:
            raise PublishInputInvalid(f"'status' must be one of {', '.join(Publication.Status.values)}.")
        publications = selectors.publication_list_for_user(user=request.user, status=wanted)
        paginator = PublicationPagination()
        page = paginator.paginate_queryset(publications, request, view=self) or []
        return paginator.get_paginated_response([publication_payload(each) for each in page])


class PublicationDetailApi(PublishingApi):
    @extend_schema(responses={200: PublicationOutput})
    def get(self, request: AuthenticatedRequest, pk: int) -> Response:
        return Response(publication_payload(selectors.publication_get_for_user(user=request.user, pk=pk)))

    @extend_schema(
        request=inline_serializer("PublicationReschedule", {"at": serializers.DateTimeField(allow_null=True)}),
        responses={200: PublicationOutput, 409: CONFLICT},
        description="Reschedule one not yet started: `at` as when publishing, or null to start now.",
    )
    def patch(self, request: AuthenticatedRequest, pk: int) -> Response:
        publication = selectors.publication_get_for_user(user=request.user, pk=pk)
        data = request.data if isinstance(request.data, dict) else {}
        if "at" not in data:
            raise PublishInputInvalid("Send 'at': a date and time in ISO 8601 with an offset, or null for now.")
        at = parse_at(data["at"])
        return Response(publication_payload(services.publication_reschedule(publication=publication, at=at)))

    @extend_schema(responses={200: PublicationOutput, 409: CONFLICT}, description="Cancel one not yet started.")
    def delete(self, request: AuthenticatedRequest, pk: int) -> Response:
        publication = selectors.publication_get_for_user(user=request.user, pk=pk)
        return Response(publication_payload(services.publication_cancel(publication=publication)))


class PublicationRetryApi(PublishingApi):
    @extend_schema(request=None, responses={200: PublicationOutput, 409: CONFLICT})
    def post(self, request: AuthenticatedRequest, pk: int) -> Response:
        publication = selectors.publication_get_for_user(user=request.user, pk=pk)
        return Response(publication_payload(services.publication_retry(publication=publication)))


class PublicationUpdateCopyApi(PublishingApi):
    @extend_schema(
        request=None,
        responses={200: PublicationOutput, 409: CONFLICT},
        description="Update the scheduled copy: take the thread's tweets as they are now.",
    )
    def post(self, request: AuthenticatedRequest, pk: int) -> Response:
        publication = selectors.publication_get_for_user(user=request.user, pk=pk)
        return Response(publication_payload(services.publication_update_copy(publication=publication)))


class PublicationDeleteFromXApi(PublishingApi):
    @extend_schema(
        request=None,
        responses={
            202: PublicationOutput,
            409: CONFLICT,
            503: OpenApiResponse(description="Publishing is not available on this server."),
        },
        description=(
            "Delete from X: the posted tweets are deleted from X by the job queue, last first, while the publication "
            "is `deleting`; it ends `deleted`, or back at `published`/`failed` with `error.code` `x_delete_failed` "
            "if X refuses one. Only a `published` or `failed` publication with posted tweets; the thread stays."
        ),
    )
    def post(self, request: AuthenticatedRequest, pk: int) -> Response:
        publication = selectors.publication_get_for_user(user=request.user, pk=pk)
        deleting = services.publication_delete_from_x(publication=publication)
        return Response(publication_payload(deleting), status=status.HTTP_202_ACCEPTED)
