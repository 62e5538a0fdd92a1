"""Read-only API of the organisation. Querysets start from ``visible_to``: out of scope is 404."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import generics, mixins, permissions, renderers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from cadres import services
from cadres.dossier import dossier_fill, dossier_json, dossier_may_view, dossier_pdf, dossier_viewed
from cadres.filters import CadreFilter, DepartmentFilter, UnitFilter
from cadres.models import (
    Cadre,
    Debriefing,
    DebriefingRound,
    Department,
    Ethos,
    PersonalReport,
    PersonalReportView,
    Unit,
)
from cadres.permissions import orgdept_may_manage
from cadres.serializers import (
    CadreSerializer,
    DebriefingCreateSerializer,
    DebriefingNoteSerializer,
    DebriefingRoundSerializer,
    DebriefingRoundSetSerializer,
    DebriefingSerializer,
    DebriefingUpdateSerializer,
    DepartmentSerializer,
    EthosSerializer,
    PersonalReportDetailSerializer,
    PersonalReportItemsSerializer,
    PersonalReportSerializer,
    PersonalReportViewSerializer,
    PersonalReportWriteSerializer,
    UnitSerializer,
)
from cadres.transitions import DEBRIEFINGS, PERSONAL_REPORTS
from workstyle.api import IsStaffUser, error_responses
from workstyle.errors import NotAllowed
from workstyle.parsers import JSONParser
from workstyle.workflow_api import add_transition_actions


class PDFRenderer(renderers.BaseRenderer):
    """The dossier as a PDF (``?format=pdf`` or ``/dossier.pdf``); errors are still JSON."""

    media_type = "application/pdf"
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None) -> bytes:
        if isinstance(data, bytes):
            return data
        return renderers.JSONRenderer().render(data)


def _dossier(view: Any, request: Request, pk: Any, *, pdf: bool) -> Response:
    cadre = view.get_object()
    if not dossier_may_view(request.user, cadre):
        raise NotFound
    now = timezone.now()
    sections = dossier_fill(cadre=cadre, viewer=request.user)
    if pdf:
        content = dossier_pdf(cadre=cadre, sections=sections, viewer=request.user, now=now)
        dossier_viewed(sections=sections, viewer=request.user, channel=PersonalReportView.Channel.PDF, now=now)
        return Response(
            content,
            content_type="application/pdf",
            headers={"Content-Disposition": f'inline; filename="dossier-{cadre.staff_number}.pdf"'},
        )
    dossier_viewed(sections=sections, viewer=request.user, channel=PersonalReportView.Channel.API, now=now)
    return Response(dossier_json(cadre=cadre, sections=sections, now=now))


class UnitViewSet(viewsets.ReadOnlyModelViewSet[Unit]):
    """Units the caller may see (the whole organisation for office staff; otherwise his own unit,
    and the units below it for a unit head)."""

    serializer_class = UnitSerializer
    permission_classes = [permissions.IsAuthenticated, IsStaffUser]
    filterset_class = UnitFilter
    search_fields = ("name", "code")
    ordering_fields = ("code", "name", "kind")
    ordering = ("code",)

    def get_queryset(self) -> QuerySet[Unit]:
        return Unit.objects.visible_to(self.request.user).select_related("parent", "head")


class DepartmentViewSet(viewsets.ReadOnlyModelViewSet[Department]):
    """Departments the caller may see."""

    serializer_class = DepartmentSerializer
    permission_classes = [permissions.IsAuthenticated, IsStaffUser]
    filterset_class = DepartmentFilter
    search_fields = ("name", "code")
    ordering_fields = ("code", "name", "unit__code")
    ordering = ("unit__code", "code")

    def get_queryset(self) -> QuerySet[Department]:
        return Department.objects.visible_to(self.request.user).select_related("unit", "head")


class CadreViewSet(viewsets.ReadOnlyModelViewSet[Cadre]):
    """Cadres the caller may see."""

    serializer_class = CadreSerializer
    permission_classes = [permissions.IsAuthenticated, IsStaffUser]
    filterset_class = CadreFilter
    search_fields = ("name", "staff_number")
    ordering_fields = ("staff_number", "name", "rank", "unit__code")
    ordering = ("staff_number",)

    def get_queryset(self) -> QuerySet[Cadre]:
        return Cadre.objects.visible_to(self.request.user).select_related("unit", "department")

    @extend_schema(
        summary="The cadre's integrity dossier (JSON, or PDF with ?format=pdf)",
        responses={200: OpenApiTypes.OBJECT, (200, "application/pdf"): OpenApiTypes.BINARY},
    )
    @action(detail=True, methods=["get"], renderer_classes=[renderers.JSONRenderer, PDFRenderer], filter_backends=[])
    def dossier(self, request: Request, pk: Any = None) -> Response:
        """The sections of the dossier the caller may see (the discipline office, the organization
        department, the cadre himself); anyone else: 404."""
        return _dossier(self, request, pk, pdf=request.accepted_renderer.format == "pdf")


class EthosViewSet(viewsets.ReadOnlyModelViewSet[Ethos]):
    """The eight ethos, in order; one is addressed by its code. Reference data: the same for every
    caller, named in the request's language. Never paged: there are eight."""

    serializer_class = EthosSerializer
    permission_classes = [permissions.IsAuthenticated, IsStaffUser]
    lookup_field = "code"
    pagination_class = None
    filter_backends: list[type] = []

    def get_queryset(self) -> QuerySet[Ethos]:
        return Ethos.objects.order_by("order")


class CadreDossierPDFView(generics.GenericAPIView[Cadre]):
    """``/api/v1/cadres/{id}/dossier.pdf``: the dossier as it prints."""

    permission_classes = [permissions.IsAuthenticated, IsStaffUser]
    renderer_classes = [PDFRenderer, renderers.JSONRenderer]
    filter_backends: list[type] = []
    serializer_class = CadreSerializer

    def get_queryset(self) -> QuerySet[Cadre]:
        return Cadre.objects.visible_to(self.request.user).select_related("unit", "department")

    @extend_schema(
        operation_id="cadre_dossier_pdf",
        summary="The cadre's integrity dossier as a PDF",
        responses={(200, "application/pdf"): OpenApiTypes.BINARY},
    )
    def get(self, request: Request, pk: Any = None) -> Response:
        return _dossier(self, request, pk, pdf=True)


# --- Debriefings ---------------------------------------------------------------------------------------


class DebriefingRoundViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet[DebriefingRound]
):
    """The years the organization department called for debriefings, with their due dates. A POST
    calls for a year (or moves its due date)."""

    permission_classes = [permissions.IsAuthenticated, IsStaffUser]
    serializer_class = DebriefingRoundSerializer
    filter_backends: list[type] = []

    def get_queryset(self) -> QuerySet[DebriefingRound]:
        return DebriefingRound.objects.visible_to(self.request.user).order_by("-year")

    @extend_schema(
        request=DebriefingRoundSetSerializer, responses={201: DebriefingRoundSerializer, **error_responses("round")}
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not orgdept_may_manage(request.user):
            raise NotAllowed(_("Only the organization department calls for debriefings."))
        serializer = DebriefingRoundSetSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        round_ = services.debriefing_round_set(actor=request.user, now=timezone.now(), **serializer.validated_data)
        return Response(DebriefingRoundSerializer(round_).data, status=status.HTTP_201_CREATED)


class DebriefingViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet[Debriefing],
):
    """Yearly debriefings on performing duties and keeping clean (述职述廉): the cadre's own, and all
    of them for the organization department and the discipline office."""

    permission_classes = [permissions.IsAuthenticated, IsStaffUser]
    filterset_fields = ("year", "status", "cadre")
    ordering_fields = ("year", "due_at", "submitted_at")
    ordering = ("-year", "cadre__staff_number")
    search_fields = ("cadre__name", "cadre__staff_number")
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self) -> QuerySet[Debriefing]:
        return Debriefing.objects.visible_to(self.request.user).select_related("cadre")

    def get_serializer_class(self) -> type[BaseSerializer[Any]]:
        if self.action == "create":
            return DebriefingCreateSerializer
        if self.action in ("update", "partial_update"):
            return DebriefingUpdateSerializer
        return DebriefingSerializer

    def _detail(self, debriefing: Debriefing, code: int = status.HTTP_200_OK) -> Response:
        debriefing = self.get_queryset().get(pk=debriefing.pk)
        return Response(DebriefingSerializer(debriefing, context=self.get_serializer_context()).data, status=code)

    @extend_schema(
        request=DebriefingCreateSerializer, responses={201: DebriefingSerializer, **error_responses("debriefing")}
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = DebriefingCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        debriefing = services.debriefing_open(
            actor=request.user, year=serializer.validated_data["year"], now=timezone.now()
        )
        return self._detail(debriefing, status.HTTP_201_CREATED)

    @extend_schema(
        request=DebriefingUpdateSerializer, responses={200: DebriefingSerializer, **error_responses("debriefing")}
    )
    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        debriefing = self.get_object()
        serializer = DebriefingUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        debriefing = services.debriefing_update(
            actor=request.user, debriefing=debriefing, now=timezone.now(), **serializer.validated_data
        )
        return self._detail(debriefing)


add_transition_actions(
    DebriefingViewSet,
    DEBRIEFINGS,
    services=services,
    inputs={"": None, "note": DebriefingNoteSerializer},
    outputs={"": (lambda view, obj, result: view._detail(obj), DebriefingSerializer)},
    errors=error_responses("debriefing"),
)


# --- Personal-matter reports -------------------------------------------------------------------------


class PersonalReportViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet[PersonalReport],
):
    """Reports on personal matters (个人有关事项报告): the cadre's own, and everybody's for the
    organization department; the discipline office only while it has a case open on the cadre.
    The list shows no declared matter; every reading of one report is logged."""

    permission_classes = [permissions.IsAuthenticated, IsStaffUser]
    filterset_fields = ("year", "status", "cadre")
    ordering_fields = ("year", "version", "submitted_at")
    ordering = ("-year", "cadre__staff_number", "-version")
    http_method_names = ["get", "post", "put", "head", "options"]

    def get_queryset(self) -> QuerySet[PersonalReport]:
        return PersonalReport.objects.visible_to(self.request.user).select_related("cadre")

    def get_serializer_class(self) -> type[BaseSerializer[Any]]:
        if self.action == "create":
            return PersonalReportWriteSerializer
        if self.action == "update":
            return PersonalReportItemsSerializer
        if self.action == "retrieve":
            return PersonalReportDetailSerializer
        if self.action == "views":
            return PersonalReportViewSerializer
        return PersonalReportSerializer

    def _detail(self, report: PersonalReport, code: int = status.HTTP_200_OK) -> Response:
        report = self.get_queryset().prefetch_related("items").get(pk=report.pk)
        return Response(PersonalReportDetailSerializer(report, context=self.get_serializer_context()).data, status=code)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        report = self.get_object()
        services.personal_report_views_record(
            viewer=request.user, reports=[report], channel=PersonalReportView.Channel.API, now=timezone.now()
        )
        return self._detail(report)

    @extend_schema(
        request=PersonalReportWriteSerializer,
        responses={201: PersonalReportDetailSerializer, **error_responses("report")},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = PersonalReportWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        report = services.personal_report_create(
            actor=request.user, year=data["year"], items=data["items"], now=timezone.now()
        )
        return self._detail(report, status.HTTP_201_CREATED)

    @extend_schema(
        request=PersonalReportItemsSerializer,
        responses={200: PersonalReportDetailSerializer, **error_responses("report")},
    )
    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        report = self.get_object()
        serializer = PersonalReportItemsSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        report = services.personal_report_update(
            actor=request.user, report=report, items=serializer.validated_data["items"], now=timezone.now()
        )
        return self._detail(report)

    @extend_schema(responses={200: PersonalReportViewSerializer(many=True)})
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def views(self, request: Request, pk: Any = None) -> Response:
        """Who read this report, and when (the organization department's)."""
        report = self.get_object()
        # The log is the organization department's: anyone else who may read the report finds it empty.
        log = PersonalReportView.objects.visible_to(request.user).filter(report=report).select_related("viewer")
        return Response(PersonalReportViewSerializer(log, many=True).data)


add_transition_actions(
    PersonalReportViewSet,
    PERSONAL_REPORTS,
    services=services,
    inputs={"": None},
    outputs={"": (lambda view, obj, result: view._detail(obj), PersonalReportDetailSerializer)},
    errors=error_responses("report"),
)
