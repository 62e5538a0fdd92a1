"""The workflow of accountability cases (the Party's 2019 Accountability Regulations), declared once:
opened → investigating → decided → closed, or closed without a decision when no grounds are found.
The services (``case_<action>``) perform the rows through ``CASES.step``; the case page, the API
and ``case_allowed_actions`` read them."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from supervision.models import AccountabilityCase, CaseEvent
from supervision.permissions import case_may_manage
from workstyle.workflow import Transition, Who, Workflow

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
