"""Admin of the shared pieces. Audit events, notifications and outgoing e-mails are written by
services only, so the admin shows them read-only; the one thing it may do is ask the outbox for
another attempt, through a service. (The API token admin comes with rest_framework.authtoken.)"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from workstyle import services
from workstyle.models import AuditEvent, Notification, OutboxEmail


class ReadOnlyMixin:
    """For a ModelAdmin or an inline of rows that only services write: shows them, never adds,
    changes or deletes them (the change page is a read-only view)."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyAdmin(ReadOnlyMixin, admin.ModelAdmin):
    pass


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("at", "verb_display", "actor", "target_type", "target_id", "note")
    list_filter = ("verb", "target_type")
    list_select_related = ("actor", "target_type")
    search_fields = ("note", "target_id", "actor__username")
    date_hierarchy = "at"

    @admin.display(description=_("event"), ordering="verb")
    def verb_display(self, obj: AuditEvent) -> str:
        return obj.verb_label


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "recipient", "kind", "title", "read_at")
    list_filter = ("kind", ("read_at", admin.EmptyFieldListFilter))
    list_select_related = ("recipient",)
    search_fields = ("recipient__username", "kind")
    date_hierarchy = "created_at"


@admin.register(OutboxEmail)
class OutboxEmailAdmin(ReadOnlyAdmin):
    list_display = ("id", "created_at", "to", "subject", "status", "attempts", "next_attempt_at", "sent_at")
    list_filter = ("status",)
    search_fields = ("to", "subject")
    date_hierarchy = "created_at"
    actions = ("retry_now",)

    @admin.action(description=_("Retry now"), permissions=["retry"])
    def retry_now(self, request: HttpRequest, queryset: QuerySet[OutboxEmail]) -> None:
        count = services.outbox_retry(actor=request.user, emails=queryset, now=timezone.now())
        self.message_user(
            request,
            ngettext(
                "%(count)d e-mail queued for another attempt.",
                "%(count)d e-mails queued for another attempt.",
                count,
            )
            % {"count": count},
            messages.SUCCESS if count else messages.WARNING,
        )

    def has_retry_permission(self, request: HttpRequest) -> bool:
        # Retrying changes the outbox: the same permission as changing an e-mail would need.
        opts = self.opts
        return request.user.has_perm(f"{opts.app_label}.change_{opts.model_name}")
