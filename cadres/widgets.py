"""Inputs that help people choose a cadre or a department without knowing codes or numbers. They
work without script (the list is in the page) and, with htmx, narrow as one types or chooses;
no inline script or style, so the CSP stays strict."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import django_filters
from django import forms
from django.forms.models import ModelChoiceIterator
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from cadres.models import Department, Unit


class CadreSearchInput(forms.TextInput):
    """A staff-number field that suggests cadres by name, position or department as one types:
    an ``<input list>`` whose ``<datalist>`` the search endpoint refills. The value stays the staff
    number, which the form's field looks the cadre up by."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"autocomplete": "off", "inputmode": "search", **(attrs or {})})

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        attrs = dict(attrs or {})
        list_id = f"{attrs.get('id') or 'id_' + name}_options"
        url = f"{reverse('cadres:cadre_options')}?field={name}"
        attrs.update(
            {
                "list": list_id,
                "hx-get": url,
                "hx-trigger": "input changed delay:250ms",
                "hx-target": f"#{list_id}",
                "hx-swap": "innerHTML",
                "hx-sync": "this:replace",
            }
        )
        field = super().render(name, value, attrs, renderer)
        options = render_to_string("cadres/_cadre_options.html", {"cadres": self.initial_cadres})
        return format_html('{}<datalist id="{}">{}</datalist>', field, list_id, mark_safe(options))  # noqa: S308

    # Filled by the form with what the user may see (``cadres.selectors.cadre_search``).
    initial_cadres: list[Any] = []


def department_follows_unit(unit_field: forms.Field, department_field_id: str) -> None:
    """Have a unit select refill the department select (by id) with that unit's departments."""
    unit_field.widget.attrs.update(
        {
            "hx-get": reverse("cadres:department_options"),
            "hx-trigger": "change",
            "hx-target": f"#{department_field_id}",
            "hx-swap": "innerHTML",
        }
    )


class UnitsByKindIterator(ModelChoiceIterator):
    """A unit select's options grouped by the kind of unit (party organs, government organs, …,
    townships) in that order, by name within each group: a city's sixty units read as a short
    list of groups, on a phone's native picker as well."""

    def __iter__(self) -> Iterator[Any]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        groups: dict[str, list[Any]] = {kind: [] for kind in Unit.Kind.values}
        others: list[Any] = []
        for unit in self.queryset.order_by("name"):
            groups.get(unit.kind, others).append(self.choice(unit))
        labels = dict(Unit.Kind.choices)
        for kind, options in groups.items():
            if options:
                yield (labels[kind], options)
        if others:
            yield (_("Other"), others)


class UnitChoiceField(forms.ModelChoiceField):
    """A choice of unit, its options grouped by kind (``UnitsByKindIterator``)."""

    iterator = UnitsByKindIterator


class UnitChoiceFilter(django_filters.ModelChoiceFilter):
    """A list filter by unit with its options grouped by kind."""

    field_class = UnitChoiceField


class DepartmentsByUnitIterator(ModelChoiceIterator):
    """A department select's options grouped by unit, the units in the order of a unit select
    (by kind, then by name: ``UnitsByKindIterator``) and the departments by name within each: the
    办公室 of thirty units are told apart by their group, not by a long "unit · department" label."""

    def __iter__(self) -> Iterator[Any]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        departments = self.queryset.select_related("unit").order_by("unit__name", "unit_id", "name")
        for unit, members in self.groups(departments):
            yield (unit.name, [self.choice(department) for department in members])

    @staticmethod
    def groups(departments: Iterable[Department]) -> Iterator[tuple[Unit, list[Department]]]:
        """The departments (ordered by unit name, then name) as (unit, departments) in the order of
        a unit select: by kind, then by name."""
        by_unit: dict[int, tuple[Unit, list[Department]]] = {}
        for department in departments:
            by_unit.setdefault(department.unit_id, (department.unit, []))[1].append(department)
        rank = {kind: i for i, kind in enumerate(Unit.Kind.values)}
        # A stable sort keeps the units by name within a kind; a kind unknown to the list goes last.
        yield from sorted(by_unit.values(), key=lambda entry: rank.get(entry[0].kind, len(rank)))


class DepartmentChoiceField(forms.ModelChoiceField):
    """A choice of department, its options grouped by unit (``DepartmentsByUnitIterator``) and
    labelled by the department's name alone: the unit is the group."""

    iterator = DepartmentsByUnitIterator

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class DepartmentChoiceFilter(django_filters.ModelChoiceFilter):
    """A list filter by department with its options grouped by unit."""

    field_class = DepartmentChoiceField
