"""Notification kinds of complaints.

Params carry the tracking code and working facts only, never the complainant's identity: a notice is
read by people without an identity grant, and e-mails leave the portal.
"""

from django.utils.translation import gettext_lazy as _

from workstyle.notifications import register_kind

SUBMITTED = "complaint_submitted"
ROUTED = "complaint_routed"
ROUTED_TO_OFFICE = "complaint_routed_to_office"
ASSIGNED = "complaint_assigned"
EXTENSION_REQUESTED = "complaint_extension_requested"
EXTENSION_APPROVED = "complaint_extension_approved"
EXTENSION_REFUSED = "complaint_extension_refused"
REVIEW_REQUESTED = "complaint_review_requested"
REVIEW_STATEMENT_INVITED = "complaint_review_statement_invited"
REVIEW_STATEMENT = "complaint_review_statement"
DISSATISFIED = "complaint_dissatisfied"
REROUTED_AWAY = "complaint_rerouted_away"
RETURNED = "complaint_returned"
SUPPLEMENTED = "complaint_supplemented"
IDENTITY_REQUESTED = "complaint_identity_requested"
IDENTITY_GRANTED = "complaint_identity_granted"
IDENTITY_REFUSED = "complaint_identity_refused"

register_kind(
    SUBMITTED,
    group=_("New complaints"),
    subject=_("New complaint {code}"),
    body=_("Complaint {code} was received. Decide whether to accept it by {due}."),
)
register_kind(
    ROUTED,
    group=_("Routed"),
    subject=_("Complaint {code} routed to {department}"),
    body=_("Complaint {code} was accepted and routed to {department}. Assign a handler; the reply is due by {due}."),
)
register_kind(
    ROUTED_TO_OFFICE,
    group=_("For the discipline office to handle"),
    subject=_("Complaint {code} is for the discipline office to handle"),
    body=_(
        "Complaint {code} was routed to {department}, but nobody in its line may handle it because the "
        "complaint names him. The discipline office answers for it; the reply is due by {due}."
    ),
)
register_kind(
    ASSIGNED,
    group=_("Assigned to you"),
    subject=_("Complaint {code} assigned to you"),
    body=_("You handle complaint {code}. The reply is due by {due}."),
)
register_kind(
    EXTENSION_REQUESTED,
    group=_("Extension requested"),
    subject=_("Extension of {days} days requested for complaint {code}"),
    body=_("An extension of {days} days was requested for complaint {code}. Approve or refuse it."),
)
register_kind(
    EXTENSION_APPROVED,
    group=_("Extension approved"),
    subject=_("Extension approved for complaint {code}"),
    body=_("The extension of {days} days for complaint {code} was approved. The reply is now due by {due}."),
)
register_kind(
    EXTENSION_REFUSED,
    group=_("Extension refused"),
    subject=_("Extension refused for complaint {code}"),
    body=_("The extension for complaint {code} was refused. The reply is still due by {due}."),
)
register_kind(
    REVIEW_REQUESTED,
    group=_("Review requested"),
    subject=_("Review requested for complaint {code}"),
    body=_(
        "The complainant asked for a review of the reply to complaint {code}. The discipline office answers "
        "it by {due}."
    ),
)
register_kind(
    REVIEW_STATEMENT_INVITED,
    group=_("Review requested"),
    subject=_("Review requested for complaint {code}"),
    body=_(
        "The complainant asked for a review of the reply to complaint {code}. The discipline office answers "
        "it by {due}; you may add a statement for it."
    ),
)
register_kind(
    REVIEW_STATEMENT,
    group=_("Statement for a review"),
    subject=_("Statement for the review of complaint {code}"),
    body=_("The department that replied to complaint {code} added a statement for the review."),
)
register_kind(
    DISSATISFIED,
    group=_("Complainant dissatisfied"),
    subject=_("Complaint {code}: the complainant is dissatisfied with the reply"),
    body=_("The complainant rated the reply to complaint {code} as dissatisfied."),
)
register_kind(
    REROUTED_AWAY,
    group=_("Re-routed elsewhere"),
    subject=_("Complaint {code} re-routed to another department"),
    body=_("Complaint {code} was re-routed by the discipline office and is no longer your department's."),
)
register_kind(
    RETURNED,
    group=_("Returned to the office"),
    subject=_("Complaint {code} returned to the office"),
    body=_(
        "{department} gave complaint {code} back to the office as not its business. Re-route it; the reply is "
        "still due by {due}."
    ),
)
register_kind(
    SUPPLEMENTED,
    group=_("Material added"),
    subject=_("Complaint {code}: the complainant added material"),
    body=_("The complainant added material to complaint {code} ({attachments} files)."),
)
register_kind(
    IDENTITY_REQUESTED,
    group=_("Identity access requested"),
    subject=_("Access to a complainant's identity requested ({code})"),
    body=_("Access to the complainant's identity of complaint {code} was requested. Grant or refuse it."),
)
register_kind(
    IDENTITY_GRANTED,
    group=_("Identity access granted"),
    subject=_("Access to the complainant's identity granted ({code})"),
    body=_("Your request to see the complainant's identity of complaint {code} was granted."),
)
register_kind(
    IDENTITY_REFUSED,
    group=_("Identity access refused"),
    subject=_("Access to the complainant's identity refused ({code})"),
    body=_("Your request to see the complainant's identity of complaint {code} was refused."),
)
