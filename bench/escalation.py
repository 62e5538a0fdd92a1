#!/usr/bin/env python
"""Benchmark of the escalation sweep (level 0 → 1) against one hand-written SQL statement.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ws_e python bench/escalation.py --n 100000

Works on a database of its own (default: the server of $DATABASE_URL, database ``workstyle_bench``,
created and migrated when missing) and EMPTIES it first. It bulk-creates n overdue complaints
(accepted or assigned, reply deadline passed, level 0) spread over departments with heads, then:

1. times one sweep (wall clock) and counts its queries (CaptureQueriesContext);
2. resets the rows and runs the sweep again under tracemalloc for its peak Python memory;
3. resets the rows and runs it once more with notifications switched off, to show their share;
4. resets the rows and times the same step as ONE statement: UPDATE … RETURNING feeding an
   INSERT … SELECT of the timeline events;

and prints the figures and the ratio sweep / SQL. The broker is replaced by an in-memory one so the
run touches nothing but its database. Not part of the test suite (tests/flows has a small smoke run).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import tracemalloc
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from unittest import mock
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = "workstyle_bench"
CHUNK = 5000


def _database_url(args: argparse.Namespace) -> str:
    if args.database_url:
        return str(args.database_url)
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/workstyle")
    parts = urlsplit(base)
    if parts.scheme not in ("postgres", "postgresql"):
        sys.exit("bench/escalation.py needs PostgreSQL: set DATABASE_URL=postgres://…")
    return urlunsplit(parts._replace(path=f"/{DEFAULT_DB}"))


def _ensure_database(url: str) -> None:
    import psycopg2
    from psycopg2 import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not (name.startswith("test_") or "bench" in name):
        sys.exit(f"refusing to empty database {name!r}: its name must contain 'bench' or start with 'test_'")
    admin = psycopg2.connect(
        dbname="postgres",
        user=parts.username or "postgres",
        password=parts.password or None,
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    admin.close()


def _setup_django(url: str, *, migrate: bool) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "workstyle.settings"
    # Nothing but the database: an in-memory broker (the relay wake-up goes nowhere) and no Redis.
    os.environ["CELERY_BROKER_URL"] = "memory://"
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    if migrate:
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False)


def _clear() -> None:
    from django.core.management import call_command

    # TRUNCATE (flush) also passes the immutable-event triggers, which refuse DELETE.
    call_command("flush", verbosity=0, interactive=False)


def _seed(n: int, departments: int, now: datetime) -> None:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from cadres.models import Cadre, Department, Unit
    from complaints.models import Category, Complaint

    User = get_user_model()
    unusable = make_password(None)  # no login, and no seconds spent hashing
    with transaction.atomic():
        units = Unit.objects.bulk_create(
            [
                Unit(code=f"bench-u{i}", name=f"基准单位{i}", kind=Unit.Kind.GOVERNMENT_ORGAN)
                for i in range(max(1, departments // 10))
            ]
        )
        depts = Department.objects.bulk_create(
            [
                Department(unit=units[i % len(units)], code=f"bench-d{i}", name=f"基准科室{i}")
                for i in range(departments)
            ]
        )
        users = User.objects.bulk_create(
            [
                User(username=f"bench-head-{i}", email=f"bench-head-{i}@bench.example", password=unusable)
                for i in range(departments)
            ]
        )
        heads = Cadre.objects.bulk_create(
            [
                Cadre(
                    staff_number=f"BH{i:05d}",
                    name=f"科长{i}",
                    unit_id=d.unit_id,
                    department=d,
                    user=users[i],
                    is_leading=True,
                )
                for i, d in enumerate(depts)
            ]
        )
        handlers = Cadre.objects.bulk_create(
            [
                Cadre(staff_number=f"BC{i:05d}", name=f"科员{i}", unit_id=d.unit_id, department=d)
                for i, d in enumerate(depts)
            ]
        )
        for dept, head in zip(depts, heads, strict=True):
            dept.head = head
        Department.objects.bulk_update(depts, ["head"])

    S = Complaint.Status
    for start in range(0, n, CHUNK):
        rows = []
        for i in range(start, min(n, start + CHUNK)):
            d = i % departments
            assigned = i % 2 == 1
            rows.append(
                Complaint(
                    tracking_code=f"BENCH{i:010d}",
                    access_key_hash="!",
                    category=Category.INACTION,
                    title="基准投诉",
                    description="基准投诉内容",
                    status=S.ASSIGNED if assigned else S.ACCEPTED,
                    department_id=depts[d].pk,
                    handler_id=handlers[d].pk if assigned else None,
                    submitted_at=now - timedelta(days=80),
                    accept_due_at=now - timedelta(days=65),
                    accepted_at=now - timedelta(days=70),
                    assigned_at=now - timedelta(days=69) if assigned else None,
                    reply_due_at=now - timedelta(days=1, hours=i % 24),
                )
            )
        Complaint.objects.bulk_create(rows)


def _reset() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE complaints_complaintevent, workstyle_outboxemail, workstyle_notification, "
            "supervision_caseevent, supervision_noticeevent, supervision_notice, supervision_accountabilitycase"
        )
        cursor.execute("UPDATE complaints_complaint SET escalation_level = 0, escalated_at = NULL, reminded_for = NULL")
        cursor.execute("VACUUM ANALYZE complaints_complaint")


def _check(n: int) -> None:
    from complaints.models import Complaint, ComplaintEvent

    escalated = Complaint.objects.filter(escalation_level=1).count()
    events = ComplaintEvent.objects.filter(verb="escalate", to_state="1").count()
    if escalated != n or events != n:
        sys.exit(f"bench: expected {n} escalations, found {escalated} rows at level 1 and {events} events")


_SQL = """
WITH moved AS (
    UPDATE complaints_complaint AS c
       SET escalation_level = 1, escalated_at = %(now)s, updated_at = %(now)s
     WHERE c.status IN ('submitted', 'accepted', 'assigned', 'review_requested')
       AND c.escalation_level = 0
       AND CASE WHEN c.status = 'submitted' THEN c.accept_due_at
                WHEN c.status IN ('accepted', 'assigned') THEN c.reply_due_at
                WHEN c.status = 'review_requested' THEN c.review_due_at END < %(now)s
    RETURNING c.id,
              CASE WHEN c.status = 'submitted' THEN c.accept_due_at
                   WHEN c.status IN ('accepted', 'assigned') THEN c.reply_due_at
                   ELSE c.review_due_at END AS deadline
)
INSERT INTO complaints_complaintevent (at, actor_id, verb, from_state, to_state, note, data, complaint_id)
SELECT %(now)s, NULL, 'escalate', '0', '1', '',
       jsonb_build_object('deadline', to_char(deadline AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"+00:00"')),
       id
  FROM moved
"""


def _mib(size: float) -> str:
    return f"{size / 1024 / 1024:.1f} MiB"


def run(args: argparse.Namespace) -> dict[str, Any]:
    url = _database_url(args)
    _ensure_database(url)
    _setup_django(url, migrate=not args.no_migrate)

    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from complaints import escalation
    from workstyle import ladder, roles

    _clear()
    from django.contrib.auth.models import Group

    for name in roles.GROUPS:
        Group.objects.get_or_create(name=name)

    now = timezone.now()
    print(f"database {urlsplit(url).path.lstrip('/')}: seeding {args.n} overdue complaints …", flush=True)
    started = time.perf_counter()
    _seed(args.n, args.departments, now)
    _reset()
    print(f"  seeded in {time.perf_counter() - started:.1f} s", flush=True)
    figures: dict[str, Any] = {"n": args.n, "batch_size": args.batch_size, "departments": args.departments}

    # 1. one sweep: wall time and queries
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        counts = escalation.escalate_overdue(now=now, batch_size=args.batch_size)
        figures["sweep_s"] = time.perf_counter() - started
    figures["queries"] = len(queries.captured_queries)
    figures["counts"] = counts
    _check(args.n)
    from workstyle.models import Notification, OutboxEmail

    figures["notifications"] = Notification.objects.count()
    figures["emails"] = OutboxEmail.objects.count()

    # 2. the same sweep under tracemalloc: peak Python memory
    _reset()
    tracemalloc.start()
    started = time.perf_counter()
    escalation.escalate_overdue(now=now, batch_size=args.batch_size)
    figures["traced_s"] = time.perf_counter() - started
    _current, figures["peak_bytes"] = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    _check(args.n)

    # 3. the sweep without notifications (events and the level only), to show what they cost
    _reset()
    with mock.patch.object(ladder, "notification_send_many", return_value=[]):
        started = time.perf_counter()
        escalation.escalate_overdue(now=now, batch_size=args.batch_size)
        figures["sweep_no_notify_s"] = time.perf_counter() - started
    _check(args.n)

    # 4. one hand-written statement on the same rows
    _reset()
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_SQL, {"now": now})
        figures["sql_rows"] = cursor.rowcount
    figures["sql_s"] = time.perf_counter() - started
    _check(args.n)

    if not args.keep:
        _clear()
    return figures


def report(f: dict[str, Any]) -> None:
    batches = -(-f["n"] // f["batch_size"])
    print()
    print(f"escalation sweep, level 0 → 1: {f['n']} overdue complaints in {f['departments']} departments")
    print(f"  sweep          : {f['sweep_s']:8.2f} s wall  ({f['n'] / f['sweep_s']:,.0f} complaints/s)")
    per_batch = f["queries"] / batches
    print(
        f"  queries        : {f['queries']} for {batches} batches of {f['batch_size']} "
        f"({per_batch:.1f} per batch, BEGIN and COMMIT included)"
    )
    print(f"  peak memory    : {_mib(f['peak_bytes'])} (tracemalloc; that run took {f['traced_s']:.2f} s)")
    print(f"  wrote          : {f['n']} events, {f['notifications']} notifications, {f['emails']} outbox e-mails")
    print(f"  sweep, no notes: {f['sweep_no_notify_s']:8.2f} s wall  (events and levels only)")
    print(
        f"  hand-written SQL (UPDATE … RETURNING → INSERT … SELECT events, 1 statement): {f['sql_s']:.2f} s wall, "
        f"{f['sql_rows']} rows"
    )
    print(f"  ratio sweep / SQL           : {f['sweep_s'] / f['sql_s']:.1f}")
    print(f"  ratio sweep without notes / SQL: {f['sweep_no_notify_s'] / f['sql_s']:.1f}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--n", type=int, default=10000, help="overdue complaints to create (default 10000)")
    parser.add_argument("--batch-size", type=int, default=1000, help="sweep batch size (default 1000)")
    parser.add_argument("--departments", type=int, default=200, help="departments with heads (default 200)")
    parser.add_argument(
        "--database-url", help=f"database to use and EMPTY (default: $DATABASE_URL's server, {DEFAULT_DB})"
    )
    parser.add_argument("--no-migrate", action="store_true", help="the database is migrated already")
    parser.add_argument("--keep", action="store_true", help="leave the rows in the database afterwards")
    args = parser.parse_args(argv)
    if args.n < 1 or args.batch_size < 1 or args.departments < 1:
        parser.error("--n, --batch-size and --departments must be positive")
    report(run(args))


if __name__ == "__main__":
    main()
