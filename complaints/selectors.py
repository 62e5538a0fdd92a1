"""Reads of complaints that are more than a ``get``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connections
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from complaints import codes
from complaints.models import Complaint, ComplaintQuerySet, IdentityAccess, IdentityView
from complaints.transitions import COMPLAINTS
from workstyle import roles
from workstyle.dashboard import index_reads
from workstyle.roles import Actor
from workstyle.scopes import bounded_pks


def complaint_get_for_public(*, tracking_code: str, access_key: str) -> Complaint | None:
    """The complaint a tracking code and access key open, or None. A wrong key and an unknown code
    get the same answer after the same work (one indexed query, one hash, one constant-time
    comparison), so the answer tells an attacker nothing about which codes exist."""
    # A malformed code still costs a lookup: a formatted code that can never be issued.
    stored = codes.format_tracking_code(tracking_code) or "-" * 34
    complaint = Complaint.objects.filter(tracking_code=stored).first()
    digest = complaint.access_key_hash if complaint is not None else codes.DUMMY_DIGEST
    matches = codes.access_key_matches(access_key, digest)
    if complaint is None or not matches:
        return None
    return complaint


def complaint_public_actions(complaint: Complaint, *, now: dt.datetime) -> dict[str, bool]:
    """What the complainant may do now on the public side, from the transition table."""
    return {
        row.action: COMPLAINTS.can(row.action, actor=None, obj=complaint, now=now)
        for row in COMPLAINTS
        if not row.staff
    }


# --- staff ---------------------------------------------------------------------------------------


def complaint_identity_accesses(*, user: Actor, complaint_ids: list[int], now: dt.datetime) -> dict[int, int]:
    """The access that lets ``user`` see the complainant of each of ``complaint_ids`` (already
    visible to him) now, by complaint: a discipline officer's own reveal, or anyone's granted
    request, not yet expired. Superusers get no exception: identity access is always explicit and
    on the record. One query for a page of complaints."""
    user_id = getattr(user, "pk", None)
    if not getattr(user, "is_authenticated", False) or user_id is None or not complaint_ids:
        return {}
    accesses = IdentityAccess.objects.filter(
        complaint_id__in=complaint_ids, user_id=user_id, status=IdentityAccess.Status.GRANTED, expires_at__gt=now
    )
    if not roles.is_discipline(user):
        accesses = accesses.filter(kind=IdentityAccess.Kind.REQUEST)
    return dict(accesses.order_by("complaint_id", "expires_at").values_list("complaint_id", "pk"))


def complaint_identity_visible(*, user: Actor, complaint: Complaint, now: dt.datetime | None = None) -> bool:
    """Whether ``user`` may see the complainant's name and contacts of ``complaint`` now."""
    if not Complaint.objects.visible_to(user).filter(pk=complaint.pk).exists():
        return False
    return bool(complaint_identity_accesses(user=user, complaint_ids=[complaint.pk], now=now or timezone.now()))


def complaint_identity_log(*, user: Actor, complaint: Complaint) -> dict[str, Any]:
    """Who was given the complainant's identity, and every time it was shown, for the office's
    leader; nothing for anyone else."""
    if not roles.is_discipline_leader(user):
        return {"leader": False, "accesses": [], "views": []}
    return {
        "leader": True,
        "accesses": list(
            IdentityAccess.objects.visible_to(user)
            .filter(complaint=complaint)
            .exclude(status=IdentityAccess.Status.PENDING)
            .select_related("user", "decided_by")
            .order_by("requested_at", "pk")
        ),
        "views": list(
            IdentityView.objects.visible_to(user)
            .filter(complaint=complaint)
            .select_related("user")
            .order_by("at", "pk")
        ),
    }


def complaint_allowed_actions(*, user: Actor, complaint: Complaint) -> list[str]:
    """The actions (API action names) ``user`` may take on ``complaint`` now, read from the
    transition table; the services check the same rows under a row lock."""
    return COMPLAINTS.allowed_actions(user=user, obj=complaint)


def complaint_due_expression() -> F:
    """``Complaint.current_due_at`` in SQL: the stored ``due_at`` (the deadline that runs now, NULL
    for a complaint nobody owes an answer). For annotations and sweeps."""
    return F("due_at")


def complaint_overdue_q(now: dt.datetime) -> Q:
    """Open complaints whose running deadline has passed (acceptance, reply or review answer): a
    range on the indexed ``due_at``."""
    return Q(due_at__lt=now)


def complaint_awaiting_reply_from_q(cadre: Any) -> Q:
    """Complaints assigned to ``cadre`` for his reply. A review asked for of his reply is the
    discipline office's to answer: he may add a statement, he owes no answer."""
    return Q(handler=cadre, status=Complaint.Status.ASSIGNED)


def complaint_due_soon_q(now: dt.datetime, *, days: int) -> Q:
    """Open complaints whose running deadline falls in the next ``days`` days."""
    return Q(due_at__gte=now, due_at__lte=now + dt.timedelta(days=days))


def complaint_list_overdue(now: dt.datetime, qs: ComplaintQuerySet | None = None) -> ComplaintQuerySet:
    """Open complaints past their running deadline, from ``qs`` (default: all)."""
    base = qs if qs is not None else Complaint.objects.all()
    return base.filter(complaint_overdue_q(now))


def complaint_status_counts(qs: QuerySet[Complaint], *, cap: int) -> dict[str, int]:
    """How many of ``qs`` are in each status, and in all (key ``""``), each counted up to ``cap + 1``
    rows (a count above ``cap`` means "more than ``cap``"): one query made of bounded reads of an
    index (for a scope of several parts, a union of each part's bounded read), so that the tabs
    above a queue cost the same at any size of the table."""
    keys = [*Complaint.Status.values, ""]
    if qs.query.is_empty():
        return dict.fromkeys(keys, 0)
    parts: list[str] = []
    params: list[Any] = []
    for key in keys:
        part = qs.order_by().filter(status=key) if key else qs.order_by()
        sql, part_params = bounded_pks(part, cap + 1).query.sql_with_params()
        # The ORM's own SQL of a bounded read, with its parameters kept apart: nothing is pasted in.
        parts.append(f"(SELECT count(*) FROM ({sql}) AS part)")  # noqa: S608
        params.extend(part_params)
    with index_reads(qs.db), connections[qs.db].cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        row = cursor.fetchone()
    return {key: min(count, cap + 1) for key, count in zip(keys, row, strict=True)}


# --- the rates the office reports (docs/RULES.md, "Statistics") ---------------------------------
# Each rate is a share of two sets of complaints defined here once, so that the statistics and the
# queue's filters (the links behind every figure) count the same complaints.


def complaint_acceptance_counted_q(now: dt.datetime) -> Q:
    """Complaints whose acceptance is due by now: decided (accepted or not accepted), or still
    undecided past the limit. One merged before the decision is left out: nobody decided on it."""
    S = Complaint.Status
    return Q(accepted_at__isnull=False) | Q(status=S.REJECTED) | Q(status=S.SUBMITTED, accept_due_at__lt=now)


def complaint_accepted_in_time_q() -> Q:
    """Decided within the acceptance limit: accepted, or not accepted, by ``accept_due_at`` (the
    end of the limit's last day, that instant included)."""
    return Q(accepted_at__isnull=False, accepted_at__lte=F("accept_due_at")) | Q(
        accepted_at__isnull=True, status=Complaint.Status.REJECTED, closed_at__lte=F("accept_due_at")
    )


def complaint_reply_counted_q(now: dt.datetime) -> Q:
    """Accepted complaints whose reply is due by now: answered, or unanswered past the deadline in
    force. One merged into another after acceptance is answered there and left out here."""
    return (
        Q(accepted_at__isnull=False)
        & ~Q(status=Complaint.Status.WITHDRAWN)
        & (Q(replied_at__isnull=False) | Q(reply_due_at__lt=now))
    )


def complaint_replied_in_time_q() -> Q:
    """Answered by the deadline in force: ``reply_due_at``, which an approved extension moved."""
    return (
        Q(accepted_at__isnull=False)
        & ~Q(status=Complaint.Status.WITHDRAWN)
        & Q(replied_at__isnull=False, replied_at__lte=F("reply_due_at"))
    )


def complaint_rated_q() -> Q:
    return ~Q(rating="")


def complaint_satisfied_q() -> Q:
    """Satisfied or basically satisfied: the two upper of the survey's three levels."""
    R = Complaint.Rating
    return Q(rating__in=[R.SATISFIED, R.BASICALLY_SATISFIED])


def complaint_escalated_to_q(level: int) -> Q:
    """Complaints the ladder ever raised to ``level`` (1 or 2), read from their timeline: the level
    column goes back to 0 when a new deadline starts."""
    from complaints.models import ComplaintEvent

    return Q(pk__in=ComplaintEvent.objects.filter(verb="escalate", to_state=str(level)).values("complaint_id"))
