"""Grants of access that an app above cadres adds to cadres' own records, without cadres importing
it. The discipline office reads a cadre's personal-matter reports only while it has a case open on
him; the cases are supervision's, so supervision registers that grant here from its ``ready()``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet

# A grant answers, for a user, the ids of the cadres whose personal-matter reports he may read
# (a values queryset, used as a subquery), or None when it grants him nothing.
ReportGrant = Callable[[Any], QuerySet[Any] | None]
_REPORT_GRANTS: list[ReportGrant] = []


def register_personal_report_grant(grant: ReportGrant) -> ReportGrant:
    if grant not in _REPORT_GRANTS:
        _REPORT_GRANTS.append(grant)
    return grant


def personal_report_grants(user: Any) -> list[QuerySet[Any]]:
    """The cadre-id subqueries the registered grants give ``user``."""
    return [granted for grant in _REPORT_GRANTS if (granted := grant(user)) is not None]
