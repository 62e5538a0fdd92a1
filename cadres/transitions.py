"""The workflows of a cadre's own records, declared once: yearly debriefings (述职述廉) draft →
submitted → reviewed, and personal-matter reports (个人有关事项报告) draft → submitted (a later
change is a new version, not a transition)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from cadres.models import Debriefing, DebriefingEvent, PersonalReport, PersonalReportEvent
from cadres.permissions import is_own, orgdept_may_manage
from workstyle.workflow import Transition, Who, Workflow

OWNER = Who("owner", is_own, describe="the cadre himself")
ORGDEPT = Who("orgdept", lambda actor, _obj: orgdept_may_manage(actor), describe="the organization department")

DEBRIEFINGS = Workflow(
    entity="debriefing",
    model=Debriefing,
    event_model=DebriefingEvent,
    event_field="debriefing",
    initial=Debriefing.Status.DRAFT,
    visible=lambda user: Debriefing.objects.visible_to(user),
    refused=_("The debriefing is %(status)s; this is not possible now."),
    other_verbs={"open": _("called for"), "edit": _("edited"), "remind": _("reminded"), "escalate": _("escalated")},
    transitions=[
        Transition(
            "submit",
            (Debriefing.Status.DRAFT,),
            Debriefing.Status.SUBMITTED,
            OWNER,
            label=_("Submit the debriefing"),
            event_label=_("submitted"),
            done=_("Debriefing submitted."),
            denied=_("Only the cadre himself submits his debriefing."),
        ),
        Transition(
            "review",
            (Debriefing.Status.SUBMITTED,),
            Debriefing.Status.REVIEWED,
            ORGDEPT,
            label=_("Record the review"),
            event_label=_("reviewed"),
            input="note",
            done=_("Review recorded."),
            denied=_("Only the organization department reviews debriefings."),
        ),
    ],
)

PERSONAL_REPORTS = Workflow(
    entity="personal_report",
    model=PersonalReport,
    event_model=PersonalReportEvent,
    event_field="report",
    initial=PersonalReport.Status.DRAFT,
    visible=lambda user: PersonalReport.objects.visible_to(user),
    refused=_("The report is %(status)s; this is not possible now."),
    other_verbs={"create": _("started"), "edit": _("edited"), "amend": _("new version started")},
    transitions=[
        Transition(
            "submit",
            (PersonalReport.Status.DRAFT,),
            PersonalReport.Status.SUBMITTED,
            OWNER,
            label=_("Submit the report"),
            event_label=_("submitted"),
            done=_("Report submitted."),
            denied=_("Only the cadre himself submits his report."),
        ),
    ],
)
