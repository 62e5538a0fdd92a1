"""The stored deadline in force (``Complaint.due_at``) is the computed one (``current_due_at``, from
``Complaint.DEADLINES``) after every transition from every state it starts from, an extension, the
escalation sweep and the bulk writes; the overdue filter reads it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from complaints import services
from complaints.escalation import escalate_overdue
from complaints.models import Complaint, due_expression
from complaints.selectors import complaint_list_overdue
from complaints.transitions import COMPLAINTS
from tests.complaints.test_services import _doer
from tests.complaints.workflow_cast import NOW, T0, World, set_up, take_row

pytestmark = pytest.mark.django_db
S = Complaint.Status


def assert_stored_is_computed(complaint: Complaint) -> None:
    fresh = Complaint.objects.get(pk=complaint.pk)
    assert fresh.due_at == fresh.current_due_at, fresh.status
    # And in SQL, as the ladder and the lists compare it.
    assert Complaint.objects.filter(pk=complaint.pk).annotate(computed=due_expression(Complaint.DEADLINES)).values_list(
        "due_at", "computed"
    ).get() == (fresh.current_due_at, fresh.current_due_at)


PATHS = [(row.action, source) for row in COMPLAINTS for source in row.sources]


@pytest.mark.parametrize(("name", "source"), PATHS, ids=[f"{a}-from-{s}" for a, s in PATHS])
def test_the_stored_deadline_follows_every_transition(world: World, name: str, source: str) -> None:
    row = COMPLAINTS[name]
    complaint = world.complaint(source)
    set_up(world, row, complaint)
    assert_stored_is_computed(complaint)
    result = take_row(world, row, complaint, world.actor(_doer(row)))
    assert_stored_is_computed(complaint)
    if isinstance(result, Complaint):
        # The service's own instance carries it too (PostgreSQL returns the column on save).
        assert result.due_at == Complaint.objects.get(pk=result.pk).due_at


def test_an_extension_moves_the_stored_deadline(world: World) -> None:
    complaint = world.complaint(S.ASSIGNED)
    before = Complaint.objects.get(pk=complaint.pk).due_at
    services.complaint_request_extension(
        actor=world.actor("head"), complaint=complaint, days=10, reason="需调取档案", now=T0
    )
    services.complaint_approve_extension(actor=world.discipline, complaint=complaint, now=NOW)
    after = Complaint.objects.get(pk=complaint.pk)
    assert after.due_at is not None
    assert before is not None
    assert after.due_at > before
    assert after.due_at == after.reply_due_at
    assert_stored_is_computed(after)


def test_the_sweep_and_bulk_writes_keep_it(world: World) -> None:
    overdue = [world.complaint(state) for state in (S.SUBMITTED, S.ASSIGNED, S.REVIEW_REQUESTED, S.RETURNED)]
    replied = world.complaint(S.REPLIED)
    late = T0 + dt.timedelta(days=400)
    assert set(complaint_list_overdue(late).filter(pk__in=[c.pk for c in overdue]).values_list("pk", flat=True)) == {
        c.pk for c in overdue
    }
    escalate_overdue(now=late)
    escalate_overdue(now=late + dt.timedelta(days=30))
    # A bulk UPDATE, as the sweep and the nightly close write.
    Complaint.objects.filter(pk=replied.pk).update(status=S.CLOSED, closed_at=late)
    for complaint in [*overdue, replied]:
        assert_stored_is_computed(complaint)
    assert Complaint.objects.get(pk=replied.pk).due_at is None
    assert not complaint_list_overdue(late).filter(pk=replied.pk).exists()


def test_the_overdue_filter_reads_the_stored_deadline(world: World, discipline_user: Any) -> None:
    from rest_framework.test import APIClient

    late = world.complaint(S.SUBMITTED)
    on_time = world.complaint(S.ASSIGNED)
    closed = world.complaint(S.CLOSED)
    Complaint.objects.filter(pk=late.pk).update(accept_due_at=NOW - dt.timedelta(days=1))
    Complaint.objects.filter(pk=on_time.pk).update(reply_due_at=dt.datetime(2999, 1, 1, tzinfo=dt.UTC))
    client = APIClient()
    client.force_authenticate(discipline_user)

    def ids(**params: Any) -> set[int]:
        return {row["id"] for row in client.get("/api/v1/complaints/", params).json()["results"]}

    assert ids(overdue="true") >= {late.pk}
    assert on_time.pk not in ids(overdue="true")
    assert {on_time.pk, closed.pk} <= ids(overdue="false")
    assert late.pk not in ids(overdue="false")
