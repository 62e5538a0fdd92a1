"""The integrity dossier (廉政档案): one page per cadre that brings his whole record together.

It is a registry of sections. Each app registers its sections from its ``AppConfig.ready()``
(``register_section``): a key, a title, an order, the template that shows it, and a provider
``(cadre, viewer) -> data | None``. The provider applies the viewer's rules itself (starting from
the records' ``visible_to``) and answers None when the viewer may see nothing of it, so that the
section is left out of the page, the JSON and the PDF alike. Its data is JSON: the API returns it as
it is and the template reads the same keys. This module knows no app above cadres."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.template.loader import render_to_string
from django.utils.functional import Promise

from cadres.models import Cadre
from cadres.pdf import html_to_pdf
from workstyle import roles

Provider = Callable[[Cadre, Any], Mapping[str, Any] | None]
# Called when a section was shown (``data``, viewer, channel, now): for records whose every reading
# is on record, such as personal-matter reports.
OnView = Callable[[Mapping[str, Any], Any, str, datetime], None]


@dataclass(frozen=True)
class DossierSection:
    key: str
    title: str | Promise
    order: int
    template: str
    provider: Provider
    on_view: OnView | None = None


@dataclass(frozen=True)
class FilledSection:
    key: str
    title: str
    template: str
    data: Mapping[str, Any]
    section: DossierSection


_SECTIONS: dict[str, DossierSection] = {}


def register_section(section: DossierSection) -> DossierSection:
    registered = _SECTIONS.get(section.key)
    if registered is not None and registered != section:
        raise ImproperlyConfigured(f"dossier section {section.key!r} is registered already")
    _SECTIONS[section.key] = section
    return section


def dossier_sections() -> list[DossierSection]:
    return sorted(_SECTIONS.values(), key=lambda s: (s.order, s.key))


def dossier_may_view(viewer: Any, cadre: Cadre) -> bool:
    """The discipline office, the organization department, and the cadre himself."""
    if roles.sees_whole_organisation(viewer):
        return True
    own = roles.cadre_of(viewer)
    return own is not None and own.pk == cadre.pk


def dossier_fill(*, cadre: Cadre, viewer: Any) -> list[FilledSection]:
    """The sections ``viewer`` may see of ``cadre``'s dossier, in order (call ``dossier_may_view``
    first: out of scope is 404)."""
    filled = []
    for section in dossier_sections():
        data = section.provider(cadre, viewer)
        if data is not None:
            filled.append(FilledSection(section.key, str(section.title), section.template, data, section))
    return filled


def dossier_viewed(*, sections: list[FilledSection], viewer: Any, channel: str, now: datetime) -> None:
    """Tell the sections that keep a log of readings that ``viewer`` was shown them."""
    for filled in sections:
        if filled.section.on_view is not None:
            filled.section.on_view(filled.data, viewer, channel, now)


def dossier_json(*, cadre: Cadre, sections: list[FilledSection], now: datetime) -> dict[str, Any]:
    """The dossier as the API returns it: the cadre, then each section's key, title and data."""
    return {
        "cadre": {
            "id": cadre.pk,
            "staff_number": cadre.staff_number,
            "name": cadre.name,
            "unit": cadre.unit.name,
            "department": cadre.department.name if cadre.department else None,
            "position": cadre.position,
            "rank": cadre.rank,
            "is_leading": cadre.is_leading,
        },
        "generated_at": now.isoformat(),
        "sections": [{"key": s.key, "title": s.title, "data": s.data} for s in sections],
    }


def dossier_pdf(*, cadre: Cadre, sections: list[FilledSection], viewer: Any, now: datetime) -> bytes:
    """The dossier as it prints, rendered to PDF on the server."""
    html = render_to_string(
        "cadres/dossier_print.html",
        {
            "cadre": cadre,
            "sections": sections,
            "generated": now,
            "viewer_name": viewer.get_full_name() or viewer.get_username(),
        },
    )
    return html_to_pdf(html)
