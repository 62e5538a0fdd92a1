from __future__ import annotations

from typing import Any

import django_filters
from django.contrib.auth import authenticate
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from workstyle import services
from workstyle.filters import StrictBooleanFilter
from workstyle.models import ApiToken, Notification
from workstyle.serializers import (
    ApiTokenSerializer,
    MarkReadSerializer,
    NotificationSerializer,
    TokenRequestSerializer,
    TokenResponseSerializer,
)


class TokenView(APIView):
    """Exchange a username and password for a new API token, valid for WORKSTYLE_API_TOKEN_HOURS.
    The token is in this answer only: the portal keeps its digest, never the token."""

    authentication_classes: list[type] = []
    permission_classes = [permissions.AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "token"

    def get_authenticate_header(self, request: Request) -> str:
        # Without an authentication class DRF would turn a failed login into 403; it is a 401.
        return "Token"

    @extend_schema(
        summary="Exchange a username and password for an API token",
        request=TokenRequestSerializer,
        responses={200: TokenResponseSerializer},
        auth=[],
    )
    def post(self, request: Request) -> Response:
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        # authenticate() passes through django-axes, which counts failures and locks out.
        user = authenticate(
            request._request,
            username=serializer.validated_data["username"],
            password=serializer.validated_data["password"],
        )
        if user is None or not user.is_active:
            raise AuthenticationFailed(_("Unable to log in with the given username and password."))
        issued = services.api_token_issue(user=user, now=timezone.now(), name=serializer.validated_data["name"])
        return Response({"token": issued.token, "expires_at": issued.row.expires_at})


class ApiTokenViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[ApiToken]):
    """The caller's own API tokens, without the tokens themselves; he revokes any of them."""

    serializer_class = ApiTokenSerializer
    ordering_fields = ("created_at", "expires_at", "last_used_at")

    def get_queryset(self) -> QuerySet[ApiToken]:
        return ApiToken.objects.visible_to(self.request.user).with_state(timezone.now())

    @extend_schema(summary="Revoke one of the caller's tokens", request=None, responses={200: ApiTokenSerializer})
    @action(detail=True, methods=["post"])
    def revoke(self, request: Request, pk: Any = None) -> Response:
        token = self.get_object()
        now = timezone.now()
        services.api_token_revoke(actor=request.user, token=token, now=now, because=ApiToken.RevokedBecause.HOLDER)
        return Response(ApiTokenSerializer(self.get_queryset().get(pk=token.pk)).data)


class NotificationFilter(django_filters.FilterSet):
    unread = StrictBooleanFilter(field_name="read_at", lookup_expr="isnull", label=gettext_lazy("unread"))

    class Meta:
        model = Notification
        fields = ("kind", "unread")


class NotificationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Notification]):
    """The caller's own notifications."""

    serializer_class = NotificationSerializer
    filterset_class = NotificationFilter
    ordering_fields = ("created_at",)

    def get_queryset(self) -> QuerySet[Notification]:
        return Notification.objects.visible_to(self.request.user)

    @extend_schema(summary="Mark one notification read", request=None, responses={200: NotificationSerializer})
    @action(detail=True, methods=["post"])
    def read(self, request: Request, pk: Any = None) -> Response:
        notification = self.get_object()
        services.notification_mark_read(user=request.user, ids=[notification.pk], now=timezone.now())
        notification.refresh_from_db()
        return Response(NotificationSerializer(notification).data)

    @extend_schema(request=None, responses={200: MarkReadSerializer})
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request: Request) -> Response:
        """Mark every unread notification of the caller read (``?kind=`` for one kind only)."""
        kind = str(request.query_params.get("kind", ""))[:64] or None
        count = services.notification_mark_all_read(user=request.user, now=timezone.now(), kind=kind)
        return Response({"marked": count})

    @extend_schema(
        summary="Mark several notifications read", request=MarkReadSerializer, responses={200: MarkReadSerializer}
    )
    @action(detail=False, methods=["post"], url_path="read-many")
    def read_many(self, request: Request) -> Response:
        serializer = MarkReadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        count = services.notification_mark_read(
            user=request.user, ids=serializer.validated_data.get("ids"), now=timezone.now()
        )
        return Response({"marked": count})
