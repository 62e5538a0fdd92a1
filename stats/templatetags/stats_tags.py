from typing import Any

from django import template

register = template.Library()


@register.filter
def pct(value: Any) -> str:
    """A share of 0..1 as a percentage with one decimal; a dash when there was nothing to count."""
    if value is None or value == "":
        return "—"
    return f"{float(value) * 100:.1f}%"
