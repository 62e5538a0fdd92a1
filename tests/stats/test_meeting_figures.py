"""Meeting reports per unit on the statistics: each meeting counted once, by where its report stands."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from meetings.models import MeetingReport
from stats.selectors import StatsFilters, meeting_report_figures
from tests.factories.meetings import leading_group, make_meeting


def test_a_returned_report_is_owed_again_and_the_columns_add_up(org: Any, discipline_user: Any) -> None:
    now = timezone.now()
    group = leading_group(org.bureau, prefix="b")
    S = MeetingReport.Status
    on_time = make_meeting(group, now=now, status=S.SUBMITTED)
    returned = make_meeting(group, now=now, status=S.RETURNED, office=discipline_user)
    owed_late = make_meeting(group, now=now, status=S.DRAFT)
    make_meeting(group, now=now, status=S.DRAFT)  # its deadline still ahead
    past = now - dt.timedelta(days=1)
    # Returned after a first submission on time, and not sent back by the new deadline.
    MeetingReport.objects.filter(pk=returned.report.pk).update(due_at=past)
    MeetingReport.objects.filter(pk=owed_late.report.pk).update(due_at=past)
    submitted_at = on_time.report.submitted_at
    assert submitted_at is not None
    assert submitted_at <= on_time.report.due_at

    filters = StatsFilters(start=now.date() - dt.timedelta(days=30), end=now.date())
    # The unit's head sees all of its meetings.
    [row] = meeting_report_figures(user=group.head.user, filters=filters, now=now)
    assert row["name"] == org.bureau.name
    assert (row["meetings"], row["on_time"], row["late"], row["missing"], row["not_yet_due"]) == (4, 1, 0, 2, 1)
    assert row["meetings"] == row["on_time"] + row["late"] + row["missing"] + row["not_yet_due"]
    assert row["on_time_rate"] == round(1 / 3, 4)  # of the three due by now
    # The office sees the reports submitted to it: the returned one is owed past its deadline.
    [seen] = meeting_report_figures(user=discipline_user, filters=filters, now=now)
    assert (seen["meetings"], seen["on_time"], seen["missing"]) == (2, 1, 1)
