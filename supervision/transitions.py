"""The workflow of accountability cases (the Party's 2019 Accountability Regulations), declared once:
opened → investigating → decided → closed, or closed without a decision when no grounds are found.
The services (``case_<action>``) perform the rows through ``CASES.step``; the case page, the API
and ``case_allowed_actions`` read them."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from supervision.exposure import exposure_leaks
from supervision.models import AccountabilityCase, CaseEvent, Notice, NoticeEvent
from supervision.permissions import case_may_manage, notice_may_publish
from workstyle.workflow import Guard, Transition, Who, Workflow

Status = AccountabilityCase.Status

MANAGER = Who("discipline", lambda actor, _case: case_may_manage(actor))
DENIED = _("Only the discipline office may handle accountability cases.")

CASES = Workflow(
    entity="case",
    model=AccountabilityCase,
    event_model=CaseEvent,
    event_field="case",
    initial=Status.OPENED,
    visible=lambda user: AccountabilityCase.objects.visible_to(user),
    refused=_("The case is %(status)s; this is not possible now."),
    other_verbs={"open": _("opened")},
    transitions=[
        Transition(
            "investigate",
            (Status.OPENED,),
            Status.INVESTIGATING,
            MANAGER,
            heading=_("Start the investigation"),
            label=_("Start investigating"),
            event_label=_("investigation started"),
            input="note",
            done=_("Investigation started."),
            denied=DENIED,
        ),
        Transition(
            "decide",
            (Status.INVESTIGATING,),
            Status.DECIDED,
            MANAGER,
            label=_("Record the decision"),
            event_label=_("decided"),
            input="decision",
            done=_("Decision recorded."),
            denied=DENIED,
        ),
        Transition(
            "close",
            (Status.OPENED, Status.INVESTIGATING, Status.DECIDED),
            Status.CLOSED,
            MANAGER,
            label=_("Close the case"),
            event_label=_("closed"),
            input="note",
            done=_("Case closed."),
            denied=DENIED,
            danger=True,
        ),
    ],
)


# --- Notices: draft → published → withdrawn ---------------------------------------------------------

NoticeStatus = Notice.Status


def _case_still_decided(notice: Notice, _actor: object, _now: object) -> bool:
    return notice.case is None or notice.case.status in (Status.DECIDED, Status.CLOSED)


def _text_clean(notice: Notice, _actor: object, _now: object) -> bool:
    return notice.case is None or not exposure_leaks(notice.case, f"{notice.title}\n{notice.body}")


LEADER = Who(
    "discipline_leader",
    lambda actor, _notice: notice_may_publish(actor),
    describe="the leader of the discipline office",
)
NOTICE_DENIED = _("Only the leader of the discipline office may publish or withdraw notices.")

NOTICES = Workflow(
    entity="notice",
    model=Notice,
    event_model=NoticeEvent,
    event_field="notice",
    initial=NoticeStatus.DRAFT,
    visible=lambda user: Notice.objects.visible_to(user),
    refused=_("The notice is %(status)s; this is not possible now."),
    other_verbs={"create": _("drafted"), "edit": _("edited")},
    transitions=[
        Transition(
            "publish",
            (NoticeStatus.DRAFT,),
            NoticeStatus.PUBLISHED,
            LEADER,
            guards=(
                Guard("case_decided", _case_still_decided, _("An exposure can only be made from a decided case.")),
                Guard(
                    "text_clean",
                    _text_clean,
                    _("The text names the complainant or repeats the complaint; take that out first."),
                ),
            ),
            label=_("Publish"),
            event_label=_("published"),
            done=_("Notice published."),
            denied=NOTICE_DENIED,
        ),
        Transition(
            "withdraw",
            (NoticeStatus.PUBLISHED,),
            NoticeStatus.WITHDRAWN,
            LEADER,
            label=_("Withdraw"),
            event_label=_("withdrawn"),
            input="reason",
            done=_("Notice withdrawn."),
            denied=NOTICE_DENIED,
            danger=True,
        ),
    ],
)
