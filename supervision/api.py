"""/api/v1/cases/: accountability cases. The queryset starts from ``visible_to``: out of scope is
404. Opening and every transition is a POST that calls one service."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from supervision import services
from supervision.filters import CaseFilter
from supervision.models import AccountabilityCase
from supervision.selectors import case_list_for
from supervision.serializers import (
    CaseDecideSerializer,
    CaseDetailSerializer,
    CaseNoteSerializer,
    CaseOpenSerializer,
    CaseSerializer,
)
from workstyle.errors import NotAllowed


class CaseViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet[AccountabilityCase],
):
    """Accountability cases (discipline office; the organization department reads them)."""

    filterset_class = CaseFilter
    search_fields = ("allegation", "subject_cadre__name", "subject_unit__name")
    ordering_fields = ("opened_at", "status", "decision_date")
    ordering = ("-opened_at", "-id")

    def get_queryset(self) -> QuerySet[AccountabilityCase]:
        qs = case_list_for(user=self.request.user)
        if self.action == "retrieve":
            qs = qs.prefetch_related("events__actor")
        return qs

    def get_serializer_class(self) -> type[BaseSerializer[Any]]:
        if self.action == "retrieve":
            return CaseDetailSerializer
        if self.action == "create":
            return CaseOpenSerializer
        return CaseSerializer

    def _detail(self, case: AccountabilityCase, code: int = status.HTTP_200_OK) -> Response:
        case = self.get_queryset().prefetch_related("events__actor").get(pk=case.pk)
        return Response(CaseDetailSerializer(case, context=self.get_serializer_context()).data, status=code)

    def _check_manager(self) -> None:
        if not services.case_may_manage(self.request.user):
            raise NotAllowed(_("Only the discipline office may handle accountability cases."))

    @extend_schema(request=CaseOpenSerializer, responses={201: CaseDetailSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        self._check_manager()
        serializer = CaseOpenSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        case = services.case_open(
            actor=request.user,
            source=data["source"],
            allegation=data["allegation"],
            subject_cadre=data.get("subject_cadre"),
            subject_unit=data.get("subject_unit"),
            complaint=data.get("complaint"),
            now=timezone.now(),
        )
        return self._detail(case, status.HTTP_201_CREATED)

    @extend_schema(request=CaseNoteSerializer, responses={200: CaseDetailSerializer})
    @action(detail=True, methods=["post"])
    def investigate(self, request: Request, pk: Any = None) -> Response:
        case = self.get_object()
        self._check_manager()
        serializer = CaseNoteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        case = services.case_investigate(
            actor=request.user, case=case, note=serializer.validated_data["note"], now=timezone.now()
        )
        return self._detail(case)

    @extend_schema(request=CaseDecideSerializer, responses={200: CaseDetailSerializer})
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: Any = None) -> Response:
        case = self.get_object()
        self._check_manager()
        serializer = CaseDecideSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        case = services.case_decide(
            actor=request.user,
            case=case,
            forms=data["forms"],
            decision_date=data["decision_date"],
            text=data["text"],
            now=timezone.now(),
        )
        return self._detail(case)

    @extend_schema(request=CaseNoteSerializer, responses={200: CaseDetailSerializer})
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: Any = None) -> Response:
        case = self.get_object()
        self._check_manager()
        serializer = CaseNoteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        case = services.case_close(
            actor=request.user, case=case, note=serializer.validated_data["note"], now=timezone.now()
        )
        return self._detail(case)
