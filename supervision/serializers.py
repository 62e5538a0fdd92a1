from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cadres.models import Cadre, Unit
from complaints.models import Complaint
from supervision.models import AccountabilityCase, CaseEvent, Conversation, Notice, NoticeEvent
from supervision.selectors import case_allowed_actions
from supervision.transitions import NOTICES

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


# --- Notices ---------------------------------------------------------------------------------------


class NoticeEventSerializer(serializers.ModelSerializer[NoticeEvent]):
    verb_display = serializers.CharField(source="verb_label", read_only=True)
    actor = serializers.CharField(source="actor.get_username", read_only=True, allow_null=True)

    class Meta:
        model = NoticeEvent
        fields = ("id", "at", "actor", "verb", "verb_display", "from_state", "to_state", "note")
        read_only_fields = fields


class PublicNoticeSerializer(serializers.ModelSerializer[Notice]):
    """What the public reads of a notice: never its case, its author or its timeline."""

    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True, allow_null=True)

    class Meta:
        model = Notice
        fields: tuple[str, ...] = ("id", "kind", "kind_display", "title", "body", "unit", "unit_name", "published_on")
        read_only_fields: tuple[str, ...] = fields


class NoticeSerializer(PublicNoticeSerializer):
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    allowed_actions = serializers.SerializerMethodField()

    class Meta(PublicNoticeSerializer.Meta):
        fields = (
            *PublicNoticeSerializer.Meta.fields,
            "status",
            "status_display",
            "case",
            "cadre",
            "created_at",
            "published_at",
            "withdrawn_at",
            "withdraw_reason",
            "allowed_actions",
        )
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_allowed_actions(self, notice: Notice) -> list[str]:
        request = self.context.get("request")
        return NOTICES.allowed_actions(user=getattr(request, "user", None), obj=notice)


class NoticeDetailSerializer(NoticeSerializer):
    events = NoticeEventSerializer(many=True, read_only=True)

    class Meta(NoticeSerializer.Meta):
        fields = (*NoticeSerializer.Meta.fields, "events")
        read_only_fields = fields


class NoticeCreateSerializer(serializers.Serializer[dict[str, Any]]):
    """An exposure names its decided case (its text is drafted from it); an advanced model brings
    its own title and text."""

    kind = serializers.ChoiceField(choices=Notice.Kind.choices)
    case = serializers.PrimaryKeyRelatedField(queryset=Case.objects.none(), required=False, allow_null=True)
    title = serializers.CharField(required=False, allow_blank=True, max_length=200)
    body = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.none(), required=False, allow_null=True)
    cadre = serializers.PrimaryKeyRelatedField(queryset=Cadre.objects.none(), required=False, allow_null=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user = getattr(self.context.get("request"), "user", None)
        self.fields["case"].queryset = Case.objects.visible_to(user)  # type: ignore[attr-defined]
        self.fields["unit"].queryset = Unit.objects.visible_to(user)  # type: ignore[attr-defined]
        self.fields["cadre"].queryset = Cadre.objects.visible_to(user)  # type: ignore[attr-defined]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["kind"] == Notice.Kind.EXPOSURE and attrs.get("case") is None:
            raise serializers.ValidationError({"case": [_("An exposure names the decided case it comes from.")]})
        if attrs["kind"] == Notice.Kind.MODEL and attrs.get("case") is not None:
            raise serializers.ValidationError({"case": [_("A notice of an advanced model names no case.")]})
        return attrs


class NoticeUpdateSerializer(serializers.Serializer[dict[str, Any]]):
    title = serializers.CharField(max_length=200)
    body = serializers.CharField(max_length=20000)


class NoticeWithdrawSerializer(serializers.Serializer[dict[str, Any]]):
    reason = serializers.CharField(max_length=2000)
