"""Serializers of the meetings API. They read input and shape answers; the services decide."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cadres.models import Cadre, Ethos, Unit
from meetings.models import (
    Meeting,
    MeetingReport,
    MeetingReportEvent,
    MinutesEntry,
    Problem,
    RectificationAttachment,
    RectificationEvent,
    RectificationItem,
)
from meetings.selectors import rectification_allowed_actions, report_allowed_actions
from meetings.services import meeting_missing_observers
from workstyle.uploads import MAX_FILES, validate_attachment

NO_CADRE = _("No cadre with this id that you may see.")


def _user(serializer: serializers.BaseSerializer[Any]) -> Any:
    return getattr(serializer.context.get("request"), "user", None)


class _EventSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(read_only=True)
    at = serializers.DateTimeField(read_only=True)
    actor = serializers.CharField(source="actor.get_username", read_only=True, allow_null=True)
    verb = serializers.CharField(read_only=True)
    verb_display = serializers.CharField(source="verb_label", read_only=True)
    from_state = serializers.CharField(read_only=True)
    to_state = serializers.CharField(read_only=True)
    note = serializers.CharField(read_only=True)


class MinutesSerializer(serializers.ModelSerializer[MinutesEntry]):
    cadre_name = serializers.CharField(source="cadre.name", read_only=True)

    class Meta:
        model = MinutesEntry
        fields = ("id", "cadre", "cadre_name", "self_criticism", "criticism_received")
        read_only_fields = fields


class ProblemSerializer(serializers.ModelSerializer[Problem]):
    ethos: serializers.SlugRelatedField[Ethos] = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True
    )
    ethos_name = serializers.CharField(source="ethos.name", read_only=True, allow_null=True)
    cadre_name = serializers.CharField(source="cadre.name", read_only=True, allow_null=True)

    class Meta:
        model = Problem
        fields = ("id", "meeting", "text", "ethos", "ethos_name", "cadre", "cadre_name", "created_at")
        read_only_fields = fields


class MeetingSerializer(serializers.ModelSerializer[Meeting]):
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    report: serializers.PrimaryKeyRelatedField[MeetingReport] = serializers.PrimaryKeyRelatedField(read_only=True)
    report_status = serializers.CharField(source="report.status", read_only=True)
    due_at = serializers.DateTimeField(source="report.due_at", read_only=True)
    missing_observers = serializers.SerializerMethodField()

    class Meta:
        model = Meeting
        fields: tuple[str, ...] = (
            "id",
            "unit",
            "unit_name",
            "held_on",
            "theme",
            "attendees",
            "observers",
            "report",
            "report_status",
            "due_at",
            "missing_observers",
        )
        read_only_fields: tuple[str, ...] = fields

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_missing_observers(self, meeting: Meeting) -> list[str]:
        return meeting_missing_observers(meeting)


class MeetingDetailSerializer(MeetingSerializer):
    minutes = MinutesSerializer(many=True, read_only=True)
    problems = ProblemSerializer(many=True, read_only=True)

    class Meta(MeetingSerializer.Meta):
        fields = (*MeetingSerializer.Meta.fields, "minutes", "problems")
        read_only_fields = fields


class MeetingWriteSerializer(serializers.Serializer[dict[str, Any]]):
    """A meeting's input. Cadres and units are those the caller may see; whether they fit the
    meeting (the unit's leading cadres, observers from the two bodies) the service judges."""

    unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.none())
    held_on = serializers.DateField()
    theme = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    attendees = serializers.PrimaryKeyRelatedField(
        queryset=Cadre.objects.none(), many=True, required=False, error_messages={"does_not_exist": NO_CADRE}
    )
    observers = serializers.PrimaryKeyRelatedField(queryset=get_user_model().objects.none(), many=True, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user = _user(self)
        self.fields["unit"].queryset = Unit.objects.visible_to(user)  # type: ignore[attr-defined]
        self.fields["attendees"].child_relation.queryset = Cadre.objects.visible_to(user)  # type: ignore[attr-defined]
        self.fields["observers"].child_relation.queryset = get_user_model().objects.filter(is_active=True)  # type: ignore[attr-defined]


class MeetingUpdateSerializer(MeetingWriteSerializer):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The unit of a meeting never changes.
        self.fields.pop("unit")


class ProblemInputSerializer(serializers.Serializer[dict[str, Any]]):
    text = serializers.CharField(max_length=5000)
    ethos = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Ethos.objects.all(),
        required=False,
        allow_null=True,
        default=None,
        help_text="One of the eight ethos by its code: " + ", ".join(Ethos.Code.values) + ".",
        error_messages={
            "does_not_exist": _(
                "No ethos has the code “{value}”. The codes are study, people, pragmatism, frugality, "
                "discipline, democracy, integrity and decency."
            )
        },
    )

    cadre = serializers.PrimaryKeyRelatedField(
        queryset=Cadre.objects.none(),
        required=False,
        allow_null=True,
        default=None,
        error_messages={"does_not_exist": NO_CADRE},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cadre"].queryset = Cadre.objects.visible_to(_user(self))  # type: ignore[attr-defined]


class MinutesInputSerializer(serializers.Serializer[dict[str, Any]]):
    cadre = serializers.PrimaryKeyRelatedField(
        queryset=Cadre.objects.none(), error_messages={"does_not_exist": NO_CADRE}
    )
    self_criticism = serializers.CharField(max_length=20000, required=False, allow_blank=True, default="")
    criticism_received = serializers.CharField(max_length=20000, required=False, allow_blank=True, default="")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cadre"].queryset = Cadre.objects.visible_to(_user(self))  # type: ignore[attr-defined]


class ReportSerializer(serializers.ModelSerializer[MeetingReport]):
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    unit = serializers.IntegerField(source="meeting.unit_id", read_only=True)
    unit_name = serializers.CharField(source="meeting.unit.name", read_only=True)
    held_on = serializers.DateField(source="meeting.held_on", read_only=True)
    overdue = serializers.SerializerMethodField()
    allowed_actions = serializers.SerializerMethodField()
    document = serializers.SerializerMethodField()

    class Meta:
        model = MeetingReport
        fields: tuple[str, ...] = (
            "id",
            "meeting",
            "status",
            "status_display",
            "due_at",
            "unit",
            "unit_name",
            "held_on",
            "summary",
            "submitted_at",
            "accepted_at",
            "return_reason",
            "escalation_level",
            "overdue",
            "allowed_actions",
            "document",
        )
        read_only_fields: tuple[str, ...] = fields

    def get_overdue(self, report: MeetingReport) -> bool:
        return report.status in MeetingReport.DEADLINES and report.due_at < timezone.now()

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_allowed_actions(self, report: MeetingReport) -> list[str]:
        return report_allowed_actions(user=_user(self), report=report)

    def get_document(self, report: MeetingReport) -> str:
        return reverse("meeting-report-document", args=[report.pk])


class ReportDetailSerializer(ReportSerializer):
    events = serializers.SerializerMethodField()

    class Meta(ReportSerializer.Meta):
        fields = (*ReportSerializer.Meta.fields, "events")
        read_only_fields = fields

    @extend_schema_field(_EventSerializer(many=True))
    def get_events(self, report: MeetingReport) -> Any:
        events = MeetingReportEvent.objects.filter(report=report).select_related("actor").order_by("at", "id")
        return _EventSerializer(events, many=True).data


class ReportSummarySerializer(serializers.Serializer[dict[str, Any]]):
    summary = serializers.CharField(max_length=50000, allow_blank=True)


class MeetingCommentSerializer(serializers.Serializer[dict[str, Any]]):
    comment = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class MeetingReasonSerializer(serializers.Serializer[dict[str, Any]]):
    reason = serializers.CharField(
        max_length=5000,
        error_messages={"required": _("Give the reasons."), "blank": _("Give the reasons.")},
    )


class RectificationAttachmentSerializer(serializers.ModelSerializer[RectificationAttachment]):
    url = serializers.SerializerMethodField()

    class Meta:
        model = RectificationAttachment
        fields = ("id", "original_name", "content_type", "size", "uploaded_at", "url")
        read_only_fields = fields

    def get_url(self, attachment: RectificationAttachment) -> str:
        return reverse("meetings:attachment", args=[attachment.pk])


class RectificationSerializer(serializers.ModelSerializer[RectificationItem]):
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    unit = serializers.IntegerField(source="meeting.unit_id", read_only=True)
    unit_name = serializers.CharField(source="meeting.unit.name", read_only=True)
    problem_text = serializers.CharField(source="problem.text", read_only=True)
    responsible_name = serializers.CharField(source="responsible.name", read_only=True)
    overdue = serializers.SerializerMethodField()
    attachments = RectificationAttachmentSerializer(many=True, read_only=True)
    allowed_actions = serializers.SerializerMethodField()

    class Meta:
        model = RectificationItem
        fields: tuple[str, ...] = (
            "id",
            "meeting",
            "unit",
            "unit_name",
            "problem",
            "problem_text",
            "measure",
            "responsible",
            "responsible_name",
            "deadline",
            "due_at",
            "status",
            "status_display",
            "evidence",
            "done_at",
            "verified_at",
            "escalation_level",
            "overdue",
            "attachments",
            "allowed_actions",
        )
        read_only_fields: tuple[str, ...] = fields

    def get_overdue(self, item: RectificationItem) -> bool:
        return item.status in RectificationItem.DEADLINES and item.due_at < timezone.now()

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_allowed_actions(self, item: RectificationItem) -> list[str]:
        return rectification_allowed_actions(user=_user(self), item=item)


class RectificationDetailSerializer(RectificationSerializer):
    events = serializers.SerializerMethodField()

    class Meta(RectificationSerializer.Meta):
        fields = (*RectificationSerializer.Meta.fields, "events")
        read_only_fields = fields

    @extend_schema_field(_EventSerializer(many=True))
    def get_events(self, item: RectificationItem) -> Any:
        events = RectificationEvent.objects.filter(item=item).select_related("actor").order_by("at", "id")
        return _EventSerializer(events, many=True).data


class RectificationCreateSerializer(serializers.Serializer[dict[str, Any]]):
    meeting = serializers.PrimaryKeyRelatedField(queryset=Meeting.objects.none(), required=False)
    problem = serializers.PrimaryKeyRelatedField(queryset=Problem.objects.none())
    measure = serializers.CharField(max_length=5000)
    responsible = serializers.PrimaryKeyRelatedField(
        queryset=Cadre.objects.none(), error_messages={"does_not_exist": NO_CADRE}
    )
    deadline = serializers.DateField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user = _user(self)
        self.fields["meeting"].queryset = Meeting.objects.visible_to(user)  # type: ignore[attr-defined]
        self.fields["problem"].queryset = Problem.objects.visible_to(user)  # type: ignore[attr-defined]
        self.fields["responsible"].queryset = Cadre.objects.visible_to(user)  # type: ignore[attr-defined]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        meeting = attrs.get("meeting")
        if meeting is not None and attrs["problem"].meeting_id != meeting.pk:
            raise serializers.ValidationError({"problem": [_("The problem was not found at this meeting.")]})
        return attrs


class EvidenceSerializer(serializers.Serializer[dict[str, Any]]):
    evidence = serializers.CharField(
        max_length=20000,
        error_messages={"required": _("Describe what was done."), "blank": _("Describe what was done.")},
    )
    attachments = serializers.ListField(
        child=serializers.FileField(), required=False, default=list, max_length=MAX_FILES
    )

    def validate_attachments(self, files: list[Any]) -> list[Any]:
        errors: list[str] = []
        for file in files:
            try:
                validate_attachment(file)
            except DjangoValidationError as exc:
                errors.extend(exc.messages)
        if errors:
            raise serializers.ValidationError(errors)
        return files
