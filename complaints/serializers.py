"""Serializers of the staff complaint API. The complainant's name and contacts appear only for a
viewer with an identity access in force (``complaint_identity_accesses``); otherwise the keys are absent."""

from __future__ import annotations

from typing import Any

from django.urls import NoReverseMatch, reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cadres.models import Cadre, Department, Unit
from complaints.models import (
    Attachment,
    Category,
    CategoryPolicy,
    Complaint,
    ComplaintEvent,
    ExtensionRequest,
    IdentityAccess,
)
from complaints.selectors import complaint_allowed_actions

IDENTITY_FIELDS = ("complainant_name", "complainant_phone", "complainant_email")


class AttachmentSerializer(serializers.ModelSerializer[Attachment]):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = ("id", "original_name", "content_type", "size", "uploaded_at", "download_url")
        read_only_fields = fields

    def get_download_url(self, attachment: Attachment) -> str:
        try:
            return reverse("complaints:attachment", args=[attachment.complaint_id, attachment.pk])
        except NoReverseMatch:
            return ""


class ComplaintSerializer(serializers.ModelSerializer[Complaint]):
    """A complaint as staff see it. ``complainant_*`` keys are present only with an identity grant."""

    # Output only (the serializer never writes); not read-only so that the schema lists them as
    # optional: they are absent without an identity grant.
    complainant_name = serializers.CharField(required=False)
    complainant_phone = serializers.CharField(required=False)
    complainant_email = serializers.CharField(required=False)
    current_due_at = serializers.DateTimeField(read_only=True, allow_null=True)

    class Meta:
        model = Complaint
        fields: tuple[str, ...] = (
            "id",
            "tracking_code",
            "channel",
            "category",
            "title",
            "description",
            "unit",
            "accused_name",
            "accused_cadre",
            *IDENTITY_FIELDS,
            "contacts_erased_at",
            "status",
            "department",
            "responsible_head",
            "handler",
            "submitted_at",
            "accept_due_at",
            "accepted_at",
            "routed_at",
            "reject_reason",
            "assigned_at",
            "reply_due_at",
            "extended",
            "extension_days",
            "escalation_level",
            "escalated_at",
            "reply_text",
            "replied_at",
            "rating",
            "feedback_comment",
            "feedback_at",
            "review_reason",
            "review_requested_at",
            "review_due_at",
            "review_reply_text",
            "review_replied_at",
            "closed_at",
            "merged_into",
            "current_due_at",
            "updated_at",
        )
        read_only_fields = tuple(name for name in fields if name not in IDENTITY_FIELDS)

    def _identity_visible(self, complaint: Complaint) -> bool:
        # The view decides, and records the showing: without its word the identity stays hidden.
        return complaint.pk in self.context.get("identity_ids", ())

    def to_representation(self, instance: Complaint) -> dict[str, Any]:
        data = dict(super().to_representation(instance))
        if not self._identity_visible(instance):
            for field in IDENTITY_FIELDS:
                data.pop(field, None)
        return data


class ComplaintDetailSerializer(ComplaintSerializer):
    """A complaint with its attachments and the actions the caller may take now."""

    attachments = AttachmentSerializer(many=True, read_only=True)
    allowed_actions = serializers.SerializerMethodField()

    class Meta(ComplaintSerializer.Meta):
        fields = (*ComplaintSerializer.Meta.fields, "attachments", "allowed_actions")
        read_only_fields = tuple(name for name in fields if name not in IDENTITY_FIELDS)

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_allowed_actions(self, complaint: Complaint) -> list[str]:
        request = self.context.get("request")
        if request is None:
            return []
        return complaint_allowed_actions(user=request.user, complaint=complaint)


class ComplaintEventSerializer(serializers.ModelSerializer[ComplaintEvent]):
    actor: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(slug_field="username", read_only=True)
    verb_label = serializers.CharField(read_only=True)

    class Meta:
        model = ComplaintEvent
        fields = ("id", "at", "actor", "verb", "verb_label", "from_state", "to_state", "note", "data")
        read_only_fields = fields


class ExtensionRequestSerializer(serializers.ModelSerializer[ExtensionRequest]):
    requested_by: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )
    decided_by: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = ExtensionRequest
        fields = (
            "id",
            "complaint",
            "days",
            "reason",
            "status",
            "requested_by",
            "requested_at",
            "decided_by",
            "decided_at",
            "decision_note",
        )
        read_only_fields = fields


class IdentityAccessSerializer(serializers.ModelSerializer[IdentityAccess]):
    user: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(slug_field="username", read_only=True)
    decided_by: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = IdentityAccess
        fields = (
            "id",
            "complaint",
            "user",
            "kind",
            "reason",
            "status",
            "requested_at",
            "decided_by",
            "decided_at",
            "decision_note",
        )
        read_only_fields = fields


class IdentitySerializer(serializers.Serializer[Any]):
    """The complainant's identity, answered to a reveal."""

    access = serializers.IntegerField()
    complainant_name = serializers.CharField(allow_blank=True)
    complainant_phone = serializers.CharField(allow_blank=True)
    complainant_email = serializers.CharField(allow_blank=True)


# --- action inputs ---------------------------------------------------------------------------------


def _user(field: serializers.Field[Any, Any, Any, Any]) -> Any:
    return getattr(field.context.get("request"), "user", None)


class VisibleDepartmentField(serializers.PrimaryKeyRelatedField):
    """An active department the caller may see: one outside his scope reads as "does not exist"."""

    def get_queryset(self) -> Any:
        return Department.objects.visible_to(_user(self)).filter(active=True)


class VisibleCadreField(serializers.PrimaryKeyRelatedField):
    """An active cadre the caller may see: one outside his scope reads as "does not exist", so that
    the answer tells nothing about cadres he may not see."""

    def get_queryset(self) -> Any:
        return Cadre.objects.visible_to(_user(self)).filter(active=True)


class AcceptInputSerializer(serializers.Serializer[Any]):
    department = VisibleDepartmentField(queryset=Department.objects.all())


class ReasonInputSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(max_length=10_000)


class RerouteInputSerializer(serializers.Serializer[Any]):
    department = VisibleDepartmentField(queryset=Department.objects.all())
    reason = serializers.CharField(max_length=10_000)


class StatementInputSerializer(serializers.Serializer[Any]):
    text = serializers.CharField(max_length=10_000)


class FollowUpInputSerializer(serializers.Serializer[Any]):
    note = serializers.CharField(max_length=5000, help_text="Who was called, and what the complainant said.")


class AssignInputSerializer(serializers.Serializer[Any]):
    handler = VisibleCadreField(queryset=Cadre.objects.all())


class ExtensionInputSerializer(serializers.Serializer[Any]):
    days = serializers.IntegerField(
        min_value=1,
        max_value=365,
        help_text=(
            "Days added to the reply deadline: at most the complaint category's `max_extension_days` "
            "(`GET /api/v1/category-policies/{category}/`); more is refused with 400."
        ),
    )
    reason = serializers.CharField(max_length=10_000)


class NoteInputSerializer(serializers.Serializer[Any]):
    note = serializers.CharField(max_length=10_000, required=False, allow_blank=True, default="")


class TextInputSerializer(serializers.Serializer[Any]):
    text = serializers.CharField(max_length=10_000)


class VisibleComplaintField(serializers.PrimaryKeyRelatedField):
    """A complaint the caller may see: an id outside his scope reads as "does not exist"."""

    def get_queryset(self) -> Any:
        return Complaint.objects.visible_to(_user(self))


class ComplaintAccessField(serializers.PrimaryKeyRelatedField):
    """An identity request of the complaint the action is on."""

    def get_queryset(self) -> Any:
        complaint = self.context.get("complaint")
        if complaint is None:
            return IdentityAccess.objects.none()
        return IdentityAccess.objects.filter(complaint=complaint)


class MergeInputSerializer(serializers.Serializer[Any]):
    into = VisibleComplaintField(queryset=Complaint.objects.all())


class LinkAccusedInputSerializer(serializers.Serializer[Any]):
    cadre = VisibleCadreField(queryset=Cadre.objects.all())


# Ids beyond a bigint are no complaint's; the bound keeps them out of the database query.
MAX_ID = 2**63 - 1


class BulkAcceptInputSerializer(serializers.Serializer[Any]):
    complaints = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID), allow_empty=False, max_length=500
    )
    department = VisibleDepartmentField(queryset=Department.objects.all())


class BulkAcceptResultSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    outcome = serializers.ChoiceField(
        choices=[("accepted", "accepted"), ("refused", "refused"), ("not_found", "not found")],
        help_text="not_found: no complaint the caller may see has this id.",
    )
    tracking_code = serializers.CharField(allow_null=True)
    message = serializers.CharField(allow_blank=True)


class BulkAcceptResponseSerializer(serializers.Serializer[Any]):
    accepted = serializers.IntegerField(help_text="How many complaints were accepted.")
    results = BulkAcceptResultSerializer(many=True, help_text="One per distinct id, in the order given.")


class AccessDecisionInputSerializer(serializers.Serializer[Any]):
    access = ComplaintAccessField(queryset=IdentityAccess.objects.all())
    note = serializers.CharField(max_length=10_000, required=False, allow_blank=True, default="")


class CategoryPolicySerializer(serializers.ModelSerializer[CategoryPolicy]):
    category_label = serializers.CharField(source="get_category_display", read_only=True)

    class Meta:
        model = CategoryPolicy
        fields = (
            "category",
            "category_label",
            "accept_days",
            "reply_days",
            "max_extension_days",
            "review_window_days",
            "review_reply_days",
        )
        read_only_fields = ("category", "category_label")
        extra_kwargs = {
            "accept_days": {"min_value": 1, "max_value": 365},
            "reply_days": {"min_value": 1, "max_value": 365},
            "max_extension_days": {"min_value": 0, "max_value": 365},
            "review_window_days": {"min_value": 1, "max_value": 365},
            "review_reply_days": {"min_value": 1, "max_value": 365},
        }


# --- intake of letters, calls and visits -------------------------------------------------------------


class IntakeInputSerializer(serializers.Serializer[Any]):
    """A complaint the discipline office received by letter, phone or in person."""

    channel = serializers.ChoiceField(choices=[(c, c) for c in Complaint.STAFF_CHANNELS])
    received_at = serializers.DateTimeField(help_text="When it was received; the deadlines run from then.")
    category = serializers.ChoiceField(choices=Category.choices)
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=10_000)
    unit = serializers.PrimaryKeyRelatedField(
        queryset=Unit.objects.filter(active=True), required=False, allow_null=True, default=None
    )
    accused_name = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    complainant_name = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    complainant_phone = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")
    # No default: "" is no e-mail address, and a schema that offered it would contradict itself.
    complainant_email = serializers.EmailField(max_length=254, required=False, allow_blank=True)
    attachments = serializers.ListField(
        child=serializers.FileField(allow_empty_file=False),
        required=False,
        default=list,
        help_text="Scans of the letter (multipart only): up to 5 files, PDF, JPEG, PNG or DOCX.",
    )


class IntakeReceiptSerializer(ComplaintDetailSerializer):
    """The recorded complaint, with its access key: in this answer only, never again."""

    access_key = serializers.SerializerMethodField()

    class Meta(ComplaintDetailSerializer.Meta):
        fields = (*ComplaintDetailSerializer.Meta.fields, "access_key")
        read_only_fields = tuple(name for name in fields if name not in IDENTITY_FIELDS)

    def get_access_key(self, complaint: Complaint) -> str:
        return str(self.context.get("access_key", ""))
