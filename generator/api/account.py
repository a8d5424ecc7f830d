"""What the signed-in account may do: its quota (`/usage`) and the styles it may pick (`/styles`)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.http import AuthenticatedRequest
from generator.selectors import rewrite_allowance_for, styles_for_user, usage_for


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
                "rewrites": inline_serializer(
                    "RewriteAllowance",
                    {
                        "used": serializers.IntegerField(),
                        "limit": serializers.IntegerField(),
                        "left": serializers.IntegerField(),
                        "resets_at": serializers.DateTimeField(),
                    },
                ),
            },
        )
    )
    def get(self, request: AuthenticatedRequest) -> Response:
        rewrites = rewrite_allowance_for(user=request.user)
        return Response(
            {
                **usage_for(user=request.user).as_dict(),
                "rewrites": {
                    "used": rewrites.used,
                    "limit": rewrites.limit,
                    "left": max(rewrites.limit - rewrites.used, 0),
                    "resets_at": rewrites.resets_at,
                },
            }
        )


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
    def get(self, request: AuthenticatedRequest) -> Response:
        return Response(
            [
                {
                    "slug": style.slug,
                    "name": style.name,
                    "description": style.description,
                    "premium_only": style.premium_only,
                    "available": available,
                }
                for style, available in styles_for_user(user=request.user)
            ]
        )
