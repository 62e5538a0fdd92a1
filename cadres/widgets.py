"""Inputs that help people choose a cadre or a department without knowing codes or numbers. They
work without script (the list is in the page) and, with htmx, narrow as one types or chooses;
no inline script or style, so the CSP stays strict."""

from __future__ import annotations

from typing import Any

from django import forms
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe


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
