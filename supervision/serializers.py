from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cadres.models import Cadre, Unit
from complaints.models import Complaint
from supervision.models import AccountabilityCase, CaseEvent, Conversation
from supervision.selectors import case_allowed_actions

Case = AccountabilityCase
# Cases from complaint escalations are opened by the escalation sweep, never by hand.
OPENABLE_SOURCES = [(value, label) for value, label in Case.Source.choices if value != Case.Source.COMPLAINT_ESCALATION]


class CaseEventSerializer(serializers.ModelSerializer[CaseEvent]):
    verb_display = serializers.CharField(source="verb_label", read_only=True)
    actor = serializers.CharField(source="actor.get_username", read_only=True, allow_null=True)

    class Meta:
        model = CaseEvent
        fields = ("id", "at", "actor", "verb", "verb_display", "from_state", "to_state", "note", "data")
        read_only_fields = fields


class CaseSerializer(serializers.ModelSerializer[Case]):
    source_display = serializers.CharField(source="get_source_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    subject_kind = serializers.SerializerMethodField()
    subject_cadre_name = serializers.CharField(source="subject_cadre.name", read_only=True, allow_null=True)
    subject_unit_name = serializers.CharField(source="subject_unit.name", read_only=True, allow_null=True)
    complaint_tracking_code = serializers.CharField(source="complaint.tracking_code", read_only=True, allow_null=True)
    allowed_actions = serializers.SerializerMethodField()

    class Meta:
        model = Case
        fields: tuple[str, ...] = (
            "id",
            "source",
            "source_display",
            "status",
            "status_display",
            "subject_kind",
            "subject_cadre",
            "subject_cadre_name",
            "subject_unit",
            "subject_unit_name",
            "complaint",
            "complaint_tracking_code",
            "allegation",
            "opened_at",
            "decision_forms",
            "decision_date",
            "decision_text",
            "closed_at",
            "allowed_actions",
        )
        read_only_fields: tuple[str, ...] = fields

    @extend_schema_field(serializers.ChoiceField(choices=["cadre", "unit"]))
    def get_subject_kind(self, case: Case) -> str:
        return "cadre" if case.subject_cadre_id is not None else "unit"

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_allowed_actions(self, case: Case) -> list[str]:
        request = self.context.get("request")
        return case_allowed_actions(user=getattr(request, "user", None), case=case)


class CaseDetailSerializer(CaseSerializer):
    events = CaseEventSerializer(many=True, read_only=True)

    class Meta(CaseSerializer.Meta):
        fields = (*CaseSerializer.Meta.fields, "events")
        read_only_fields = fields


class CaseOpenSerializer(serializers.Serializer[dict[str, Any]]):
    source = serializers.ChoiceField(choices=OPENABLE_SOURCES)  # type: ignore[assignment]
    subject_cadre = serializers.PrimaryKeyRelatedField(queryset=Cadre.objects.none(), required=False, allow_null=True)
    subject_unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.none(), required=False, allow_null=True)
    complaint = serializers.PrimaryKeyRelatedField(queryset=Complaint.objects.none(), required=False, allow_null=True)
    allegation = serializers.CharField(max_length=5000)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only what the caller may see can be named; anything else reads as "does not exist".
        user = getattr(self.context.get("request"), "user", None)
        self.fields["subject_cadre"].queryset = Cadre.objects.visible_to(user)  # type: ignore[attr-defined]
        self.fields["subject_unit"].queryset = Unit.objects.visible_to(user)  # type: ignore[attr-defined]
        self.fields["complaint"].queryset = Complaint.objects.visible_to(user)  # type: ignore[attr-defined]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if (attrs.get("subject_cadre") is None) == (attrs.get("subject_unit") is None):
            raise serializers.ValidationError(
                {"subject_cadre": [_("Name either a cadre or a party organization (unit), not both.")]}
            )
        return attrs


class CaseNoteSerializer(serializers.Serializer[dict[str, Any]]):
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)


class CaseDecideSerializer(serializers.Serializer[dict[str, Any]]):
    forms = serializers.ListField(child=serializers.ChoiceField(choices=Case.Form.choices), allow_empty=False)
    decision_date = serializers.DateField()
    text = serializers.CharField(max_length=20000)


class ConversationSerializer(serializers.ModelSerializer[Conversation]):
    cadre = serializers.PrimaryKeyRelatedField(queryset=Cadre.objects.none())
    cadre_name = serializers.CharField(source="cadre.name", read_only=True)
    kind = serializers.ChoiceField(choices=Conversation.Kind.choices)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    held_by = serializers.CharField(source="held_by.get_username", read_only=True)

    class Meta:
        model = Conversation
        fields = (
            "id",
            "cadre",
            "cadre_name",
            "kind",
            "kind_display",
            "held_on",
            "held_by",
            "reason",
            "outcome",
            "recorded_at",
        )
        read_only_fields = ("id", "cadre_name", "kind_display", "held_by", "recorded_at")
        extra_kwargs = {"outcome": {"required": False}}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user = getattr(self.context.get("request"), "user", None)
        self.fields["cadre"].queryset = Cadre.objects.visible_to(user)  # type: ignore[attr-defined]
