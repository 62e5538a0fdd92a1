"""The figures the office reports upward, each computed by the database with aggregate queries,
never a loop over complaints in Python: two grouped passes over the complaints (by category,
channel and period; by unit and department) whose groups — a few thousand at most — add up to the
totals and every breakdown, one sort for the reply times, one read of the escalations, and one query
each for the cases, the meeting reports, the commitments and the appraisals.

Every complaint figure is about one cohort: the complaints *received* in the period (local days,
Asia/Shanghai), narrowed by unit, department and category, out of those the user may see
(``Complaint.objects.visible_to``). "Overdue" and the rates' denominators are read at ``now``.
The sets each rate counts are defined once in ``complaints.selectors`` (and used by the queue's
filters, so that a figure's link shows exactly the complaints behind it); the rules are in
docs/RULES.md, "Statistics".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.contrib.postgres.fields import ArrayField
from django.db import connection, transaction
from django.db.models import Aggregate, Count, F, FloatField, Func, IntegerField, Q, QuerySet, Sum, Value
from django.db.models.functions import TruncMonth, TruncWeek
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from cadres.models import Department, Unit
from complaints.models import Category, Complaint, ComplaintEvent
from complaints.selectors import (
    complaint_acceptance_counted_q,
    complaint_accepted_in_time_q,
    complaint_overdue_q,
    complaint_rated_q,
    complaint_replied_in_time_q,
    complaint_reply_counted_q,
    complaint_satisfied_q,
)
from ethos.models import AppraisalRound, Commitment, CommitmentYear, Grade
from ethos.selectors import round_results
from meetings.models import Meeting, MeetingReport
from supervision.models import AccountabilityCase
from workstyle import roles
from workstyle.deadlines import LOCAL_TZ

S = Complaint.Status
DAY_SECONDS = 86400.0
# A ranking row shows its rates only from this many counted complaints on; below it the rate is
# still given, with its small count beside it, and the row sorts after the larger ones.
RANKING_MIN_COUNT = 5


@dataclass(frozen=True)
class StatsFilters:
    """What the figures are about: the received complaints of ``start``..``end`` (local days, both
    included), narrowed by unit, department and category; the trend per ``trend`` ("week" or
    "month")."""

    start: dt.date
    end: dt.date
    unit: Unit | None = None
    department: Department | None = None
    category: str = ""
    trend: str = "month"

    @property
    def start_at(self) -> dt.datetime:
        return dt.datetime.combine(self.start, dt.time.min, tzinfo=LOCAL_TZ)

    @property
    def end_before(self) -> dt.datetime:
        return dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time.min, tzinfo=LOCAL_TZ)

    def queue_params(self) -> dict[str, Any]:
        """The complaint queue's filters for the same cohort."""
        params: dict[str, Any] = {"submitted_after": self.start.isoformat(), "submitted_before": self.end.isoformat()}
        if self.unit is not None:
            params["unit"] = self.unit.pk
        if self.department is not None:
            params["department"] = self.department.pk
        if self.category:
            params["category"] = self.category
        return params


def statistics_may_view(user: Any) -> bool:
    """The workbench's audience: office staff and cadres, each over what he may see; the public
    never."""
    return roles.is_staff_user(user)


def statistics_queue_url(filters: StatsFilters, **extra: Any) -> str:
    """The complaint queue filtered to the complaints behind a figure."""
    params = {**filters.queue_params(), **extra}
    return f"{reverse('complaints:queue')}?{urlencode(params, doseq=True)}"


# --- the cohort and its measures ----------------------------------------------------------------


def complaint_cohort(*, user: Any, filters: StatsFilters) -> QuerySet[Complaint]:
    """The complaints the figures are about, out of those ``user`` may see."""
    qs = Complaint.objects.visible_to(user).filter(
        submitted_at__gte=filters.start_at, submitted_at__lt=filters.end_before
    )
    if filters.unit is not None:
        qs = qs.filter(unit=filters.unit)
    if filters.department is not None:
        qs = qs.filter(department=filters.department)
    if filters.category:
        qs = qs.filter(category=filters.category)
    return qs.order_by()


def _counts(now: dt.datetime) -> dict[str, Any]:
    """The conditional counts every figure is made of (one pass over the cohort)."""
    return {
        "received": Count("pk"),
        "accepted": Count("pk", filter=Q(accepted_at__isnull=False)),
        "rejected": Count("pk", filter=Q(status=S.REJECTED)),
        "merged": Count("pk", filter=Q(status=S.WITHDRAWN)),
        "answered": Count("pk", filter=Q(replied_at__isnull=False)),
        "closed": Count("pk", filter=Q(status=S.CLOSED)),
        "overdue": Count("pk", filter=complaint_overdue_q(now)),
        "acceptance_counted": Count("pk", filter=complaint_acceptance_counted_q(now)),
        "accepted_in_time": Count("pk", filter=complaint_accepted_in_time_q()),
        "reply_counted": Count("pk", filter=complaint_reply_counted_q(now)),
        "replied_in_time": Count("pk", filter=complaint_replied_in_time_q()),
        "rated": Count("pk", filter=complaint_rated_q()),
        "satisfied": Count("pk", filter=complaint_satisfied_q()),
    }


COUNT_KEYS = tuple(_counts(dt.datetime(2000, 1, 1, tzinfo=LOCAL_TZ)))
# The counts the summary stores (``stats.models.ComplaintDailyFigure``): all but "overdue", which
# is about now and stays a live count.
STORED_KEYS = tuple(key for key in COUNT_KEYS if key != "overdue")


def stored_counts(now: dt.datetime) -> dict[str, Any]:
    """The conditional counts the summary stores for a day, as of ``now``."""
    counts = _counts(now)
    del counts["overdue"]
    return counts


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _with_rates(row: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(row)
    out["acceptance_in_time_rate"] = _share(row["accepted_in_time"], row["acceptance_counted"])
    out["reply_in_time_rate"] = _share(row["replied_in_time"], row["reply_counted"])
    out["satisfaction_rate"] = _share(row["satisfied"], row["rated"])
    return out


class _Percentiles(Aggregate):
    """PostgreSQL's ordered-set aggregate over an array of fractions (one sort for all of them);
    NULL inputs (complaints not answered) are left out."""

    function = "PERCENTILE_CONT"
    name = "Percentiles"
    template = "%(function)s(ARRAY[%(fractions)s]::float8[]) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = ArrayField(FloatField())

    def __init__(self, expression: Any, fractions: tuple[float, ...], **extra: Any) -> None:
        super().__init__(expression, fractions=", ".join(repr(float(f)) for f in fractions), **extra)


class _EpochDays(Func):
    """Days between two timestamps, as a number (PostgreSQL)."""

    template = "EXTRACT(EPOCH FROM (%(expressions)s)) / 86400.0"
    arg_joiner = " - "
    output_field = FloatField()


@contextmanager
def _tuned(*, hashed: bool = False) -> Iterator[None]:
    """Planner settings for one statistics query over a year of complaints, on PostgreSQL and for
    its transaction only: no JIT (compiling the query's dozen conditions costs more than it saves),
    room to sort and hash in memory, and with ``hashed`` a hash aggregate rather than a sort — the
    planner cannot know that a period index has a dozen values and would sort a million rows."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")
        cursor.execute("SET LOCAL work_mem = '64MB'")
        if hashed:
            cursor.execute("SET LOCAL enable_sort = off")
        yield


def _reply_days_fallback(qs: QuerySet[Complaint]) -> list[float | None]:
    """Median and 90th percentile on databases without ordered-set aggregates (the SQLite demo):
    one ordered read of the two columns of the answered complaints."""
    spans = sorted(
        (replied - submitted).total_seconds() / DAY_SECONDS
        for submitted, replied in qs.filter(replied_at__isnull=False).values_list("submitted_at", "replied_at")
        if replied is not None
    )

    def pick(fraction: float) -> float | None:
        if not spans:
            return None
        position = fraction * (len(spans) - 1)
        low = int(position)
        high = min(low + 1, len(spans) - 1)
        return spans[low] + (spans[high] - spans[low]) * (position - low)

    return [pick(0.5), pick(0.9)]


def complaint_reply_days(*, user: Any, filters: StatsFilters) -> dict[str, float | None]:
    """The median and 90th-percentile reply time in days (received to first reply): one sort of
    the answered complaints, in memory (a sort that spills to disk is several times slower)."""
    qs = complaint_cohort(user=user, filters=filters)
    if connection.vendor == "postgresql":
        with _tuned():
            days = _EpochDays(F("replied_at"), F("submitted_at"))
            values = qs.filter(replied_at__isnull=False).aggregate(p=_Percentiles(days, (0.5, 0.9)))["p"] or [
                None,
                None,
            ]
    else:
        values = _reply_days_fallback(qs)
    median, p90 = (round(value, 2) if value is not None else None for value in values)
    return {"median_reply_days": median, "p90_reply_days": p90}


def complaint_escalations(*, user: Any, filters: StatsFilters) -> dict[str, int]:
    """How many of the cohort the ladder raised to level 1 (the department head) and to level 2
    (the discipline office), ever: from the timelines' escalation entries."""
    with _tuned():
        row = _escalations(user=user, filters=filters)
    return {"level_1": row["level_1"], "level_2": row["level_2"]}


def _escalations(*, user: Any, filters: StatsFilters) -> dict[str, Any]:
    return ComplaintEvent.objects.filter(
        verb="escalate", complaint__in=complaint_cohort(user=user, filters=filters)
    ).aggregate(
        level_1=Count("complaint_id", distinct=True, filter=Q(to_state="1")),
        level_2=Count("complaint_id", distinct=True, filter=Q(to_state="2")),
    )


# --- the breakdowns ------------------------------------------------------------------------------
# Two passes over the cohort make every breakdown: one grouped by category, channel and period
# (the totals, the categories, the channels and the trend are its sums), one grouped by unit and
# department. The sums run over the groups the database returns — at most a few thousand — never
# over complaints; each pass counts a complaint once.


def _periods(filters: StatsFilters) -> list[dt.date]:
    """The first day of each week (Monday) or month the period touches."""
    if filters.trend == "week":
        first = filters.start - dt.timedelta(days=filters.start.weekday())
        step = 7
        days = []
        day = first
        while day <= filters.end:
            days.append(day)
            day += dt.timedelta(days=step)
        return days
    months = []
    day = filters.start.replace(day=1)
    while day <= filters.end:
        months.append(day)
        day = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return months


def _period_expression(filters: StatsFilters, starts: list[dt.date]) -> Any:
    """Each complaint's period: on PostgreSQL its index among the periods' first instants
    (``width_bucket``, a binary search per row, far cheaper than converting every timestamp to
    local time); elsewhere the local week or month it falls in."""
    if connection.vendor == "postgresql":
        bounds = [dt.datetime.combine(day, dt.time.min, tzinfo=LOCAL_TZ) for day in starts]
        return Func(F("submitted_at"), Value(bounds), function="width_bucket", output_field=IntegerField())
    trunc = TruncWeek if filters.trend == "week" else TruncMonth
    return trunc("submitted_at", tzinfo=LOCAL_TZ)


def _sum_by(rows: list[dict[str, Any]], key: Any) -> dict[Any, dict[str, int]]:
    totals: dict[Any, dict[str, int]] = {}
    for row in rows:
        bucket = totals.setdefault(key(row), dict.fromkeys(COUNT_KEYS, 0))
        for name in COUNT_KEYS:
            bucket[name] += row[name]
    return totals


def _rows(grouped: Any) -> list[dict[str, Any]]:
    """The groups of an aggregate query (a few thousand at most), read inside its ``_tuned``."""
    return [dict(row) for row in grouped]


def _by_kind(*, user: Any, filters: StatsFilters, now: dt.datetime) -> list[dict[str, Any]]:
    """The cohort's counts per category, channel and period (one query)."""
    starts = _periods(filters)
    with _tuned(hashed=True):
        rows = _rows(
            complaint_cohort(user=user, filters=filters)
            .annotate(period=_period_expression(filters, starts))
            .values("category", "channel", "period")
            .annotate(**_counts(now))
            .order_by()
        )
    for row in rows:
        value = row["period"]
        if isinstance(value, int):  # width_bucket's index, 1 for the first period
            row["period"] = starts[max(0, min(value, len(starts)) - 1)]
        elif isinstance(value, dt.datetime):
            row["period"] = value.date()
    return rows


def _by_place(*, user: Any, filters: StatsFilters, now: dt.datetime) -> list[dict[str, Any]]:
    """The cohort's counts per unit complained about and department (one query)."""
    with _tuned(hashed=True):
        return _rows(
            complaint_cohort(user=user, filters=filters)
            .values("unit_id", "department_id")
            .annotate(**_counts(now))
            .order_by()
        )


def _totals(kind_rows: list[dict[str, Any]]) -> dict[str, Any]:
    return _with_rates(_sum_by(kind_rows, lambda row: None).get(None, dict.fromkeys(COUNT_KEYS, 0)))


def _named(sums: dict[Any, dict[str, int]], labels: Mapping[Any, Any]) -> list[dict[str, Any]]:
    rows = [_with_rates({**counts, "id": key, "name": str(labels.get(key, key))}) for key, counts in sums.items()]
    return sorted(rows, key=lambda row: (-row["received"], row["name"]))


def _categories(kind_rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return _named(_sum_by(kind_rows, lambda row: row["category"]), dict(Category.choices))


def _channels(kind_rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return _named(_sum_by(kind_rows, lambda row: row["channel"]), dict(Complaint.Channel.choices))


def _trend(kind_rows: list[dict[str, Any]], filters: StatsFilters) -> list[dict[str, Any]]:
    """A row for every week or month of the period, those without complaints included (zeros):
    a chart's time axis must not close up a month in which nothing came."""
    sums = _sum_by(kind_rows, lambda row: row["period"])
    rows = []
    for start in sorted(set(_periods(filters)) | set(sums)):
        counts = sums.get(start) or dict.fromkeys(COUNT_KEYS, 0)
        label = start.strftime("%Y-%m") if filters.trend == "month" else start.isoformat()
        rows.append(
            _with_rates({**counts, "id": start.isoformat(), "name": label, "period": start.isoformat(), "label": label})
        )
    return rows


def _units(place_rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """By the unit complained about; complaints naming none make a row of their own."""
    sums = _sum_by(place_rows, lambda row: row["unit_id"])
    labels: dict[Any, str] = dict(
        Unit.objects.filter(pk__in=[k for k in sums if k is not None]).values_list("pk", "name")
    )
    labels[None] = _("No unit named")
    return _named(sums, labels)


def _ranking_key(rate: str, counted: str) -> Any:
    def key(row: Mapping[str, Any]) -> tuple[Any, ...]:
        small = row[counted] < RANKING_MIN_COUNT
        value = row[rate]
        return (value is None, small, -(value or 0.0), -row[counted], row["name"])

    return key


RANKINGS = {
    "reply": ("reply_in_time_rate", "reply_counted"),
    "acceptance": ("acceptance_in_time_rate", "acceptance_counted"),
    "satisfaction": ("satisfaction_rate", "rated"),
}


def _departments(place_rows: list[dict[str, Any]], rank_by: str) -> list[dict[str, Any]]:
    """The departments that hold complaints of the cohort, ranked by a rate (best first; no rate
    last; a rate counted over fewer than ``RANKING_MIN_COUNT`` complaints after the larger ones,
    then by the number counted), each row with the counts beside its rates and its rank."""
    sums = _sum_by([row for row in place_rows if row["department_id"] is not None], lambda row: row["department_id"])
    names = {
        pk: (name, unit)
        for pk, name, unit in Department.objects.filter(pk__in=list(sums)).values_list("pk", "name", "unit__name")
    }
    rows = [
        _with_rates({**counts, "id": pk, "name": names.get(pk, ("", ""))[0], "unit": names.get(pk, ("", ""))[1]})
        for pk, counts in sums.items()
    ]
    rate, counted = RANKINGS.get(rank_by, RANKINGS["reply"])
    rows.sort(key=_ranking_key(rate, counted))
    for rank, row in enumerate(rows, start=1):
        row["rank"] = rank
    return rows


def complaint_totals(*, user: Any, filters: StatsFilters, now: dt.datetime) -> dict[str, Any]:
    """The cohort's counts, the three rates, and the median and 90th-percentile reply time."""
    totals = _totals(_by_kind(user=user, filters=filters, now=now))
    totals.update(complaint_reply_days(user=user, filters=filters))
    return totals


def complaint_by_category(*, user: Any, filters: StatsFilters, now: dt.datetime) -> list[dict[str, Any]]:
    return _categories(_by_kind(user=user, filters=filters, now=now))


def complaint_by_channel(*, user: Any, filters: StatsFilters, now: dt.datetime) -> list[dict[str, Any]]:
    return _channels(_by_kind(user=user, filters=filters, now=now))


def complaint_trend(*, user: Any, filters: StatsFilters, now: dt.datetime) -> list[dict[str, Any]]:
    """Per week (from Monday) or month of receipt, in local time."""
    return _trend(_by_kind(user=user, filters=filters, now=now), filters)


def complaint_by_unit(*, user: Any, filters: StatsFilters, now: dt.datetime) -> list[dict[str, Any]]:
    return _units(_by_place(user=user, filters=filters, now=now))


def complaint_by_department(
    *, user: Any, filters: StatsFilters, now: dt.datetime, rank_by: str = "reply"
) -> list[dict[str, Any]]:
    return _departments(_by_place(user=user, filters=filters, now=now), rank_by)


# --- accountability, meetings, commitments, appraisal ------------------------------------------


def case_figures(*, user: Any, filters: StatsFilters) -> dict[str, Any]:
    """Accountability cases opened in the period, by source, status and form of accountability
    (a decision may name several forms); only for those who may read cases."""
    qs = AccountabilityCase.objects.visible_to(user).filter(
        opened_at__gte=filters.start_at, opened_at__lt=filters.end_before
    )
    if filters.unit is not None:
        qs = qs.filter(Q(subject_unit=filters.unit) | Q(subject_cadre__unit=filters.unit))
    if filters.department is not None:
        qs = qs.filter(Q(subject_cadre__department=filters.department) | Q(complaint__department=filters.department))
    if filters.category:
        qs = qs.filter(complaint__category=filters.category)
    qs = qs.order_by()
    sources = dict(AccountabilityCase.Source.choices)
    statuses = dict(AccountabilityCase.Status.choices)
    forms = dict(AccountabilityCase.Form.choices)
    by_source = dict(qs.values_list("source").annotate(n=Count("pk")).values_list("source", "n"))
    by_status = dict(qs.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    if connection.vendor == "postgresql":
        # One pass: a count per form, the JSON list holding it (@>).
        counted = qs.aggregate(**{code: Count("pk", filter=Q(decision_forms__contains=[code])) for code in forms})
    else:  # the SQLite demo: JSON containment is PostgreSQL's; cases are few
        counted = dict.fromkeys(forms, 0)
        for decided in qs.exclude(decision_forms=[]).values_list("decision_forms", flat=True):
            for code in decided or []:
                if code in counted:
                    counted[code] += 1
    return {
        "total": sum(by_source.values()),
        "by_source": [
            {"id": code, "name": str(label), "count": by_source.get(code, 0)} for code, label in sources.items()
        ],
        "by_status": [
            {"id": code, "name": str(label), "count": by_status.get(code, 0)} for code, label in statuses.items()
        ],
        "by_form": [
            {"id": code, "name": str(label), "count": counted.get(code, 0)}
            for code, label in forms.items()
            if counted.get(code, 0)
        ],
    }


def meeting_report_figures(*, user: Any, filters: StatsFilters, now: dt.datetime) -> list[dict[str, Any]]:
    """Democratic life meetings held in the period, per unit, each counted once by where its report
    stands: with the reviewers, submitted on time or late (by the deadline in force when it was last
    submitted); owed by the unit (a draft, or returned for revision) past its deadline; owed and not
    yet due. A returned report is owed again: its first submission no longer counts."""
    qs = Meeting.objects.visible_to(user).filter(held_on__gte=filters.start, held_on__lte=filters.end)
    if filters.unit is not None:
        qs = qs.filter(unit=filters.unit)
    owed = Q(report__status__in=list(MeetingReport.DEADLINES))
    submitted = ~owed
    rows = (
        qs.order_by()
        .values("unit_id", "unit__name")
        .annotate(
            meetings=Count("pk"),
            on_time=Count("pk", filter=submitted & Q(report__submitted_at__lte=F("report__due_at"))),
            late=Count("pk", filter=submitted & Q(report__submitted_at__gt=F("report__due_at"))),
            missing=Count("pk", filter=owed & Q(report__due_at__lt=now)),
            not_yet_due=Count("pk", filter=owed & Q(report__due_at__gte=now)),
        )
    )
    out = []
    for row in rows:
        due = row["on_time"] + row["late"] + row["missing"]
        out.append(
            {
                "id": row["unit_id"],
                "name": row["unit__name"],
                "meetings": row["meetings"],
                "on_time": row["on_time"],
                "late": row["late"],
                "missing": row["missing"],
                "not_yet_due": row["not_yet_due"],
                "on_time_rate": _share(row["on_time"], due),
            }
        )
    return sorted(out, key=lambda row: (-row["meetings"], row["name"]))


def commitment_figures(*, user: Any, filters: StatsFilters) -> list[dict[str, Any]]:
    """Integrity commitments of the years the period touches: how many there are in each status."""
    years = CommitmentYear.objects.visible_to(user).filter(year__gte=filters.start.year, year__lte=filters.end.year)
    qs = Commitment.objects.visible_to(user).filter(year__in=years)
    if filters.unit is not None:
        qs = qs.filter(cadre__unit=filters.unit)
    if filters.department is not None:
        qs = qs.filter(cadre__department=filters.department)
    signed = [Commitment.Status.SIGNED, Commitment.Status.REVIEWED]
    rows = (
        qs.order_by()
        .values("year__year")
        .annotate(
            total=Count("pk"),
            signed=Count("pk", filter=Q(status__in=signed)),
            reviewed=Count("pk", filter=Q(status=Commitment.Status.REVIEWED)),
            returned=Count("pk", filter=Q(status=Commitment.Status.RETURNED)),
            draft=Count("pk", filter=Q(status=Commitment.Status.DRAFT)),
        )
    )
    return [
        {**{k: v for k, v in row.items() if k != "year__year"}, "year": row["year__year"]}
        | {"signed_rate": _share(row["signed"], row["total"])}
        for row in sorted(rows, key=lambda row: row["year__year"])
    ]


def appraisal_figures(*, user: Any, filters: StatsFilters) -> list[dict[str, Any]]:
    """Appraisal rounds closed in the period: the cadres by overall outcome, as the appraisal's own
    rules grade them (``ethos.selectors.round_results``, which reads ballots only in aggregate)."""
    rounds = AppraisalRound.objects.visible_to(user).filter(
        status=AppraisalRound.Status.CLOSED, closed_at__gte=filters.start_at, closed_at__lt=filters.end_before
    )
    out = []
    for appraisal in rounds.order_by("year", "pk"):
        outcomes = dict.fromkeys([*Grade.values, "none"], 0)
        for result in round_results(round=appraisal, user=user):
            outcomes[result.overall or "none"] += 1
        out.append(
            {
                "id": appraisal.pk,
                "name": str(appraisal),
                "year": appraisal.year,
                "outcomes": [
                    {"id": code, "name": str(label), "count": outcomes[code]} for code, label in Grade.choices
                ],
                "without_ballots": outcomes["none"],
            }
        )
    return out


# --- the whole report --------------------------------------------------------------------------


@dataclass
class Statistics:
    filters: StatsFilters
    now: dt.datetime
    totals: dict[str, Any]
    escalated: dict[str, int]
    by_category: list[dict[str, Any]]
    by_channel: list[dict[str, Any]]
    by_unit: list[dict[str, Any]]
    by_department: list[dict[str, Any]]
    trend: list[dict[str, Any]]
    cases: dict[str, Any] | None
    meetings: list[dict[str, Any]] = field(default_factory=list)
    commitments: list[dict[str, Any]] = field(default_factory=list)
    appraisals: list[dict[str, Any]] = field(default_factory=list)
    # When the summary the complaint figures were read from was refreshed; None when live.
    as_of: dt.datetime | None = None

    def as_json(self) -> dict[str, Any]:
        """The API's answer (``stats.serializers.StatisticsSerializer`` documents it)."""
        t = self.totals
        return {
            "from": self.filters.start.isoformat(),
            "to": self.filters.end.isoformat(),
            "unit": self.filters.unit.pk if self.filters.unit else None,
            "department": self.filters.department.pk if self.filters.department else None,
            "category": self.filters.category or None,
            # In the portal's time zone, as the API's other times are (+08:00, not Z).
            "as_of": timezone.localtime(self.as_of) if self.as_of is not None else None,
            "received": t["received"],
            "accepted": t["accepted"],
            "rejected": t["rejected"],
            "merged": t["merged"],
            "answered": t["answered"],
            "closed": t["closed"],
            "overdue": t["overdue"],
            "escalated": self.escalated["level_1"],
            "escalated_level_1": self.escalated["level_1"],
            "escalated_level_2": self.escalated["level_2"],
            "acceptance_counted": t["acceptance_counted"],
            "accepted_in_time": t["accepted_in_time"],
            "acceptance_in_time_rate": t["acceptance_in_time_rate"],
            "reply_counted": t["reply_counted"],
            "replied_in_time": t["replied_in_time"],
            "reply_in_time_rate": t["reply_in_time_rate"],
            "rated": t["rated"],
            "satisfied": t["satisfied"],
            "satisfaction_rate": t["satisfaction_rate"],
            "median_reply_days": t["median_reply_days"],
            "p90_reply_days": t["p90_reply_days"],
            "by_category": [_row(row) for row in self.by_category],
            "by_channel": [_row(row) for row in self.by_channel],
            "by_unit": [_row(row) for row in self.by_unit],
            "by_department": [_row(row) | {"rank": row["rank"], "unit": row["unit"]} for row in self.by_department],
            "trend": [_row(row) | {"period": row["period"], "label": row["label"]} for row in self.trend],
            "cases_by_form": self.cases["by_form"] if self.cases else [],
            "cases_by_source": self.cases["by_source"] if self.cases else [],
            "cases_by_status": self.cases["by_status"] if self.cases else [],
            "meeting_reports": self.meetings,
            "commitments": self.commitments,
            "appraisals": self.appraisals,
        }


ROW_KEYS = (
    "received",
    "accepted",
    "rejected",
    "answered",
    "overdue",
    "acceptance_counted",
    "accepted_in_time",
    "acceptance_in_time_rate",
    "reply_counted",
    "replied_in_time",
    "reply_in_time_rate",
    "rated",
    "satisfied",
    "satisfaction_rate",
)


def _row(row: Mapping[str, Any]) -> dict[str, Any]:
    out = {"id": row.get("id"), "name": str(row.get("name", ""))}
    out.update({key: row[key] for key in ROW_KEYS})
    return out


def statistics_for(*, user: Any, filters: StatsFilters, now: dt.datetime, rank_by: str = "reply") -> Statistics:
    """Every figure of the statistics page and API for ``user``: from the summary when it can
    answer for him (``summary_serves``) — a sum of its rows, with "overdue" counted live — else
    live: two passes over the complaints for the counts and rates, one sort for the reply times,
    one read of the escalations. Then one query each for cases, meetings, commitments and
    appraisals."""
    as_of = summary_serves(user=user, filters=filters)
    if as_of is not None:
        kind_rows, unit_rows, department_rows, reply, escalated = _from_summary(user=user, filters=filters, now=now)
    else:
        kind_rows = _by_kind(user=user, filters=filters, now=now)
        unit_rows = department_rows = _by_place(user=user, filters=filters, now=now)
        reply = complaint_reply_days(user=user, filters=filters)
        escalated = complaint_escalations(user=user, filters=filters)
    totals = _totals(kind_rows)
    totals.update(reply)
    may_read_cases = roles.sees_whole_organisation(user)
    return Statistics(
        filters=filters,
        now=now,
        totals=totals,
        escalated=escalated,
        by_category=_categories(kind_rows),
        by_channel=_channels(kind_rows),
        by_unit=_units(unit_rows),
        by_department=_departments(department_rows, rank_by),
        trend=_trend(kind_rows, filters),
        cases=case_figures(user=user, filters=filters) if may_read_cases else None,
        meetings=meeting_report_figures(user=user, filters=filters, now=now),
        commitments=commitment_figures(user=user, filters=filters),
        appraisals=appraisal_figures(user=user, filters=filters),
        as_of=as_of,
    )


# --- the same figures from the summary ----------------------------------------------------------
# ``stats.models.ComplaintDailyFigure`` holds the counts above per day of receipt (``stats.services``
# keeps it up to date) in grains: day × category × channel, day × unit and day × department. It
# answers for whoever sees every complaint, over any period. A scope it cannot express falls back
# to the live queries: a cadre who sees only some complaints (a department head's department, plus
# those he answers for or handles), a cadre recused from some, and a unit, department or category
# filter (no grain holds a category with its units, nor a unit with its categories and channels;
# the live cohort of one unit or department is small and index-backed).


def summary_serves(*, user: Any, filters: StatsFilters) -> dt.datetime | None:
    """When the summary was last refreshed if it can answer ``user``'s figures for ``filters``,
    else None (the figures are then computed live)."""
    from complaints.models import ComplaintRecusal
    from stats.models import StatsRefresh

    if filters.unit is not None or filters.department is not None or filters.category:
        return None
    if not roles.sees_whole_organisation(user):
        return None
    cadre = roles.cadre_of(user)
    if cadre is not None and (
        Complaint.objects.filter(accused_cadre=cadre).exists() or ComplaintRecusal.objects.filter(cadre=cadre).exists()
    ):
        return None
    refreshed = StatsRefresh.objects.order_by("pk").values_list("refreshed_at", flat=True).first()
    return refreshed


def _summary(filters: StatsFilters, grain: str) -> QuerySet[Any]:
    from stats.models import ComplaintDailyFigure

    return ComplaintDailyFigure.objects.filter(grain=grain, day__gte=filters.start, day__lte=filters.end).order_by()


def _summed() -> dict[str, Any]:
    return {key: Sum(key) for key in STORED_KEYS}


def _overdue(rows: list[dict[str, Any]], live: list[dict[str, Any]], keys: tuple[str, ...]) -> list[dict[str, Any]]:
    """The summary's rows with the live "overdue" count of each beside its stored counts."""
    overdue = {tuple(row[k] for k in keys): row["overdue"] for row in live}
    out = []
    for row in rows:
        out.append({**row, "overdue": overdue.pop(tuple(row[k] for k in keys), 0)})
    for key, count in overdue.items():  # received since the last refresh
        out.append({**dict(zip(keys, key, strict=True)), **dict.fromkeys(STORED_KEYS, 0), "overdue": count})
    return out


def _from_summary(
    *, user: Any, filters: StatsFilters, now: dt.datetime
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]], dict[str, float | None], dict[str, int]]:
    from stats.models import ComplaintDailyFigure

    G = ComplaintDailyFigure.Grain
    starts = _periods(filters)
    trunc = TruncWeek if filters.trend == "week" else TruncMonth
    kind = _rows(
        _summary(filters, G.KIND)
        .annotate(period=trunc("day"))
        .values("category", "channel", "period")
        .annotate(**_summed(), escalated_1=Sum("escalated_1"), escalated_2=Sum("escalated_2"))
    )
    escalated = {
        "level_1": sum(row.pop("escalated_1") or 0 for row in kind),
        "level_2": sum(row.pop("escalated_2") or 0 for row in kind),
    }
    for row in kind:
        if isinstance(row["period"], dt.datetime):
            row["period"] = row["period"].date()
    units = _rows(_summary(filters, G.UNIT).values("unit_id").annotate(**_summed()))
    departments = _rows(_summary(filters, G.DEPARTMENT).values("department_id").annotate(**_summed()))
    # "Overdue" is about now: counted live over the open complaints of the cohort.
    overdue = complaint_cohort(user=user, filters=filters).filter(complaint_overdue_q(now))
    # One grouped read of the overdue complaints (few: open and past their deadline), split here.
    overdue_rows = _rows(
        overdue.annotate(period=_period_expression(filters, starts))
        .values("category", "channel", "period", "unit_id", "department_id")
        .annotate(overdue=Count("pk"))
    )
    kinds: dict[tuple[Any, ...], int] = {}
    overdue_units: dict[Any, int] = {}
    overdue_departments: dict[Any, int] = {}
    for row in overdue_rows:
        value = row["period"]
        if isinstance(value, int):
            value = starts[max(0, min(value, len(starts)) - 1)]
        elif isinstance(value, dt.datetime):
            value = value.date()
        key = (row["category"], row["channel"], value)
        kinds[key] = kinds.get(key, 0) + row["overdue"]
        overdue_units[row["unit_id"]] = overdue_units.get(row["unit_id"], 0) + row["overdue"]
        overdue_departments[row["department_id"]] = overdue_departments.get(row["department_id"], 0) + row["overdue"]
    overdue_kind = [
        {"category": category, "channel": channel, "period": period, "overdue": count}
        for (category, channel, period), count in kinds.items()
    ]
    histogram: list[int] = []
    for counts in _summary(filters, G.REPLY).values_list("reply_days", flat=True):
        if len(histogram) < len(counts):
            histogram.extend([0] * (len(counts) - len(histogram)))
        for days, n in enumerate(counts):
            histogram[days] += n
    median, p90 = (_histogram_percentile(histogram, fraction) for fraction in (0.5, 0.9))
    return (
        _overdue(kind, overdue_kind, ("category", "channel", "period")),
        _overdue(units, [{"unit_id": k, "overdue": v} for k, v in overdue_units.items()], ("unit_id",)),
        _overdue(
            departments,
            [{"department_id": k, "overdue": v} for k, v in overdue_departments.items()],
            ("department_id",),
        ),
        {"median_reply_days": median, "p90_reply_days": p90},
        escalated,
    )


def _histogram_percentile(histogram: list[int], fraction: float) -> float | None:
    """``PERCENTILE_CONT`` over reply times known to the whole day: the values of a day's bucket
    taken as spread evenly across it (the k-th of n in day d at d + (k + ½)/n), then interpolated
    between the two neighbouring ranks as the live figure is. Within a day of the exact value,
    usually within a few hundredths."""
    total = sum(histogram)
    if not total:
        return None

    def value_at(rank: int) -> float:
        seen = 0
        for days, n in enumerate(histogram):
            if rank < seen + n:
                return days + (rank - seen + 0.5) / n
            seen += n
        return float(len(histogram))

    position = fraction * (total - 1)
    low = int(position)
    high = min(low + 1, total - 1)
    low_value = value_at(low)
    value = low_value + (value_at(high) - low_value) * (position - low)
    return round(value, 2)


def _pct(value: float | None) -> str:
    return "" if value is None else f"{value * 100:.1f}%"


def statistics_tables(
    user: Any, filters: StatsFilters, *, now: dt.datetime | None = None
) -> list[tuple[str, list[str], list[list[Any]]]]:
    """The statistics as plain tables — ``(title, headers, rows)`` — for exports: the same figures
    the page shows, over what ``user`` may see."""
    report = statistics_for(user=user, filters=filters, now=now or timezone.now())
    t = report.totals
    rate_headers = [
        _("Received"),
        _("Accepted in time"),
        _("Acceptance counted"),
        _("Acceptance in time rate"),
        _("Answered in time"),
        _("Replies counted"),
        _("Reply in time rate"),
        _("Satisfied"),
        _("Ratings"),
        _("Satisfaction rate"),
    ]

    def rate_cells(row: Mapping[str, Any]) -> list[Any]:
        return [
            row["received"],
            row["accepted_in_time"],
            row["acceptance_counted"],
            _pct(row["acceptance_in_time_rate"]),
            row["replied_in_time"],
            row["reply_counted"],
            _pct(row["reply_in_time_rate"]),
            row["satisfied"],
            row["rated"],
            _pct(row["satisfaction_rate"]),
        ]

    tables: list[tuple[str, list[str], list[list[Any]]]] = [
        (
            _("Totals"),
            [_("Figure"), _("Value")],
            [
                [_("Received"), t["received"]],
                [_("Accepted"), t["accepted"]],
                [_("Not accepted"), t["rejected"]],
                [_("Merged"), t["merged"]],
                [_("Answered"), t["answered"]],
                [_("Closed"), t["closed"]],
                [_("Overdue now"), t["overdue"]],
                [_("Escalated to the department head"), report.escalated["level_1"]],
                [_("Escalated to the discipline office"), report.escalated["level_2"]],
                [_("Acceptance in time rate"), _pct(t["acceptance_in_time_rate"])],
                [_("Reply in time rate"), _pct(t["reply_in_time_rate"])],
                [_("Satisfaction rate"), _pct(t["satisfaction_rate"])],
                [_("Median reply time (days)"), t["median_reply_days"]],
                [_("90th percentile reply time (days)"), t["p90_reply_days"]],
            ],
        ),
        (_("By category"), [_("Category"), *rate_headers], [[r["name"], *rate_cells(r)] for r in report.by_category]),
        (_("By channel"), [_("Channel"), *rate_headers], [[r["name"], *rate_cells(r)] for r in report.by_channel]),
        (_("By unit"), [_("Unit"), *rate_headers], [[r["name"], *rate_cells(r)] for r in report.by_unit]),
        (
            _("Departments ranked"),
            [pgettext("place in a ranking", "Rank"), _("Department"), _("Unit"), *rate_headers],
            [[r["rank"], r["name"], r["unit"], *rate_cells(r)] for r in report.by_department],
        ),
        (_("Trend"), [_("Period"), *rate_headers], [[r["label"], *rate_cells(r)] for r in report.trend]),
    ]
    if report.cases is not None:
        tables.append(
            (
                _("Accountability cases by form"),
                [_("Form of accountability"), _("Cases")],
                [[r["name"], r["count"]] for r in report.cases["by_form"]],
            )
        )
    return tables
