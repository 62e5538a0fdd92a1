"""Reads of meetings, reports and rectification items that are more than a ``get``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from meetings.models import Meeting, MeetingReport, RectificationItem
from meetings.permissions import is_office, is_reviewer, units_filed_by
from meetings.transitions import RECTIFICATIONS, REPORTS
from workstyle.roles import Actor

RS = MeetingReport.Status
IS = RectificationItem.Status


def meeting_list_for(*, user: Any) -> QuerySet[Meeting]:
    """The meetings the user may see, with what a list shows."""
    return (
        Meeting.objects.visible_to(user)
        .select_related("unit", "report")
        .prefetch_related("attendees", "observers")
        .order_by("-held_on", "-id")
    )


def meeting_detail(*, user: Any, pk: int) -> Meeting:
    """One meeting the user may see, with everything its page and its report show."""
    items = RectificationItem.objects.select_related("responsible", "problem").order_by("deadline", "id")
    return (
        Meeting.objects.visible_to(user)
        .select_related("unit", "unit__head", "report")
        .prefetch_related(
            "attendees",
            "observers",
            "minutes__cadre",
            "problems__cadre",
            "problems__ethos",
            Prefetch("items", queryset=items),
        )
        .get(pk=pk)
    )


def report_list_for(*, user: Any) -> QuerySet[MeetingReport]:
    return MeetingReport.objects.visible_to(user).select_related("meeting", "meeting__unit")


def rectification_list_for(*, user: Any) -> QuerySet[RectificationItem]:
    return RectificationItem.objects.visible_to(user).select_related(
        "meeting", "meeting__unit", "responsible", "problem"
    )


def report_overdue_q(*, now: datetime) -> Q:
    return Q(status__in=tuple(MeetingReport.DEADLINES), due_at__lt=now)


def rectification_overdue_q(*, now: datetime) -> Q:
    return Q(status__in=tuple(RectificationItem.DEADLINES), due_at__lt=now)


def report_allowed_actions(*, user: Actor, report: MeetingReport) -> list[str]:
    return REPORTS.allowed_actions(user=user, obj=report)


def rectification_allowed_actions(*, user: Actor, item: RectificationItem) -> list[str]:
    return RECTIFICATIONS.allowed_actions(user=user, obj=item)


def meeting_counts(*, user: Any, now: datetime) -> dict[str, int]:
    """What waits for the user: reports to review (reviewers), reports to file and overdue items
    (filers), items to verify (the discipline office)."""
    counts = {"to_review": 0, "to_file": 0, "items_overdue": 0, "to_verify": 0}
    reports = MeetingReport.objects.visible_to(user)
    if is_reviewer(user):
        counts["to_review"] = reports.filter(status=RS.SUBMITTED).count()
    if is_office(user):
        counts["to_verify"] = RectificationItem.objects.visible_to(user).filter(status=IS.DONE).count()
    units = units_filed_by(user)
    if units:
        counts["to_file"] = reports.filter(meeting__unit__in=units, status__in=(RS.DRAFT, RS.RETURNED)).count()
    counts["items_overdue"] = (
        RectificationItem.objects.visible_to(user)
        .filter(rectification_overdue_q(now=now))
        .aggregate(n=Count("id"))["n"]
    )
    return counts
