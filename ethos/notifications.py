"""Notification kinds of the yearly commitment."""

from django.utils.translation import gettext_lazy as _

from workstyle.notifications import register_kind

register_kind(
    "commitment_reminder",
    group=_("Commitment to sign"),
    subject=_("Your {year} commitment is due on {due}"),
    body=_("Your commitment on the eight ethos for {year} is not signed yet. Please sign it by {due}."),
)
register_kind(
    "commitment_due_today",
    group=_("Commitment due today"),
    subject=_("Your {year} commitment is due today"),
    body=_("Your commitment on the eight ethos for {year} is due today ({due}) and is not signed yet."),
)
register_kind(
    "commitment_missing_head",
    group=_("Commitment not signed"),
    subject=_("{name} has not signed the {year} commitment"),
    body=_("{name} ({staff_number}) has not signed the commitment on the eight ethos for {year}, due on {due}."),
)
