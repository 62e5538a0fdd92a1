"""Admin of supervision. Cases change only through their services (each change writes its event),
so the admin shows them, with their timeline, read-only; the workbench pages do the work. Nobody
sees a case held against himself here either, nor its events or the notices that link to it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.contrib import admin
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from supervision.models import AccountabilityCase, CaseEvent
from workstyle.admin import GuardedAdminMixin, ReadOnlyAdmin, ReadOnlyMixin, admin_register_hidden_mentions


def cases_not_visible(user: Any) -> Iterator[str]:
    """The workbench links of the cases ``user`` may not see, for the notices that link to them."""
    hidden = AccountabilityCase.objects.exclude(pk__in=AccountabilityCase.objects.visible_to(user).values("pk"))
    for pk in hidden.values_list("pk", flat=True):
        yield reverse("supervision:case_detail", args=[pk])


admin_register_hidden_mentions(cases_not_visible)


class CaseEventInline(GuardedAdminMixin, ReadOnlyMixin, admin.TabularInline):
    model = CaseEvent
    fields = ("at", "actor", "verb", "from_state", "to_state", "note")
    readonly_fields = fields
    ordering = ("at", "id")
    extra = 0


@admin.register(AccountabilityCase)
class AccountabilityCaseAdmin(ReadOnlyAdmin):
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
class CaseEventAdmin(ReadOnlyAdmin):
    list_display = ("at", "case", "verb", "actor", "from_state", "to_state")
    list_filter = ("verb",)
    # The case's name is its subject's: without these, one query per row.
    list_select_related = ("case__subject_cadre", "case__subject_unit", "actor")
    date_hierarchy = "at"
