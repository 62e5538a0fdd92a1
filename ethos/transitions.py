"""The workflows of the yearly commitment and of the appraisal round, declared once.

Commitment: draft → signed (the cadre) → reviewed (the organization department), or → returned
(with a reason) → signed again. A signed or reviewed commitment is frozen. Round: being prepared →
open → closed (the organization department); closing cuts the link between receipts and ballots."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ethos.models import AppraisalRound, AppraisalRoundEvent, Commitment, CommitmentEvent
from ethos.permissions import commitment_is_own, ethos_may_organise
from workstyle.workflow import Transition, Who, Workflow

Status = Commitment.Status
RoundStatus = AppraisalRound.Status

CADRE = Who("cadre", commitment_is_own, describe="the cadre himself")
ORGDEPT = Who("orgdept", lambda actor, _obj: ethos_may_organise(actor), describe="the organization department")
ORGDEPT_ONLY = _("Only the organization department may do this.")

COMMITMENTS = Workflow(
    entity="commitment",
    model=Commitment,
    event_model=CommitmentEvent,
    event_field="commitment",
    initial=Status.DRAFT,
    visible=lambda user: Commitment.objects.visible_to(user),
    refused=_("The commitment is %(status)s; this is not possible now."),
    other_verbs={
        "create": _("drafted"),
        "update": _("pledges changed"),
        "paper": _("signed on paper, recorded by the organization department"),
    },
    transitions=[
        Transition(
            "sign",
            (Status.DRAFT, Status.RETURNED),
            Status.SIGNED,
            CADRE,
            label=_("Sign the commitment"),
            event_label=_("signed"),
            help=_("Once signed, the commitment can no longer be changed."),
            done=_("Commitment signed."),
            denied=_("Only the cadre himself may sign his commitment."),
        ),
        Transition(
            "review",
            (Status.SIGNED,),
            Status.REVIEWED,
            ORGDEPT,
            label=_("Mark as reviewed"),
            event_label=_("reviewed"),
            input="comment",
            done=_("Commitment marked as reviewed."),
            denied=ORGDEPT_ONLY,
        ),
        Transition(
            "return",
            (Status.SIGNED,),
            Status.RETURNED,
            ORGDEPT,
            label=_("Return for amendment"),
            event_label=_("returned for amendment"),
            input="reason",
            done=_("Commitment returned to the cadre."),
            denied=ORGDEPT_ONLY,
            danger=True,
        ),
    ],
)

ROUNDS = Workflow(
    entity="round",
    model=AppraisalRound,
    event_model=AppraisalRoundEvent,
    event_field="round",
    initial=RoundStatus.DRAFT,
    visible=lambda user: AppraisalRound.objects.visible_to(user),
    refused=_("The appraisal round is %(status)s; this is not possible now."),
    other_verbs={"create": _("prepared"), "links": _("rating links issued")},
    transitions=[
        Transition(
            "open",
            (RoundStatus.DRAFT,),
            RoundStatus.OPEN,
            ORGDEPT,
            label=_("Open for rating"),
            event_label=_("opened for rating"),
            done=_("The round is open for rating."),
            denied=ORGDEPT_ONLY,
        ),
        Transition(
            "close",
            (RoundStatus.OPEN,),
            RoundStatus.CLOSED,
            ORGDEPT,
            label=_("Close the round"),
            event_label=pgettext_lazy("appraisal round", "closed"),
            help=_("Ballots can no longer be cast or changed, and the results are shown."),
            done=_("The round is closed; its results are ready."),
            denied=ORGDEPT_ONLY,
            danger=True,
        ),
    ],
)
