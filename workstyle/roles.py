"""Roles (docs/ARCHITECTURE.md, "Roles and visibility"). Groups carry the office-wide roles; heading
a department or a unit is read from the organisation itself, so there is nothing to keep in sync."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ObjectDoesNotExist

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    from cadres.models import Cadre

# Who takes an action: a signed-in user, an anonymous visitor, or None for the system (a sweep,
# the beat) and for the complainant on the public side, who has no account.
type Actor = AbstractBaseUser | AnonymousUser | None

DISCIPLINE = "discipline"
# The head of the discipline office: reads who looked at a complainant's identity, and when.
DISCIPLINE_LEADER = "discipline_leader"
ORGDEPT = "orgdept"
GROUPS = (DISCIPLINE, DISCIPLINE_LEADER, ORGDEPT)


def _groups(user: Any) -> frozenset[str]:
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_workstyle_groups", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        user._workstyle_groups = cached
    return cached


def is_discipline(user: Any) -> bool:
    """Discipline office staff: everything operational."""
    return DISCIPLINE in _groups(user)


def is_discipline_leader(user: Any) -> bool:
    """The discipline office's leader (a member of the office too)."""
    return DISCIPLINE_LEADER in _groups(user) and is_discipline(user)


def is_orgdept(user: Any) -> bool:
    """Organization department staff: cadres, units, reports, appraisals; never identities."""
    return ORGDEPT in _groups(user)


def sees_whole_organisation(user: Any) -> bool:
    """Who may read every unit, department and cadre."""
    return bool(getattr(user, "is_superuser", False)) or is_discipline(user) or is_orgdept(user)


def cadre_of(user: Any) -> Cadre | None:
    """The user's cadre record, while the cadre is active: one who has left the office keeps his
    record (and his timeline), but his account no longer speaks for him."""
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        cadre = user.cadre
    except ObjectDoesNotExist:  # the reverse one-to-one: no cadre record
        return None
    return cadre if cadre.active else None


def is_staff_user(user: Any) -> bool:
    """May use the workbench: office staff, or any cadre with an account."""
    return sees_whole_organisation(user) or cadre_of(user) is not None


def role_labels(user: Any) -> list[str]:
    from django.utils.translation import gettext as _

    labels = []
    if getattr(user, "is_superuser", False):
        labels.append(_("Administrator"))
    if is_discipline(user):
        labels.append(_("Discipline office"))
    if is_discipline_leader(user):
        labels.append(_("Leader of the discipline office"))
    if is_orgdept(user):
        labels.append(_("Organization department"))
    cadre = cadre_of(user)
    if cadre is not None:
        if cadre.headed_units.exists():
            labels.append(_("Unit head"))
        if cadre.headed_departments.exists():
            labels.append(_("Department head"))
        labels.append(_("Cadre"))
    return labels
