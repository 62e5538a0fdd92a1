"""Keeping the statistics' summary (``stats.models``) up to date.

``stats_refresh`` recomputes the days of receipt whose figures may have changed since the last
refresh — the days of the complaints with a timeline entry written since then (submission,
acceptance, reply, rating, merge, escalation … every change of a complaint writes one), and the
days of the open complaints whose acceptance or reply deadline passed since then (they join a
rate's denominator with time alone) — and nothing else. ``stats_rebuild`` recomputes every day.
Both rewrite a day's rows whole, in one transaction, from the same grouped queries as the live
figures (``stats.selectors.complaint_counts``), so a day's summary equals its live computation as
of the refresh.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Exists, F, IntegerField, Max, OuterRef, Q
from django.db.models.functions import Floor, TruncDate

from complaints.models import Complaint, ComplaintEvent
from stats.models import ComplaintDailyFigure, StatsRefresh
from workstyle.deadlines import LOCAL_TZ

S = Complaint.Status
G = ComplaintDailyFigure.Grain
DAY_SECONDS = 86400.0
# Days recomputed per statement: bounds the IN list and the rows one transaction rewrites.
DAYS_PER_BATCH = 31


def _day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(day, dt.time.min, tzinfo=LOCAL_TZ)
    return start, start + dt.timedelta(days=1)


def _days_q(days: list[dt.date]) -> Q:
    """Complaints received on any of ``days`` (local days), as ranges of consecutive days."""
    q = Q(pk__in=[])
    ordered = sorted(set(days))
    i = 0
    while i < len(ordered):
        j = i
        while j + 1 < len(ordered) and ordered[j + 1] - ordered[j] == dt.timedelta(days=1):
            j += 1
        q |= Q(submitted_at__gte=_day_bounds(ordered[i])[0], submitted_at__lt=_day_bounds(ordered[j])[1])
        i = j + 1
    return q


def _local_day(value: dt.datetime) -> dt.date:
    return value.astimezone(LOCAL_TZ).date()


def _escalated(level: int) -> Exists:
    return Exists(ComplaintEvent.objects.filter(complaint=OuterRef("pk"), verb="escalate", to_state=str(level)))


def _reply_buckets(qs: Any) -> Iterable[tuple[dt.date, int, int]]:
    """(day, whole days the reply took, complaints) of the answered complaints: grouped
    by the database on PostgreSQL, counted here elsewhere (the SQLite demo)."""
    answered = qs.filter(replied_at__isnull=False)
    if connection.vendor == "postgresql":
        from stats.selectors import _EpochDays

        grouped = (
            answered.annotate(taken=Floor(_EpochDays(F("replied_at"), F("submitted_at")), output_field=IntegerField()))
            .values_list("day", "taken")
            .annotate(n=Count("pk"))
        )
        for day, taken, n in grouped:
            yield day, max(0, int(taken)), n
        return
    for day, submitted, replied in answered.values_list("day", "submitted_at", "replied_at"):
        yield day, max(0, int((replied - submitted).total_seconds() // DAY_SECONDS)), 1


def _recompute(days: list[dt.date], now: dt.datetime) -> int:
    """Rewrite the summary rows of ``days``; returns the rows written."""
    from stats.selectors import stored_counts

    qs = (
        Complaint.objects.filter(_days_q(days))
        .order_by()
        .annotate(day=TruncDate("submitted_at", tzinfo=LOCAL_TZ), esc1=_escalated(1), esc2=_escalated(2))
    )
    counts = stored_counts(now)
    counts["escalated_1"] = Count("pk", filter=Q(esc1=True))
    counts["escalated_2"] = Count("pk", filter=Q(esc2=True))
    rows: list[ComplaintDailyFigure] = []
    for row in qs.values("day", "category", "channel").annotate(**counts):
        rows.append(ComplaintDailyFigure(grain=G.KIND, **row))
    # Units and departments apart: a complaint's unit complained about need not be its department's.
    for place in qs.values("day", "unit_id").annotate(**counts):
        rows.append(ComplaintDailyFigure(grain=G.UNIT, **place))
    for held in qs.values("day", "department_id").annotate(**counts):
        rows.append(ComplaintDailyFigure(grain=G.DEPARTMENT, **held))
    histograms: dict[dt.date, list[int]] = {}
    for day, days_taken, n in _reply_buckets(qs):
        counts_by_day = histograms.setdefault(day, [])
        if len(counts_by_day) <= days_taken:
            counts_by_day.extend([0] * (days_taken + 1 - len(counts_by_day)))
        counts_by_day[days_taken] += n
    for day, histogram in histograms.items():
        rows.append(ComplaintDailyFigure(grain=G.REPLY, day=day, reply_days=histogram))
    with transaction.atomic():
        ComplaintDailyFigure.objects.filter(day__in=days).delete()
        ComplaintDailyFigure.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def _recompute_all(days: Iterable[dt.date], now: dt.datetime) -> int:
    ordered = sorted(set(days))
    written = 0
    for i in range(0, len(ordered), DAYS_PER_BATCH):
        written += _recompute(ordered[i : i + DAYS_PER_BATCH], now)
    return written


def _touched_days(since: StatsRefresh, now: dt.datetime) -> set[dt.date]:
    """The days of receipt whose figures may have changed since the last refresh."""
    changed = ComplaintEvent.objects.filter(pk__gt=since.prior_event_id).values("complaint_id")
    after = since.refreshed_at
    deadline_passed = Q(status=S.SUBMITTED, accept_due_at__gt=after, accept_due_at__lte=now) | (
        Q(accepted_at__isnull=False, replied_at__isnull=True, reply_due_at__gt=after, reply_due_at__lte=now)
        & ~Q(status=S.WITHDRAWN)
    )
    touched = (
        Complaint.objects.filter(Q(pk__in=changed) | deadline_passed)
        .order_by()
        .annotate(day=TruncDate("submitted_at", tzinfo=LOCAL_TZ))
        .values_list("day", flat=True)
        .distinct()
    )
    return set(touched)


def _watermark(refreshed: StatsRefresh | None, now: dt.datetime) -> None:
    last = ComplaintEvent.objects.aggregate(m=Max("pk"))["m"] or 0
    if refreshed is None:
        StatsRefresh.objects.create(refreshed_at=now, last_event_id=last, prior_event_id=last)
        return
    StatsRefresh.objects.filter(pk=refreshed.pk).update(
        refreshed_at=now, prior_event_id=F("last_event_id"), last_event_id=last
    )


def stats_rebuild(*, now: dt.datetime) -> dict[str, Any]:
    """Recompute the whole summary (every day a complaint was received)."""
    with transaction.atomic():
        refreshed = StatsRefresh.objects.select_for_update().first()
        days = set(
            Complaint.objects.order_by()
            .annotate(day=TruncDate("submitted_at", tzinfo=LOCAL_TZ))
            .values_list("day", flat=True)
            .distinct()
        )
        ComplaintDailyFigure.objects.all().delete()
        written = _recompute_all(days, now)
        _watermark(refreshed, now)
    return {"days": len(days), "rows": written}


def stats_refresh(*, now: dt.datetime) -> dict[str, Any]:
    """Bring the summary up to date: only the days touched since the last refresh (a full rebuild
    the first time). Under a row lock on the watermark, so two refreshes never interleave."""
    with transaction.atomic():
        if StatsRefresh.objects.exists():
            # Another refresh holds the watermark: it is doing this work already. Skip rather than
            # queue behind it, so that a slow refresh never piles beat's runs up on the lock.
            refreshed = StatsRefresh.objects.select_for_update(skip_locked=True).first()
            if refreshed is None:
                return {"days": 0, "rows": 0, "skipped": True}
        else:
            return stats_rebuild(now=now)
        days = _touched_days(refreshed, now)
        written = _recompute_all(days, now)
        _watermark(refreshed, now)
    return {"days": len(days), "rows": written}
