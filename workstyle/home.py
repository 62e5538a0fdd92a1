"""The public home page's sections, contributed by the apps without imports between them: the
complaints app tells what happens to a complaint, the supervision app shows the latest public
notices. A section is a template and its context, or None when it has nothing to show."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest

HomeSection = Callable[[HttpRequest], tuple[str, dict[str, Any]] | None]
_SECTIONS: list[tuple[int, HomeSection]] = []


def register_home_section(section: HomeSection, *, order: int = 50) -> HomeSection:
    """Add ``section`` to the home page; lower ``order`` comes first."""
    if all(existing is not section for _order, existing in _SECTIONS):
        _SECTIONS.append((order, section))
        _SECTIONS.sort(key=lambda item: item[0])
    return section


def home_sections(request: HttpRequest) -> list[tuple[str, dict[str, Any]]]:
    shown = []
    for _order, section in _SECTIONS:
        result = section(request)
        if result is not None:
            shown.append(result)
    return shown
