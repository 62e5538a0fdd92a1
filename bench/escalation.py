#!/usr/bin/env python
"""Benchmark of the escalation sweep (level 0 → 1) against one hand-written SQL statement doing the same writes.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ws_e python bench/escalation.py --n 100000

Works on a database of its own (default: the server of $DATABASE_URL, database ``workstyle_bench``,
created and migrated when missing) and EMPTIES it first. It bulk-creates n overdue complaints
(accepted or assigned, reply deadline passed, level 0) spread over departments with heads, then:

1. times one sweep (wall clock) and counts its queries (CaptureQueriesContext), then counts and
   fingerprints what it wrote: levels, timeline events, notifications, outbox e-mails;
2. resets the rows and times the same step as ONE statement, a chain of data-modifying CTEs:
   UPDATE … RETURNING → INSERT the events → INSERT the notifications (the same recipients: the
   responsible head unless he is recused or inactive, else the discipline office less anyone
   recused; the same kinds, parameters and links) → INSERT the outbox e-mails (the same subjects
   and bodies, rendered from the same templates in the portal's language);
3. checks that both wrote the same number of rows of each kind, and the same contents;
4. with ``--memory``, resets and runs the sweep once more under tracemalloc for its peak Python
   memory, and once with notifications switched off to show their share.

It prints the figures, the ratio sweep / SQL and the goals (ratio ≤ 2.0, ≥ 7,000 complaints a
second), met or missed. The broker is replaced by an in-memory one so the run touches nothing but
its database. Not part of the test suite (tests/flows has a small smoke run).
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

# The goals: the sweep at most twice the hand-written statement, and this many complaints a second.
GOAL_RATIO = 2.0
GOAL_RATE = 7000


def bench_database_url(given: str | None, database: str) -> str:
    """The database a bench works on: ``given`` (its ``--database-url``), else ``database`` on the
    server of $DATABASE_URL, which must be PostgreSQL. Every bench script reads its own this way."""
    if given:
        return str(given)
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/workstyle")
    parts = urlsplit(base)
    if parts.scheme not in ("postgres", "postgresql"):
        sys.exit(f"bench/{Path(sys.argv[0]).name} needs PostgreSQL: set DATABASE_URL=postgres://…")
    return urlunsplit(parts._replace(path=f"/{database}"))


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
    # A stored copy of the deadline that runs now, where the model keeps one, is filled as the
    # services would have filled it (bulk_create runs no service).
    if any(f.name == "due_at" for f in Complaint._meta.concrete_fields):
        from workstyle.ladder import ladder_due_expression

        Complaint.objects.update(due_at=ladder_due_expression(Complaint.DEADLINES))


_WRITTEN = (
    "TRUNCATE complaints_complaintevent, workstyle_outboxemail, workstyle_notification, "
    "supervision_caseevent, supervision_noticeevent, supervision_notice, supervision_accountabilitycase"
)


def _reset() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(_WRITTEN)
        cursor.execute("UPDATE complaints_complaint SET escalation_level = 0, escalated_at = NULL, reminded_for = NULL")
        cursor.execute("VACUUM ANALYZE complaints_complaint")


# What each path wrote: a count and a fingerprint (md5 of the sorted rows, ids left out since
# sequences differ between runs) per kind of row.
_FINGERPRINTS = {
    "levels": (
        "SELECT count(*), md5(coalesce(string_agg(concat_ws('|', id, escalation_level, escalated_at, updated_at), "
        "',' ORDER BY id), '')) FROM complaints_complaint WHERE escalation_level > 0"
    ),
    "events": (
        "SELECT count(*), md5(coalesce(string_agg(concat_ws('|', complaint_id, at, actor_id, verb, from_state, "
        "to_state, note, data::text), ',' ORDER BY complaint_id, id), '')) FROM complaints_complaintevent"
    ),
    "notifications": (
        "SELECT count(*), md5(coalesce(string_agg(concat_ws('|', recipient_id, kind, params::text, url, "
        "created_at, read_at), ',' ORDER BY url, recipient_id), '')) FROM workstyle_notification"
    ),
    "emails": (
        "SELECT count(*), md5(coalesce(string_agg(concat_ws('|', n.recipient_id, n.url, e.\"to\", e.language, "
        "e.subject, e.body, e.status, e.attempts, e.next_attempt_at, e.last_error, e.created_at, e.sent_at), "
        "',' ORDER BY n.url, n.recipient_id), '')) FROM workstyle_outboxemail e "
        "LEFT JOIN workstyle_notification n ON n.id = e.notification_id"
    ),
}


def _written() -> dict[str, tuple[int, str]]:
    from django.db import connection

    found = {}
    with connection.cursor() as cursor:
        for name, query in _FINGERPRINTS.items():
            cursor.execute(query)
            count, digest = cursor.fetchone()
            found[name] = (count, digest)
    return found


def _check(n: int) -> None:
    from complaints.models import Complaint, ComplaintEvent

    escalated = Complaint.objects.filter(escalation_level=1).count()
    events = ComplaintEvent.objects.filter(verb="escalate", to_state="1").count()
    if escalated != n or events != n:
        sys.exit(f"bench: expected {n} escalations, found {escalated} rows at level 1 and {events} events")


# --- the hand-written statement ------------------------------------------------------------------------

# The same step as the sweep's level 0 → 1 for complaints (complaints/escalation.py): who is told,
# with which kind, parameters, link and e-mail, written out in SQL. {office_owes} and the kinds'
# texts come from the code so that both sides speak of the same states and say the same words.
_SQL = """
WITH moved AS (
    UPDATE complaints_complaint AS c
       SET escalation_level = 1, escalated_at = %(now)s, updated_at = %(now)s
     WHERE c.status IN ('submitted', 'accepted', 'assigned', 'review_requested', 'returned')
       AND c.escalation_level = 0
       AND ((c.status = 'submitted' AND c.accept_due_at < %(now)s)
         OR (c.status IN ('accepted', 'assigned', 'returned') AND c.reply_due_at < %(now)s)
         OR (c.status = 'review_requested' AND c.review_due_at < %(now)s))
    RETURNING c.id, c.tracking_code, c.status, c.department_id, c.responsible_head_id, c.accused_cadre_id,
              CASE WHEN c.status = 'submitted' THEN c.accept_due_at
                   WHEN c.status IN ('accepted', 'assigned', 'returned') THEN c.reply_due_at
                   ELSE c.review_due_at END AS deadline
),
events AS (
    INSERT INTO complaints_complaintevent (at, actor_id, verb, from_state, to_state, note, data, complaint_id)
    SELECT %(now)s, NULL, 'escalate', '0', '1', '',
           jsonb_build_object('deadline',
               to_char(deadline AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS')
               || CASE WHEN extract(microseconds FROM deadline)::int %% 1000000 = 0 THEN ''
                       ELSE to_char(deadline AT TIME ZONE 'UTC', '.US') END
               || '+00:00'),
           id
      FROM moved
),
-- The cadres and users who must never hear of each complaint: the cadre it names, the recusal table.
recused AS (
    SELECT m.id, m.accused_cadre_id AS cadre_id FROM moved m WHERE m.accused_cadre_id IS NOT NULL
    UNION
    SELECT r.complaint_id, r.cadre_id FROM complaints_complaintrecusal r JOIN moved m ON m.id = r.complaint_id
),
recused_users AS (
    SELECT r.id, k.user_id FROM recused r JOIN cadres_cadre k ON k.id = r.cadre_id WHERE k.user_id IS NOT NULL
),
-- The responsible head, else the department's head, when the department owes the answer, he is
-- active, not recused, and his account is active.
heads AS (
    SELECT m.id, u.id AS user_id
      FROM moved m
      LEFT JOIN cadres_department d ON d.id = m.department_id
      JOIN cadres_cadre h ON h.id = CASE WHEN m.responsible_head_id IS NOT NULL THEN m.responsible_head_id
                                         ELSE d.head_id END
      JOIN auth_user u ON u.id = h.user_id AND u.is_active
     WHERE m.status NOT IN {office_owes}
       AND h.active
       AND NOT EXISTS (SELECT 1 FROM recused r WHERE r.id = m.id AND r.cadre_id = h.id)
       AND NOT EXISTS (SELECT 1 FROM recused_users r WHERE r.id = m.id AND r.user_id = u.id)
),
office AS (
    SELECT DISTINCT u.id
      FROM auth_user u
      JOIN auth_user_groups ug ON ug.user_id = u.id
      JOIN auth_group g ON g.id = ug.group_id AND g.name = %(office_group)s
     WHERE u.is_active
),
targets AS (
    SELECT id, user_id FROM heads
    UNION ALL
    SELECT m.id, o.id
      FROM moved m CROSS JOIN office o
     WHERE NOT EXISTS (SELECT 1 FROM heads h WHERE h.id = m.id)
       AND NOT EXISTS (SELECT 1 FROM recused_users r WHERE r.id = m.id AND r.user_id = o.id)
),
notes AS (
    INSERT INTO workstyle_notification (recipient_id, kind, params, url, created_at, read_at)
    SELECT t.user_id,
           CASE WHEN m.status = 'submitted' THEN 'complaint_overdue_acceptance'
                WHEN m.status IN {office_owes} THEN 'complaint_overdue_office'
                ELSE 'complaint_escalated' END,
           jsonb_build_object('code', m.tracking_code,
                              'due', to_char(m.deadline AT TIME ZONE %(tz)s, 'YYYY-MM-DD'),
                              'days', %(days)s::int),
           %(url_head)s || m.id || %(url_tail)s,
           %(now)s, NULL
      FROM targets t JOIN moved m ON m.id = t.id
    RETURNING id, recipient_id, kind, params, url
),
texts (kind, subject, body) AS (VALUES {texts})
INSERT INTO workstyle_outboxemail
       (notification_id, "to", language, subject, body, status, attempts, next_attempt_at, last_error, created_at,
        sent_at)
SELECT n.id, u.email, %(language)s,
       left(btrim(regexp_replace(replace(replace(replace(x.subject, '{{code}}', n.params->>'code'),
                                                  '{{due}}', n.params->>'due'), '{{days}}', n.params->>'days'),
                                 '\\s+', ' ', 'g')), 300),
       replace(replace(replace(x.body, '{{code}}', n.params->>'code'), '{{due}}', n.params->>'due'),
               '{{days}}', n.params->>'days')
       || E'\\n\\n' || %(site)s || n.url,
       'pending', 0, %(now)s, '', %(now)s, NULL
  FROM notes n
  JOIN auth_user u ON u.id = n.recipient_id
  JOIN texts x ON x.kind = n.kind
 WHERE u.email <> ''
"""

_KINDS = ("complaint_overdue_acceptance", "complaint_overdue_office", "complaint_escalated")


def _statement(now: datetime) -> tuple[str, dict[str, Any]]:
    """The statement and its parameters, from the same settings, states and templates as the sweep."""
    from django.conf import settings
    from django.urls import reverse
    from django.utils import translation

    from complaints.escalation import OFFICE_OWES
    from workstyle import roles
    from workstyle.notifications import KINDS

    marker = 987654321
    url_head, url_tail = reverse("complaints:detail", args=[marker]).split(str(marker))
    params: dict[str, Any] = {
        "now": now,
        "tz": settings.TIME_ZONE,
        "days": settings.WORKSTYLE_ESCALATION_DAYS,
        "office_group": roles.DISCIPLINE,
        "url_head": url_head,
        "url_tail": url_tail,
        "language": settings.LANGUAGE_CODE,
        "site": settings.WORKSTYLE_SITE_URL.rstrip("/"),
    }
    rows = []
    with translation.override(settings.LANGUAGE_CODE):
        for i, kind in enumerate(_KINDS):
            params[f"kind{i}"], params[f"subject{i}"], params[f"body{i}"] = (
                kind,
                str(KINDS[kind].subject),
                str(KINDS[kind].body),
            )
            rows.append(f"(%(kind{i})s, %(subject{i})s, %(body{i})s)")
    owes = "(" + ", ".join(f"'{state}'" for state in OFFICE_OWES) + ")"
    return _SQL.format(office_owes=owes, texts=", ".join(rows)), params


def _mib(size: float) -> str:
    return f"{size / 1024 / 1024:.1f} MiB"


def run(args: argparse.Namespace) -> dict[str, Any]:
    url = bench_database_url(args.database_url, DEFAULT_DB)
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

    # 1. one sweep: wall time and queries, then what it wrote
    with CaptureQueriesContext(connection) as queries:
        started, cpu = time.perf_counter(), time.process_time()
        counts = escalation.escalate_overdue(now=now, batch_size=args.batch_size)
        figures["sweep_s"] = time.perf_counter() - started
        figures["sweep_cpu_s"] = time.process_time() - cpu
    figures["queries"] = len(queries.captured_queries)
    figures["counts"] = counts
    _check(args.n)
    figures["sweep_wrote"] = _written()
    print(f"  sweep: {figures['sweep_s']:.2f} s", flush=True)

    # 2. one hand-written statement on the same rows
    _reset()
    statement, params = _statement(now)
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement, params)
    figures["sql_s"] = time.perf_counter() - started
    _check(args.n)
    figures["sql_wrote"] = _written()
    print(f"  SQL: {figures['sql_s']:.2f} s", flush=True)

    if args.memory:
        # 3. the same sweep under tracemalloc: peak Python memory
        _reset()
        tracemalloc.start()
        started = time.perf_counter()
        escalation.escalate_overdue(now=now, batch_size=args.batch_size)
        figures["traced_s"] = time.perf_counter() - started
        _current, figures["peak_bytes"] = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        _check(args.n)

        # 4. the sweep without notifications (events and the level only), to show what they cost
        _reset()
        with mock.patch.object(ladder, "notification_send_many", return_value=[]):
            started = time.perf_counter()
            escalation.escalate_overdue(now=now, batch_size=args.batch_size)
            figures["sweep_no_notify_s"] = time.perf_counter() - started
        _check(args.n)

    if not args.keep:
        _clear()
    return figures


def _verdict(met: bool) -> str:
    return "met" if met else "MISSED"


def report(f: dict[str, Any]) -> bool:
    """Prints the figures; True when both paths wrote the same rows."""
    batches = -(-f["n"] // f["batch_size"])
    rate = f["n"] / f["sweep_s"]
    ratio = f["sweep_s"] / f["sql_s"]
    sweep, sql = f["sweep_wrote"], f["sql_wrote"]
    print()
    print(f"escalation sweep, level 0 → 1: {f['n']} overdue complaints in {f['departments']} departments")
    print(f"  sweep          : {f['sweep_s']:8.2f} s wall  ({rate:,.0f} complaints/s)")
    print(f"  sweep's own CPU: {f['sweep_cpu_s']:8.2f} s (this process; the database's work is not in it)")
    per_batch = f["queries"] / batches
    print(
        f"  queries        : {f['queries']} for {batches} batches of {f['batch_size']} "
        f"({per_batch:.1f} per batch, BEGIN and COMMIT included)"
    )
    print(
        f"  wrote          : {sweep['events'][0]} events, {sweep['notifications'][0]} notifications, "
        f"{sweep['emails'][0]} outbox e-mails"
    )
    if "peak_bytes" in f:
        print(f"  peak memory    : {_mib(f['peak_bytes'])} (tracemalloc; that run took {f['traced_s']:.2f} s)")
        print(f"  sweep, no notes: {f['sweep_no_notify_s']:8.2f} s wall  (events and levels only)")
    print(
        "  hand-written SQL (UPDATE … RETURNING → INSERT events → INSERT notifications → INSERT outbox, "
        f"1 statement): {f['sql_s']:.2f} s wall ({f['n'] / f['sql_s']:,.0f} complaints/s)"
    )
    print("  same writes    :")
    same = True
    for name in _FINGERPRINTS:
        (count_a, digest_a), (count_b, digest_b) = sweep[name], sql[name]
        agree = count_a == count_b and digest_a == digest_b
        same = same and agree
        contents = "same contents" if digest_a == digest_b else "CONTENTS DIFFER"
        print(f"    {name:<14}: sweep {count_a:>8}  SQL {count_b:>8}  {contents}")
    print(f"  ratio sweep / SQL           : {ratio:.2f}")
    print(f"  goal ratio ≤ {GOAL_RATIO:.1f}            : {_verdict(ratio <= GOAL_RATIO)}")
    print(f"  goal ≥ {GOAL_RATE:,} complaints/s   : {_verdict(rate >= GOAL_RATE)} ({rate:,.0f}/s)")
    print(f"  goal same writes both ways  : {_verdict(same)}")
    return same


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
    parser.add_argument(
        "--memory", action="store_true", help="also the peak memory, and the sweep without notifications"
    )
    args = parser.parse_args(argv)
    if args.n < 1 or args.batch_size < 1 or args.departments < 1:
        parser.error("--n, --batch-size and --departments must be positive")
    if not report(run(args)):
        sys.exit("bench: the sweep and the hand-written statement wrote different rows")


if __name__ == "__main__":
    main()
