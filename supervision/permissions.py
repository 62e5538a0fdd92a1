"""Who may do what to an accountability case. What a user may see is
``AccountabilityCase.objects.visible_to(user)`` (``supervision.models``)."""

from __future__ import annotations

from workstyle import roles
from workstyle.roles import Actor


def case_may_manage(user: Actor) -> bool:
    """Opening, investigating, deciding and closing cases is the discipline office's business (and
    the administrator's); the organization department only reads them."""
    return bool(getattr(user, "is_superuser", False)) or roles.is_discipline(user)


def case_may_read(user: Actor) -> bool:
    """The case pages are for the discipline office and the organization department."""
    return roles.sees_whole_organisation(user)


def notice_may_draft(user: Actor) -> bool:
    """Notices are written by the discipline office."""
    return bool(getattr(user, "is_superuser", False)) or roles.is_discipline(user)


def notice_may_publish(user: Actor) -> bool:
    """Publishing a notice, or withdrawing one, is for the office's leader."""
    return roles.is_discipline_leader(user)
