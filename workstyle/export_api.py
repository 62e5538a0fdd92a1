"""``/api/v1/exports/``: ask for an export, follow it, download it — the caller's own alone.

A small export (at most ``WORKSTYLE_EXPORT_SYNC_ROWS`` rows) is written during the request and
answered 201, ready; a larger one is queued for a worker and answered 202. Anyone else's export is
404; an expired one 410."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from workstyle import export_services
from workstyle.api import IsStaffUser
from workstyle.export_views import file_response
from workstyle.exports import export_kinds
from workstyle.models import Export
from workstyle.serializers import ErrorSerializer


class ExportRequestSerializer(serializers.Serializer[dict[str, Any]]):
    kind = serializers.CharField(
        max_length=32, help_text="What to export: complaints, cases, roster (and any kind the apps register)."
    )
    format = serializers.ChoiceField(choices=Export.Format.choices)
    filters = serializers.DictField(
        required=False,
        default=dict,
        help_text="The list's filters, as its page or API list takes them: a value or a list of values per name.",
    )

    def validate_kind(self, value: str) -> str:
        if value not in {kind.key for kind in export_kinds()}:
            raise serializers.ValidationError(str(export_services.UNKNOWN_KIND))
        return value

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        # A misspelt "filters" would otherwise export the whole list without a word; a misspelt
        # "format" is named as unknown beside the format it leaves missing.
        # Only an object has field names; anything else is refused by DRF as it stands.
        names = set(data) if isinstance(data, Mapping) else set()
        unknown = {name: [_("Unknown field.")] for name in sorted(names - set(self.fields)) if isinstance(name, str)}
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as exc:
            if unknown and isinstance(exc.detail, dict):
                raise serializers.ValidationError({**exc.detail, **unknown}) from exc
            raise
        if unknown:
            raise serializers.ValidationError(unknown)
        return value


class ExportSerializer(serializers.ModelSerializer[Export]):
    progress = serializers.IntegerField(
        label=_("Progress"), read_only=True, help_text="Per cent of the rows written (0–100)."
    )
    rows = serializers.IntegerField(label=_("Rows"), source="rows_total", read_only=True, allow_null=True)
    download = serializers.SerializerMethodField(
        label=_("Download"), help_text="Where to fetch the file once it is ready; else null."
    )

    class Meta:
        model = Export
        fields = (
            "id",
            "kind",
            "format",
            "status",
            "progress",
            "rows",
            "rows_done",
            "created_at",
            "finished_at",
            "expires_at",
            "download",
        )
        read_only_fields = fields

    def get_download(self, export: Export) -> str | None:
        if export.status != Export.Status.DONE:
            return None
        path = reverse("export-download", args=[export.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


@extend_schema_view(
    list=extend_schema(summary="The caller's exports"),
    retrieve=extend_schema(
        summary="One of the caller's exports: status, progress and, once written, its download URL",
        responses={200: ExportSerializer, 404: ErrorSerializer},
    ),
)
class ExportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Export]):
    serializer_class = ExportSerializer
    permission_classes = [permissions.IsAuthenticated, IsStaffUser]
    ordering_fields = (
        "id",
        "kind",
        "format",
        "status",
        "rows_total",
        "rows_done",
        "created_at",
        "finished_at",
        "expires_at",
    )

    def get_queryset(self) -> Any:
        return Export.objects.visible_to(self.request.user).order_by("-created_at", "-id")

    @extend_schema(
        summary="Export a list (with its filters) as CSV or XLSX",
        request=ExportRequestSerializer,
        responses={
            201: OpenApiResponse(ExportSerializer, description="Small: written already, ready to download."),
            202: OpenApiResponse(ExportSerializer, description="Queued: follow its progress, then download."),
            400: OpenApiResponse(ErrorSerializer, description="Unknown kind, format or filter; with field errors."),
            403: OpenApiResponse(ErrorSerializer, description="The caller may not export this list."),
        },
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = ExportRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        now = timezone.now()
        export = export_services.export_request(
            actor=request.user, kind=values["kind"], format=values["format"], filters=values["filters"], now=now
        )
        small = not export_services.export_is_large(export)
        if small:
            export_services.export_write(export_id=export.pk, now=now)
        export.refresh_from_db()
        return Response(self.get_serializer(export).data, status=201 if small else 202)

    @extend_schema(
        summary="The file of one of the caller's exports",
        responses={
            (200, "application/octet-stream"): OpenApiResponse(description="The CSV or XLSX file."),
            404: OpenApiResponse(ErrorSerializer, description="No such export of the caller's."),
            409: OpenApiResponse(ErrorSerializer, description="Not written yet."),
            410: OpenApiResponse(ErrorSerializer, description="Expired: the file was deleted."),
        },
    )
    @action(detail=True, methods=["get"], url_path="download", url_name="download")
    def download(self, request: Request, pk: str | None = None) -> Any:
        try:
            export = export_services.export_download(user=request.user, export_id=int(pk or 0), now=timezone.now())
        except (Export.DoesNotExist, ValueError) as exc:
            raise Http404 from exc
        return file_response(export)
