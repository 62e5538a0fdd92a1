"""The escalation sweep: reminder, level 0 → 1, level 1 → 2 with one accountability case; once per
step however often and however concurrently it runs, and nothing half done after a crash."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from io import StringIO
from typing import Any
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from complaints.escalation import escalate_overdue
from complaints.models import Complaint, ComplaintEvent
from supervision.models import AccountabilityCase, CaseEvent
from tests.factories.org import CadreFactory, UserFactory
from tests.flows.overdue import make_complaint
from workstyle import ladder
from workstyle.models import Notification, OutboxEmail

S = Complaint.Status
START = datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
DAY = timedelta(days=1)
ZERO = {"reminded": 0, "escalated_1": 0, "escalated_2": 0, "cases_opened": 0}


@pytest.fixture
def clock() -> Any:
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def sweep(**kwargs: Any) -> dict[str, int]:
    return escalate_overdue(now=timezone.now(), **kwargs)


def events(complaint: Complaint, verb: str) -> list[ComplaintEvent]:
    return list(ComplaintEvent.objects.filter(complaint=complaint, verb=verb).order_by("id"))


def kinds(user: Any) -> list[str]:
    return list(Notification.objects.filter(recipient=user).order_by("id").values_list("kind", flat=True))


@pytest.fixture
def assigned(org: Any, clock: Any) -> Complaint:
    return make_complaint(
        now=timezone.now(),
        status=S.ASSIGNED,
        department=org.office,
        handler=org.cadre,
        reply_due_at=START + 10 * DAY,
    )


# --- reminders -------------------------------------------------------------------------------------


def test_reminder_goes_to_the_handler_once_per_deadline(assigned: Complaint, org: Any, clock: Any) -> None:
    assert sweep() == ZERO  # ten days away: too early

    clock.move_to(START + 7 * DAY + timedelta(hours=1))  # under three days left
    assert sweep()["reminded"] == 1
    assert sweep()["reminded"] == 0
    clock.move_to(START + 9 * DAY)
    assert sweep()["reminded"] == 0

    assigned.refresh_from_db()
    assert assigned.reminded_for == assigned.reply_due_at
    assert assigned.escalation_level == 0
    [event] = events(assigned, "remind")
    assert event.actor is None
    assert event.data["deadline"] == assigned.reply_due_at.isoformat()
    assert kinds(org.cadre.user) == ["complaint_reminder"]
    assert kinds(org.head.user) == []  # the handler answers; his head is not bothered yet


def test_reminder_for_an_unassigned_complaint_goes_to_the_head(org: Any, clock: Any) -> None:
    make_complaint(now=timezone.now(), status=S.ACCEPTED, department=org.office, reply_due_at=START + 2 * DAY)
    assert sweep()["reminded"] == 1
    assert kinds(org.head.user) == ["complaint_reminder"]


def test_reminder_before_acceptance_goes_to_the_discipline_office(org: Any, discipline_user: Any, clock: Any) -> None:
    complaint = make_complaint(now=timezone.now(), accept_due_at=START + 2 * DAY)
    assert sweep()["reminded"] == 1
    assert kinds(discipline_user) == ["complaint_reminder"]
    [notice] = Notification.objects.filter(recipient=discipline_user)
    assert complaint.tracking_code in notice.title
    assert notice.url == f"/workbench/complaints/{complaint.pk}/"


def test_extension_moves_the_deadline_so_a_new_reminder_is_allowed(assigned: Complaint, org: Any, clock: Any) -> None:
    clock.move_to(START + 8 * DAY)
    assert sweep()["reminded"] == 1
    assert assigned.reply_due_at is not None
    # What an approved extension does to the row (complaints.services.complaint_approve_extension).
    Complaint.objects.filter(pk=assigned.pk).update(
        reply_due_at=assigned.reply_due_at + 20 * DAY, extended=True, extension_days=20
    )
    assert sweep()["reminded"] == 0  # the new deadline is far away
    clock.move_to(START + 28 * DAY)
    assert sweep()["reminded"] == 1
    assert sweep()["reminded"] == 0
    assert len(events(assigned, "remind")) == 2
    assert kinds(org.cadre.user) == ["complaint_reminder", "complaint_reminder"]


# --- level 0 → 1 ---------------------------------------------------------------------------------


def test_unaccepted_complaint_past_its_acceptance_deadline_goes_to_level_1(
    org: Any, discipline_user: Any, clock: Any
) -> None:
    complaint = make_complaint(now=timezone.now(), accept_due_at=START + 2 * DAY)
    sweep()  # the reminder
    clock.move_to(START + 2 * DAY + timedelta(seconds=1))
    assert sweep() == {**ZERO, "escalated_1": 1}

    complaint.refresh_from_db()
    assert complaint.escalation_level == 1
    assert complaint.escalated_at == START + 2 * DAY + timedelta(seconds=1)
    [event] = events(complaint, "escalate")
    assert (event.from_state, event.to_state) == ("0", "1")
    assert kinds(discipline_user) == ["complaint_reminder", "complaint_overdue_acceptance"]


def test_accepted_complaint_past_its_reply_deadline_goes_to_the_head(
    assigned: Complaint, org: Any, discipline_user: Any, clock: Any, django_capture_on_commit_callbacks: Any
) -> None:
    clock.move_to(START + 10 * DAY + timedelta(minutes=5))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        counts = sweep()
    assert counts == {**ZERO, "escalated_1": 1}
    assert callbacks  # the outbox relay is woken on commit
    assigned.refresh_from_db()
    assert assigned.escalation_level == 1
    assert kinds(org.head.user) == ["complaint_escalated"]
    assert kinds(discipline_user) == []
    [mail] = OutboxEmail.objects.filter(to=org.head.user.email)
    assert assigned.tracking_code in mail.subject
    # The complainant stays out of every notice and e-mail.
    for text in (mail.subject, mail.body, *(n.title + n.body for n in Notification.objects.all())):
        assert "张三" not in text
        assert "13800000000" not in text
        assert "zhangsan@example.com" not in text
        assert "路灯" not in text  # nor the complaint's own words


def test_escalation_skips_a_head_who_is_complained_about(org: Any, discipline_user: Any, clock: Any) -> None:
    recused = make_complaint(
        now=timezone.now(),
        status=S.ACCEPTED,
        department=org.office,
        accused_cadre=org.head,
        responsible_head=org.bureau_head,
        reply_due_at=START - DAY,
    )
    nobody = make_complaint(
        now=timezone.now(), status=S.ACCEPTED, department=org.office, accused_cadre=org.head, reply_due_at=START - DAY
    )
    assert sweep()["escalated_1"] == 2
    assert kinds(org.head.user) == []
    assert kinds(org.bureau_head.user) == ["complaint_escalated"]
    # Nobody else heads it: the discipline office is told instead.
    assert kinds(discipline_user) == ["complaint_escalated"]
    assert Notification.objects.get(recipient=org.bureau_head.user).url.endswith(f"/{recused.pk}/")
    assert Notification.objects.get(recipient=discipline_user).url.endswith(f"/{nobody.pk}/")


def test_an_inactive_head_is_passed_over_for_the_discipline_office(org: Any, discipline_user: Any, clock: Any) -> None:
    org.head.active = False
    org.head.save()
    make_complaint(now=timezone.now(), status=S.ACCEPTED, department=org.office, reply_due_at=START - DAY)
    assert sweep()["escalated_1"] == 1
    assert kinds(org.head.user) == []
    assert kinds(discipline_user) == ["complaint_escalated"]


def test_replied_and_closed_complaints_never_escalate(org: Any, clock: Any) -> None:
    for status in (S.REPLIED, S.REVIEW_REPLIED, S.CLOSED, S.REJECTED):
        make_complaint(
            now=timezone.now(), status=status, department=org.office, reply_due_at=START - 30 * DAY
        ) if status != S.REJECTED else make_complaint(now=timezone.now(), status=status, accept_due_at=START - 30 * DAY)
    for days in (0, 1, 8, 40):
        clock.move_to(START + days * DAY)
        assert sweep() == ZERO
    assert not ComplaintEvent.objects.exists()
    assert not Notification.objects.exists()


def test_review_request_runs_its_own_deadline(org: Any, clock: Any) -> None:
    complaint = make_complaint(
        now=timezone.now(),
        status=S.REVIEW_REQUESTED,
        department=org.office,
        handler=org.cadre,
        reply_due_at=START - 40 * DAY,  # the first deadline is long gone: it does not count now
        review_due_at=START + 20 * DAY,
    )
    assert sweep() == ZERO
    clock.move_to(START + 20 * DAY + timedelta(hours=1))
    assert sweep()["escalated_1"] == 1
    complaint.refresh_from_db()
    assert complaint.escalation_level == 1


# --- level 1 → 2 ---------------------------------------------------------------------------------


def test_still_unanswered_seven_days_later_goes_to_the_office_with_one_case(
    assigned: Complaint, org: Any, discipline_user: Any, clock: Any
) -> None:
    escalated_at = START + 10 * DAY + timedelta(minutes=5)
    clock.move_to(escalated_at)
    assert sweep()["escalated_1"] == 1

    clock.move_to(escalated_at + 7 * DAY - timedelta(minutes=1))
    assert sweep() == ZERO
    clock.move_to(escalated_at + 7 * DAY)
    assert sweep() == {**ZERO, "escalated_2": 1, "cases_opened": 1}
    for days in (8, 30):
        clock.move_to(escalated_at + days * DAY)
        assert sweep() == ZERO

    assigned.refresh_from_db()
    assert assigned.escalation_level == 2
    [case] = AccountabilityCase.objects.all()
    assert case.source == AccountabilityCase.Source.COMPLAINT_ESCALATION
    assert case.complaint == assigned
    assert case.subject_cadre == org.head
    assert case.subject_unit is None
    assert case.status == AccountabilityCase.Status.OPENED
    assert assigned.tracking_code in case.allegation
    assert timezone.localtime(assigned.reply_due_at).date().isoformat() in case.allegation
    [open_event] = CaseEvent.objects.filter(case=case)
    assert open_event.verb == "open"
    assert open_event.actor is None
    escalations = events(assigned, "escalate")
    assert [(e.from_state, e.to_state) for e in escalations] == [("0", "1"), ("1", "2")]
    assert escalations[1].data["case"] == case.pk
    assert kinds(discipline_user) == ["complaint_escalated_office"]
    assert kinds(org.head.user) == ["complaint_escalated"]


def test_reply_at_level_1_stops_the_ladder(assigned: Complaint, org: Any, clock: Any) -> None:
    clock.move_to(START + 11 * DAY)
    assert sweep()["escalated_1"] == 1
    Complaint.objects.filter(pk=assigned.pk).update(status=S.REPLIED, replied_at=timezone.now(), reply_text="已答复。")
    clock.move_to(START + 30 * DAY)
    assert sweep() == ZERO
    assert not AccountabilityCase.objects.exists()


@pytest.mark.parametrize(
    ("who", "expected"),
    [("responsible", "bureau_head"), ("handler", "cadre"), ("unit", "bureau")],
)
def test_case_subject_falls_back_from_head_to_handler_to_unit(
    org: Any, discipline_user: Any, clock: Any, who: str, expected: str
) -> None:
    fields: dict[str, Any] = {"department": org.records, "escalation_level": 1, "escalated_at": START - 8 * DAY}
    # records has no head of its own
    if who == "responsible":
        fields |= {"responsible_head": org.bureau_head, "handler": org.other}
    elif who == "handler":
        fields |= {"handler": org.cadre}
    make_complaint(
        now=timezone.now(),
        status=S.ASSIGNED if "handler" in fields else S.ACCEPTED,
        reply_due_at=START - 9 * DAY,
        **fields,
    )
    assert sweep()["cases_opened"] == 1
    case = AccountabilityCase.objects.get()
    assert (case.subject_cadre or case.subject_unit) == getattr(org, expected)


def test_an_existing_escalation_case_is_kept_not_duplicated(assigned: Complaint, org: Any, clock: Any) -> None:
    Complaint.objects.filter(pk=assigned.pk).update(
        escalation_level=1, escalated_at=START - 8 * DAY, reply_due_at=START - 9 * DAY
    )
    AccountabilityCase.objects.create(
        source=AccountabilityCase.Source.COMPLAINT_ESCALATION,
        complaint=assigned,
        subject_cadre=org.head,
        allegation="opened by hand",
        opened_at=START - DAY,
    )
    assert sweep() == {**ZERO, "escalated_2": 1}
    assert AccountabilityCase.objects.count() == 1
    assert events(assigned, "escalate")[0].data["case"] is None


# --- idempotence, batches, queries, crashes -------------------------------------------------------


def _ladder(org: Any, now: datetime, n: int = 1) -> dict[str, list[Complaint]]:
    """n complaints due for each step at ``now``."""
    return {
        "remind": [
            make_complaint(
                now=now, status=S.ASSIGNED, department=org.office, handler=org.cadre, reply_due_at=now + 2 * DAY
            )
            for _ in range(n)
        ],
        "level_1": [
            make_complaint(now=now, status=S.ACCEPTED, department=org.office, reply_due_at=now - DAY) for _ in range(n)
        ],
        "level_2": [
            make_complaint(
                now=now,
                status=S.ASSIGNED,
                department=org.office,
                handler=org.cadre,
                reply_due_at=now - 9 * DAY,
                escalation_level=1,
                escalated_at=now - 8 * DAY,
            )
            for _ in range(n)
        ],
    }


def _assert_each_step_once(ladder: dict[str, list[Complaint]], office: Any) -> None:
    n = len(ladder["remind"])
    assert ComplaintEvent.objects.filter(verb="remind").count() == n
    assert ComplaintEvent.objects.filter(verb="escalate", to_state="1").count() == n
    assert ComplaintEvent.objects.filter(verb="escalate", to_state="2").count() == n
    assert AccountabilityCase.objects.count() == n
    assert CaseEvent.objects.count() == n
    for complaint in ladder["remind"]:
        assert len(events(complaint, "remind")) == 1
    for complaint in ladder["level_1"]:
        assert [(e.from_state, e.to_state) for e in events(complaint, "escalate")] == [("0", "1")]
    for complaint in ladder["level_2"]:
        assert [(e.from_state, e.to_state) for e in events(complaint, "escalate")] == [("1", "2")]
        assert AccountabilityCase.objects.filter(complaint=complaint).count() == 1
    assert Notification.objects.filter(kind="complaint_reminder").count() == n
    assert Notification.objects.filter(kind="complaint_escalated").count() == n
    assert Notification.objects.filter(kind="complaint_escalated_office", recipient=office).count() == n
    assert OutboxEmail.objects.count() == Notification.objects.count()


def test_the_sweep_run_twice_does_each_step_once(org: Any, discipline_user: Any, clock: Any) -> None:
    ladder = _ladder(org, timezone.now(), n=3)
    assert sweep(batch_size=2) == {"reminded": 3, "escalated_1": 3, "escalated_2": 3, "cases_opened": 3}
    assert sweep(batch_size=2) == ZERO
    _assert_each_step_once(ladder, discipline_user)


def test_queries_per_batch_do_not_grow_with_the_batch(
    org: Any, discipline_user: Any, clock: Any, django_assert_max_num_queries: Any
) -> None:
    def queries(n: int) -> int:
        _ladder(org, timezone.now(), n=n)
        with CaptureQueriesContext(connection) as ctx:
            sweep(batch_size=1000)
        return len(ctx.captured_queries)

    small = queries(20)
    clock.shift(DAY)
    large = queries(200)
    assert large == small
    clock.shift(DAY)
    _ladder(org, timezone.now(), n=200)
    # Three steps of one batch each, plus the final empty batch of each step: a few dozen in all.
    with django_assert_max_num_queries(40):
        counts = sweep(batch_size=1000)
    assert counts["escalated_2"] == 200


def test_a_sweep_that_dies_half_way_leaves_no_half_batch(
    transactional_db: Any, org: Any, discipline_user: Any, clock: Any
) -> None:
    now = timezone.now()
    overdue = [
        make_complaint(now=now, status=S.ACCEPTED, department=org.office, reply_due_at=now - DAY) for _ in range(12)
    ]
    real = ladder.notification_send_many
    calls = {"n": 0}

    def dies_on_the_second_batch(**kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 2:
            raise ConnectionError("the database went away mid-batch")
        return real(**kwargs)

    with (
        mock.patch.object(ladder, "notification_send_many", side_effect=dies_on_the_second_batch),
        pytest.raises(ConnectionError),
    ):
        sweep(batch_size=5)

    # The first batch is committed whole; the second left nothing behind.
    levels = dict(Complaint.objects.values_list("pk", "escalation_level"))
    assert sorted(levels.values()) == [0] * 7 + [1] * 5
    done = {pk for pk, level in levels.items() if level == 1}
    assert set(ComplaintEvent.objects.values_list("complaint_id", flat=True)) == done
    assert Notification.objects.count() == 5
    assert OutboxEmail.objects.count() == 5

    assert sweep(batch_size=5)["escalated_1"] == 7
    assert ComplaintEvent.objects.filter(verb="escalate").count() == 12
    for complaint in overdue:
        assert len(events(complaint, "escalate")) == 1
    assert Notification.objects.count() == 12


@pytest.mark.slow
def test_four_sweeps_at_once_do_each_step_once(
    transactional_db: Any, org: Any, discipline_user: Any, clock: Any
) -> None:
    now = timezone.now()
    ladder = _ladder(org, now, n=25)
    barrier = threading.Barrier(4)
    results: list[dict[str, int]] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait(timeout=10)
            # Small batches so that the four sweeps interleave row by row.
            results.append(escalate_overdue(now=now, batch_size=3))
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    assert len(results) == 4
    totals = {key: sum(r[key] for r in results) for key in ZERO}
    assert totals == {"reminded": 25, "escalated_1": 25, "escalated_2": 25, "cases_opened": 25}
    _assert_each_step_once(ladder, discipline_user)
    assert ComplaintEvent.objects.count() == 75


# --- the command ------------------------------------------------------------------------------


def test_command_runs_one_sweep_and_prints_the_counts(org: Any, discipline_user: Any, clock: Any) -> None:
    _ladder(org, timezone.now(), n=2)
    out = StringIO()
    call_command("escalate_overdue", stdout=out)
    lines = out.getvalue().splitlines()
    assert "reminded: 2" in lines
    assert "escalated_1: 2" in lines
    assert "escalated_2: 2" in lines
    assert "cases_opened: 2" in lines
    out = StringIO()
    call_command("escalate_overdue", stdout=out)
    assert "escalated_1: 0" in out.getvalue().splitlines()


def test_notification_texts_are_registered() -> None:
    from workstyle.notifications import KINDS

    for kind in (
        "complaint_reminder",
        "complaint_overdue_acceptance",
        "complaint_escalated",
        "complaint_escalated_office",
    ):
        assert kind in KINDS


def test_users_are_read_once_per_batch_not_per_complaint(org: Any, clock: Any) -> None:
    heads = [CadreFactory(user=UserFactory()) for _ in range(5)]
    for head in heads:
        head.department.head = head
        head.department.save()
        make_complaint(now=timezone.now(), status=S.ACCEPTED, department=head.department, reply_due_at=START - DAY)
    assert sweep()["escalated_1"] == 5
    for head in heads:
        assert kinds(head.user) == ["complaint_escalated"]


# --- the deadline that runs now, declared once ------------------------------------------------------


def test_the_running_deadline_is_declared_once(org: Any, clock: Any) -> None:
    """``current_due_at``, its SQL, the open statuses and the overdue filter agree for every status."""
    from complaints.selectors import complaint_due_expression, complaint_list_overdue

    now = timezone.now()
    target = make_complaint(now=now, status=S.ACCEPTED, department=org.office)
    made = {}
    for status in S:
        fields: dict[str, Any] = {
            "accept_due_at": now - 3 * DAY,
            "reply_due_at": now + 5 * DAY,
            "review_due_at": now - DAY,
            "department": org.office,
            "handler": org.cadre,
        }
        if status == S.WITHDRAWN:
            fields["merged_into"] = target
        made[status] = make_complaint(now=now, status=status, **fields)
    due = dict(
        Complaint.objects.filter(pk__in=[c.pk for c in made.values()])
        .annotate(due=complaint_due_expression())
        .values_list("status", "due")
    )
    expected = {
        S.SUBMITTED: now - 3 * DAY,
        S.ACCEPTED: now + 5 * DAY,
        S.ASSIGNED: now + 5 * DAY,
        S.REVIEW_REQUESTED: now - DAY,
        # Given back to the office: the reply deadline runs on.
        S.RETURNED: now + 5 * DAY,
    }
    assert due == {status: expected.get(status) for status in S}
    assert {status: c.current_due_at for status, c in made.items()} == due
    assert set(Complaint.OPEN_STATUSES) == set(expected)
    assert {c.status for c in complaint_list_overdue(now).filter(pk__in=[c.pk for c in made.values()])} == {
        S.SUBMITTED,
        S.REVIEW_REQUESTED,
    }


def test_the_escalation_case_links_the_complaint_both_ways(assigned: Complaint, org: Any, clock: Any) -> None:
    Complaint.objects.filter(pk=assigned.pk).update(
        escalation_level=1, escalated_at=START - 8 * DAY, reply_due_at=START - 9 * DAY
    )
    assert sweep()["cases_opened"] == 1
    case = AccountabilityCase.objects.get()
    assert case.complaint == assigned
    assert case.escalated_item == assigned
