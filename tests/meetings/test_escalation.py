"""Meeting reports and rectification items on the deadline ladder: a reminder before the deadline,
the unit's head at level 1, the discipline office with one accountability case at level 2; each step
once however often and however concurrently the sweep runs."""

from __future__ import annotations

import datetime as dt
import threading
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from meetings import services
from meetings.escalation import RECTIFICATION_LADDER, REPORT_LADDER
from meetings.models import Meeting, MeetingReport, MeetingReportEvent, RectificationEvent, RectificationItem
from supervision.models import AccountabilityCase
from tests.factories.meetings import make_item, make_meeting
from tests.meetings.conftest import NOW, Cast
from workstyle.ladder import ladder_sweep
from workstyle.models import Notification

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)
ZERO = {"reminded": 0, "escalated_1": 0, "escalated_2": 0, "cases_opened": 0}
KINDS = [REPORT_LADDER.name, RECTIFICATION_LADDER.name]


def sweep() -> dict[str, dict[str, int]]:
    return ladder_sweep(now=timezone.now(), kinds=KINDS)


def told(kind: str) -> list[int]:
    return list(Notification.objects.filter(kind=kind).order_by("id").values_list("recipient", flat=True))


def test_an_overdue_report_climbs_the_ladder_once_per_level(cast: Cast, clock: Any) -> None:
    # Held today: due at the end of the 15th day.
    meeting = make_meeting(cast.bureau, now=NOW, held_on=NOW.date())
    report = meeting.report
    services.secretary_name(actor=cast.bureau.head.user, unit=cast.bureau.unit, cadre=cast.outsider.cadre, now=NOW)
    assert sweep()[REPORT_LADDER.name] == ZERO

    clock.shift(13 * DAY)  # three days or less before the deadline: the secretary who drafts it
    assert sweep()[REPORT_LADDER.name] == {**ZERO, "reminded": 1}
    assert sweep()[REPORT_LADDER.name] == ZERO
    assert told("meeting_report_reminder") == [cast.outsider.pk]

    clock.shift(3 * DAY)  # past the deadline: the unit's head
    assert sweep()[REPORT_LADDER.name] == {**ZERO, "escalated_1": 1}
    assert sweep()[REPORT_LADDER.name] == ZERO
    assert told("meeting_report_overdue") == [cast.bureau.head.user.pk]
    report.refresh_from_db()
    assert report.escalation_level == 1
    # The office does not see a draft yet.
    assert not Meeting.objects.visible_to(cast.office).filter(pk=meeting.pk).exists()

    clock.shift(7 * DAY)  # still missing a week later: the office, with one case against the unit
    assert sweep()[REPORT_LADDER.name] == {**ZERO, "escalated_2": 1, "cases_opened": 1}
    assert sweep()[REPORT_LADDER.name] == ZERO
    assert told("meeting_report_overdue_office") == [cast.office.pk]
    case = AccountabilityCase.objects.get()
    assert (case.source, case.subject_unit_id, case.subject_cadre_id) == ("meeting", cast.bureau.unit.pk, None)
    assert case.escalated_item == report
    assert Meeting.objects.visible_to(cast.office).filter(pk=meeting.pk).exists()
    verbs = [(e.verb, e.from_state, e.to_state) for e in MeetingReportEvent.objects.filter(report=report, actor=None)]
    assert verbs == [("remind", "", ""), ("escalate", "0", "1"), ("escalate", "1", "2")]


def test_a_submitted_or_accepted_report_owes_nothing(cast: Cast, clock: Any) -> None:
    make_meeting(cast.bureau, now=NOW, held_on=NOW.date() - 40 * DAY, status=MeetingReport.Status.SUBMITTED)
    make_meeting(
        cast.bureau, now=NOW, held_on=NOW.date() - 40 * DAY, status=MeetingReport.Status.ACCEPTED, office=cast.office
    )
    assert sweep()[REPORT_LADDER.name] == ZERO


def test_a_returned_report_is_owed_again(cast: Cast, clock: Any) -> None:
    meeting = make_meeting(
        cast.bureau, now=NOW, held_on=NOW.date(), status=MeetingReport.Status.RETURNED, office=cast.office
    )
    clock.shift(16 * DAY)
    assert sweep()[REPORT_LADDER.name] == {**ZERO, "reminded": 0, "escalated_1": 1}
    meeting.report.refresh_from_db()
    assert meeting.report.escalation_level == 1


def test_an_overdue_item_climbs_the_ladder_and_its_cadre_answers_for_it(cast: Cast, clock: Any) -> None:
    meeting = make_meeting(cast.bureau, now=NOW)
    item = make_item(meeting, now=NOW, responsible=cast.bureau.deputy, deadline=NOW.date() + 10 * DAY)
    done = make_item(meeting, now=NOW, responsible=cast.bureau.deputy, deadline=NOW.date() + 10 * DAY)
    services.rectification_complete(actor=cast.bureau.deputy.user, rectification=done, evidence="完成。", now=NOW)
    services.report_submit(actor=cast.bureau.head.user, report=meeting.report, now=NOW)

    clock.shift(8 * DAY)
    assert sweep()[RECTIFICATION_LADDER.name] == {**ZERO, "reminded": 1}
    assert told("rectification_reminder") == [cast.bureau.deputy.user.pk]
    clock.shift(3 * DAY)
    assert sweep()[RECTIFICATION_LADDER.name] == {**ZERO, "escalated_1": 1}
    assert told("rectification_overdue") == [cast.bureau.head.user.pk]
    clock.shift(7 * DAY)
    assert sweep()[RECTIFICATION_LADDER.name] == {**ZERO, "escalated_2": 1, "cases_opened": 1}
    assert sweep()[RECTIFICATION_LADDER.name] == ZERO
    assert told("rectification_overdue_office") == [cast.office.pk]
    case = AccountabilityCase.objects.get()
    assert (case.source, case.subject_cadre_id) == ("meeting", cast.bureau.deputy.pk)
    assert case.escalated_item == item
    item.refresh_from_db()
    done.refresh_from_db()
    assert (item.escalation_level, done.escalation_level) == (2, 0)
    assert RectificationEvent.objects.filter(item=done, actor=None).count() == 0


def test_reopened_item_past_its_deadline_escalates(cast: Cast, clock: Any) -> None:
    meeting = make_meeting(cast.bureau, now=NOW)
    item = make_item(meeting, now=NOW, responsible=cast.bureau.deputy, deadline=NOW.date() + 2 * DAY)
    services.rectification_complete(actor=cast.bureau.deputy.user, rectification=item, evidence="完成。", now=NOW)
    services.report_submit(actor=cast.bureau.head.user, report=meeting.report, now=NOW)
    clock.shift(5 * DAY)
    assert sweep()[RECTIFICATION_LADDER.name] == ZERO
    services.rectification_reopen(actor=cast.office, rectification=item, reason="不到位。", now=timezone.now())
    assert sweep()[RECTIFICATION_LADDER.name] == {**ZERO, "escalated_1": 1}


@pytest.mark.slow
def test_four_sweeps_at_once_do_each_step_once(
    transactional_db: Any, org: Any, discipline_user: Any, orgdept_user: Any, clock: Any
) -> None:
    from tests.factories.meetings import leading_group

    group = leading_group(org.bureau, prefix="conc")
    # Six reports and six items at each rung's threshold: due within three days, past due, and
    # escalated more than a week ago.
    stages = {"remind": NOW.date() - 13 * DAY, "level_1": NOW.date() - 16 * DAY, "level_2": NOW.date() - 16 * DAY}
    meetings = []
    for stage, held_on in stages.items():
        for _ in range(6):
            meeting = make_meeting(group, now=NOW, held_on=held_on)
            make_item(meeting, now=NOW, responsible=group.deputy, deadline=held_on + 15 * DAY)
            meetings.append((stage, meeting))
    # The level-2 ones were escalated eight days ago.
    level_2 = [m for stage, m in meetings if stage == "level_2"]
    MeetingReport.objects.filter(meeting__in=level_2).update(escalation_level=1, escalated_at=NOW - 8 * DAY)
    RectificationItem.objects.filter(meeting__in=level_2).update(escalation_level=1, escalated_at=NOW - 8 * DAY)
    MeetingReport.objects.filter(meeting__in=level_2).update(due_at=NOW - 9 * DAY)
    RectificationItem.objects.filter(meeting__in=level_2).update(due_at=NOW - 9 * DAY)

    barrier = threading.Barrier(4)
    results: list[dict[str, dict[str, int]]] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait(timeout=10)
            results.append(ladder_sweep(now=NOW, batch_size=2, kinds=KINDS))
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
    for kind in KINDS:
        totals = {key: sum(r[kind][key] for r in results) for key in ZERO}
        # The level-1 ones reach level 1 now; their deadline is too recent for level 2.
        assert totals == {"reminded": 6, "escalated_1": 6, "escalated_2": 6, "cases_opened": 6}, kind
    assert AccountabilityCase.objects.count() == 12
    assert MeetingReportEvent.objects.filter(verb="escalate").count() == 12
    assert RectificationEvent.objects.filter(verb="escalate").count() == 12
    assert MeetingReportEvent.objects.filter(verb="remind").count() == 6
    # A second sweep finds nothing left to do.
    assert ladder_sweep(now=NOW, kinds=KINDS) == dict.fromkeys(KINDS, ZERO)


def test_the_command_sweeps_the_meetings_kinds_too(cast: Cast, clock: Any) -> None:
    make_meeting(cast.bureau, now=NOW, held_on=NOW.date() - 20 * DAY)
    out = StringIO()
    call_command("escalate_overdue", stdout=out)
    text = out.getvalue()
    assert "meeting_reports" in text
    assert "rectifications" in text
    assert MeetingReport.objects.get().escalation_level == 1
