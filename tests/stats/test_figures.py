"""The figures on hand-built complaints whose answers are known: each rate with its edges (the last
instant of the deadline day, an extension, merged and rejected complaints), the ranking, the
visibility of a department head, and the queue links behind the figures."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from complaints.filters import ComplaintFilter
from complaints.models import Complaint, ComplaintEvent
from stats.selectors import (
    StatsFilters,
    complaint_by_department,
    complaint_escalations,
    complaint_totals,
    complaint_trend,
    statistics_queue_url,
    statistics_tables,
)
from tests.factories.complaints import ComplaintFactory
from tests.factories.org import DepartmentFactory
from workstyle.deadlines import LOCAL_TZ

S = Complaint.Status
R = Complaint.Rating
# The figures are read at this instant; everything below happens in May 2026, local time.
NOW = dt.datetime(2026, 6, 30, 12, 0, tzinfo=LOCAL_TZ)
MAY = StatsFilters(start=dt.date(2026, 5, 1), end=dt.date(2026, 5, 31))


def at(day: int, hour: int = 10, minute: int = 0, second: int = 0, micro: int = 0, month: int = 5) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, second, micro, tzinfo=LOCAL_TZ)


def end_of(day: int, month: int = 5) -> dt.datetime:
    return dt.datetime.combine(dt.date(2026, month, day), dt.time.max, tzinfo=LOCAL_TZ)


def make(department: Any = None, **fields: Any) -> Any:
    fields.setdefault("submitted_at", at(1))
    fields.setdefault("accept_due_at", end_of(16))
    return ComplaintFactory(department=department, **fields)


def accepted(department: Any, *, accepted_day: int = 3, due: dt.datetime | None = None, **fields: Any) -> Any:
    fields.setdefault("status", S.ACCEPTED)
    fields.setdefault("accepted_at", at(accepted_day))
    fields.setdefault("routed_at", fields["accepted_at"])
    fields.setdefault("reply_due_at", due or end_of(30, month=5))
    return make(department, **fields)


@pytest.fixture
def cohort(org: Any) -> dict[str, Complaint]:
    """Complaints of May in the office's department and the records department, and one of April."""
    office, records = org.office, org.records
    c: dict[str, Complaint] = {}
    # Acceptance: decided at the last instant of the limit (in time), a microsecond later (late),
    # rejected in time, rejected late, undecided past the limit (late), undecided within it (not yet
    # counted), merged before any decision (never counted).
    c["edge_in"] = accepted(office, accepted_at=end_of(16), routed_at=end_of(16), reply_due_at=end_of(20, 6))
    c["edge_late"] = make(
        office,
        status=S.ACCEPTED,
        accepted_at=end_of(16) + dt.timedelta(microseconds=1),
        routed_at=at(17),
        reply_due_at=end_of(20, 6),
    )
    c["rejected_in"] = make(status=S.REJECTED, closed_at=at(10), reject_reason="不属于受理范围")
    c["rejected_late"] = make(status=S.REJECTED, closed_at=at(20), reject_reason="不属于受理范围")
    c["undecided_late"] = make(submitted_at=at(2), accept_due_at=end_of(17))
    c["undecided_fresh"] = make(submitted_at=at(31), accept_due_at=end_of(15, 7))
    # Replies: the deadline of the records department's complaints.
    c["replied_edge"] = accepted(
        records, status=S.REPLIED, replied_at=end_of(30), reply_text="已答复", rating=R.SATISFIED
    )
    c["replied_late"] = accepted(
        records,
        status=S.REPLIED,
        replied_at=end_of(30) + dt.timedelta(seconds=1),
        reply_text="已答复",
        rating=R.DISSATISFIED,
    )
    # Extended by 10 days (the deadline in force moved to 9 June): a reply on 5 June is in time.
    c["extended"] = accepted(
        records,
        status=S.CLOSED,
        due=end_of(9, 6),
        extended=True,
        extension_days=10,
        replied_at=at(5, month=6),
        closed_at=at(20, month=6),
        reply_text="已答复",
        rating=R.BASICALLY_SATISFIED,
    )
    # Unanswered past the deadline: counted, late, overdue now.
    c["unanswered_late"] = accepted(records, status=S.ASSIGNED, handler=org.other)
    # Merged after acceptance: answered with the complaint it joined, out of the reply rate.
    c["merged"] = accepted(records, status=S.WITHDRAWN, merged_into=c["replied_edge"], closed_at=at(6))
    # Merged before the decision: out of the acceptance rate too.
    c["merged_early"] = make(status=S.WITHDRAWN, merged_into=c["replied_edge"], closed_at=at(4))
    # April: outside the period.
    c["april"] = make(office, submitted_at=at(30, month=4), accept_due_at=end_of(15))
    return c


def test_counts_and_the_three_rates(cohort: Any, discipline_user: Any) -> None:
    t = complaint_totals(user=discipline_user, filters=MAY, now=NOW)
    assert t["received"] == 12
    assert t["accepted"] == 7  # edge_in, edge_late, the three replied, unanswered_late, merged
    assert t["rejected"] == 2
    assert t["merged"] == 2
    assert t["answered"] == 3
    assert t["closed"] == 1
    # Overdue now: undecided_late (acceptance) and unanswered_late (reply); edge_in/edge_late are
    # due on 20 June and still open.
    assert t["overdue"] == 4
    # Acceptance: counted = 7 accepted + 2 rejected + undecided_late = 10; in time = edge_in, the
    # five accepted on the 3rd (3 replied, unanswered, merged), rejected_in = 7.
    assert (t["acceptance_counted"], t["accepted_in_time"]) == (10, 7)
    assert t["acceptance_in_time_rate"] == 0.7
    # Replies: counted = 3 replied + unanswered_late + edge_in/edge_late (due 20 June, passed) = 6;
    # in time = replied_edge and the extended one.
    assert (t["reply_counted"], t["replied_in_time"]) == (6, 2)
    assert t["reply_in_time_rate"] == round(2 / 6, 4)
    # Satisfaction: satisfied and basically satisfied of the three ratings.
    assert (t["rated"], t["satisfied"]) == (3, 2)
    assert t["satisfaction_rate"] == round(2 / 3, 4)
    # Reply times from receipt (1 May 10:00): 29.58…, 29.58…, 35 days.
    assert t["median_reply_days"] == pytest.approx(29.58, abs=0.01)
    assert t["p90_reply_days"] == pytest.approx(33.92, abs=0.01)


def test_rates_are_null_with_nothing_to_count(org: Any, discipline_user: Any) -> None:
    make(org.office, submitted_at=at(31), accept_due_at=end_of(15, 7))
    t = complaint_totals(user=discipline_user, filters=MAY, now=NOW)
    assert t["received"] == 1
    assert t["acceptance_in_time_rate"] is None
    assert t["reply_in_time_rate"] is None
    assert t["satisfaction_rate"] is None
    assert t["median_reply_days"] is None


def test_filters_narrow_the_cohort(cohort: Any, org: Any, discipline_user: Any) -> None:
    office_only = StatsFilters(start=MAY.start, end=MAY.end, department=org.office)
    t = complaint_totals(user=discipline_user, filters=office_only, now=NOW)
    assert t["received"] == 2
    assert (t["acceptance_counted"], t["accepted_in_time"]) == (2, 1)
    other = StatsFilters(start=MAY.start, end=MAY.end, category="gambling")
    assert complaint_totals(user=discipline_user, filters=other, now=NOW)["received"] == 0


def test_escalations_come_from_the_timeline(cohort: Any, discipline_user: Any) -> None:
    late = cohort["unanswered_late"]
    for level in ("1", "2"):
        ComplaintEvent.objects.create(complaint=late, at=NOW, verb="escalate", from_state="", to_state=level)
    ComplaintEvent.objects.create(
        complaint=cohort["undecided_late"], at=NOW, verb="escalate", from_state="0", to_state="1"
    )
    ComplaintEvent.objects.create(complaint=cohort["april"], at=NOW, verb="escalate", from_state="0", to_state="1")
    assert complaint_escalations(user=discipline_user, filters=MAY) == {"level_1": 2, "level_2": 1}


def test_departments_ranked_by_rate_with_their_counts(org: Any, discipline_user: Any) -> None:
    big = DepartmentFactory(unit=org.bureau, code="b-big", name="大科")
    # The office: 1 of 1 in time (100 %, but one complaint); records: 4 of 5 (80 %); big: 5 of 10.
    accepted(org.office, status=S.REPLIED, replied_at=at(10), reply_text="x")
    for i in range(5):
        accepted(org.records, status=S.REPLIED, replied_at=at(10) if i < 4 else at(2, month=6), reply_text="x")
    for i in range(10):
        accepted(big, status=S.REPLIED, replied_at=at(10) if i < 5 else at(2, month=6), reply_text="x")
    rows = complaint_by_department(user=discipline_user, filters=MAY, now=NOW)
    assert [(row["name"], row["reply_in_time_rate"], row["reply_counted"]) for row in rows] == [
        ("档案科", 0.8, 5),
        ("大科", 0.5, 10),
        ("办公室", 1.0, 1),  # a rate over fewer than five ranks after the larger ones
    ]
    assert [row["rank"] for row in rows] == [1, 2, 3]
    by_satisfaction = complaint_by_department(user=discipline_user, filters=MAY, now=NOW, rank_by="satisfaction")
    assert all(row["satisfaction_rate"] is None for row in by_satisfaction)


def test_a_department_head_counts_only_his_department(cohort: Any, org: Any, discipline_user: Any) -> None:
    head = org.head.user  # heads the office
    t = complaint_totals(user=head, filters=MAY, now=NOW)
    assert t["received"] == 2  # edge_in and edge_late; nothing of records, nothing undepartmented
    rows = complaint_by_department(user=head, filters=MAY, now=NOW)
    assert [row["name"] for row in rows] == ["办公室"]
    tables = statistics_tables(head, MAY, now=NOW)
    ranked = next(rows for title, _headers, rows in tables if title in ("Departments ranked", "部门排名"))
    assert [row[1] for row in ranked] == ["办公室"]


@pytest.mark.parametrize(
    ("extra", "names"),
    [
        (
            {"accepted_in_time": "true"},
            {"edge_in", "rejected_in", "replied_edge", "replied_late", "extended", "unanswered_late", "merged"},
        ),
        ({"accepted_in_time": "false"}, {"edge_late", "rejected_late", "undecided_late"}),
        ({"replied_in_time": "true"}, {"replied_edge", "extended"}),
        ({"replied_in_time": "false"}, {"replied_late", "unanswered_late", "edge_in", "edge_late"}),
        ({"rating": ["satisfied", "basically_satisfied"]}, {"replied_edge", "extended"}),
        ({"answered": "true"}, {"replied_edge", "replied_late", "extended"}),
    ],
)
def test_the_queue_links_show_the_complaints_behind_a_figure(
    cohort: Any, discipline_user: Any, rf: Any, extra: dict[str, Any], names: set[str], time_machine: Any
) -> None:
    time_machine.move_to(NOW, tick=False)
    url = statistics_queue_url(MAY, **extra)
    assert url.startswith(reverse("complaints:queue"))
    request = rf.get(url)
    request.user = discipline_user
    queryset = Complaint.objects.visible_to(discipline_user)
    shown = set(ComplaintFilter(request.GET, queryset=queryset, request=request).qs.values_list("pk", flat=True))
    assert shown == {cohort[name].pk for name in names}


def test_the_trend_cuts_weeks_and_months_at_local_midnight(org: Any, discipline_user: Any) -> None:
    # Sunday 10 May 23:59 and Monday 11 May 00:00 local time fall in two weeks; 31 May 23:59 and
    # 1 June 00:00 in two months, though they are the same UTC day.
    for moment in (at(10, 23, 59), at(11, 0, 0), at(31, 23, 59), at(1, 0, 0, month=6)):
        make(org.office, submitted_at=moment, accept_due_at=moment + dt.timedelta(days=15))
    weeks = StatsFilters(start=dt.date(2026, 5, 10), end=dt.date(2026, 6, 1), trend="week")
    rows = complaint_trend(user=discipline_user, filters=weeks, now=NOW)
    assert [(row["period"], row["received"]) for row in rows] == [
        ("2026-05-04", 1),
        ("2026-05-11", 1),
        ("2026-05-18", 0),  # a week without complaints keeps its place on the time axis
        ("2026-05-25", 1),
        ("2026-06-01", 1),
    ]
    months = StatsFilters(start=dt.date(2026, 5, 1), end=dt.date(2026, 6, 30), trend="month")
    assert [
        (row["label"], row["received"]) for row in complaint_trend(user=discipline_user, filters=months, now=NOW)
    ] == [
        ("2026-05", 3),
        ("2026-06", 1),
    ]


def test_the_tables_for_exports_are_plain_rows(cohort: Any, discipline_user: Any) -> None:
    tables = statistics_tables(discipline_user, MAY, now=NOW)
    titles = [title for title, _headers, _rows in tables]
    assert len(titles) == len(set(titles)) >= 6
    for _title, headers, rows in tables:
        assert all(isinstance(header, str) for header in headers)
        assert all(len(row) == len(headers) for row in rows)
        assert all(isinstance(cell, str | int | float) or cell is None for row in rows for cell in row)
    totals = dict(tables[0][2])
    assert 12 in totals.values()  # received
