"""Reads of accountability cases that are more than a ``get``."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from supervision.models import AccountabilityCase
from supervision.transitions import CASES
from workstyle.roles import Actor

Status = AccountabilityCase.Status
OPEN_STATUSES = (Status.OPENED, Status.INVESTIGATING)


def case_list_for(*, user: Any) -> QuerySet[AccountabilityCase]:
    """The cases the user may see, with what a list shows."""
    return AccountabilityCase.objects.visible_to(user).select_related(
        "subject_cadre", "subject_unit", "complaint", "subject_cadre__unit"
    )


def case_allowed_actions(*, user: Actor, case: AccountabilityCase) -> list[str]:
    """The transitions this user may make on this case now, read from the transition table."""
    return CASES.allowed_actions(user=user, obj=case)


def case_open_counts(*, user: Any) -> dict[str, int]:
    """Cases waiting for an investigation, and all cases not yet decided, for the dashboard."""
    return AccountabilityCase.objects.visible_to(user).aggregate(
        to_investigate=Count("id", filter=Q(status=Status.OPENED)),
        open=Count("id", filter=Q(status__in=OPEN_STATUSES)),
    )
