from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cadres.models import (
    Cadre,
    Debriefing,
    DebriefingRound,
    Department,
    Ethos,
    PersonalReport,
    PersonalReportItem,
    PersonalReportView,
    Unit,
)
from cadres.transitions import DEBRIEFINGS, PERSONAL_REPORTS


class UnitSerializer(serializers.ModelSerializer[Unit]):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    parent_code = serializers.CharField(source="parent.code", read_only=True, allow_null=True)
    head_name = serializers.CharField(source="head.name", read_only=True, allow_null=True)

    class Meta:
        model = Unit
        fields = ("id", "code", "name", "kind", "kind_display", "parent", "parent_code", "head", "head_name", "active")
        read_only_fields = fields


class DepartmentSerializer(serializers.ModelSerializer[Department]):
    unit_code = serializers.CharField(source="unit.code", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    head_name = serializers.CharField(source="head.name", read_only=True, allow_null=True)

    class Meta:
        model = Department
        fields = ("id", "code", "name", "unit", "unit_code", "unit_name", "head", "head_name", "active")
        read_only_fields = fields


class CadreSerializer(serializers.ModelSerializer[Cadre]):
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    department_name = serializers.CharField(source="department.name", read_only=True, allow_null=True)
    rank_display = serializers.CharField(source="get_rank_display", read_only=True)

    class Meta:
        model = Cadre
        fields = (
            "id",
            "staff_number",
            "name",
            "unit",
            "unit_name",
            "department",
            "department_name",
            "position",
            "rank",
            "rank_display",
            "is_leading",
            "active",
        )
        read_only_fields = fields


class EthosSerializer(serializers.ModelSerializer[Ethos]):
    """An ethos in the request's language (Chinese unless the caller asks for English)."""

    name = serializers.CharField(read_only=True)
    description = serializers.CharField(read_only=True)

    class Meta:
        model = Ethos
        fields = ("code", "order", "name", "description")
        read_only_fields = fields


# --- Debriefings and personal-matter reports ---------------------------------------------------------


class DebriefingSerializer(serializers.ModelSerializer[Debriefing]):
    cadre_name = serializers.CharField(source="cadre.name", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    allowed_actions = serializers.SerializerMethodField()

    class Meta:
        model = Debriefing
        fields: tuple[str, ...] = (
            "id",
            "cadre",
            "cadre_name",
            "year",
            "status",
            "status_display",
            "duties",
            "integrity",
            "attachment",
            "due_at",
            "submitted_at",
            "reviewed_at",
            "review_note",
            "escalation_level",
            "allowed_actions",
        )
        read_only_fields: tuple[str, ...] = fields

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_allowed_actions(self, debriefing: Debriefing) -> list[str]:
        request = self.context.get("request")
        return DEBRIEFINGS.allowed_actions(user=getattr(request, "user", None), obj=debriefing)


class DebriefingCreateSerializer(serializers.Serializer[dict[str, Any]]):
    year = serializers.IntegerField(min_value=2000, max_value=2100)


class DebriefingUpdateSerializer(serializers.Serializer[dict[str, Any]]):
    duties = serializers.CharField(required=False, allow_blank=True, max_length=50000)
    integrity = serializers.CharField(required=False, allow_blank=True, max_length=50000)
    attachment = serializers.FileField(required=False)


class DebriefingNoteSerializer(serializers.Serializer[dict[str, Any]]):
    note = serializers.CharField(max_length=5000)


class DebriefingRoundSerializer(serializers.ModelSerializer[DebriefingRound]):
    class Meta:
        model = DebriefingRound
        fields = ("id", "year", "due_at", "created_at")
        read_only_fields = fields


class DebriefingRoundSetSerializer(serializers.Serializer[dict[str, Any]]):
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    due_on = serializers.DateField()


class PersonalReportItemSerializer(serializers.Serializer[dict[str, Any]]):
    """One declared matter. The kind and the date are checked by the service as well (unknown
    kind, a date in the future: 400)."""

    kind = serializers.CharField(max_length=32)
    kind_display = serializers.SerializerMethodField()
    person = serializers.CharField(required=False, allow_blank=True, default="", max_length=64)
    description = serializers.CharField(max_length=500)
    occurred_on = serializers.DateField(required=False, allow_null=True, default=None)
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, allow_null=True, default=None)

    def get_kind_display(self, item: Any) -> str:
        kind = item.kind if hasattr(item, "kind") else item.get("kind")
        return str(dict(PersonalReportItem.Kind.choices).get(kind, kind))

    def validate_kind(self, value: str) -> str:
        if value not in PersonalReportItem.Kind.values:
            raise serializers.ValidationError(
                _("Unknown kind; one of: %(kinds)s.") % {"kinds": ", ".join(PersonalReportItem.Kind.values)}
            )
        return value


class PersonalReportSerializer(serializers.ModelSerializer[PersonalReport]):
    cadre_name = serializers.CharField(source="cadre.name", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    allowed_actions = serializers.SerializerMethodField()

    class Meta:
        model = PersonalReport
        fields: tuple[str, ...] = (
            "id",
            "cadre",
            "cadre_name",
            "year",
            "version",
            "status",
            "status_display",
            "created_at",
            "submitted_at",
            "allowed_actions",
        )
        read_only_fields: tuple[str, ...] = fields

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_allowed_actions(self, report: PersonalReport) -> list[str]:
        request = self.context.get("request")
        return PERSONAL_REPORTS.allowed_actions(user=getattr(request, "user", None), obj=report)


class PersonalReportDetailSerializer(PersonalReportSerializer):
    items = PersonalReportItemSerializer(many=True, read_only=True)

    class Meta(PersonalReportSerializer.Meta):
        fields = (*PersonalReportSerializer.Meta.fields, "items")
        read_only_fields = fields


class PersonalReportWriteSerializer(serializers.Serializer[dict[str, Any]]):
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    items = PersonalReportItemSerializer(many=True, allow_empty=True, max_length=200)  # type: ignore[call-arg]


class PersonalReportItemsSerializer(serializers.Serializer[dict[str, Any]]):
    items = PersonalReportItemSerializer(many=True, allow_empty=True, max_length=200)  # type: ignore[call-arg]


class PersonalReportViewSerializer(serializers.ModelSerializer[PersonalReportView]):
    viewer = serializers.CharField(source="viewer.get_username", read_only=True)

    class Meta:
        model = PersonalReportView
        fields = ("id", "at", "viewer", "channel")
        read_only_fields = fields
