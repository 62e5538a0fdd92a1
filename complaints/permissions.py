"""Who may do what to a complaint: the predicates the transition table (``complaints.transitions``)
names, and who answers for a routed complaint. Recusal runs through all of them: the cadre a
complaint names has no part in it, whatever his role.

What a user may *see* is ``Complaint.objects.visible_to(user)`` (``complaints.models``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings

from cadres.models import Cadre
from complaints.deadlines import category_policy_for
from complaints.models import Complaint
from workstyle import roles
from workstyle.deadlines import due_after
from workstyle.roles import Actor


def complaint_head(complaint: Complaint) -> Cadre | None:
    """The cadre who answers for a routed complaint: the responsible head set when its department's
    head was recused (or missing), else the department's head, unless he is the cadre complained
    about (or recused from it otherwise). None means nobody in the line: the discipline office
    handles it itself."""
    if complaint.responsible_head_id is not None:
        head = complaint.responsible_head
    elif complaint.department_id is not None:
        head = complaint.department.head  # type: ignore[union-attr]
    else:
        return None
    if head is None or head.pk in complaint.recused_cadre_ids or not head.active:
        return None
    return head


def _actor_cadre(user: Actor, complaint: Complaint) -> Cadre | None:
    """The user's cadre, unless he is recused from the complaint (then he has no part in it)."""
    cadre = roles.cadre_of(user)
    if cadre is None or cadre.pk in complaint.recused_cadre_ids:
        return None
    return cadre


def _not_recused(user: Actor, complaint: Complaint) -> bool:
    cadre = roles.cadre_of(user)
    return cadre is None or cadre.pk not in complaint.recused_cadre_ids


def complaint_is_discipline(user: Actor, complaint: Complaint) -> bool:
    """Discipline office staff, unless the complaint names him."""
    return roles.is_discipline(user) and _not_recused(user, complaint)


def category_policy_may_change(user: Actor) -> bool:
    """A category's time limits are the discipline office's (and the administrator's) to set."""
    return bool(getattr(user, "is_superuser", False)) or roles.is_discipline(user)


def complaint_may_bulk_accept(user: Actor) -> bool:
    """Routing several complaints at once is the discipline office's; each is then checked as
    ``accept`` checks it (recusal included)."""
    return roles.is_discipline(user)


def complaint_is_head(user: Actor, complaint: Complaint) -> bool:
    cadre = _actor_cadre(user, complaint)
    head = complaint_head(complaint)
    return cadre is not None and head is not None and cadre.pk == head.pk


def complaint_is_handler(user: Actor, complaint: Complaint) -> bool:
    cadre = _actor_cadre(user, complaint)
    return cadre is not None and complaint.handler_id == cadre.pk


def complaint_is_office_in_charge(user: Actor, complaint: Complaint) -> bool:
    """The discipline office, when nobody in the department's line may answer (recusal)."""
    return complaint_is_discipline(user, complaint) and complaint_head(complaint) is None


def complaint_may_assign(user: Actor, complaint: Complaint) -> bool:
    """The head who answers for it; the discipline office when nobody in the line may (recusal)."""
    return complaint_is_head(user, complaint) or complaint_is_office_in_charge(user, complaint)


def complaint_may_answer(user: Actor, complaint: Complaint) -> bool:
    """Reply or answer a review: the handler or the head (the discipline office when nobody in the
    line may answer)."""
    return complaint_is_handler(user, complaint) or complaint_may_assign(user, complaint)


def complaint_gave_first_reply(user: Actor, complaint: Complaint) -> bool:
    """Whoever answered the complaint the first time: the user who sent the reply, and the people of
    the department that gave it (its head and handler)."""
    user_id = getattr(user, "pk", None)
    if user_id is not None and complaint.replied_by_id == user_id:
        return True
    cadre = roles.cadre_of(user)
    if cadre is None:
        return False
    head = complaint_head(complaint)
    return complaint.handler_id == cadre.pk or (head is not None and head.pk == cadre.pk)


def complaint_is_review_body(user: Actor, complaint: Complaint) -> bool:
    """A review is answered by the discipline office, never by whoever gave the first reply: an
    officer who sent that reply, or who heads or handles it in the department, may not answer it."""
    return complaint_is_discipline(user, complaint) and not complaint_gave_first_reply(user, complaint)


def complaint_may_intake(user: Actor) -> bool:
    """Letters, calls and visits are recorded by the discipline office, which receives them."""
    return roles.is_discipline(user)


def complaint_return_deadline(complaint: Complaint) -> dt.datetime | None:
    """Until when the department may give the complaint back to the office: some days after it got
    it (``WORKSTYLE_RETURN_DAYS``), counted as every deadline is."""
    start = complaint.routed_at or complaint.accepted_at
    if start is None:
        return None
    return due_after(start, settings.WORKSTYLE_RETURN_DAYS)


def complaint_return_window_open(complaint: Complaint, *, now: dt.datetime) -> bool:
    deadline = complaint_return_deadline(complaint)
    return deadline is not None and now <= deadline


def complaint_may_request_identity(user: Actor, complaint: Complaint) -> bool:
    """Staff outside the discipline office who work the complaint may ask for the complainant's
    identity. The organization department never sees identities, unless one of its staff also
    answers for the complaint as its head or handler. (Visibility is checked apart.)"""
    if roles.is_discipline(user) or not roles.is_staff_user(user):
        return False
    if roles.is_orgdept(user):
        return complaint_is_head(user, complaint) or complaint_is_handler(user, complaint)
    return True


# --- the complainant's side ----------------------------------------------------------------------


def complaint_review_deadline(complaint: Complaint) -> dt.datetime | None:
    """Until when the complainant may ask for a review of the reply."""
    if complaint.replied_at is None:
        return None
    return due_after(complaint.replied_at, category_policy_for(complaint.category).review_window_days)


def complaint_review_window_open(complaint: Complaint, *, now: dt.datetime) -> bool:
    """A review may be asked once, within the window after the reply, also when staff have closed
    the complaint in the meantime: closing never takes that right away."""
    if complaint.review_requested_at is not None:
        return False
    deadline = complaint_review_deadline(complaint)
    return deadline is not None and now <= deadline


def complaint_review_window_passed(complaint: Complaint, *, now: dt.datetime) -> bool:
    """The complainant's time to ask for a review of the last answer has run out."""
    answered_at = complaint.review_replied_at or complaint.replied_at
    if answered_at is None:
        return False
    return now > due_after(answered_at, category_policy_for(complaint.category).review_window_days)


def complaint_feedback_open(complaint: Complaint) -> bool:
    """The complainant rates the reply once, after there is one."""
    return complaint.replied_at is not None and complaint.feedback_at is None


def complainant(actor: Any, complaint: Complaint) -> bool:
    """The holder of the tracking code and access key, on the public side: no account, no actor."""
    return actor is None
