"""/api/v1/meetings/, /api/v1/meeting-reports/, /api/v1/rectifications/. Querysets start from
``visible_to``: out of scope is 404. The reports' and items' transitions are POST actions made
from the transition tables (``meetings.transitions``), each calling one service."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from meetings import selectors, services
from meetings.documents import DOCX, report_docx, report_filename
from meetings.filters import MeetingFilter, RectificationFilter, ReportFilter
from meetings.models import Meeting, MeetingReport, RectificationItem
from meetings.permissions import unit_may_file
from meetings.serializers import (
    EvidenceSerializer,
    MeetingCommentSerializer,
    MeetingDetailSerializer,
    MeetingReasonSerializer,
    MeetingSerializer,
    MeetingUpdateSerializer,
    MeetingWriteSerializer,
    MinutesInputSerializer,
    MinutesSerializer,
    ProblemInputSerializer,
    ProblemSerializer,
    RectificationCreateSerializer,
    RectificationDetailSerializer,
    RectificationSerializer,
    ReportDetailSerializer,
    ReportSerializer,
    ReportSummarySerializer,
)
from meetings.transitions import RECTIFICATIONS, REPORTS
from workstyle.api import IsStaffUser, error_responses
from workstyle.errors import NotAllowed
from workstyle.workflow_api import add_transition_actions

NOT_FILER = services.NOT_FILER


class MeetingViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet[Meeting],
):
    """Democratic life meetings of the leading groups the caller may see. The unit's head (or the
    secretary he names) records and edits them while the report is with the unit."""

    permission_classes = [permissions.IsAuthenticated, IsStaffUser]
    filterset_class = MeetingFilter
    ordering_fields = ("held_on", "id")
    ordering = ("-held_on", "-id")
    http_method_names = ["get", "post", "patch", "put", "head", "options"]

    def get_queryset(self) -> QuerySet[Meeting]:
        return selectors.meeting_list_for(user=self.request.user).prefetch_related("minutes__cadre", "problems__cadre")

    def get_serializer_class(self) -> type[BaseSerializer[Any]]:
        if self.action == "retrieve":
            return MeetingDetailSerializer
        if self.action == "create":
            return MeetingWriteSerializer
        if self.action in ("update", "partial_update"):
            return MeetingUpdateSerializer
        return MeetingSerializer

    def _detail(self, meeting: Meeting, code: int = status.HTTP_200_OK) -> Response:
        meeting = self.get_queryset().get(pk=meeting.pk)
        return Response(MeetingDetailSerializer(meeting, context=self.get_serializer_context()).data, status=code)

    @extend_schema(
        request=MeetingWriteSerializer, responses={201: MeetingDetailSerializer, **error_responses("meeting")}
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = MeetingWriteSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        meeting = services.meeting_create(
            actor=request.user,
            unit=data["unit"],
            held_on=data["held_on"],
            theme=data.get("theme", ""),
            attendees=data.get("attendees", []),
            observers=data.get("observers", []),
            now=timezone.now(),
        )
        return self._detail(meeting, status.HTTP_201_CREATED)

    @extend_schema(
        request=MeetingUpdateSerializer, responses={200: MeetingDetailSerializer, **error_responses("meeting")}
    )
    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        meeting = self.get_object()
        # The role first: others learn nothing from how their input would have been judged.
        if not unit_may_file(request.user, meeting.unit):
            raise NotAllowed(NOT_FILER)
        partial = kwargs.get("partial", False) or request.method == "PATCH"
        serializer = MeetingUpdateSerializer(data=request.data, partial=partial, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        meeting = services.meeting_update(
            actor=request.user,
            meeting=meeting,
            held_on=data.get("held_on"),
            theme=data.get("theme") if "theme" in data else None,
            attendees=data.get("attendees"),
            observers=data.get("observers"),
            now=timezone.now(),
        )
        return self._detail(meeting)

    @extend_schema(request=ProblemInputSerializer, responses={201: ProblemSerializer, **error_responses("meeting")})
    @action(detail=True, methods=["post"], filter_backends=[])
    def problems(self, request: Request, pk: Any = None) -> Response:
        """Record a problem the meeting found (ethos and cadre optional)."""
        meeting = self.get_object()
        if not unit_may_file(request.user, meeting.unit):
            raise NotAllowed(NOT_FILER)
        serializer = ProblemInputSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        problem = services.meeting_add_problem(
            actor=request.user, meeting=meeting, now=timezone.now(), **serializer.validated_data
        )
        return Response(ProblemSerializer(problem).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=MinutesInputSerializer, responses={200: MinutesSerializer, **error_responses("meeting")})
    @action(detail=True, methods=["post"], filter_backends=[])
    def minutes(self, request: Request, pk: Any = None) -> Response:
        """Record the minutes of one attendee: his self-criticism and the criticism he received."""
        meeting = self.get_object()
        if not unit_may_file(request.user, meeting.unit):
            raise NotAllowed(NOT_FILER)
        serializer = MinutesInputSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        entry = services.meeting_record_minutes(
            actor=request.user, meeting=meeting, now=timezone.now(), **serializer.validated_data
        )
        return Response(MinutesSerializer(entry).data)


class MeetingReportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[MeetingReport]):
    """Special reports on the meetings, created with their meeting. Transitions: POST
    ``/{id}/submit/``, ``/{id}/accept/``, ``/{id}/return/``; ``/{id}/document/`` is the .docx."""

    permission_classes = [permissions.IsAuthenticated, IsStaffUser]
    filterset_class = ReportFilter
    ordering_fields = ("due_at", "submitted_at", "id")
    ordering = ("-meeting__held_on", "-id")

    def get_queryset(self) -> QuerySet[MeetingReport]:
        return selectors.report_list_for(user=self.request.user)

    def get_serializer_class(self) -> type[BaseSerializer[Any]]:
        if self.action == "retrieve":
            return ReportDetailSerializer
        return ReportSerializer

    def _detail(self, report: MeetingReport) -> Response:
        report = self.get_queryset().get(pk=report.pk)
        return Response(ReportDetailSerializer(report, context=self.get_serializer_context()).data)

    @extend_schema(
        request=ReportSummarySerializer, responses={200: ReportDetailSerializer, **error_responses("report")}
    )
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """The report's own text (the filer, while the report is with the unit)."""
        report = self.get_object()
        if not unit_may_file(request.user, report.meeting.unit):
            raise NotAllowed(NOT_FILER)
        serializer = ReportSummarySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.report_set_summary(
            actor=request.user, report=report, summary=serializer.validated_data["summary"], now=timezone.now()
        )
        return self._detail(report)

    @extend_schema(
        summary="The report as a Word document",
        responses={(200, DOCX): OpenApiResponse(OpenApiTypes.BINARY), **error_responses("report")},
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def document(self, request: Request, pk: Any = None) -> HttpResponse:
        report = self.get_object()
        meeting = report.meeting
        response = HttpResponse(report_docx(meeting, report), content_type=DOCX)
        response["Content-Disposition"] = f'attachment; filename="{report_filename(meeting)}"'
        return response


# PATCH only: the report's fields other than its text come from its meeting and its workflow.
MeetingReportViewSet.http_method_names = ["get", "post", "patch", "head", "options"]


add_transition_actions(
    MeetingReportViewSet,
    REPORTS,
    services=services,
    inputs={"": None, "comment": MeetingCommentSerializer, "reason": MeetingReasonSerializer},
    outputs={"": (lambda view, report, result: view._detail(report), ReportDetailSerializer)},
    errors=error_responses("report"),
)


class RectificationViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet[RectificationItem],
):
    """The rectification lists: each item a measure against a problem found, its responsible cadre
    and deadline. Transitions: POST ``/{id}/complete/`` (evidence, attachments as multipart),
    ``/{id}/verify/``, ``/{id}/reopen/``."""

    permission_classes = [permissions.IsAuthenticated, IsStaffUser]
    filterset_class = RectificationFilter
    ordering_fields = ("deadline", "id")
    ordering = ("deadline", "id")

    def get_queryset(self) -> QuerySet[RectificationItem]:
        return selectors.rectification_list_for(user=self.request.user).prefetch_related("attachments")

    def get_serializer_class(self) -> type[BaseSerializer[Any]]:
        if self.action == "retrieve":
            return RectificationDetailSerializer
        if self.action == "create":
            return RectificationCreateSerializer
        return RectificationSerializer

    def _detail(self, item: RectificationItem, code: int = status.HTTP_200_OK) -> Response:
        item = self.get_queryset().get(pk=item.pk)
        return Response(RectificationDetailSerializer(item, context=self.get_serializer_context()).data, status=code)

    @extend_schema(
        request=RectificationCreateSerializer,
        responses={201: RectificationDetailSerializer, **error_responses("rectification item")},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = RectificationCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        item = services.rectification_create(
            actor=request.user,
            problem=data["problem"],
            measure=data["measure"],
            responsible=data["responsible"],
            deadline=data["deadline"],
            now=timezone.now(),
        )
        return self._detail(item, status.HTTP_201_CREATED)


add_transition_actions(
    RectificationViewSet,
    RECTIFICATIONS,
    services=services,
    inputs={"evidence": EvidenceSerializer, "comment": MeetingCommentSerializer, "reason": MeetingReasonSerializer},
    outputs={"": (lambda view, item, result: view._detail(item), RectificationDetailSerializer)},
    errors=error_responses("rectification item"),
)
