"""The complaint workflow, declared once. Each row is an action: the states it starts from, the state
it leads to, who may take it, what else must hold, its event. The services (``complaint_<action>``)
perform the rows through ``COMPLAINTS.step``; the workbench's buttons, the API's actions and
``complaint_allowed_actions`` read the rows; so do the test fixtures and the state × action tests.

Time limits and who answers: the State Council's 2022 Regulations on Letters and Visits (arts. 22,
32, 35) and the city's opinions on work style (see ``docs/RULES.md``)."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from complaints import permissions as p
from complaints.models import Complaint, ComplaintEvent, ExtensionRequest, IdentityAccess
from workstyle.workflow import GONE, Guard, Transition, Who, Workflow

S = Complaint.Status

# --- who ---------------------------------------------------------------------------------------------

DISCIPLINE = Who("discipline", p.complaint_is_discipline, describe="the discipline office")
HEAD = Who("head", p.complaint_is_head, describe="the head who answers for it")
HANDLER = Who("handler", p.complaint_is_handler, describe="its handler")
# The discipline office answers itself for a complaint nobody in the line may handle (recusal).
OFFICE_IN_CHARGE = Who(
    "office_in_charge", p.complaint_is_office_in_charge, describe="the discipline office when nobody in the line may"
)
# The body that answers a review: the discipline office, never whoever gave the first reply.
REVIEW_BODY = Who(
    "review_body", p.complaint_is_review_body, describe="the discipline office, not whoever gave the first reply"
)
STAFF_WORKING_IT = Who("staff_working_it", p.complaint_may_request_identity, describe="staff who work the complaint")
COMPLAINANT = Who("complainant", p.complainant, staff=False)
SYSTEM = Who("system", lambda actor, _complaint: actor is None, staff=False)

# --- guards ------------------------------------------------------------------------------------------

NOT_EXTENDED = Guard(
    "not_extended", lambda c, actor, now: not c.extended, _("The complaint was already extended once.")
)
NO_PENDING_EXTENSION = Guard(
    "no_pending_extension",
    lambda c, actor, now: not c.extension_requests.filter(status=ExtensionRequest.Status.PENDING).exists(),
    _("An extension request is already waiting for a decision."),
)
# An extension lengthens a time limit that still runs (Regulations art. 32): asked for once the reply
# is late, it would erase the lateness the ladder has already acted on.
BEFORE_REPLY_DEADLINE = Guard(
    "before_reply_deadline",
    lambda c, actor, now: c.reply_due_at is None or now <= c.reply_due_at,
    _("The reply deadline has passed: an extension can only be asked for before it."),
)
PENDING_EXTENSION = Guard(
    "pending_extension",
    lambda c, actor, now: c.extension_requests.filter(status=ExtensionRequest.Status.PENDING).exists(),
    _("No extension request is waiting for a decision."),
)
CONTACTS_KEPT = Guard(
    "contacts_kept",
    lambda c, actor, now: c.contacts_erased_at is None,
    _("The complainant's contact details were erased."),
)
# The identity is shown once revealed; revealing it again would only repeat the record.
NOT_REVEALED_TO_HIM = Guard(
    "not_revealed_to_him",
    lambda c, actor, now: (
        not c.identity_accesses.filter(
            user_id=actor.pk, kind=IdentityAccess.Kind.REVEAL, status=IdentityAccess.Status.GRANTED, expires_at__gt=now
        ).exists()
    ),
    _("You see the complainant's identity already."),
)
NO_OWN_IDENTITY_REQUEST = Guard(
    "no_own_identity_request",
    lambda c, actor, now: (
        not c.identity_accesses.filter(
            Q(status=IdentityAccess.Status.PENDING) | Q(status=IdentityAccess.Status.GRANTED, expires_at__gt=now),
            user_id=actor.pk,
        ).exists()
    ),
    _("You already asked for access, or have it."),
)
PENDING_IDENTITY_REQUEST = Guard(
    "pending_identity_request",
    lambda c, actor, now: c.identity_accesses.filter(
        kind=IdentityAccess.Kind.REQUEST, status=IdentityAccess.Status.PENDING
    ).exists(),
    _("This request was already decided."),
)
FEEDBACK_OPEN = Guard(
    "feedback_open",
    lambda c, actor, now: p.complaint_feedback_open(c),
    _("The reply can be rated once, after it is given."),
)
REVIEW_WINDOW_OPEN = Guard(
    "review_window_open",
    lambda c, actor, now: p.complaint_review_window_open(c, now=now),
    _("A review can no longer be asked for this complaint."),
)
RETURN_WINDOW_OPEN = Guard(
    "return_window_open",
    lambda c, actor, now: p.complaint_return_window_open(c, now=now),
    _("The time to give this complaint back to the office has passed."),
)
# Staff close an answered complaint when they judge it done; the system only once the complainant's
# window for a review has passed.
SYSTEM_AFTER_REVIEW_WINDOW = Guard(
    "system_after_review_window",
    lambda c, actor, now: actor is not None or p.complaint_review_window_passed(c, now=now),
    _("The complainant may still ask for a review."),
)

ANSWERED = (S.REPLIED, S.REVIEW_REPLIED)
ROUTED = (S.ACCEPTED, S.ASSIGNED)
ANY = tuple(S.values)
# A reply was given: the complainant may be called back (回访).
AFTER_REPLY = (S.REPLIED, S.REVIEW_REQUESTED, S.REVIEW_REPLIED, S.CLOSED)
# Someone still owes the complainant something, or may: he may add material.
NOT_FINISHED = (S.SUBMITTED, S.ACCEPTED, S.ASSIGNED, S.RETURNED, S.REPLIED, S.REVIEW_REQUESTED, S.REVIEW_REPLIED)

# --- the table ---------------------------------------------------------------------------------------

COMPLAINTS = Workflow(
    entity="complaint",
    model=Complaint,
    event_model=ComplaintEvent,
    event_field="complaint",
    initial=S.SUBMITTED,
    visible=lambda user: Complaint.objects.visible_to(user),
    refused=_("Not possible while the complaint is “%(status)s”."),
    other_verbs={
        "submit": _("submitted"),
        "remind": _("deadline reminder sent"),
        "escalate": _("escalated"),
        "erase_contacts": _("contact details erased"),
        "reissue_key": _("new access key issued on a reprinted receipt"),
    },
    transitions=[
        Transition(
            "accept",
            (S.SUBMITTED,),
            S.ACCEPTED,
            DISCIPLINE,
            label=_("Accept and route"),
            event_label=_("accepted and routed"),
            input="department",
            done=_("Complaint %(code)s accepted and routed."),
            denied=_("Only the discipline office may do this."),
        ),
        Transition(
            "reject",
            (S.SUBMITTED, S.RETURNED),
            S.REJECTED,
            DISCIPLINE,
            danger=True,
            label=_("Do not accept"),
            event_label=_("not accepted"),
            input="reason",
            done=_("Complaint %(code)s not accepted."),
            denied=_("Only the discipline office may do this."),
        ),
        Transition(
            "assign",
            ROUTED,
            S.ASSIGNED,
            HEAD | OFFICE_IN_CHARGE,
            label=_("Assign"),
            event_label=_("assigned to a handler"),
            input="handler",
            done=_("Complaint %(code)s assigned."),
            denied=_("Only the head who answers for it may assign it."),
        ),
        Transition(
            "reroute",
            (*ROUTED, S.RETURNED),
            S.ACCEPTED,
            DISCIPLINE,
            help=_("The reply stays due when it was: the deadline runs from acceptance."),
            label=_("Re-route"),
            event_label=_("re-routed to another department"),
            input="reroute",
            done=_("Complaint %(code)s re-routed."),
            denied=_("Only the discipline office may do this."),
        ),
        Transition(
            "return",
            ROUTED,
            S.RETURNED,
            HEAD,
            guards=(RETURN_WINDOW_OPEN,),
            danger=True,
            help=_("For a complaint that is not your department's business; the deadline keeps running."),
            label=_("Return to the office"),
            event_label=_("returned to the office"),
            input="reason",
            done=_("Complaint %(code)s returned to the discipline office."),
            denied=_("Only the head who answers for it may give it back."),
            refused=_("Only a complaint routed to your department can be given back."),
        ),
        Transition(
            "request_extension",
            ROUTED,
            None,
            HEAD,
            guards=(NOT_EXTENDED, NO_PENDING_EXTENSION, BEFORE_REPLY_DEADLINE),
            label=_("Request an extension"),
            event_label=_("extension requested"),
            input="extension",
            output="extension_request",
            done=_("Extension requested for complaint %(code)s."),
            denied=_("Only the head who answers for it may ask for an extension."),
        ),
        Transition(
            "approve_extension",
            ROUTED,
            None,
            DISCIPLINE,
            guards=(PENDING_EXTENSION,),
            label=_("Approve the extension"),
            event_label=_("extension approved"),
            input="note",
            topic="extension",
            done=_("Extension of complaint %(code)s approved."),
            denied=_("Only the discipline office may do this."),
        ),
        Transition(
            "refuse_extension",
            ROUTED,
            None,
            DISCIPLINE,
            guards=(PENDING_EXTENSION,),
            label=_("Refuse the extension"),
            event_label=_("extension refused"),
            input="note",
            topic="extension",
            done=_("Extension of complaint %(code)s refused."),
            denied=_("Only the discipline office may do this."),
        ),
        Transition(
            "reply",
            ROUTED,
            S.REPLIED,
            HANDLER | HEAD | OFFICE_IN_CHARGE,
            label=_("Send the reply"),
            event_label=_("replied"),
            input="text",
            done=_("Reply to complaint %(code)s sent."),
            denied=_("Only its handler or head may answer the complaint."),
        ),
        Transition(
            "review_statement",
            (S.REVIEW_REQUESTED,),
            None,
            HANDLER | HEAD,
            help=_("The discipline office answers the review; your statement goes to it, not to the complainant."),
            label=_("Add a statement for the review"),
            event_label=_("statement for the review added"),
            input="statement",
            done=_("Statement for the review of complaint %(code)s added."),
            denied=_("Only the department that replied may add a statement."),
        ),
        Transition(
            "reply_review",
            (S.REVIEW_REQUESTED,),
            S.REVIEW_REPLIED,
            REVIEW_BODY,
            label=_("Send the answer to the review"),
            event_label=_("review answered"),
            input="text",
            done=_("Review of complaint %(code)s answered."),
            denied=_(
                "The review is answered by the discipline office, never by the department or handler who gave "
                "the first reply."
            ),
        ),
        Transition(
            "close",
            ANSWERED,
            S.CLOSED,
            DISCIPLINE | SYSTEM,
            guards=(SYSTEM_AFTER_REVIEW_WINDOW,),
            label=_("Close the complaint"),
            event_label=_("closed"),
            done=_("Complaint %(code)s closed."),
            denied=_("Only the discipline office may close the complaint."),
        ),
        Transition(
            "follow_up",
            AFTER_REPLY,
            None,
            DISCIPLINE,
            help=_("Who called, when, and what the complainant said."),
            label=_("Record a follow-up call"),
            event_label=_("follow-up call recorded"),
            input="follow_up",
            done=_("Follow-up call on complaint %(code)s recorded."),
            denied=_("Only the discipline office may do this."),
        ),
        Transition(
            "merge",
            (S.SUBMITTED, *ROUTED, S.RETURNED),
            S.WITHDRAWN,
            DISCIPLINE,
            label=_("Merge as a duplicate"),
            event_label=_("merged as a duplicate"),
            input="into",
            done=_("Complaint %(code)s merged as a duplicate."),
            denied=_("Only the discipline office may do this."),
        ),
        Transition(
            "link_accused",
            ANY,
            None,
            DISCIPLINE,
            verb="route_past",
            help=_("From then on he no longer sees the complaint, and routing and handling skip him."),
            label=_("Link the cadre complained about"),
            event_label=_("routed past a recused cadre"),
            input="cadre",
            output=GONE,
            done=_("Cadre complained about linked to complaint %(code)s; recusal applies from now on."),
            denied=_("Only the discipline office may do this."),
        ),
        Transition(
            "reveal_identity",
            ANY,
            None,
            DISCIPLINE,
            guards=(CONTACTS_KEPT, NOT_REVEALED_TO_HIM),
            help=_("Revealing is recorded in the timeline with your reason."),
            label=_("Reveal the identity"),
            event_label=_("complainant's identity viewed"),
            input="reason",
            output="identity",
            topic="identity",
            done=_("The complainant's identity is shown below; the view is recorded in the timeline."),
            denied=_("Only the discipline office may do this."),
        ),
        Transition(
            "grant_identity",
            ANY,
            None,
            DISCIPLINE,
            guards=(PENDING_IDENTITY_REQUEST,),
            label=_("Grant"),
            event_label=_("access to identity granted"),
            input="identity_decision",
            output="identity_access",
            topic="identity",
            done=_("Access to the complainant's identity granted."),
            denied=_("Only the discipline office may do this."),
        ),
        Transition(
            "refuse_identity",
            ANY,
            None,
            DISCIPLINE,
            guards=(PENDING_IDENTITY_REQUEST,),
            label=_("Refuse"),
            event_label=_("access to identity refused"),
            input="identity_decision",
            output="identity_access",
            topic="identity",
            done=_("Access to the complainant's identity refused."),
            denied=_("Only the discipline office may do this."),
        ),
        Transition(
            "request_identity",
            ANY,
            None,
            STAFF_WORKING_IT,
            guards=(CONTACTS_KEPT, NO_OWN_IDENTITY_REQUEST),
            heading=_("Ask for access to the identity"),
            help=_("The discipline office grants or refuses the request."),
            label=_("Request access"),
            event_label=_("access to identity requested"),
            input="reason",
            output="identity_access",
            topic="identity",
            done=_("Access to the complainant's identity requested."),
            denied=_("You may not ask for the complainant's identity."),
        ),
        # The complainant's own actions, on the public side (tracking code and access key).
        Transition(
            "feedback",
            (S.REPLIED, S.REVIEW_REQUESTED, S.REVIEW_REPLIED, S.CLOSED),
            None,
            COMPLAINANT,
            guards=(FEEDBACK_OPEN,),
            label=_("Rate the reply"),
            event_label=_("complainant rated the reply"),
            input="feedback",
            refused=_("The reply can be rated once, after it is given."),
        ),
        Transition(
            "request_review",
            (S.REPLIED, S.CLOSED),
            S.REVIEW_REQUESTED,
            COMPLAINANT,
            guards=(REVIEW_WINDOW_OPEN,),
            label=_("Ask for a review"),
            event_label=_("review requested"),
            input="reason",
            refused=_("A review can no longer be asked for this complaint."),
        ),
        Transition(
            "supplement",
            NOT_FINISHED,
            None,
            COMPLAINANT,
            label=_("Add material"),
            event_label=_("complainant added material"),
            input="supplement",
            refused=_("Material can only be added to a complaint that is still open."),
        ),
    ],
)
