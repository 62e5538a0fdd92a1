"""Deadlines: end of the local day, calendar days, or Chinese working days (2025: National Day
holiday 1–8 October; make-up working days Sunday 28 September and Saturday 11 October)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest
from django.test import override_settings

from complaints import services
from complaints.deadlines import category_policy_for
from complaints.models import Category, CategoryPolicy
from tests.factories.complaints import policy_row
from workstyle.deadlines import due_after

CN = ZoneInfo("Asia/Shanghai")


def local(y: int, m: int, d: int, h: int = 10, mi: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, h, mi, tzinfo=CN)


def end_of(y: int, m: int, d: int) -> dt.datetime:
    return dt.datetime(y, m, d, 23, 59, 59, 999999, tzinfo=CN)


def test_the_2025_calendar_data_is_what_these_tests_assume() -> None:
    holidays = [dt.date(2025, 10, day) for day in range(1, 9)]
    assert not any(chinese_calendar.is_workday(day) for day in holidays)
    assert chinese_calendar.is_workday(dt.date(2025, 9, 28))  # Sunday, worked
    assert chinese_calendar.is_workday(dt.date(2025, 10, 11))  # Saturday, worked
    assert not chinese_calendar.is_workday(dt.date(2025, 10, 12))


@override_settings(WORKSTYLE_WORKING_DAYS=False)
def test_calendar_days_end_at_the_end_of_the_local_day() -> None:
    assert due_after(local(2025, 9, 30), 15) == end_of(2025, 10, 15)
    assert due_after(local(2025, 9, 30), 0) == end_of(2025, 9, 30)
    # 23:30 in Shanghai is still the 30th there although it is 15:30 UTC: the local day counts.
    late = local(2025, 9, 30, 23, 30).astimezone(dt.UTC)
    assert due_after(late, 1) == end_of(2025, 10, 1)
    # 00:30 in Shanghai is the previous day in UTC; still the local day counts.
    early = local(2025, 10, 1, 0, 30).astimezone(dt.UTC)
    assert early.date() == dt.date(2025, 9, 30)
    assert due_after(early, 1) == end_of(2025, 10, 2)
    # Holidays do not matter in calendar mode.
    assert due_after(local(2025, 9, 30), 1) == end_of(2025, 10, 1)


@override_settings(WORKSTYLE_WORKING_DAYS=True)
@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        ((2025, 9, 30), 1, (2025, 10, 9)),  # the whole National Day holiday skipped
        ((2025, 9, 26), 1, (2025, 9, 28)),  # Friday + 1: the make-up Sunday, not Monday
        ((2025, 10, 10), 1, (2025, 10, 11)),  # the make-up Saturday counts
        ((2025, 10, 11), 1, (2025, 10, 13)),  # Sunday 12th is a rest day
        ((2025, 9, 29), 5, (2025, 10, 13)),  # 30 Sep, 9, 10, 11, 13 Oct
        ((2025, 9, 30), 15, (2025, 10, 28)),  # 9, 10, 11, 13–17, 20–24, 27, 28
        ((2025, 10, 3), 1, (2025, 10, 9)),  # starting inside the holiday
    ],
)
def test_working_days_skip_holidays_and_count_make_up_days(start: Any, days: int, due: Any) -> None:
    assert due_after(local(*start), days) == end_of(*due)


@override_settings(WORKSTYLE_WORKING_DAYS=True)
def test_years_beyond_the_calendar_data_fall_back_to_monday_to_friday() -> None:
    # 2031-01-03 is a Friday: one working day later is Monday the 6th.
    assert due_after(local(2031, 1, 3), 1) == end_of(2031, 1, 6)


def test_negative_days_are_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        due_after(local(2025, 1, 1), -1)


@pytest.mark.django_db
def test_a_missing_policy_reads_as_the_regulations_defaults_and_writes_nothing() -> None:
    CategoryPolicy.objects.filter(category=Category.GAMBLING).delete()
    policy = category_policy_for(Category.GAMBLING)
    assert (
        policy.accept_days,
        policy.reply_days,
        policy.max_extension_days,
        policy.review_window_days,
        policy.review_reply_days,
    ) == (15, 60, 30, 30, 30)
    assert not CategoryPolicy.objects.filter(category=Category.GAMBLING).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("working", "due"),
    [(False, end_of(2025, 10, 3)), (True, end_of(2025, 10, 11))],
)
def test_submission_takes_the_acceptance_limit_from_the_category_policy(working: bool, due: dt.datetime) -> None:
    policy_row(Category.SEWAGE)
    CategoryPolicy.objects.filter(category=Category.SEWAGE).update(accept_days=3)
    with override_settings(WORKSTYLE_WORKING_DAYS=working):
        complaint, _key = services.complaint_submit(
            actor=None,
            channel="web",
            category=Category.SEWAGE,
            title="排污",
            description="河道夜间排污。",
            now=local(2025, 9, 30, 9),
        )
    assert complaint.accept_due_at == due


@pytest.mark.django_db
@override_settings(WORKSTYLE_WORKING_DAYS=True)
def test_acceptance_sets_the_reply_limit_in_working_days(org: Any, discipline_user: Any) -> None:
    from tests.factories.complaints import complaint_in_state

    complaint = complaint_in_state("submitted", discipline=discipline_user, now=local(2025, 9, 20))
    complaint = services.complaint_accept(
        actor=discipline_user, complaint=complaint, department=org.office, now=local(2025, 9, 30, 16)
    )
    # 60 working days from 30 September 2025, the holiday week skipped.
    expected = local(2025, 9, 30).date()
    left = 60
    while left:
        expected += dt.timedelta(days=1)
        left -= chinese_calendar.is_workday(expected)
    assert complaint.reply_due_at == end_of(expected.year, expected.month, expected.day)
    assert complaint.reply_due_at > end_of(2025, 12, 22)  # later than 60 working days without the holiday
