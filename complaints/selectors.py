"""Reads of complaints that are more than a ``get``."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db.models import Case, Q

from complaints import codes
from workstyle import roles

if TYPE_CHECKING:
    from cadres.models import Cadre
    from complaints.models import Complaint, ComplaintQuerySet


def complaint_visible_to(qs: ComplaintQuerySet, user: Any) -> ComplaintQuerySet:
    """DESIGN §1. The discipline office sees every complaint; the organization department reads
    them all (never the complainant's identity). A cadre sees the complaints of the department he
    heads, those he answers for as responsible head, and those assigned to him. A complaint that
    names a cadre is never visible to that cadre, whatever his role, discipline office and
    superuser included (recusal)."""
    cadre = roles.cadre_of(user)
    if getattr(user, "is_superuser", False) or roles.is_discipline(user) or roles.is_orgdept(user):
        return qs.exclude(accused_cadre=cadre) if cadre is not None else qs
    if cadre is None:
        return qs.none()
    return qs.filter(Q(department__head=cadre) | Q(responsible_head=cadre) | Q(handler=cadre)).exclude(
        accused_cadre=cadre
    )


# --- who answers for a complaint ------------------------------------------------------------------


def complaint_head(complaint: Complaint) -> Cadre | None:
    """The cadre who answers for a routed complaint: the responsible head set when its department's
    head was recused (or missing), else the department's head, unless he is the cadre complained
    about. None means nobody in the line: the discipline office handles it itself."""
    if complaint.responsible_head_id is not None:
        head = complaint.responsible_head
    elif complaint.department_id is not None:
        head = complaint.department.head  # type: ignore[union-attr]
    else:
        return None
    if head is None or head.pk == complaint.accused_cadre_id or not head.active:
        return None
    return head


def _actor_cadre(user: Any, complaint: Complaint) -> Cadre | None:
    """The user's cadre, unless he is the cadre complained about (then he has no part in it)."""
    cadre = roles.cadre_of(user)
    if cadre is None or cadre.pk == complaint.accused_cadre_id:
        return None
    return cadre


def complaint_is_head(user: Any, complaint: Complaint) -> bool:
    cadre = _actor_cadre(user, complaint)
    head = complaint_head(complaint)
    return cadre is not None and head is not None and cadre.pk == head.pk


def complaint_is_handler(user: Any, complaint: Complaint) -> bool:
    cadre = _actor_cadre(user, complaint)
    return cadre is not None and complaint.handler_id == cadre.pk


def complaint_may_assign(user: Any, complaint: Complaint) -> bool:
    """The head who answers for it; the discipline office when nobody in the line may (recusal)."""
    if complaint_is_head(user, complaint):
        return True
    return roles.is_discipline(user) and complaint_head(complaint) is None and _not_accused(user, complaint)


def complaint_may_answer(user: Any, complaint: Complaint) -> bool:
    """Reply or answer a review: the handler or the head (the discipline office when nobody in the
    line may answer)."""
    return complaint_is_handler(user, complaint) or complaint_may_assign(user, complaint)


def _not_accused(user: Any, complaint: Complaint) -> bool:
    cadre = roles.cadre_of(user)
    return cadre is None or cadre.pk != complaint.accused_cadre_id


def complaint_is_discipline(user: Any, complaint: Complaint) -> bool:
    """Discipline office staff, unless the complaint names him."""
    return roles.is_discipline(user) and _not_accused(user, complaint)


# --- the complainant's side ----------------------------------------------------------------------


def complaint_get_for_public(*, tracking_code: str, access_key: str) -> Complaint | None:
    """The complaint a tracking code and access key open, or None. A wrong key and an unknown code
    get the same answer after the same work (one indexed query, one hash, one constant-time
    comparison), so the answer tells an attacker nothing about which codes exist."""
    from complaints.models import Complaint

    # A malformed code still costs a lookup: a formatted code that can never be issued.
    stored = codes.format_tracking_code(tracking_code) or "-" * 34
    complaint = Complaint.objects.filter(tracking_code=stored).first()
    digest = complaint.access_key_hash if complaint is not None else codes.DUMMY_DIGEST
    matches = codes.access_key_matches(access_key, digest)
    if complaint is None or not matches:
        return None
    return complaint


def complaint_review_deadline(complaint: Complaint) -> dt.datetime | None:
    """Until when the complainant may ask for a review of the reply."""
    from complaints.deadlines import category_policy_for
    from workstyle.deadlines import due_after

    if complaint.replied_at is None:
        return None
    return due_after(complaint.replied_at, category_policy_for(complaint.category).review_window_days)


def complaint_can_request_review(complaint: Complaint, *, now: dt.datetime) -> bool:
    """A review may be asked once, within the window after the reply, also when staff have closed
    the complaint in the meantime: closing never takes that right away."""
    from complaints.models import Complaint

    if complaint.review_requested_at is not None or complaint.replied_at is None:
        return False
    if complaint.status not in (Complaint.Status.REPLIED, Complaint.Status.CLOSED):
        return False
    deadline = complaint_review_deadline(complaint)
    return deadline is not None and now <= deadline


def complaint_can_give_feedback(complaint: Complaint) -> bool:
    """The complainant rates the reply once, after there is one."""
    return complaint.replied_at is not None and complaint.feedback_at is None


# --- staff ---------------------------------------------------------------------------------------


def complaint_identity_visible(*, user: Any, complaint: Complaint) -> bool:
    """Whether ``user`` may see the complainant's name and contacts: a discipline officer after his
    own reveal (recorded in the timeline), anyone else after his request was granted. Superusers
    get no exception: identity access is always explicit and on the record."""
    from complaints.models import Complaint, IdentityAccess

    if not getattr(user, "is_authenticated", False):
        return False
    if not Complaint.objects.visible_to(user).filter(pk=complaint.pk).exists():
        return False
    accesses = IdentityAccess.objects.filter(complaint=complaint, user=user, status=IdentityAccess.Status.GRANTED)
    if not roles.is_discipline(user):
        accesses = accesses.filter(kind=IdentityAccess.Kind.REQUEST)
    return accesses.exists()


def complaint_identity_visible_ids(*, user: Any, complaint_ids: list[int]) -> set[int]:
    """``complaint_identity_visible`` for a page of complaints at once (ids already visible)."""
    from complaints.models import IdentityAccess

    if not getattr(user, "is_authenticated", False) or not complaint_ids:
        return set()
    accesses = IdentityAccess.objects.filter(
        complaint_id__in=complaint_ids, user=user, status=IdentityAccess.Status.GRANTED
    )
    if not roles.is_discipline(user):
        accesses = accesses.filter(kind=IdentityAccess.Kind.REQUEST)
    return set(accesses.values_list("complaint_id", flat=True))


def complaint_allowed_actions(*, user: Any, complaint: Complaint) -> list[str]:
    """The actions (API action names) ``user`` may take on ``complaint`` now. The services check
    the same conditions under a row lock; this answers the pages and the API which buttons to show."""
    from complaints.models import Complaint, ExtensionRequest, IdentityAccess

    if not getattr(user, "is_authenticated", False):
        return []
    if not Complaint.objects.visible_to(user).filter(pk=complaint.pk).exists():
        return []
    status = complaint.status
    S = Complaint.Status
    discipline = complaint_is_discipline(user, complaint)
    actions: list[str] = []
    if discipline and status == S.SUBMITTED:
        actions += ["accept", "reject"]
    if status in (S.ACCEPTED, S.ASSIGNED) and complaint_may_assign(user, complaint):
        actions.append("assign")
    if status in (S.ACCEPTED, S.ASSIGNED):
        pending = complaint.extension_requests.filter(status=ExtensionRequest.Status.PENDING).exists()
        if complaint_is_head(user, complaint) and not complaint.extended and not pending:
            actions.append("request_extension")
        if discipline and pending:
            actions += ["approve_extension", "refuse_extension"]
        if complaint_may_answer(user, complaint):
            actions.append("reply")
    if status == S.REVIEW_REQUESTED and complaint_may_answer(user, complaint):
        actions.append("reply_review")
    if status in (S.REPLIED, S.REVIEW_REPLIED) and (discipline or complaint_is_head(user, complaint)):
        actions.append("close")
    if discipline and status in (S.SUBMITTED, S.ACCEPTED, S.ASSIGNED):
        actions.append("merge")
    # As complaint_link_accused: until the complaint is settled (closed, rejected or withdrawn).
    if discipline and status in (*Complaint.OPEN_STATUSES, S.REPLIED, S.REVIEW_REPLIED):
        actions.append("link_accused")
    if discipline:
        if complaint.contacts_erased_at is None:
            actions.append("reveal_identity")
        if complaint.identity_accesses.filter(
            kind=IdentityAccess.Kind.REQUEST, status=IdentityAccess.Status.PENDING
        ).exists():
            actions += ["grant_identity", "refuse_identity"]
    elif (
        complaint_may_request_identity(user, complaint)
        and complaint.contacts_erased_at is None
        and not complaint.identity_accesses.filter(
            user=user, status__in=(IdentityAccess.Status.PENDING, IdentityAccess.Status.GRANTED)
        ).exists()
    ):
        actions.append("request_identity")
    return actions


def complaint_may_request_identity(user: Any, complaint: Complaint) -> bool:
    """Staff outside the discipline office who work the complaint may ask for the complainant's
    identity. The organization department never sees identities (DESIGN §1), unless one of its
    staff also answers for the complaint as its head or handler. (Visibility is checked apart.)"""
    if roles.is_discipline(user) or not roles.is_staff_user(user):
        return False
    if roles.is_orgdept(user):
        return complaint_is_head(user, complaint) or complaint_is_handler(user, complaint)
    return True


def complaint_due_expression() -> Case:
    """``Complaint.current_due_at`` in SQL: the deadline that runs now (acceptance, reply or review
    answer), NULL for a complaint nobody owes an answer. For annotations and sweeps."""
    from complaints.models import Complaint
    from workstyle.ladder import ladder_due_expression

    return ladder_due_expression(Complaint.DEADLINES)


def complaint_overdue_q(now: dt.datetime) -> Q:
    """Open complaints whose running deadline has passed (acceptance, reply or review answer)."""
    from complaints.models import Complaint
    from workstyle.ladder import ladder_overdue_q

    return ladder_overdue_q(Complaint.DEADLINES, now=now)


def complaint_list_overdue(now: dt.datetime, qs: ComplaintQuerySet | None = None) -> ComplaintQuerySet:
    """Open complaints past their running deadline, from ``qs`` (default: all)."""
    from complaints.models import Complaint

    base = qs if qs is not None else Complaint.objects.all()
    return base.filter(complaint_overdue_q(now))


def complaint_filter(qs: ComplaintQuerySet, params: Any, *, request: Any = None) -> Any:
    """``ComplaintFilter`` applied to ``qs`` (already ``visible_to``); returns the FilterSet, whose
    ``.qs`` is the result and ``.errors`` the field errors of bad parameters."""
    from complaints.filters import ComplaintFilter

    return ComplaintFilter(params, queryset=qs, request=request)
