"""Meeting reports and rectification items on the deadline ladder (``workstyle.ladder``), the same
ladder as complaints: a reminder before the deadline, the unit's head at level 1 when it passes,
the discipline office with one accountability case at level 2 when it is still not met some days
later. This module only declares the two kinds and registers them; the sweep is the ladder's."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from meetings.models import MeetingReport, MeetingReportEvent, RectificationEvent, RectificationItem
from workstyle.deadlines import LOCAL_TZ
from workstyle.ladder import DUE, OFFICE, LadderCase, LadderKind, LadderStep, Recipient, Row, ladder_register

# ``AccountabilityCase.Source.MEETING``, spelt out: this app does not depend on the one that keeps
# the cases (the ladder's case opener refuses a source it does not know).
CASE_SOURCE = "meeting"

_UNIT = ("meeting__unit_id", "meeting__unit__name", "meeting__unit__head__user", "meeting__unit__head__active")


def _head_user(row: Row) -> int | None:
    return row["meeting__unit__head__user"] if row["meeting__unit__head__active"] else None


def _due_text(deadline: datetime) -> str:
    return timezone.localtime(deadline, LOCAL_TZ).date().isoformat()


# --- reports --------------------------------------------------------------------------------------------


def _report_remind_whom(row: Row) -> Sequence[Recipient]:
    # The secretary drafts the report for the head; the head when there is none.
    secretary = row["meeting__unit__secretary__cadre__user"] if row["meeting__unit__secretary__cadre__active"] else None
    return [secretary, _head_user(row), OFFICE]


def _report_case(row: Row) -> LadderCase:
    """Held against the unit's party organization: the leading group owes the report (Opinions III 1)."""
    allegation = gettext(
        "The special report on the democratic life meeting of %(unit)s held on %(held_on)s was not submitted by "
        "its deadline of %(due)s, nor within %(days)s days after it was escalated to the unit's head."
    ) % {
        "unit": row["meeting__unit__name"],
        "held_on": row["meeting__held_on"].isoformat(),
        "due": _due_text(row[DUE]),
        "days": settings.WORKSTYLE_ESCALATION_DAYS,
    }
    return LadderCase(source=CASE_SOURCE, allegation=allegation, subject_unit_id=row["meeting__unit_id"])


def _report_params(row: Row) -> dict[str, Any]:
    return {"unit": row["meeting__unit__name"], "held_on": row["meeting__held_on"].isoformat()}


REPORT_LADDER = LadderKind(
    name="meeting_reports",
    label=_("Meeting reports"),
    model=MeetingReport,
    deadlines=MeetingReport.DEADLINES,
    fields=(
        "meeting_id",
        "meeting__held_on",
        *_UNIT,
        "meeting__unit__secretary__cadre__user",
        "meeting__unit__secretary__cadre__active",
    ),
    reminder=LadderStep(notify=_report_remind_whom, notice="meeting_report_reminder"),
    level_1=LadderStep(notify=lambda row: [_head_user(row), OFFICE], notice="meeting_report_overdue"),
    level_2=LadderStep(notify=lambda row: [OFFICE], notice="meeting_report_overdue_office"),
    params=_report_params,
    url=lambda row: reverse("meetings:detail", args=[row["meeting_id"]]),
    event_model=MeetingReportEvent,
    event_fk="report",
    case=_report_case,
    describe=lambda row: f"{row['meeting__unit__name']} {row['meeting__held_on']}",
)
ladder_register(REPORT_LADDER)


# --- rectification items -------------------------------------------------------------------------------


def _responsible_user(row: Row) -> int | None:
    return row["responsible__user"] if row["responsible__active"] else None


def _measure(row: Row) -> str:
    text = " ".join(str(row["measure"]).split())
    return text if len(text) <= 40 else text[:39] + "…"


def _item_case(row: Row) -> LadderCase:
    """Held against the cadre who answers for the measure."""
    allegation = gettext(
        "The rectification measure “%(measure)s” of %(unit)s was not completed by its deadline of %(due)s, nor "
        "within %(days)s days after it was escalated to the unit's head."
    ) % {
        "measure": _measure(row),
        "unit": row["meeting__unit__name"],
        "due": _due_text(row[DUE]),
        "days": settings.WORKSTYLE_ESCALATION_DAYS,
    }
    return LadderCase(
        source=CASE_SOURCE,
        allegation=allegation,
        subject_cadre_id=row["responsible_id"],
        subject_unit_id=row["meeting__unit_id"],
    )


RECTIFICATION_LADDER = LadderKind(
    name="rectifications",
    label=_("Rectification items"),
    model=RectificationItem,
    deadlines=RectificationItem.DEADLINES,
    fields=("measure", "responsible_id", "responsible__user", "responsible__active", *_UNIT),
    reminder=LadderStep(
        notify=lambda row: [_responsible_user(row), _head_user(row), OFFICE], notice="rectification_reminder"
    ),
    level_1=LadderStep(notify=lambda row: [_head_user(row), OFFICE], notice="rectification_overdue"),
    level_2=LadderStep(notify=lambda row: [OFFICE], notice="rectification_overdue_office"),
    params=lambda row: {"unit": row["meeting__unit__name"], "measure": _measure(row)},
    url=lambda row: reverse("meetings:item", args=[row["pk"]]),
    event_model=RectificationEvent,
    event_fk="item",
    case=_item_case,
    describe=lambda row: f"{row['meeting__unit__name']}: {_measure(row)}",
)
ladder_register(RECTIFICATION_LADDER)
