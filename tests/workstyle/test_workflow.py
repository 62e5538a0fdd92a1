"""The workflow core itself: a table is checked when it is declared, paths are read from it, and a
step refuses in a fixed order — the state, then the actor, then the guards — and writes nothing
when it refuses."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from complaints.models import Complaint, ComplaintEvent
from tests.factories.complaints import ComplaintFactory
from tests.factories.org import UserFactory
from workstyle.errors import NotAllowed, TransitionError
from workstyle.workflow import Guard, Transition, Who, Workflow

S = Complaint.Status
ANYONE = Who("anyone", lambda actor, obj: True)
NOBODY = Who("nobody", lambda actor, obj: False)
UNTITLED = Guard("untitled", lambda obj, actor, now: obj.title != "titled", "It has a title.")


def _row(action: str, sources: tuple[str, ...], target: str | None, who: Who = ANYONE, **kw: Any) -> Transition:
    return Transition(action, sources, target, who, label=action, event_label=action, **kw)


def _table(*rows: Transition) -> Workflow:
    return Workflow(
        entity="probe",
        model=Complaint,
        event_model=ComplaintEvent,
        event_field="complaint",
        initial=S.SUBMITTED,
        transitions=list(rows),
        register=False,
    )


def test_a_table_is_checked_when_declared() -> None:
    with pytest.raises(ValueError, match="declared twice"):
        _table(_row("go", (S.SUBMITTED,), S.ACCEPTED), _row("go", (S.ACCEPTED,), S.CLOSED))
    with pytest.raises(ValueError, match="unknown states"):
        _table(_row("go", ("nowhere",), S.ACCEPTED))


def test_paths_are_shortest_through_the_waypoints_that_lie_on_the_way() -> None:
    table = _table(
        _row("accept", (S.SUBMITTED,), S.ACCEPTED),
        _row("assign", (S.ACCEPTED,), S.ASSIGNED),
        _row("reply", (S.ACCEPTED, S.ASSIGNED), S.REPLIED),
        _row("reject", (S.SUBMITTED,), S.REJECTED),
    )
    assert table.path(S.REPLIED) == ["accept", "reply"]
    assert table.path(S.REPLIED, via=(S.ASSIGNED,)) == ["accept", "assign", "reply"]
    # A waypoint off the way is passed by.
    assert table.path(S.REJECTED, via=(S.ASSIGNED,)) == ["reject"]
    assert table.path(S.SUBMITTED) == []
    with pytest.raises(ValueError, match="no way"):
        table.path(S.CLOSED)


def test_unions_of_parties_name_their_members() -> None:
    either = ANYONE | NOBODY
    assert either.name == "anyone | nobody"
    assert either(None, None)
    assert not (NOBODY | NOBODY)(None, None)
    assert not Who("complainant", lambda a, o: a is None, staff=False).has_staff
    assert (Who("complainant", lambda a, o: a is None, staff=False) | ANYONE).has_staff


@pytest.mark.django_db
def test_a_step_refuses_state_then_actor_then_guard_and_writes_nothing() -> None:
    now = timezone.now()
    table = _table(
        _row("accept", (S.SUBMITTED,), S.ACCEPTED, guards=(UNTITLED,)),
        _row("forbidden", (S.SUBMITTED,), None, NOBODY, denied="Not you."),
    )
    complaint = ComplaintFactory(title="titled")
    actor = UserFactory(username="probe-t", groups=["discipline"])
    with (
        pytest.raises(TransitionError, match="It has a title"),
        table.step("accept", actor=actor, obj=complaint, now=now),
    ):
        pytest.fail("the guard let it through")
    with pytest.raises(NotAllowed, match="Not you"), table.step("forbidden", actor=actor, obj=complaint, now=now):
        pytest.fail("the predicate let it through")
    Complaint.objects.filter(pk=complaint.pk).update(status=S.CLOSED)
    with pytest.raises(TransitionError), table.step("forbidden", actor=actor, obj=complaint, now=now):
        pytest.fail("the state let it through")  # the state is judged before the actor
    assert not ComplaintEvent.objects.filter(complaint=complaint).exists()
    assert table.allowed_actions(user=actor, obj=Complaint.objects.get(pk=complaint.pk)) == []


@pytest.mark.django_db
def test_a_step_saves_the_target_and_its_event_in_one_go() -> None:
    now = timezone.now()
    table = _table(_row("reject", (S.SUBMITTED,), S.REJECTED, guards=(UNTITLED,)))
    complaint = ComplaintFactory(title="untitled")
    actor = UserFactory(username="probe-t", groups=["discipline"])
    assert table.allowed_actions(user=actor, obj=complaint) == ["reject"]
    with table.step("reject", actor=actor, obj=complaint, now=now) as step:
        event = step.save(reject_reason="x", note="why", data={"n": 1})
    complaint.refresh_from_db()
    assert (complaint.status, complaint.reject_reason) == (S.REJECTED, "x")
    assert (event.verb, event.from_state, event.to_state, event.note, event.data) == (
        "reject",
        S.SUBMITTED,
        S.REJECTED,
        "why",
        {"n": 1},
    )
    assert event.actor == actor
