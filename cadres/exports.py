"""The cadre roster as an export: ``Cadre.objects.visible_to(user)`` with the roster page's filters
and order, and the columns of the page."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from cadres.filters import CadreFilter
from cadres.models import Cadre
from workstyle import roles
from workstyle.exports import (
    Column,
    ExportKind,
    ExportPlan,
    ViewerRequest,
    choice_label,
    filterset_errors,
    register_export_kind,
    yes_no,
)


def roster_export_plan(user: Any, params: QueryDict, now: dt.datetime) -> ExportPlan:
    queryset = Cadre.objects.visible_to(user).order_by("unit__code", "staff_number")
    filterset = CadreFilter(params or None, queryset=queryset, request=ViewerRequest(user))
    if params and not filterset.is_valid():
        raise filterset_errors(filterset)
    columns = [
        Column("staff_number", _("Staff number")),
        Column("name", _("Name")),
        Column("unit__name", _("Unit")),
        Column("department__name", _("Department")),
        Column("position", _("Position")),
        Column("rank", _("Rank"), choice_label(Cadre.Rank.choices)),
        Column("is_leading", _("Leading cadre"), yes_no),
        Column("active", _("Active"), yes_no),
    ]
    return ExportPlan(queryset=filterset.qs, columns=columns)


ROSTER_EXPORT = register_export_kind(
    ExportKind(
        key="roster",
        title=_("Cadre roster"),
        may_export=roles.is_staff_user,
        plan=roster_export_plan,
        params=tuple(CadreFilter.base_filters),
    )
)
