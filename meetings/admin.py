"""Admin of the meetings. Meetings, reports and rectification items change only through their
services (each change writes its event), so the admin shows them read-only; the workbench pages do
the work."""

from __future__ import annotations

from django.contrib import admin

from meetings.models import Meeting, MeetingReport, MeetingReportEvent, RectificationEvent, RectificationItem
from workstyle.admin import GuardedAdminMixin, ReadOnlyAdmin, ReadOnlyMixin


class ReportEventInline(GuardedAdminMixin, ReadOnlyMixin, admin.TabularInline):
    model = MeetingReportEvent
    fields = ("at", "actor", "verb", "from_state", "to_state", "note")
    readonly_fields = fields
    ordering = ("at", "id")
    extra = 0


class RectificationEventInline(GuardedAdminMixin, ReadOnlyMixin, admin.TabularInline):
    model = RectificationEvent
    fields = ("at", "actor", "verb", "from_state", "to_state", "note")
    readonly_fields = fields
    ordering = ("at", "id")
    extra = 0


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyAdmin):
    list_display = ("id", "unit", "held_on", "theme")
    list_select_related = ("unit",)
    search_fields = ("unit__name", "theme")
    date_hierarchy = "held_on"


@admin.register(MeetingReport)
class MeetingReportAdmin(ReadOnlyAdmin):
    list_display = ("id", "meeting", "status", "due_at", "submitted_at", "accepted_at", "escalation_level")
    list_filter = ("status", "escalation_level")
    list_select_related = ("meeting__unit",)
    inlines = [ReportEventInline]


@admin.register(RectificationItem)
class RectificationItemAdmin(ReadOnlyAdmin):
    list_display = ("id", "meeting", "responsible", "deadline", "status", "escalation_level")
    list_filter = ("status", "escalation_level")
    list_select_related = ("meeting__unit", "responsible")
    search_fields = ("measure", "responsible__name")
    inlines = [RectificationEventInline]
