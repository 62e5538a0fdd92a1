"""How the meetings app's notifications read. Params carry units, dates and counts only."""

from django.utils.translation import gettext_lazy as _

from workstyle.notifications import register_kind

register_kind(
    "meeting_report_submitted",
    group=_("Meeting report for review"),
    subject=_("Meeting report of {unit} submitted for review"),
    body=_("{unit} submitted the special report on its democratic life meeting of {held_on}. Please review it."),
)
register_kind(
    "meeting_report_accepted",
    group=_("Meeting report accepted"),
    subject=_("Meeting report of {unit} accepted"),
    body=_("The discipline office accepted the special report on the democratic life meeting of {held_on}."),
)
register_kind(
    "meeting_report_returned",
    group=_("Meeting report returned"),
    subject=_("Meeting report of {unit} returned for revision"),
    body=_(
        "The special report on the democratic life meeting of {held_on} was returned with reasons. "
        "Please revise and resubmit it by {due}."
    ),
)
register_kind(
    "meeting_report_reminder",
    group=_("Meeting report due soon"),
    subject=_("Reminder: the meeting report of {unit} is due on {due}"),
    body=_("The special report on the democratic life meeting of {held_on} is due on {due}. Please submit it in time."),
)
register_kind(
    "meeting_report_overdue",
    group=_("Meeting report overdue"),
    subject=_("The meeting report of {unit} is overdue"),
    body=_(
        "The special report on the democratic life meeting of {held_on} was due on {due} and has not been "
        "submitted. If it is still missing {days} days from now, it goes to the discipline office and an "
        "accountability case is opened."
    ),
)
register_kind(
    "meeting_report_overdue_office",
    group=_("Meeting report escalated to the discipline office"),
    subject=_("The meeting report of {unit} is overdue and escalated to the discipline office"),
    body=_(
        "The special report on the democratic life meeting of {held_on} is still missing {days} days after "
        "its deadline ({due}) and its escalation to the unit's head. An accountability case is opened."
    ),
)
register_kind(
    "rectification_reminder",
    group=_("Rectification due soon"),
    subject=_("Reminder: a rectification of {unit} is due on {due}"),
    body=_("The rectification measure “{measure}” is due on {due}. Please complete it and report it done."),
)
register_kind(
    "rectification_overdue",
    group=_("Rectification overdue"),
    subject=_("A rectification of {unit} is overdue"),
    body=_(
        "The rectification measure “{measure}” was due on {due} and has not been reported done. If it is "
        "still open {days} days from now, it goes to the discipline office and an accountability case is opened."
    ),
)
register_kind(
    "rectification_overdue_office",
    group=_("Rectification escalated to the discipline office"),
    subject=_("A rectification of {unit} is overdue and escalated to the discipline office"),
    body=_(
        "The rectification measure “{measure}” is still open {days} days after its deadline ({due}) and its "
        "escalation to the unit's head. An accountability case is opened."
    ),
)
