"""The case list as an export: ``case_list_for`` (``AccountabilityCase.objects.visible_to``: no case
held against the user, none about a complaint he is recused from) with the list's filters and order,
and the columns of the list."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from supervision.filters import CaseFilter
from supervision.models import AccountabilityCase
from supervision.permissions import case_may_read
from supervision.selectors import case_list_for
from workstyle.exports import (
    Column,
    ExportKind,
    ExportPlan,
    choice_label,
    filterset_errors,
    local_date,
    local_datetime_column,
    register_export_kind,
)


def case_export_plan(user: Any, params: QueryDict, now: dt.datetime) -> ExportPlan:
    queryset = case_list_for(user=user).order_by("-opened_at", "-id")
    filterset = CaseFilter(params or None, queryset=queryset)
    if params and not filterset.is_valid():
        raise filterset_errors(filterset)
    forms = choice_label(AccountabilityCase.Form.choices)
    columns = [
        Column("pk", _("No.")),
        Column("subject_cadre__staff_number", _("Staff number")),
        Column("subject_cadre__name", _("Cadre held accountable")),
        Column("subject_unit__name", _("Party organization held accountable")),
        Column("source", _("Source"), choice_label(AccountabilityCase.Source.choices)),
        Column("complaint__tracking_code", _("Complaint")),
        local_datetime_column("opened_at", _("Opened")),
        Column("status", _("Status"), choice_label(AccountabilityCase.Status.choices)),
        Column(
            "decision_forms", _("Forms of accountability"), lambda value: "、".join(forms(f) or "" for f in value or [])
        ),
        Column("decision_date", _("Decision date"), local_date),
    ]
    return ExportPlan(queryset=filterset.qs, columns=columns)


CASES_EXPORT = register_export_kind(
    ExportKind(
        key="cases",
        title=_("Accountability cases"),
        may_export=case_may_read,
        plan=case_export_plan,
        params=tuple(CaseFilter.base_filters),
    )
)
