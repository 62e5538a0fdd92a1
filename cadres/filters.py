"""Filters of the organisation lists, shared by the staff pages and the API.

Choices of units and departments come from ``visible_to(request.user)``: a reference to an object
out of the user's scope is refused like one that does not exist, so filters reveal nothing."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from cadres.models import Cadre, Department, PersonalReport, Unit
from cadres.widgets import DepartmentChoiceFilter, UnitChoiceFilter, department_follows_unit
from workstyle.filters import StrictBooleanFilter


def _visible_units(request: HttpRequest | None) -> QuerySet[Unit]:
    return Unit.objects.visible_to(getattr(request, "user", None))


def _visible_departments(request: HttpRequest | None) -> QuerySet[Department]:
    return Department.objects.visible_to(getattr(request, "user", None)).select_related("unit")


def _yes_no(label: Any) -> StrictBooleanFilter:
    # Any / yes / no (the strict filter's own widget).
    return StrictBooleanFilter(label=label)


def _search(label: Any) -> django_filters.CharFilter:
    return django_filters.CharFilter(label=label, method="filter_q", max_length=100)


class _SearchFilterSet(django_filters.FilterSet):
    """``q`` matches any of ``search_fields``, case-insensitively."""

    search_fields: tuple[str, ...] = ()

    def filter_q(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        value = value.strip()
        if not value:
            return queryset
        condition = Q()
        for field in self.search_fields:
            condition |= Q(**{f"{field}__icontains": value})
        return queryset.filter(condition)


class UnitFilter(_SearchFilterSet):
    search_fields = ("name", "code")
    q = _search(_("Search (name or code)"))
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Unit.Kind.choices, empty_label=_("Any"))
    parent = django_filters.ModelChoiceFilter(label=_("Parent unit"), queryset=_visible_units, empty_label=_("Any"))
    active = _yes_no(_("Active"))

    class Meta:
        model = Unit
        fields = ("q", "kind", "parent", "active")


class DepartmentFilter(_SearchFilterSet):
    search_fields = ("name", "code")
    q = _search(_("Search (name or code)"))
    unit = UnitChoiceFilter(label=_("Unit"), queryset=_visible_units, empty_label=_("Any"))
    active = _yes_no(_("Active"))

    class Meta:
        model = Department
        fields = ("q", "unit", "active")


class CadreFilter(_SearchFilterSet):
    search_fields = ("name", "staff_number")
    q = _search(_("Search (name or staff number)"))
    unit = UnitChoiceFilter(label=_("Unit"), queryset=_visible_units, empty_label=_("Any"))
    department = DepartmentChoiceFilter(label=_("Department"), queryset=_visible_departments, empty_label=_("Any"))
    rank = django_filters.ChoiceFilter(label=_("Rank"), choices=Cadre.Rank.choices, empty_label=_("Any"))
    is_leading = _yes_no(_("Leading cadre"))
    active = _yes_no(_("Active"))

    class Meta:
        model = Cadre
        fields = ("q", "unit", "department", "rank", "is_leading", "active")

    @property
    def form(self) -> Any:
        # The department list follows the unit chosen: narrowed here, and refilled by htmx when
        # the unit changes.
        form = super().form
        if not getattr(form, "_department_follows_unit", False):
            form._department_follows_unit = True
            department_follows_unit(form.fields["unit"], "id_department")
            unit = str(form.data.get("unit", "")) if form.is_bound else ""
            if unit.isdigit():
                departments = form.fields["department"]
                departments.queryset = departments.queryset.filter(unit_id=int(unit))
        return form


class PersonalReportFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter(label=_("Year"))
    unit = django_filters.ModelChoiceFilter(
        label=_("Unit"), field_name="cadre__unit", queryset=_visible_units, empty_label=_("Any")
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=PersonalReport.Status.choices, empty_label=_("Any"))

    class Meta:
        model = PersonalReport
        fields = ("year", "unit", "status")
