"""The complaints on the workbench: the panels (what needs the user's attention among the
complaints he may see, each count bounded) and his agenda (the complaints he owes an answer, by the
stored deadline ``Complaint.due_at``: overdue first, then due soon)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from complaints.escalation import OFFICE_OWES
from complaints.models import Complaint, ExtensionRequest, IdentityAccess
from complaints.selectors import complaint_awaiting_reply_from_q, complaint_due_soon_q, complaint_overdue_q
from workstyle import roles
from workstyle.dashboard import AGENDA_SIZE, AgendaItem, capped_count, register_agenda, register_panels

S = Complaint.Status


@register_panels
def complaint_panels(user: Any) -> list[dict[str, Any]]:
    """What needs the user's attention among the complaints he may see."""
    if not roles.is_staff_user(user):
        return []
    now = timezone.now()
    visible = Complaint.objects.visible_to(user)
    queue = reverse("complaints:queue")
    # Open: a deadline runs (``due_at`` is set exactly in the open statuses); each count a bounded
    # read of an index.
    totals = {
        "open": capped_count(visible.filter(due_at__isnull=False)),
        "overdue": capped_count(visible.filter(complaint_overdue_q(now))),
        "submitted": capped_count(visible.filter(status=S.SUBMITTED)),
    }
    panels: list[dict[str, Any]] = [
        {"key": "complaints-open", "label": _("Open complaints"), "count": totals["open"], "url": f"{queue}?open=true"},
    ]
    if totals["overdue"]:
        panels.append(
            {
                "key": "complaints-overdue",
                "label": _("Overdue complaints"),
                "count": totals["overdue"],
                "url": f"{queue}?overdue=true",
                "alert": True,
            }
        )
    cadre = roles.cadre_of(user)
    if cadre is not None:
        mine = capped_count(visible.filter(complaint_awaiting_reply_from_q(cadre)))
        if mine:
            panels.append(
                {
                    "key": "complaints-to-reply",
                    "label": _("Awaiting your reply"),
                    "count": mine,
                    "url": f"{queue}?mine=1",
                }
            )
        # The departments he heads as ids, not a join, as in ``visible_to``: the condition then
        # matches the (department, status) index instead of filtering every accepted complaint.
        headed = list(cadre.headed_departments.values_list("pk", flat=True))
        to_assign = capped_count(
            visible.filter(status=Complaint.Status.ACCEPTED).filter(
                Q(department__in=headed, responsible_head__isnull=True) | Q(responsible_head=cadre)
            )
        )
        if to_assign:
            panels.append(
                {
                    "key": "complaints-to-assign",
                    "label": _("Awaiting a handler"),
                    "count": to_assign,
                    "url": f"{queue}?status=accepted",
                }
            )
    if roles.is_discipline(user):
        if totals["submitted"]:
            panels.append(
                {
                    "key": "complaints-to-accept",
                    "label": _("Awaiting acceptance"),
                    "count": totals["submitted"],
                    "url": f"{queue}?status=submitted",
                }
            )
        extensions = ExtensionRequest.objects.visible_to(user).filter(status=ExtensionRequest.Status.PENDING).count()
        if extensions:
            panels.append(
                {
                    "key": "complaints-extensions",
                    "label": _("Extension requests to decide"),
                    "count": extensions,
                    "url": f"{queue}?pending=extension",
                    "alert": True,
                }
            )
        identity = (
            IdentityAccess.objects.visible_to(user)
            .filter(status=IdentityAccess.Status.PENDING, kind=IdentityAccess.Kind.REQUEST)
            .count()
        )
        if identity:
            panels.append(
                {
                    "key": "complaints-identity",
                    "label": _("Identity requests to decide"),
                    "count": identity,
                    "url": f"{queue}?pending=identity",
                    "alert": True,
                }
            )
    return panels


# --- the agenda ------------------------------------------------------------------------------------

OWED = {
    S.SUBMITTED: gettext_lazy("decide on acceptance"),
    S.ACCEPTED: gettext_lazy("assign a handler or reply"),
    # The model's "reply" is the reply's text (答复内容); here it is what is owed.
    S.ASSIGNED: pgettext_lazy("what is owed", "reply"),
    S.RETURNED: gettext_lazy("route it again"),
    S.REVIEW_REQUESTED: gettext_lazy("answer the review"),
}


def _owed_scopes(user: Any) -> list[Q]:
    """The complaints the user himself owes the next step on, one condition per way of owing it, so
    that each is read down its own index on (scope, due_at): the discipline office the decisions
    on acceptance, the reviews and the complaints given back; a responsible head (or the head of a
    department no one above answers for) those accepted and assigned; a handler those assigned to
    him."""
    scopes: list[Q] = []
    if roles.is_discipline(user):
        scopes.extend(Q(status=status) for status in OFFICE_OWES)
    cadre = roles.cadre_of(user)
    if cadre is not None:
        routed = Q(status__in=[S.ACCEPTED, S.ASSIGNED])
        scopes.append(routed & Q(responsible_head=cadre))
        departments = list(cadre.headed_departments.values_list("pk", flat=True))
        if departments:
            scopes.append(routed & Q(department__in=departments, responsible_head__isnull=True))
        scopes.append(Q(status=S.ASSIGNED, handler=cadre))
    return scopes


def _items(rows: Any) -> list[AgendaItem]:
    return [
        AgendaItem(
            kind=str(_("Complaint")),
            title=f"{row.tracking_code} {row.title}",
            due=row.due_at,
            url=reverse("complaints:detail", args=[row.pk]),
            note=str(OWED.get(row.status, row.get_status_display())),
        )
        for row in rows
    ]


@register_agenda
def complaint_agenda(user: Any, now: dt.datetime) -> tuple[list[AgendaItem], list[AgendaItem]]:
    """The user's complaints past their deadline (most overdue first) and those due within
    ``WORKSTYLE_REMINDER_DAYS`` (soonest first), ``AGENDA_SIZE`` of each at most."""
    if not roles.is_staff_user(user):
        return [], []
    visible = Complaint.objects.visible_to(user).only("pk", "tracking_code", "title", "status", "due_at")
    soon_q = complaint_due_soon_q(now, days=settings.WORKSTYLE_REMINDER_DAYS)
    overdue: dict[int, Any] = {}
    soon: dict[int, Any] = {}
    for scope in _owed_scopes(user):
        for row in visible.filter(scope, complaint_overdue_q(now)).order_by("due_at", "pk")[:AGENDA_SIZE]:
            overdue[row.pk] = row
        for row in visible.filter(scope, soon_q).order_by("due_at", "pk")[:AGENDA_SIZE]:
            soon[row.pk] = row
    by_due = sorted(overdue.values(), key=lambda row: (row.due_at, row.pk))[:AGENDA_SIZE]
    coming = sorted(soon.values(), key=lambda row: (row.due_at, row.pk))[:AGENDA_SIZE]
    return _items(by_due), _items(coming)
