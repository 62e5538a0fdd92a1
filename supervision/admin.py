"""Admin of supervision. Cases change only through their services (each change writes its event),
so the admin shows them, with their timeline, read-only; the workbench pages do the work."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from supervision.models import AccountabilityCase, CaseEvent
from workstyle.admin import ReadOnlyMixin


class CaseEventInline(ReadOnlyMixin, admin.TabularInline):
    model = CaseEvent
    fields = ("at", "actor", "verb", "from_state", "to_state", "note")
    readonly_fields = fields
    ordering = ("at", "id")
    extra = 0


@admin.register(AccountabilityCase)
class AccountabilityCaseAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("id", "subject", "source", "status", "complaint", "opened_at", "decision_date")
    list_filter = ("status", "source")
    list_select_related = ("subject_cadre", "subject_unit", "complaint")
    search_fields = ("allegation", "subject_cadre__name", "subject_cadre__staff_number", "subject_unit__name")
    raw_id_fields = ("subject_cadre", "subject_unit", "complaint")
    date_hierarchy = "opened_at"
    inlines = [CaseEventInline]

    @admin.display(description=_("held accountable"))
    def subject(self, obj: AccountabilityCase) -> str:
        return str(obj.subject_cadre or obj.subject_unit)


@admin.register(CaseEvent)
class CaseEventAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("at", "case", "verb", "actor", "from_state", "to_state")
    list_filter = ("verb",)
    # The case's name is its subject's: without these, one query per row.
    list_select_related = ("case__subject_cadre", "case__subject_unit", "actor")
    date_hierarchy = "at"
