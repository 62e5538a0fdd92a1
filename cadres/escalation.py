"""Debriefings on the deadline ladder (``workstyle.ladder``): a draft not submitted by the date the
organization department set is reminded before it, escalated to the head of the cadre's unit when
it passes, and to the discipline office, with an accountability case, some days later."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cadres.models import Debriefing, DebriefingEvent
from workstyle.ladder import DUE, OFFICE, LadderCase, LadderKind, LadderStep, Row, ladder_register
from workstyle.notifications import register_kind

register_kind(
    "debriefing_reminder",
    group=_("Debriefing due soon"),
    subject=_("Reminder: your {year} debriefing is due on {due}"),
    body=_("Your debriefing on performing your duties and keeping clean for {year} is due on {due}."),
)
register_kind(
    "debriefing_overdue",
    group=_("Debriefing overdue"),
    subject=_("Overdue debriefing: {cadre}, {year}"),
    body=_(
        "The {year} debriefing of {cadre} was due on {due} and has not been submitted. If it is still "
        "missing {days} days from now, it goes to the discipline office."
    ),
)
register_kind(
    "debriefing_overdue_office",
    group=_("Debriefing still missing"),
    subject=_("Debriefing still missing: {cadre}, {year}"),
    body=_("The {year} debriefing of {cadre}, due on {due}, is still missing; an accountability case is opened."),
)


def _case(row: Row) -> LadderCase:
    return LadderCase(
        source="other",
        allegation=gettext("Did not submit the %(year)s debriefing on performing duties and keeping clean by %(due)s.")
        % {"year": row["year"], "due": timezone.localtime(row[DUE]).date().isoformat()},
        subject_cadre_id=row["cadre_id"],
    )


DEBRIEFING_KIND = LadderKind(
    name="debriefings",
    label=_("Debriefings"),
    model=Debriefing,
    deadlines={Debriefing.Status.DRAFT: "due_at"},
    fields=(
        "year",
        "cadre_id",
        "cadre__name",
        "cadre__user",
        "cadre__unit__head__user",
        "cadre__department__head__user",
    ),
    reminder=LadderStep(notify=lambda row: [row["cadre__user"]], notice="debriefing_reminder"),
    level_1=LadderStep(
        notify=lambda row: [
            row["cadre__unit__head__user"] if row["cadre__unit__head__user"] != row["cadre__user"] else None,
            row["cadre__department__head__user"]
            if row["cadre__department__head__user"] != row["cadre__user"]
            else None,
            OFFICE,
        ],
        notice="debriefing_overdue",
    ),
    level_2=LadderStep(notify=lambda row: [OFFICE], notice="debriefing_overdue_office"),
    params=lambda row: {"year": row["year"], "cadre": row["cadre__name"]},
    url=lambda row: reverse("cadres:debriefing", args=[row["pk"]]),
    event_model=DebriefingEvent,
    event_fk="debriefing",
    case=_case,
    describe=lambda row: f"{row['cadre__name']} {row['year']}",
)

ladder_register(DEBRIEFING_KIND)
