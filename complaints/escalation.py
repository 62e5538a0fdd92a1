"""Complaints on the deadline ladder (``workstyle.ladder``): a reminder before the deadline that
runs now, level 1 (the responsible head) when it passes, level 2 (the discipline office, with one
accountability case for procrastination) when it is still unanswered some days later.

This module only declares the kind — its deadline (``Complaint.due_at``, the stored deadline of
``Complaint.DEADLINES``), who is told at each
step, the texts and the case — and registers it; the sweep itself, with its locking, batching and
crash safety, is the ladder's."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from complaints.models import Complaint, ComplaintEvent, ComplaintRecusal
from workstyle.ladder import (
    DUE,
    OFFICE,
    LadderCase,
    LadderKind,
    LadderStep,
    LadderUrl,
    Recipient,
    Row,
    ladder_register,
    ladder_sweep,
)
from workstyle.notifications import register_kind

S = Complaint.Status

# Texts carry the tracking code and dates only: never the complainant, never the complaint's own
# words (they may name him).
register_kind(
    "complaint_reminder",
    group=_("Reply due soon"),
    subject=_("Reminder: complaint {code} is due on {due}"),
    body=_("The deadline of complaint {code} ends on {due}. Please answer it before then."),
)
register_kind(
    "complaint_overdue_acceptance",
    group=_("Acceptance overdue"),
    subject=_("Complaint {code}: the decision on acceptance is overdue"),
    body=_(
        "The time to decide whether to accept complaint {code} ended on {due}. If it is still "
        "undecided {days} days from now, an accountability case is opened."
    ),
)
register_kind(
    "complaint_escalated",
    group=_("Escalated to you"),
    subject=_("Complaint {code} is overdue and escalated to you"),
    body=_(
        "The deadline of complaint {code} ended on {due} without an answer. As the responsible head "
        "you now supervise it. If it is still unanswered {days} days from now, it goes to the "
        "discipline office and an accountability case for procrastination is opened."
    ),
)
register_kind(
    "complaint_escalated_office",
    group=_("Escalated to the discipline office"),
    subject=_("Complaint {code} escalated to the discipline office"),
    body=_(
        "Complaint {code} is still unanswered {days} days after its deadline ({due}) and its "
        "escalation to the responsible head. An accountability case for procrastination is opened."
    ),
)

register_kind(
    "complaint_overdue_office",
    group=_("Discipline office's handling overdue"),
    subject=_("Complaint {code}: the discipline office's answer is overdue"),
    body=_(
        "The deadline of complaint {code}, which the discipline office answers (a review, or a complaint "
        "given back by its department), ended on {due}. If it is still unanswered {days} days from now, an "
        "accountability case is opened."
    ),
)

# The states in which the discipline office itself owes the next step: the decision on acceptance,
# the answer to a review (never the department that replied), a complaint given back to be re-routed.
OFFICE_OWES = (S.SUBMITTED, S.REVIEW_REQUESTED, S.RETURNED)

# ``AccountabilityCase.Source.COMPLAINT_ESCALATION``, spelt out: complaints does not depend on the
# app that keeps the cases (the ladder's case opener refuses a source it does not know).
CASE_SOURCE = "complaint_escalation"

_FIELDS = (
    "tracking_code",
    "status",
    "unit_id",
    "accused_cadre_id",
    "accused_cadre__user",
    "handler_id",
    "handler__user",
    "responsible_head_id",
    "responsible_head__user",
    "responsible_head__active",
    "department_id",
    "department__unit_id",
    "department__head_id",
    "department__head__user",
    "department__head__active",
)


def _head(row: Row) -> tuple[int | None, int | None]:
    """(cadre, user) answering for the complaint, as ``complaints.permissions.complaint_head``: the
    responsible head, else the department's head; nobody if he is recused from it or no longer
    active."""
    if row["responsible_head_id"] is not None:
        cadre, user, active = row["responsible_head_id"], row["responsible_head__user"], row["responsible_head__active"]
    elif row["department_id"] is not None:
        cadre, user, active = row["department__head_id"], row["department__head__user"], row["department__head__active"]
    else:
        return None, None
    if cadre is None or cadre in row["recused_cadres"] or not active:
        return None, None
    return cadre, user


def _remind_whom(row: Row) -> Sequence[Recipient]:
    # Before acceptance, on review and after a return the discipline office owes the answer;
    # otherwise the handler, else the head; the office when neither can be reached.
    if row["status"] in OFFICE_OWES:
        return [OFFICE]
    return [row["handler__user"], _head(row)[1], OFFICE]


def _escalate_whom(row: Row) -> Sequence[Recipient]:
    # The office owes the answer, or nobody heads it: the office.
    if row["status"] in OFFICE_OWES:
        return [OFFICE]
    return [_head(row)[1], OFFICE]


def _escalation_notice(row: Row) -> str:
    if row["status"] == S.SUBMITTED:
        return "complaint_overdue_acceptance"
    return "complaint_overdue_office" if row["status"] in OFFICE_OWES else "complaint_escalated"


def _recused(row: Row) -> Sequence[int | None]:
    # A cadre recused from the complaint is never told about it, whatever his role.
    return sorted(row["recused_users"])


def _prefetch(rows: list[Row]) -> None:
    """The cadres recused from each complaint of the batch — the one it names, and those the recusal
    table holds — and their users: one query."""
    by_complaint: dict[int, tuple[set[int], set[int]]] = {
        row["pk"]: (
            {row["accused_cadre_id"]} - {None},
            {row["accused_cadre__user"]} - {None},
        )
        for row in rows
    }
    recusals = ComplaintRecusal.objects.filter(complaint_id__in=by_complaint).values_list(
        "complaint_id", "cadre_id", "cadre__user_id"
    )
    for complaint_id, cadre_id, user_id in recusals:
        cadres, users = by_complaint[complaint_id]
        cadres.add(cadre_id)
        if user_id is not None:
            users.add(user_id)
    for row in rows:
        row["recused_cadres"], row["recused_users"] = by_complaint[row["pk"]]


def _params(row: Row) -> dict[str, Any]:
    return {"code": row["tracking_code"]}


def _due_text(deadline: datetime) -> str:
    return timezone.localtime(deadline).date().isoformat()


def _case(row: Row) -> LadderCase:
    """Procrastination, held against the responsible head, else the handler; the department's (or
    the complained-about) unit when no cadre answers for the complaint."""
    allegation = gettext(
        "Procrastination: complaint %(code)s was not answered by its deadline of %(due)s, nor within "
        "%(days)s days after it was escalated to the responsible head (2019 Accountability Regulations)."
    ) % {"code": row["tracking_code"], "due": _due_text(row[DUE]), "days": settings.WORKSTYLE_ESCALATION_DAYS}
    cadre = _head(row)[0] or row["handler_id"]
    if cadre is not None:
        return LadderCase(source=CASE_SOURCE, allegation=allegation, subject_cadre_id=cadre)
    return LadderCase(
        source=CASE_SOURCE, allegation=allegation, subject_unit_id=row["department__unit_id"] or row["unit_id"]
    )


COMPLAINT_LADDER = LadderKind(
    name="complaints",
    label=_("Complaints"),
    model=Complaint,
    # The stored deadline in force (``Complaint.due_at``, from ``Complaint.DEADLINES``): each step is a
    # range on its index instead of a CASE over every open complaint.
    deadline=F("due_at"),
    open=Q(due_at__isnull=False),
    fields=_FIELDS,
    reminder=LadderStep(notify=_remind_whom, notice="complaint_reminder"),
    level_1=LadderStep(notify=_escalate_whom, notice=_escalation_notice),
    level_2=LadderStep(notify=lambda row: [OFFICE], notice="complaint_escalated_office"),
    recused=_recused,
    params=_params,
    url=LadderUrl("complaints:detail"),
    event_model=ComplaintEvent,
    event_fk="complaint",
    case=_case,
    describe=lambda row: str(row["tracking_code"]),
    prefetch=_prefetch,
)
ladder_register(COMPLAINT_LADDER)


def escalate_overdue(*, now: datetime, batch_size: int = 1000) -> dict[str, int]:
    """One sweep of the complaints' ladder: reminders, then level 0 → 1, then level 1 → 2. Returns
    the counts per step (``workstyle.ladder.STEPS``)."""
    return ladder_sweep(now=now, batch_size=batch_size, kinds=[COMPLAINT_LADDER.name])[COMPLAINT_LADDER.name]
