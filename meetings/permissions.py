"""Who may do what to a meeting, its report and its rectification items. What a user may see is
``visible_to(user)`` of each model (``meetings.models``)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from cadres.models import Unit
from meetings.models import Meeting, MeetingReport, RectificationItem, UnitSecretary
from workstyle import roles
from workstyle.roles import Actor


def unit_is_head(user: Actor, unit: Unit) -> bool:
    """The unit's head himself (an active cadre with an account)."""
    cadre = roles.cadre_of(user)
    return cadre is not None and unit.head_id == cadre.pk


def unit_may_file(user: Actor, unit: Unit) -> bool:
    """The filer of a unit's meetings and reports: its head, or the secretary he names
    (Opinions III 1: the leading group reports on its own meeting)."""
    cadre = roles.cadre_of(user)
    if cadre is None:
        return False
    if unit.head_id == cadre.pk:
        return True
    # Read once for the user at hand (one query, however many rows a page asks it for).
    units = user.__dict__.get("_workstyle_secretary_of")
    if units is None:
        units = frozenset(UnitSecretary.objects.filter(cadre=cadre).values_list("unit_id", flat=True))
        user.__dict__["_workstyle_secretary_of"] = units
    return unit.pk in units


def unit_secretary_forget(cadre: Any) -> None:
    """Drop the memo of ``unit_may_file`` from the user object this cadre holds, after his
    secretaryships changed: an object kept across the change (a test, a command) must not answer
    from before it. Each request reads its user afresh, so nothing else can be stale."""
    field = type(cadre)._meta.get_field("user")
    if field.is_cached(cadre) and cadre.user is not None:
        cadre.user.__dict__.pop("_workstyle_secretary_of", None)


def units_filed_by(user: Actor) -> list[Unit]:
    """The units whose meetings the user files."""
    cadre = roles.cadre_of(user)
    if cadre is None:
        return []
    return list(Unit.objects.filter(Q(head=cadre) | Q(secretary__cadre=cadre), active=True).distinct().order_by("code"))


def meeting_may_file(user: Actor, meeting: Meeting) -> bool:
    return unit_may_file(user, meeting.unit)


def report_is_filer(user: Actor, report: MeetingReport) -> bool:
    return unit_may_file(user, report.meeting.unit)


def is_reviewer(user: Actor, _obj: Any = None) -> bool:
    """The two bodies the report goes to: the discipline commission's office and the organization
    department (Opinions III 1); either may send a report back."""
    return roles.is_discipline(user) or roles.is_orgdept(user)


def is_office(user: Actor, _obj: Any = None) -> bool:
    """The discipline office: accepts reports and verifies rectifications."""
    return roles.is_discipline(user)


def rectification_is_responsible(user: Actor, item: RectificationItem) -> bool:
    cadre = roles.cadre_of(user)
    return cadre is not None and item.responsible_id == cadre.pk


def rectification_is_filer(user: Actor, item: RectificationItem) -> bool:
    return unit_may_file(user, item.meeting.unit)
