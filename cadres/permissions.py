"""Who may do what to a cadre's own records: debriefings and personal-matter reports. What a user
may see is each model's ``visible_to(user)`` (``cadres.models``)."""

from __future__ import annotations

from typing import Any

from workstyle import roles
from workstyle.roles import Actor


def is_own(user: Actor, record: Any) -> bool:
    """The record is the user's own (he files it)."""
    cadre = roles.cadre_of(user)
    return cadre is not None and cadre.pk == record.cadre_id


def orgdept_may_manage(user: Actor) -> bool:
    """Calling for debriefings and reviewing them is the organization department's business."""
    return bool(getattr(user, "is_superuser", False)) or roles.is_orgdept(user)
