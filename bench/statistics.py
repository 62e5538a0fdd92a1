#!/usr/bin/env python
"""Benchmark of the statistics (API and page) over a year of 1,000,000 complaints.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ws_x python bench/statistics.py --n 1000000

Works on a database of its own (default: the server of $DATABASE_URL, database
``workstyle_stats_bench``, created and migrated when missing; the database handling is
bench/escalation.py's) and EMPTIES it first. It writes n complaints received over the last year with
the shapes of a real office — categories and channels skewed, most accepted within the limit, most
answered in time, some extended, rejected, merged, still open or overdue, a share rated, a few
escalated (their timeline entries) — in a few INSERT … SELECT statements, then measures, for a
discipline officer, a year city-wide:

0. the statistics' summary (``stats.services``): a full rebuild, then a refresh after timeline
   entries on ``--touched`` complaints of the last month, then one with nothing new;
1. ``GET /api/v1/statistics/`` and 2. ``GET /workbench/statistics/``: the median of ``--runs``
   runs each (wall clock, in process through Django's test client), against the goal of 1 s;
   both read the summary;
3. each figure's live query alone (one run): what the summary spares them.

``--part exports`` is the place of the export measurement (bench/exports.py adds it); ``--part
all`` runs every part on the same rows. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.escalation import _clear, _ensure_database, _setup_django, bench_database_url  # noqa: E402

DEFAULT_DB = "workstyle_stats_bench"
GOAL_S = 1.0
CHUNK = 250_000

CATEGORIES = [
    "inaction",
    "inaction",
    "inaction",
    "arbitrary_charges",
    "arbitrary_charges",
    "land_compensation",
    "sewage",
    "special_funds",
    "reception",
    "official_cars",
    "allowances",
    "fine_quotas",
    "gambling",
    "associations",
    "relatives_business",
    "democratic_centralism",
    "other",
]
CHANNELS = ["web", "web", "web", "web", "phone", "phone", "letter", "visit", "api"]

# One row per complaint. r1..r6 are its dice; the status follows from them and from the clock: a
# complaint received in the last two weeks may still wait for its decision, one accepted may still
# be open (in time, or overdue), the rest are answered (mostly in time) and most of those closed.
_INSERT = """
WITH base AS (
    SELECT g AS i,
           %(start)s::timestamptz + (random() * %(span)s) * interval '1 second' AS submitted_at,
           random() AS r1, random() AS r2, random() AS r3, random() AS r4, random() AS r5, random() AS r6
      FROM generate_series(%(first)s, %(last)s) AS g
), shaped AS (
    SELECT b.*,
           b.submitted_at + interval '15 days' AS accept_due_at,
           -- decided within the limit mostly; one in twenty late
           b.submitted_at + (CASE WHEN b.r2 < 0.95 THEN 1 + b.r3 * 13 ELSE 15.5 + b.r3 * 6 END) * interval '1 day'
               AS decided_at,
           CASE WHEN b.r1 < 0.03 THEN 'rejected'
                WHEN b.r1 < 0.05 THEN 'withdrawn'
                ELSE 'accepted' END AS fate,
           b.r4 < 0.08 AS extended
      FROM base b
), timed AS (
    SELECT s.*,
           s.decided_at + (60 + CASE WHEN s.extended THEN 30 ELSE 0 END) * interval '1 day' AS reply_due_at,
           -- answered mostly in time: 5 to 55 days after acceptance, one in eight late
           s.decided_at + (CASE WHEN s.r5 < 0.88 THEN 5 + s.r6 * 50 ELSE 61 + s.r6 * 40 END) * interval '1 day'
               AS answer_at
      FROM shaped s
)
INSERT INTO complaints_complaint (
    tracking_code, public_id, access_key_hash, channel, category, title, description, accused_name,
    complainant_name, complainant_phone, complainant_email, status, submitted_at, accept_due_at,
    accepted_at, routed_at, reject_reason, reply_due_at, extended, extension_days, escalation_level,
    reply_text, replied_at, rating, feedback_comment, feedback_at, review_reason, review_reply_text,
    closed_at, updated_at, unit_id, department_id, merged_into_id
)
SELECT 'BS' || lpad(t.i::text, 12, '0'),
       'S' || lpad(t.i::text, 15, '0'),
       '!',
       (%(channels)s::text[])[1 + floor(t.r2 * %(n_channels)s)::int],
       (%(categories)s::text[])[1 + floor(power(t.r3, 1.3) * %(n_categories)s)::int],
       '基准投诉', '基准投诉内容', '', '', '', '',
       CASE WHEN t.decided_at > %(now)s THEN 'submitted'
            WHEN t.fate = 'rejected' THEN 'rejected'
            WHEN t.fate = 'withdrawn' THEN 'withdrawn'
            WHEN t.answer_at > %(now)s THEN 'accepted'
            WHEN t.r6 < 0.7 THEN 'closed'
            ELSE 'replied' END,
       t.submitted_at,
       t.accept_due_at,
       CASE WHEN t.decided_at <= %(now)s AND t.fate = 'accepted' THEN t.decided_at END,
       CASE WHEN t.decided_at <= %(now)s AND t.fate = 'accepted' THEN t.decided_at END,
       CASE WHEN t.decided_at <= %(now)s AND t.fate = 'rejected' THEN '不属于受理范围' ELSE '' END,
       CASE WHEN t.decided_at <= %(now)s AND t.fate = 'accepted' THEN t.reply_due_at END,
       t.extended AND t.decided_at <= %(now)s AND t.fate = 'accepted',
       CASE WHEN t.extended AND t.decided_at <= %(now)s AND t.fate = 'accepted' THEN 30 ELSE 0 END,
       0,
       CASE WHEN t.fate = 'accepted' AND t.answer_at <= %(now)s THEN '已答复' ELSE '' END,
       CASE WHEN t.fate = 'accepted' AND t.answer_at <= %(now)s THEN t.answer_at END,
       CASE WHEN t.fate <> 'accepted' OR t.answer_at > %(now)s OR t.r4 > 0.6 THEN ''
            WHEN t.r5 < 0.6 THEN 'satisfied'
            WHEN t.r5 < 0.85 THEN 'basically_satisfied'
            ELSE 'dissatisfied' END,
       '',
       CASE WHEN t.fate = 'accepted' AND t.answer_at <= %(now)s AND t.r4 <= 0.6
            THEN t.answer_at + interval '3 days' END,
       '', '',
       CASE WHEN t.decided_at > %(now)s THEN NULL
            WHEN t.fate IN ('rejected', 'withdrawn') THEN t.decided_at
            WHEN t.answer_at <= %(now)s AND t.r6 < 0.7 THEN t.answer_at + interval '30 days' END,
       %(now)s,
       (%(units)s::bigint[])[1 + floor(t.r4 * %(n_units)s)::int],
       CASE WHEN t.decided_at <= %(now)s AND t.fate IN ('accepted', 'withdrawn')
            THEN (%(departments)s::bigint[])[1 + floor(power(t.r5, 1.5) * %(n_departments)s)::int] END,
       CASE WHEN t.decided_at <= %(now)s AND t.fate = 'withdrawn' THEN %(anchor)s::bigint END
  FROM timed t
"""

# Escalations: the overdue and the late-answered of the rows just written get their ladder entries.
_ESCALATIONS = """
INSERT INTO complaints_complaintevent (at, actor_id, verb, from_state, to_state, note, data, complaint_id)
SELECT c.reply_due_at + interval '1 day', NULL::integer, 'escalate', '0', '1', '', '{}'::jsonb, c.id
  FROM complaints_complaint c
 WHERE c.id BETWEEN %(low)s AND %(high)s AND c.reply_due_at IS NOT NULL
   AND COALESCE(c.replied_at, %(now)s) > c.reply_due_at + interval '1 day'
UNION ALL
SELECT c.reply_due_at + interval '8 days', NULL::integer, 'escalate', '1', '2', '', '{}'::jsonb, c.id
  FROM complaints_complaint c
 WHERE c.id BETWEEN %(low)s AND %(high)s AND c.reply_due_at IS NOT NULL
   AND COALESCE(c.replied_at, %(now)s) > c.reply_due_at + interval '8 days'
"""


def _organisation(units: int, departments: int) -> tuple[list[int], list[int], Any]:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group

    from cadres.models import Department, Unit
    from workstyle import roles

    for name in roles.GROUPS:
        Group.objects.get_or_create(name=name)
    made = Unit.objects.bulk_create(
        [Unit(code=f"sb-u{i}", name=f"基准单位{i}", kind=Unit.Kind.GOVERNMENT_ORGAN) for i in range(units)]
    )
    depts = Department.objects.bulk_create(
        [Department(unit=made[i % units], code=f"sb-d{i}", name=f"基准科室{i}") for i in range(departments)]
    )
    officer = get_user_model().objects.create(username="sb-officer", password=make_password(None))
    officer.groups.add(Group.objects.get(name=roles.DISCIPLINE))
    return [u.pk for u in made], [d.pk for d in depts], officer


def _seed(n: int, units: list[int], departments: list[int], now: datetime) -> None:
    from django.db import connection, transaction

    start = now - timedelta(days=365)
    params: dict[str, Any] = {
        "start": start,
        "span": 365 * 86400,
        "now": now,
        "channels": CHANNELS,
        "n_channels": len(CHANNELS),
        "categories": CATEGORIES,
        "n_categories": len(CATEGORIES),
        "units": units,
        "n_units": len(units),
        "departments": departments,
        "n_departments": len(departments),
    }
    with connection.cursor() as cursor:
        # The complaint merged ones point at: the first one, written on its own.
        with transaction.atomic():
            cursor.execute(_INSERT, {**params, "first": 1, "last": 1, "anchor": None})
            cursor.execute("SELECT min(id) FROM complaints_complaint")
            params["anchor"] = cursor.fetchone()[0]
        for first in range(2, n + 1, CHUNK):
            last = min(n, first + CHUNK - 1)
            with transaction.atomic():
                cursor.execute(_INSERT, {**params, "first": first, "last": last})
            print(f"  {last:>9,} complaints", flush=True)
        cursor.execute("SELECT min(id), max(id) FROM complaints_complaint")
        low, high = cursor.fetchone()
        cursor.execute(_ESCALATIONS, {"low": low, "high": high, "now": now})
        cursor.execute("VACUUM ANALYZE complaints_complaint")
        cursor.execute("VACUUM ANALYZE complaints_complaintevent")


def _median(values: list[float]) -> float:
    # Not the standard library's: this file's name shadows it when run as a script.
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def _median_time(call: Callable[[], Any], runs: int) -> tuple[float, list[float]]:
    call()  # warm: the first run pays for imports, templates and the database's cache
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return _median(times), times


# A refresh's worth of work: timeline entries on this many complaints received in the last month
# (where a day's changes fall: decisions, replies, ratings), as if written since the last refresh.
_ACTIVITY = """
INSERT INTO complaints_complaintevent (at, actor_id, verb, from_state, to_state, note, data, complaint_id)
SELECT %(now)s, NULL::integer, 'follow_up', c.status, c.status, '', '{}'::jsonb, c.id
  FROM complaints_complaint c
 WHERE c.submitted_at >= %(now)s - interval '30 days'
 ORDER BY random()
 LIMIT %(count)s
"""


def build_summary(figures: dict[str, Any], touched: int) -> None:
    """Time a full rebuild of the summary, then an incremental refresh after timeline entries on
    ``touched`` complaints of the last month."""
    from django.db import connection
    from django.utils import timezone

    from stats.services import stats_rebuild, stats_refresh

    started = time.perf_counter()
    done = stats_rebuild(now=timezone.now())
    figures["rebuild_s"] = time.perf_counter() - started
    figures["rebuild"] = done
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE stats_complaintdailyfigure")
        cursor.execute(_ACTIVITY, {"now": timezone.now(), "count": touched})
    started = time.perf_counter()
    figures["refresh"] = stats_refresh(now=timezone.now())
    figures["refresh_s"] = time.perf_counter() - started
    started = time.perf_counter()
    stats_refresh(now=timezone.now())  # reads the same entries once more (the overlap)
    figures["refresh_again_s"] = time.perf_counter() - started
    started = time.perf_counter()
    figures["refresh_idle"] = stats_refresh(now=timezone.now())
    figures["refresh_idle_s"] = time.perf_counter() - started


def measure_statistics(context: dict[str, Any], figures: dict[str, Any], runs: int) -> None:
    from django.test import Client
    from django.utils import timezone

    from stats import selectors
    from stats.selectors import StatsFilters

    officer = context["officer"]
    client = Client()
    client.force_login(officer)
    today = timezone.localdate()
    year = {"from": (today - timedelta(days=364)).isoformat(), "to": today.isoformat()}

    def api() -> None:
        response = client.get("/api/v1/statistics/", year, secure=True)
        assert response.status_code == 200, response.content[:300]
        context["body"] = response.json()

    def page() -> None:
        response = client.get("/workbench/statistics/", year, secure=True)
        assert response.status_code == 200, response.content[:300]

    figures["api_s"], figures["api_runs"] = _median_time(api, runs)
    figures["page_s"], figures["page_runs"] = _median_time(page, runs)

    filters = StatsFilters(start=today - timedelta(days=364), end=today, trend="month")
    now = timezone.now()
    parts: dict[str, Callable[[], Any]] = {
        "totals and rates": lambda: selectors.complaint_totals(user=officer, filters=filters, now=now),
        "escalations": lambda: selectors.complaint_escalations(user=officer, filters=filters),
        "by category": lambda: selectors.complaint_by_category(user=officer, filters=filters, now=now),
        "by channel": lambda: selectors.complaint_by_channel(user=officer, filters=filters, now=now),
        "by unit": lambda: selectors.complaint_by_unit(user=officer, filters=filters, now=now),
        "by department": lambda: selectors.complaint_by_department(user=officer, filters=filters, now=now),
        "trend": lambda: selectors.complaint_trend(user=officer, filters=filters, now=now),
        "cases": lambda: selectors.case_figures(user=officer, filters=filters),
    }
    figures["parts"] = {}
    for name, call in parts.items():
        started = time.perf_counter()
        call()
        figures["parts"][name] = time.perf_counter() - started


def measure_exports(context: dict[str, Any], figures: dict[str, Any], runs: int) -> None:
    """EXPORTS: the place of the export measurement (1,000,000 rows in ≤ 60 s, worker peak memory
    ≤ 150 MB), added with the exports (bench/exports.py). ``context`` holds the officer and the
    seeded database; put the numbers in ``figures`` and print them in ``report``."""
    figures["exports"] = "not measured here yet"


PARTS: dict[str, Callable[[dict[str, Any], dict[str, Any], int], None]] = {
    "statistics": measure_statistics,
    "exports": measure_exports,
}


def run(args: argparse.Namespace) -> dict[str, Any]:
    url = bench_database_url(args.database_url, DEFAULT_DB)
    _ensure_database(url)
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
    _setup_django(url, migrate=not args.no_migrate)

    from django.utils import timezone

    figures: dict[str, Any] = {"n": args.n, "runs": args.runs, "touched": args.touched}
    if args.reuse:
        from django.contrib.auth import get_user_model

        from complaints.models import Complaint

        figures["n"] = Complaint.objects.count()
        context: dict[str, Any] = {"officer": get_user_model().objects.get(username="sb-officer")}
    else:
        _clear()
        now = timezone.now()
        print(f"database {urlsplit(url).path.lstrip('/')}: seeding {args.n:,} complaints over a year …", flush=True)
        started = time.perf_counter()
        units, departments, officer = _organisation(args.units, args.departments)
        _seed(args.n, units, departments, now)
        figures["seed_s"] = time.perf_counter() - started
        print(f"  seeded in {figures['seed_s']:.1f} s", flush=True)
        context = {"officer": officer}
    figures["units"], figures["departments"] = args.units, args.departments
    if not args.summary_kept:
        print("building the statistics' summary …", flush=True)
        build_summary(figures, args.touched)
    chosen = list(PARTS) if args.part == "all" else [args.part]
    for name in chosen:
        PARTS[name](context, figures, args.runs)
    figures["body"] = context.get("body")
    if not args.keep:
        _clear()
    return figures


def report(f: dict[str, Any]) -> None:
    print()
    print(f"statistics, a year city-wide, a discipline officer: {f['n']:,} complaints")
    if "rebuild_s" in f:
        print(
            f"  summary: full rebuild {f['rebuild_s']:.1f} s ({f['rebuild']['days']} days, "
            f"{f['rebuild']['rows']:,} rows); refresh after entries on {f['touched']} complaints of the last month "
            f"{f['refresh_s']:.2f} s ({f['refresh']['days']} days recomputed); the next one (same "
            f"entries read again) {f['refresh_again_s']:.2f} s; one with nothing new "
            f"{f['refresh_idle_s']:.3f} s ({f['refresh_idle']['days']} days)"
        )
    if "api_s" in f:
        for key, label in (("api_s", "GET /api/v1/statistics/"), ("page_s", "GET /workbench/statistics/")):
            runs = ", ".join(f"{value:.2f}" for value in f[key.replace("_s", "_runs")])
            verdict = "meets" if f[key] <= GOAL_S else "MISSES"
            print(
                f"  {label:28}: median {f[key]:.3f} s of {len(f[key.replace('_s', '_runs')])} runs ({runs}); "
                f"goal ≤ {GOAL_S:.0f} s: {verdict}"
            )
        print("  each figure's live query alone (one run; what the summary replaces):")
        for name, seconds in f["parts"].items():
            print(f"    {name:18}: {seconds:.3f} s")
        body = f.get("body") or {}
        if body:
            print(
                "  figures: received {received:,}, accepted {accepted:,}, rejected {rejected:,}, merged {merged:,}, "
                "answered {answered:,}, closed {closed:,}, overdue {overdue:,}, escalated {escalated_level_1:,}/"
                "{escalated_level_2:,}".format(**body)
            )
            print(
                f"           acceptance in time {body['acceptance_in_time_rate']}, reply in time "
                f"{body['reply_in_time_rate']}, satisfaction {body['satisfaction_rate']}, median reply "
                f"{body['median_reply_days']} d, p90 {body['p90_reply_days']} d"
            )
    if "exports" in f:
        print(f"  exports: {f['exports']}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--n", type=int, default=1_000_000, help="complaints to create (default 1,000,000)")
    parser.add_argument("--units", type=int, default=60, help="units complained about (default 60)")
    parser.add_argument("--departments", type=int, default=300, help="departments (default 300)")
    parser.add_argument("--runs", type=int, default=5, help="timed runs of each request (default 5)")
    parser.add_argument("--part", choices=[*PARTS, "all"], default="statistics", help="what to measure")
    parser.add_argument(
        "--database-url", help=f"database to use and EMPTY (default: $DATABASE_URL's server, {DEFAULT_DB})"
    )
    parser.add_argument(
        "--touched", type=int, default=500, help="complaints of the last month changed before the timed refresh"
    )
    parser.add_argument(
        "--summary-kept", action="store_true", help="with --reuse: measure the summary a run left, unbuilt"
    )
    parser.add_argument("--no-migrate", action="store_true", help="the database is migrated already")
    parser.add_argument("--keep", action="store_true", help="leave the rows in the database afterwards")
    parser.add_argument("--reuse", action="store_true", help="measure the rows a --keep run left")
    args = parser.parse_args(argv)
    if args.n < 2 or args.units < 1 or args.departments < 1 or args.runs < 1:
        parser.error("--n must be at least 2; --units, --departments and --runs positive")
    report(run(args))


if __name__ == "__main__":
    main()
