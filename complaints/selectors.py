"""Reads of complaints that are more than a ``get``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q

from workstyle import roles

if TYPE_CHECKING:
    from complaints.models import ComplaintQuerySet


def complaint_visible_to(qs: ComplaintQuerySet, user: Any) -> ComplaintQuerySet:
    """DESIGN §1. The discipline office sees every complaint; the organization department reads
    them all (never the complainant's identity). A cadre sees the complaints of the department he
    heads, those he answers for as responsible head, and those assigned to him. A complaint that
    names a cadre is never visible to that cadre, whatever his role (recusal)."""
    if getattr(user, "is_superuser", False) or roles.is_discipline(user):
        return qs
    cadre = roles.cadre_of(user)
    if roles.is_orgdept(user):
        return qs.exclude(accused_cadre=cadre) if cadre is not None else qs
    if cadre is None:
        return qs.none()
    return qs.filter(Q(department__head=cadre) | Q(responsible_head=cadre) | Q(handler=cadre)).exclude(
        accused_cadre=cadre
    )
