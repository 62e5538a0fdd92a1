"""The escalation sweep (DESIGN §3): a reminder before a deadline, then the ladder — level 1 (the
responsible head) when the deadline passes, level 2 (the discipline office, with one
accountability case for procrastination) when it is still unanswered some days later.

Set-based and safe to run anywhere at any time: each step takes a batch of rows with
``SELECT … FOR UPDATE SKIP LOCKED``, changes them with one conditional UPDATE and writes events,
notifications, e-mails and cases with one INSERT each, all in one transaction per batch. Two sweeps
never take the same row, a finished step no longer matches its own condition, and a sweep that
dies rolls its batch back whole."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from complaints.models import Complaint, ComplaintEvent
from complaints.selectors import complaint_due_expression
from supervision.services import EscalationCase, case_open_for_escalations
from workstyle import roles
from workstyle.notifications import register_kind
from workstyle.services import NotificationItem, notification_send_many

log = logging.getLogger(__name__)

S = Complaint.Status

# Texts carry the tracking code and dates only: never the complainant, never the complaint's own
# words (they may name him).
register_kind(
    "complaint_reminder",
    subject=_("Reminder: complaint {code} is due on {due}"),
    body=_("The deadline of complaint {code} ends on {due}. Please answer it before then."),
)
register_kind(
    "complaint_overdue_acceptance",
    subject=_("Complaint {code}: the decision on acceptance is overdue"),
    body=_(
        "The time to decide whether to accept complaint {code} ended on {due}. If it is still "
        "undecided {days} days from now, an accountability case is opened."
    ),
)
register_kind(
    "complaint_escalated",
    subject=_("Complaint {code} is overdue and escalated to you"),
    body=_(
        "The deadline of complaint {code} ended on {due} without an answer. As the responsible head "
        "you now supervise it. If it is still unanswered {days} days from now, it goes to the "
        "discipline office and an accountability case for procrastination is opened."
    ),
)
register_kind(
    "complaint_escalated_office",
    subject=_("Complaint {code} escalated to the discipline office"),
    body=_(
        "Complaint {code} is still unanswered {days} days after its deadline ({due}) and its "
        "escalation to the responsible head. An accountability case for procrastination is opened."
    ),
)

# The deadline that runs now, in SQL (``Complaint.current_due_at``).
DEADLINE = complaint_due_expression()

_FIELDS = (
    "pk",
    "tracking_code",
    "status",
    "deadline",
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

Row = dict[str, Any]


def _open() -> Q:
    return Q(status__in=Complaint.OPEN_STATUSES)


def _reminder_due(now: datetime) -> Q:
    return (
        _open()
        & Q(deadline__gte=now, deadline__lte=now + timedelta(days=settings.WORKSTYLE_REMINDER_DAYS))
        & (Q(reminded_for__isnull=True) | ~Q(reminded_for=F("deadline")))
    )


def _level_1_due(now: datetime) -> Q:
    return _open() & Q(escalation_level=Complaint.Level.HANDLER, deadline__lt=now)


def _level_2_due(now: datetime) -> Q:
    # Both the escalation and the deadline that runs now must be old enough: an extension or a
    # review request gives the responsible head a fresh deadline and fresh grace days.
    grace = now - timedelta(days=settings.WORKSTYLE_ESCALATION_DAYS)
    return _open() & Q(escalation_level=Complaint.Level.DEPARTMENT_HEAD, escalated_at__lte=grace, deadline__lt=grace)


def _take_batch(condition: Q, *, after: int, batch_size: int) -> list[Row]:
    """The next rows that need the step, locked for this transaction; rows another sweep holds are
    skipped (that sweep does them). ``of=self``: lock the complaints, not the joined cadres."""
    return list(
        Complaint.objects.annotate(deadline=DEADLINE)
        .filter(condition, pk__gt=after)
        .select_for_update(skip_locked=True, of=("self",))
        .order_by("pk")
        .values(*_FIELDS)[:batch_size]
    )


def _head(row: Row) -> tuple[int | None, int | None]:
    """(cadre, user) answering for the complaint, as ``complaints.selectors.complaint_head``: the
    responsible head, else the department's head; nobody if he is the cadre complained about
    (recusal) or no longer active."""
    if row["responsible_head_id"] is not None:
        cadre, user, active = row["responsible_head_id"], row["responsible_head__user"], row["responsible_head__active"]
    elif row["department_id"] is not None:
        cadre, user, active = row["department__head_id"], row["department__head__user"], row["department__head__active"]
    else:
        return None, None
    if cadre is None or cadre == row["accused_cadre_id"] or not active:
        return None, None
    return cadre, user


class _Recipients:
    """Users to notify, read with one query per batch; the discipline office once per sweep."""

    def __init__(self) -> None:
        self._office: list[Any] | None = None
        self._users: dict[int, Any] = {}  # None: inactive or gone

    def office(self) -> list[Any]:
        if self._office is None:
            User = get_user_model()
            self._office = list(
                User.objects.filter(groups__name=roles.DISCIPLINE, is_active=True)
                .only("pk", "email", "is_active")
                .distinct()
                .order_by("pk")
            )
        return self._office

    def load(self, user_ids: Iterable[int | None]) -> None:
        wanted = {pk for pk in user_ids if pk is not None} - self._users.keys()
        if wanted:
            User = get_user_model()
            self._users.update(dict.fromkeys(wanted))
            for user in User.objects.filter(pk__in=wanted, is_active=True).only("pk", "email", "is_active"):
                self._users[user.pk] = user

    def user(self, pk: int | None) -> Any:
        return self._users.get(pk) if pk is not None else None

    def without_accused(self, users: Iterable[Any], row: Row) -> list[Any]:
        return [u for u in users if u is not None and u.pk != row["accused_cadre__user"]]


def _detail_url(pk: int) -> str:
    return reverse("complaints:detail", args=[pk])


def _due_text(deadline: datetime) -> str:
    return timezone.localtime(deadline).date().isoformat()


def _still_due(ids: list[int], condition: Q) -> Any:
    """The locked rows once more, with the step's own condition: belt and braces for the UPDATE."""
    return Complaint.objects.alias(deadline=DEADLINE).filter(condition, pk__in=ids)


def _update(ids: list[int], condition: Q, **values: Any) -> None:
    changed = _still_due(ids, condition).update(**values)
    if changed != len(ids):
        # Cannot happen while the rows are locked; if it ever does, undo the whole batch rather
        # than write events for rows that did not change.
        raise RuntimeError(f"escalation sweep: {changed} of {len(ids)} locked rows changed")


def _remind(rows: list[Row], *, now: datetime, recipients: _Recipients) -> int:
    ids = [row["pk"] for row in rows]
    _update(ids, _reminder_due(now), reminded_for=DEADLINE, updated_at=now)
    ComplaintEvent.objects.bulk_create(
        [
            ComplaintEvent(
                complaint_id=row["pk"], at=now, verb="remind", data={"deadline": row["deadline"].isoformat()}
            )
            for row in rows
        ]
    )
    recipients.load(uid for row in rows for uid in (row["handler__user"], _head(row)[1]))
    items: list[NotificationItem] = []
    for row in rows:
        users: list[Any] = []
        if row["status"] != S.SUBMITTED:
            users = [recipients.user(row["handler__user"]) or recipients.user(_head(row)[1])]
        users = recipients.without_accused(users, row) or recipients.without_accused(recipients.office(), row)
        params = {"code": row["tracking_code"], "due": _due_text(row["deadline"])}
        items.append((users, "complaint_reminder", params, _detail_url(row["pk"])))
    notification_send_many(items=items, now=now)
    return len(rows)


def _escalate_to_head(rows: list[Row], *, now: datetime, recipients: _Recipients) -> int:
    ids = [row["pk"] for row in rows]
    _update(ids, _level_1_due(now), escalation_level=Complaint.Level.DEPARTMENT_HEAD, escalated_at=now, updated_at=now)
    ComplaintEvent.objects.bulk_create(
        [
            ComplaintEvent(
                complaint_id=row["pk"],
                at=now,
                verb="escalate",
                from_state="0",
                to_state="1",
                data={"deadline": row["deadline"].isoformat()},
            )
            for row in rows
        ]
    )
    recipients.load(_head(row)[1] for row in rows)
    items: list[NotificationItem] = []
    for row in rows:
        params = {
            "code": row["tracking_code"],
            "due": _due_text(row["deadline"]),
            "days": settings.WORKSTYLE_ESCALATION_DAYS,
        }
        head = recipients.without_accused([recipients.user(_head(row)[1])], row)
        if row["status"] == S.SUBMITTED or not head:
            # Not yet accepted (the office decides on acceptance), or nobody heads it: the office.
            kind = "complaint_overdue_acceptance" if row["status"] == S.SUBMITTED else "complaint_escalated"
            items.append((recipients.without_accused(recipients.office(), row), kind, params, _detail_url(row["pk"])))
        else:
            items.append((head, "complaint_escalated", params, _detail_url(row["pk"])))
    notification_send_many(items=items, now=now)
    return len(rows)


def _case_subject(row: Row) -> tuple[int | None, int | None]:
    """(cadre, unit) held accountable: the responsible head, else the handler; the department's
    (or the complained-about) unit when no cadre answers for the complaint."""
    cadre = _head(row)[0] or row["handler_id"]
    if cadre is not None:
        return cadre, None
    return None, row["department__unit_id"] or row["unit_id"]


def _escalate_to_office(rows: list[Row], *, now: datetime, recipients: _Recipients) -> tuple[int, int]:
    ids = [row["pk"] for row in rows]
    _update(
        ids, _level_2_due(now), escalation_level=Complaint.Level.DISCIPLINE_OFFICE, escalated_at=now, updated_at=now
    )
    days = settings.WORKSTYLE_ESCALATION_DAYS
    drafts = []
    with translation.override(settings.LANGUAGE_CODE):
        for row in rows:
            cadre, unit = _case_subject(row)
            allegation = gettext(
                "Procrastination: complaint %(code)s was not answered by its deadline of %(due)s, nor within "
                "%(days)s days after it was escalated to the responsible head (2019 Accountability Regulations)."
            ) % {"code": row["tracking_code"], "due": _due_text(row["deadline"]), "days": days}
            drafts.append(
                EscalationCase(
                    complaint_id=row["pk"], allegation=allegation, subject_cadre_id=cadre, subject_unit_id=unit
                )
            )
    cases = case_open_for_escalations(drafts=drafts, now=now)
    missing = [row["tracking_code"] for row in rows if _case_subject(row) == (None, None)]
    if missing:
        log.warning("escalation sweep: no cadre or unit to hold accountable for %s", ", ".join(missing))
    ComplaintEvent.objects.bulk_create(
        [
            ComplaintEvent(
                complaint_id=row["pk"],
                at=now,
                verb="escalate",
                from_state="1",
                to_state="2",
                data={
                    "deadline": row["deadline"].isoformat(),
                    "case": cases[row["pk"]].pk if row["pk"] in cases else None,
                },
            )
            for row in rows
        ]
    )
    items: list[NotificationItem] = [
        (
            recipients.without_accused(recipients.office(), row),
            "complaint_escalated_office",
            {"code": row["tracking_code"], "due": _due_text(row["deadline"]), "days": days},
            _detail_url(row["pk"]),
        )
        for row in rows
    ]
    notification_send_many(items=items, now=now)
    return len(rows), len(cases)


def _sweep(condition: Q, step: Callable[[list[Row]], Any], *, batch_size: int) -> list[Any]:
    """Run a step over every row that needs it, one transaction per batch, in primary-key order."""
    results = []
    after = 0
    while True:
        with transaction.atomic():
            rows = _take_batch(condition, after=after, batch_size=batch_size)
            if not rows:
                break
            results.append(step(rows))
        after = rows[-1]["pk"]
        if len(rows) < batch_size:
            break
    return results


def escalate_overdue(*, now: datetime, batch_size: int = 1000) -> dict[str, int]:
    """One sweep: reminders, then level 0 → 1, then level 1 → 2. Returns the counts per step."""
    if batch_size < 1:
        raise ValueError("batch_size must be positive")
    recipients = _Recipients()
    reminded = _sweep(
        _reminder_due(now), lambda rows: _remind(rows, now=now, recipients=recipients), batch_size=batch_size
    )
    level_1 = _sweep(
        _level_1_due(now), lambda rows: _escalate_to_head(rows, now=now, recipients=recipients), batch_size=batch_size
    )
    level_2 = _sweep(
        _level_2_due(now),
        lambda rows: _escalate_to_office(rows, now=now, recipients=recipients),
        batch_size=batch_size,
    )
    counts = {
        "reminded": sum(reminded),
        "escalated_1": sum(level_1),
        "escalated_2": sum(n for n, _cases in level_2),
        "cases_opened": sum(cases for _n, cases in level_2),
    }
    if any(counts.values()):
        log.info("escalation sweep: %s", counts)
    return counts
