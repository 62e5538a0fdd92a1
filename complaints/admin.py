"""Admin of complaints. Only the category time limits are edited here (through their service);
complaints, their timeline, attachments, extension and identity requests are shown read-only and
change only through the services (workbench and API). The complainant's identity is not shown,
filtered, searched or ordered by here at all (``ComplaintAdmin.hidden_fields``): the admin is no
way around an identity grant, for superusers neither. Recusal holds as everywhere: a complaint that
names the user is absent with all its rows and the notices about it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from complaints import services
from complaints.models import Attachment, CategoryPolicy, Complaint, ComplaintEvent, ExtensionRequest, IdentityAccess
from complaints.permissions import category_policy_may_change
from complaints.serializers import IDENTITY_FIELDS
from workstyle.admin import (
    GuardedAdmin,
    GuardedAdminMixin,
    ReadOnlyAdmin,
    ReadOnlyMixin,
    admin_register_hidden_mentions,
)
from workstyle.errors import DomainError


def complaints_not_visible(user: Any) -> Iterator[str]:
    """The tracking codes and workbench links of the complaints ``user`` may not see: the notices
    and e-mails that name them are left out of the admin."""
    hidden = Complaint.objects.exclude(pk__in=Complaint.objects.visible_to(user).values("pk"))
    for pk, code in hidden.values_list("pk", "tracking_code"):
        yield code
        yield reverse("complaints:detail", args=[pk])


admin_register_hidden_mentions(complaints_not_visible)


@admin.register(CategoryPolicy)
class CategoryPolicyAdmin(GuardedAdmin):
    list_display = (
        "category",
        "accept_days",
        "reply_days",
        "max_extension_days",
        "review_window_days",
        "review_reply_days",
    )
    readonly_fields = ("category",)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # one policy per category, created with the categories

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return category_policy_may_change(request.user) and super().has_change_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: CategoryPolicy, form: Any, change: bool) -> None:
        try:
            services.category_policy_update(
                actor=request.user,
                policy=obj,
                now=timezone.now(),
                **{field: form.cleaned_data[field] for field in services.POLICY_FIELDS if field in form.cleaned_data},
            )
        except DomainError as exc:
            messages.error(request, str(exc.message))


class EventInline(GuardedAdminMixin, ReadOnlyMixin, admin.TabularInline):
    model = ComplaintEvent
    fields = ("at", "verb", "actor", "from_state", "to_state", "note")
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Complaint)
class ComplaintAdmin(ReadOnlyAdmin):
    list_display = (
        "tracking_code",
        "title",
        "category",
        "status",
        "department",
        "handler",
        "escalation_level",
        "submitted_at",
        "accept_due_at",
        "reply_due_at",
    )
    list_filter = ("status", "category", "escalation_level", "channel")
    list_select_related = ("department", "department__unit", "handler")
    search_fields = ("tracking_code", "title")
    date_hierarchy = "submitted_at"
    # Who complained, and the key to his complaint on the public side: never here. The only way to
    # see a complainant is the recorded reveal on the workbench.
    hidden_fields = (*IDENTITY_FIELDS, "access_key_hash")
    inlines = (EventInline,)


@admin.register(ComplaintEvent)
class ComplaintEventAdmin(ReadOnlyAdmin):
    list_display = ("at", "complaint", "verb", "actor", "from_state", "to_state")
    list_filter = ("verb",)
    list_select_related = ("complaint", "actor")
    search_fields = ("complaint__tracking_code",)
    date_hierarchy = "at"


@admin.register(Attachment)
class AttachmentAdmin(ReadOnlyAdmin):
    list_display = ("original_name", "complaint", "content_type", "size", "uploaded_at")
    list_select_related = ("complaint",)
    search_fields = ("complaint__tracking_code",)
    # Files are downloaded from the complaint's workbench page, which checks visibility.
    exclude = ("file",)


@admin.register(ExtensionRequest)
class ExtensionRequestAdmin(ReadOnlyAdmin):
    list_display = ("complaint", "days", "status", "requested_by", "requested_at", "decided_by", "decided_at")
    list_filter = ("status",)
    list_select_related = ("complaint", "requested_by", "decided_by")
    search_fields = ("complaint__tracking_code",)


@admin.register(IdentityAccess)
class IdentityAccessAdmin(ReadOnlyAdmin):
    list_display = ("complaint", "user", "kind", "status", "requested_at", "decided_by", "decided_at")
    list_filter = ("kind", "status")
    list_select_related = ("complaint", "user", "decided_by")
    search_fields = ("complaint__tracking_code", "user__username")
