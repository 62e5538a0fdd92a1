"""Reads of the organisation that are more than a ``get``; every one starts from ``visible_to``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q

from cadres.models import Cadre, Department, Unit


@dataclass
class UnitNode:
    unit: Unit
    departments: int = 0
    cadres: int = 0
    children: list[UnitNode] = field(default_factory=list)


def unit_tree(*, user: Any) -> list[UnitNode]:
    """The units the user may see, as a forest: a visible unit whose parent is out of scope is a root.

    Three queries whatever the size of the tree; the counts are of visible departments and cadres,
    so that a count and the list it links to always agree."""
    units = list(Unit.objects.visible_to(user).select_related("head").order_by("code"))
    departments = department_counts_by_unit(user=user)
    cadres = cadre_counts_by_unit(user=user)
    nodes = {
        unit.pk: UnitNode(unit=unit, departments=departments.get(unit.pk, 0), cadres=cadres.get(unit.pk, 0))
        for unit in units
    }
    roots: list[UnitNode] = []
    for unit in units:
        parent = nodes.get(unit.parent_id) if unit.parent_id is not None else None
        (parent.children if parent is not None else roots).append(nodes[unit.pk])
    return roots


def department_counts_by_unit(*, user: Any) -> dict[int, int]:
    rows = Department.objects.visible_to(user).order_by().values("unit_id").annotate(n=Count("id"))
    return {row["unit_id"]: row["n"] for row in rows}


def cadre_counts_by_unit(*, user: Any) -> dict[int, int]:
    rows = Cadre.objects.visible_to(user).order_by().values("unit_id").annotate(n=Count("id"))
    return {row["unit_id"]: row["n"] for row in rows}


def cadre_counts_by_department(*, user: Any) -> dict[int, int]:
    rows = (
        Cadre.objects.visible_to(user)
        .filter(department__isnull=False)
        .order_by()
        .values("department_id")
        .annotate(n=Count("id"))
    )
    return {row["department_id"]: row["n"] for row in rows}


# Enough to choose from while typing; the list narrows as more is typed.
SEARCH_LIMIT = 20


def cadre_search(*, user: Any, text: str, limit: int = SEARCH_LIMIT) -> list[Cadre]:
    """Active cadres the user may see whose name, staff number, position or department matches
    ``text``: the choices a form's cadre field offers as it is typed."""
    queryset = Cadre.objects.visible_to(user).filter(active=True).select_related("unit", "department")
    text = text.strip()
    if text:
        queryset = queryset.filter(
            Q(name__icontains=text)
            | Q(staff_number__istartswith=text)
            | Q(position__icontains=text)
            | Q(department__name__icontains=text)
            | Q(unit__name__icontains=text)
        )
    return list(queryset.order_by("name", "staff_number")[:limit])


def department_list_of_unit(*, user: Any, unit_id: int | None) -> list[Department]:
    """The departments the user may see, of one unit when one is named: a form's department
    choices once its unit is chosen."""
    queryset = Department.objects.visible_to(user).select_related("unit")
    if unit_id is not None:
        queryset = queryset.filter(unit_id=unit_id)
    return list(queryset.order_by("unit__name", "name"))
