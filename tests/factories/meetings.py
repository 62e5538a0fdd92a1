"""Meetings built through the real services: a unit's leading group, a meeting with its report in
any state, problems and rectification items."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from cadres.models import Ethos
from meetings import services
from meetings.models import Meeting, MeetingReport, Problem, RectificationItem
from meetings.transitions import REPORTS
from tests.factories.org import CadreFactory, UserFactory


@dataclass
class Group:
    """A unit's leading group: its head (who files), another leading cadre, a plain cadre."""

    unit: Any
    head: Any
    deputy: Any
    clerk: Any


def leading_group(unit: Any, *, prefix: str) -> Group:
    head = CadreFactory(
        unit=unit, department=None, name=f"{prefix}书记", user=UserFactory(username=f"{prefix}-head"), is_leading=True
    )
    unit.head = head
    unit.save(update_fields=["head"])
    deputy = CadreFactory(
        unit=unit, department=None, name=f"{prefix}副职", user=UserFactory(username=f"{prefix}-deputy"), is_leading=True
    )
    clerk = CadreFactory(unit=unit, department=None, name=f"{prefix}科员", user=UserFactory(username=f"{prefix}-clerk"))
    return Group(unit, head, deputy, clerk)


def make_meeting(
    group: Group,
    *,
    now: dt.datetime,
    held_on: dt.date | None = None,
    observers: tuple[Any, ...] = (),
    status: str = MeetingReport.Status.DRAFT,
    reviewer: Any = None,
    office: Any = None,
) -> Meeting:
    """A meeting of ``group`` with one problem, its report walked to ``status`` by the table's path."""
    held_on = held_on or (now - dt.timedelta(days=2)).date()
    meeting = services.meeting_create(
        actor=group.head.user,
        unit=group.unit,
        held_on=held_on,
        attendees=[group.head, group.deputy],
        observers=list(observers),
        now=now,
    )
    services.meeting_add_problem(
        actor=group.head.user,
        meeting=meeting,
        text=f"{group.unit.name}：调查研究不深入",
        ethos=Ethos.objects.get(code="pragmatism"),
        cadre=group.deputy,
        now=now,
    )
    report = meeting.report
    for action in REPORTS.path(status):
        actor = {"submit": group.head.user, "accept": office, "return": reviewer or office}[action]
        kwargs: dict[str, Any] = {"reason": "请补充整改措施。"} if action == "return" else {}
        report = REPORTS.service(services, action)(actor=actor, report=report, now=now, **kwargs)
    meeting.refresh_from_db()
    return meeting


def make_item(
    meeting: Meeting, *, now: dt.datetime, responsible: Any, deadline: dt.date, problem: Problem | None = None
) -> RectificationItem:
    """An item on the meeting's list. The report must still be with the unit."""
    return services.rectification_create(
        actor=meeting.unit.head.user,
        problem=problem or meeting.problems.first(),
        measure="建立调研制度，每季度到基层调研不少于两次。",
        responsible=responsible,
        deadline=deadline,
        now=now,
    )
