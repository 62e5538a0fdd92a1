"""The workflows of the meetings app, declared once: the special report (draft → submitted →
accepted, or returned with reasons → resubmitted) and the rectification item (open → done →
verified, or reopened). The services (``report_<action>``, ``rectification_<action>``) perform
the rows; the pages and the API read them."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from meetings.models import MeetingReport, MeetingReportEvent, RectificationEvent, RectificationItem
from meetings.permissions import (
    is_office,
    is_reviewer,
    rectification_is_filer,
    rectification_is_responsible,
    report_is_filer,
)
from workstyle.workflow import Transition, Who, Workflow

RS = MeetingReport.Status
IS = RectificationItem.Status

FILER = Who("filer", report_is_filer, describe="the unit's head or the secretary he names")
REVIEWER = Who("reviewer", is_reviewer, describe="the discipline office or the organization department")
OFFICE = Who("discipline", is_office, describe="the discipline office")
RESPONSIBLE = Who("responsible", rectification_is_responsible, describe="the responsible cadre")
ITEM_FILER = Who("filer", rectification_is_filer, describe="the unit's head or the secretary he names")

# Events that are not transitions: the meeting's own changes and the deadline ladder's.
LADDER_VERBS = {"remind": _("reminded of the deadline"), "escalate": _("escalated")}

REPORTS = Workflow(
    entity="report",
    model=MeetingReport,
    event_model=MeetingReportEvent,
    event_field="report",
    initial=RS.DRAFT,
    visible=lambda user: MeetingReport.objects.visible_to(user),
    refused=_("The report is %(status)s; this is not possible now."),
    other_verbs={
        "create": _("meeting recorded"),
        "edit": _("meeting changed"),
        "minutes": _("minutes recorded"),
        "problem": _("problem recorded"),
        "item": _("rectification item added"),
        "summary": _("report text changed"),
        **LADDER_VERBS,
    },
    transitions=[
        Transition(
            "submit",
            (RS.DRAFT, RS.RETURNED),
            RS.SUBMITTED,
            FILER,
            label=_("Submit the report"),
            event_label=_("submitted"),
            help=_("The report goes to the discipline commission and the organization department."),
            done=_("Report submitted to the discipline commission and the organization department."),
            denied=_("Only the unit's head or the secretary he names may submit the report."),
        ),
        Transition(
            "accept",
            (RS.SUBMITTED,),
            RS.ACCEPTED,
            OFFICE,
            label=_("Accept the report"),
            event_label=_("accepted"),
            input="comment",
            done=_("Report accepted."),
            denied=_("Only the discipline office accepts reports."),
        ),
        Transition(
            "return",
            (RS.SUBMITTED,),
            RS.RETURNED,
            REVIEWER,
            label=_("Return for revision"),
            event_label=_("returned for revision"),
            input="reason",
            danger=True,
            done=_("Report returned to the unit for revision."),
            denied=_("Only the discipline office or the organization department may return a report."),
        ),
    ],
)

RECTIFICATIONS = Workflow(
    entity="rectification",
    model=RectificationItem,
    event_model=RectificationEvent,
    event_field="item",
    initial=IS.OPEN,
    visible=lambda user: RectificationItem.objects.visible_to(user),
    refused=_("The rectification item is %(status)s; this is not possible now."),
    other_verbs={"create": _("added to the rectification list"), **LADDER_VERBS},
    transitions=[
        Transition(
            "complete",
            (IS.OPEN,),
            IS.DONE,
            RESPONSIBLE | ITEM_FILER,
            label=_("Report it done"),
            event_label=_("reported done"),
            input="evidence",
            done=_("Rectification reported done."),
            denied=_("Only the responsible cadre or the unit's filer may report the rectification done."),
        ),
        Transition(
            "verify",
            (IS.DONE,),
            IS.VERIFIED,
            OFFICE,
            label=_("Verify"),
            event_label=_("verified"),
            input="comment",
            done=_("Rectification verified."),
            denied=_("Only the discipline office verifies rectifications."),
        ),
        Transition(
            "reopen",
            (IS.DONE,),
            IS.OPEN,
            OFFICE,
            label=_("Reopen"),
            event_label=_("reopened"),
            input="reason",
            danger=True,
            done=_("Rectification reopened."),
            denied=_("Only the discipline office reopens rectifications."),
        ),
    ],
)
