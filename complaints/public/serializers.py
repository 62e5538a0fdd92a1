"""What the public sends and gets back: the complaint as its complainant may see it.

Nothing here names a person: no handler, no head, no staff user, and never the complainant's own
identity (whoever holds the code and key may not be the complainant). The department answering
it is shown by name only.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from cadres.models import Unit
from complaints import selectors
from complaints.attachments import validate_attachment, validate_attachment_count
from complaints.models import Category, CategoryPolicy, Complaint
from complaints.permissions import complaint_review_deadline
from complaints.public.forms import COMMENT_MAX, DESCRIPTION_MAX, FEEDBACK_MAX, TITLE_MAX, phone_validator

S = Complaint.Status

# The states as the complainant reads them. The workflow's own names say who holds the complaint
# inside the office ("assigned", "returned to the office"); the complainant only needs to know
# whether it is being worked on, answered or finished. The API's ``status`` keeps the state itself.
CITIZEN_STATUS_LABELS: dict[str, Any] = {
    S.SUBMITTED: _("Waiting for the decision on acceptance"),
    S.ACCEPTED: _("Being handled"),
    S.ASSIGNED: _("Being handled"),
    S.RETURNED: _("Being handled"),
    S.REJECTED: _("Not accepted"),
    S.REPLIED: _("Replied"),
    S.REVIEW_REQUESTED: _("Under review"),
    S.REVIEW_REPLIED: _("Review answered"),
    S.CLOSED: _("Closed"),
    S.WITHDRAWN: _("Handled together with another complaint"),
}


def citizen_status_label(status: str) -> str:
    return str(CITIZEN_STATUS_LABELS.get(status) or Complaint.Status(status).label)


def public_facts(complaint: Complaint, *, now: dt.datetime) -> dict[str, Any]:
    """The complaint as its complainant sees it, for the tracking page and the API alike."""
    department = complaint.department
    may = selectors.complaint_public_actions(complaint, now=now)
    # The deadline in force (``Complaint.DEADLINES``), read from the state rather than the stored
    # ``due_at`` so that an instance a service has just saved answers the same.
    due = complaint.current_due_at
    overdue = due is not None and due < now
    return {
        "tracking_code": complaint.tracking_code,
        "status": complaint.status,
        "status_label": citizen_status_label(complaint.status),
        "category": complaint.category,
        "category_label": complaint.get_category_display(),
        "title": complaint.title,
        "submitted_at": complaint.submitted_at,
        "accept_due_at": complaint.accept_due_at,
        "accepted_at": complaint.accepted_at,
        "department": f"{department.unit.name} · {department.name}" if department is not None else "",
        "reject_reason": complaint.reject_reason if complaint.status == Complaint.Status.REJECTED else "",
        "reply_due_at": complaint.reply_due_at,
        "extended": complaint.extended,
        "extension_days": complaint.extension_days if complaint.extended else 0,
        "reply": complaint.reply_text if complaint.replied_at is not None else "",
        "replied_at": complaint.replied_at,
        "rating": complaint.rating or None,
        "rating_label": complaint.get_rating_display() if complaint.rating else "",
        "feedback_comment": complaint.feedback_comment,
        "feedback_at": complaint.feedback_at,
        "can_give_feedback": may["feedback"],
        "can_request_review": may["request_review"],
        "can_add_material": may["supplement"],
        "supplements": [
            {"text": supplement.text, "at": supplement.at, "attachments": supplement.attachments.count()}
            for supplement in complaint.supplements.all()
        ],
        "review_deadline": complaint_review_deadline(complaint),
        "review_reason": complaint.review_reason,
        "review_requested_at": complaint.review_requested_at,
        "review_due_at": complaint.review_due_at,
        "review_reply": complaint.review_reply_text if complaint.review_replied_at is not None else "",
        "review_replied_at": complaint.review_replied_at,
        "closed_at": complaint.closed_at,
        "merged": complaint.merged_into_id is not None,
        # For the page alone: which answer is late, since when, and how far up it has gone (the
        # level only, never who holds it).
        "overdue_since": due if overdue else None,
        "overdue_deadline": Complaint.DEADLINES.get(complaint.status, "") if overdue else "",
        "escalation_level": complaint.escalation_level,
    }


class PublicComplaintCreateSerializer(serializers.Serializer[dict[str, Any]]):
    category = serializers.ChoiceField(choices=Category.choices, help_text=_("A code from /api/v1/public/categories/."))
    title = serializers.CharField(max_length=TITLE_MAX)
    description = serializers.CharField(max_length=DESCRIPTION_MAX)
    unit = serializers.PrimaryKeyRelatedField(
        queryset=Unit.objects.filter(active=True),
        required=False,
        allow_null=True,
        default=None,
        help_text=_("An id from /api/v1/public/units/."),
    )
    accused_name = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    complainant_name = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    # No default: a default of "" would be a value the schema's own pattern and format refuse.
    # Left out, they are absent from the validated data, and the view files "" for them.
    complainant_phone = serializers.CharField(
        max_length=32, required=False, allow_blank=True, validators=[phone_validator]
    )
    complainant_email = serializers.EmailField(max_length=254, required=False, allow_blank=True)
    attachments = serializers.ListField(
        child=serializers.FileField(allow_empty_file=False),
        required=False,
        default=list,
        help_text=_("Up to 5 files (multipart only), each at most 10 MB: PDF, JPEG, PNG or DOCX."),
    )

    def validate_attachments(self, files: list[Any]) -> list[Any]:
        messages: list[str] = []
        try:
            validate_attachment_count(files)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc
        for file in files:
            try:
                validate_attachment(file)
            except DjangoValidationError as exc:
                messages.extend(exc.messages)
        if messages:
            raise serializers.ValidationError(messages)
        return files


class PublicReceiptSerializer(serializers.Serializer[dict[str, Any]]):
    tracking_code = serializers.CharField()
    access_key = serializers.CharField(help_text=_("Shown once: keep it. It cannot be recovered."))
    status = serializers.ChoiceField(choices=Complaint.Status.choices)
    accept_due_at = serializers.DateTimeField()


class PublicSupplementSerializer(serializers.Serializer[dict[str, Any]]):
    text = serializers.CharField()
    at = serializers.DateTimeField()
    attachments = serializers.IntegerField(help_text=_("How many files came with it."))


class PublicComplaintSerializer(serializers.Serializer[dict[str, Any]]):
    """Built from ``public_facts``."""

    tracking_code = serializers.CharField()
    status = serializers.ChoiceField(choices=Complaint.Status.choices)
    status_label = serializers.CharField()
    category = serializers.ChoiceField(choices=Category.choices)
    category_label = serializers.CharField()
    title = serializers.CharField()
    submitted_at = serializers.DateTimeField()
    accept_due_at = serializers.DateTimeField()
    accepted_at = serializers.DateTimeField(allow_null=True)
    department = serializers.CharField(help_text=_("The department answering it, by name; empty before acceptance."))
    reject_reason = serializers.CharField()
    reply_due_at = serializers.DateTimeField(allow_null=True)
    extended = serializers.BooleanField()
    extension_days = serializers.IntegerField()
    reply = serializers.CharField()
    replied_at = serializers.DateTimeField(allow_null=True)
    rating = serializers.ChoiceField(choices=Complaint.Rating.choices, allow_null=True)
    feedback_at = serializers.DateTimeField(allow_null=True)
    can_give_feedback = serializers.BooleanField()
    can_request_review = serializers.BooleanField()
    can_add_material = serializers.BooleanField()
    supplements = PublicSupplementSerializer(many=True, help_text=_("Material the complainant added."))
    review_deadline = serializers.DateTimeField(allow_null=True)
    review_requested_at = serializers.DateTimeField(allow_null=True)
    review_due_at = serializers.DateTimeField(allow_null=True)
    review_reply = serializers.CharField()
    review_replied_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    merged = serializers.BooleanField(help_text=_("Joined to another complaint about the same matter."))
    overdue_since = serializers.DateTimeField(
        allow_null=True, help_text=_("When the answer now owed fell due, if that moment has passed; else null.")
    )
    overdue_deadline = serializers.ChoiceField(
        choices=[
            ("", ""),
            ("accept_due_at", "accept_due_at"),
            ("reply_due_at", "reply_due_at"),
            ("review_due_at", "review_due_at"),
        ],
        help_text=_(
            "Which answer is late: the decision on acceptance, the reply or the answer to a review; empty when none."
        ),
    )
    escalation_level = serializers.IntegerField(
        help_text=_("0: not escalated; 1: escalated for supervision; 2: escalated to the discipline office.")
    )


class FeedbackSerializer(serializers.Serializer[dict[str, Any]]):
    rating = serializers.ChoiceField(choices=Complaint.Rating.choices)
    comment = serializers.CharField(max_length=FEEDBACK_MAX, required=False, allow_blank=True, default="")


class SupplementSerializer(serializers.Serializer[dict[str, Any]]):
    text = serializers.CharField(max_length=COMMENT_MAX)
    attachments = serializers.ListField(
        child=serializers.FileField(allow_empty_file=False),
        required=False,
        default=list,
        help_text=_("Up to 5 files (multipart only), each at most 10 MB: PDF, JPEG, PNG or DOCX."),
    )


class ReviewSerializer(serializers.Serializer[dict[str, Any]]):
    reason = serializers.CharField(max_length=COMMENT_MAX)


class CategorySerializer(serializers.Serializer[dict[str, Any]]):
    code = serializers.CharField(help_text=_("The value to send as a complaint's category."))
    label = serializers.CharField()  # type: ignore[assignment]
    accept_days = serializers.IntegerField()
    reply_days = serializers.IntegerField()
    max_extension_days = serializers.IntegerField()
    review_window_days = serializers.IntegerField()
    review_reply_days = serializers.IntegerField()


def category_rows() -> list[dict[str, Any]]:
    policies = {policy.category: policy for policy in CategoryPolicy.objects.all()}
    rows = []
    for code, label in Category.choices:
        # A policy an administrator removed answers with the default limits.
        policy = policies.get(code) or CategoryPolicy(category=code)
        rows.append(
            {
                "code": code,
                "label": str(label),
                "accept_days": policy.accept_days,
                "reply_days": policy.reply_days,
                "max_extension_days": policy.max_extension_days,
                "review_window_days": policy.review_window_days,
                "review_reply_days": policy.review_reply_days,
            }
        )
    return rows


class PublicUnitSerializer(serializers.ModelSerializer[Unit]):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Unit
        fields = ("id", "name", "kind", "kind_label")
        read_only_fields = fields
