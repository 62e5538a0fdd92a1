"""Who may do what with commitments and appraisals. What a user may see is the models'
``visible_to(user)``."""

from __future__ import annotations

from typing import Any

from workstyle import roles
from workstyle.roles import Actor


def ethos_may_organise(user: Actor) -> bool:
    """Opening commitment years, reviewing commitments and running appraisal rounds is the
    organization department's business (and the administrator's)."""
    return bool(getattr(user, "is_superuser", False)) or roles.is_orgdept(user)


def commitment_is_own(user: Actor, commitment: Any) -> bool:
    cadre = roles.cadre_of(user)
    return cadre is not None and commitment.cadre_id == cadre.pk


def ethos_sees_all(user: Actor) -> bool:
    """The organization department and the discipline office see every commitment and result."""
    return roles.sees_whole_organisation(user)
