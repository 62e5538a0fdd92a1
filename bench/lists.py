#!/usr/bin/env python
"""Latency of every list (pages and API) and of the workbench at 10,000 and at 1,000,000 complaints.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/x python bench/lists.py            # 10k, then 1M
    python bench/lists.py --database-url postgres://postgres@127.0.0.1:5432/ws_lists_bench --reuse

Works on databases of its own, one per size (default: the server of $DATABASE_URL, databases
``ws_lists_bench_10000`` and ``ws_lists_bench_1000000``; the name must contain "bench", as
``bench/escalation.py`` checks), each DROPPED and created anew — unless ``--reuse`` finds it holding
its size already — and left filled for EXPLAIN afterwards. In each it
builds the demo city (``manage.py seed_demo``), then grows the complaints to the size by copying
the demo's complaints row for row — same statuses, departments, handlers, deadlines and escalation
levels, submitted hour by hour over the 30 days before the newest, every copy's other dates moved
with its submission — with one ``INSERT … SELECT generate_series`` per
100,000 rows, and ``VACUUM ANALYZE``. At each size it asks every list page and API list, and the
workbench, as the inspector (the discipline office: every complaint) and as a department head
(his department's), through Django's test client in this process (no HTTP server, no network:
the figures are the view, the ORM and PostgreSQL), ``--repeat`` times after two warm-ups, and
prints the median of each and the ratio of the largest size to the smallest, against the goal of
at most 1.5.
"""

from __future__ import annotations

import argparse
import logging
import os
import platform
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.escalation import _ensure_database, _setup_django, bench_database_url  # noqa: E402

DEFAULT_DB = "ws_lists_bench"
CHUNK = 100_000
GOAL = 1.5
USERS = {"inspector": "inspector", "head": "head"}

# (label, url): the lists and the workbench. "→next" follows the first page's next link.
TARGETS: list[tuple[str, str]] = [
    ("page  complaints queue", "/workbench/complaints/"),
    ("page  complaints queue →next", "/workbench/complaints/ →next"),
    ("page  complaints overdue", "/workbench/complaints/?overdue=true"),
    ("page  complaints open", "/workbench/complaints/?open=1"),
    ("page  complaints by deadline", "/workbench/complaints/?sort=due"),
    ("page  workbench", "/workbench/"),
    ("page  notifications", "/workbench/notifications/"),
    ("page  cases", "/workbench/cases/"),
    ("page  notices", "/workbench/notices/"),
    ("page  meetings", "/workbench/meetings/"),
    ("page  rectifications", "/workbench/rectifications/"),
    ("page  debriefings", "/org/debriefings/"),
    ("page  personal reports", "/org/personal-reports/"),
    ("api   complaints", "/api/v1/complaints/"),
    ("api   complaints →next", "/api/v1/complaints/ →next"),
    ("api   complaints overdue", "/api/v1/complaints/?overdue=true"),
    ("api   complaints page_size=50", "/api/v1/complaints/?page_size=50"),
    ("api   complaints status=assigned", "/api/v1/complaints/?status=assigned"),
    ("api   complaints ordering=reply_due_at", "/api/v1/complaints/?ordering=reply_due_at"),
    ("api   notifications", "/api/v1/notifications/"),
    ("api   cases", "/api/v1/cases/"),
    ("api   conversations", "/api/v1/conversations/"),
    ("api   notices", "/api/v1/notices/"),
    ("api   meetings", "/api/v1/meetings/"),
    ("api   meeting reports", "/api/v1/meeting-reports/"),
    ("api   rectifications", "/api/v1/rectifications/"),
    ("api   commitments", "/api/v1/commitments/"),
    ("api   debriefings", "/api/v1/debriefings/"),
    ("api   personal reports", "/api/v1/personal-reports/"),
]


def _median(values: list[float]) -> float:
    # Not the standard library's statistics.median: run as ``python bench/lists.py``, this folder
    # comes first on sys.path and its ``statistics.py`` is the statistics benchmark.
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def _recreate(url: str) -> None:
    """A new, empty database (a flush would also empty the rows the migrations made, such as the
    eight ethos, which the demo needs)."""
    import psycopg2
    from psycopg2 import sql

    _ensure_database(url)  # refuses a name without "bench"
    parts = urlsplit(url)
    admin = psycopg2.connect(
        dbname="postgres",
        user=parts.username or "postgres",
        password=parts.password or None,
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        name = sql.Identifier(parts.path.lstrip("/"))
        cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        cursor.execute(sql.SQL("CREATE DATABASE {}").format(name))
    admin.close()


def _grow(total: int) -> int:
    """Copy the demo's complaints until there are ``total``; returns how many were added."""
    from django.db import connection

    from complaints.models import Complaint

    table = Complaint._meta.db_table
    fields = [f for f in Complaint._meta.concrete_fields if not f.primary_key and not f.generated]
    shifted = {"submitted_at", "accept_due_at", "accepted_at", "routed_at", "assigned_at", "reply_due_at"}
    shifted |= {"escalated_at", "reminded_for", "replied_at", "feedback_at", "review_requested_at"}
    shifted |= {"review_due_at", "review_replied_at", "closed_at", "updated_at", "contacts_erased_at"}
    columns, values = [], []
    for f in fields:
        columns.append(f'"{f.column}"')
        if f.name == "tracking_code":
            values.append("'BENCH-' || lpad(g::text, 9, '0')")
        elif f.name == "public_id":
            values.append("'b' || g::text")
        elif f.name in shifted:
            # Every copy submitted in the 30 days before the newest demo complaint, hour by hour, all
            # copies of all the demo's complaints interleaved as a city's are; its other dates move
            # with it, so that its deadlines keep their distance from its submission.
            values.append(f"t.\"{f.column}\" + (newest - (g %% 720) * interval '1 hour' - t.submitted_at)")
        else:
            values.append(f't."{f.column}"')
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")  # the model's own table
        have = cursor.fetchone()[0]
        if have >= total:
            return 0
        cursor.execute("DROP TABLE IF EXISTS bench_template")
        cursor.execute(
            f"CREATE TEMP TABLE bench_template AS SELECT row_number() OVER (ORDER BY id) - 1 AS rn, * "
            f"FROM {table} WHERE tracking_code NOT LIKE 'BENCH-%%'"
        )
        cursor.execute("SELECT count(*) FROM bench_template")
        templates = cursor.fetchone()[0]
        cursor.execute(
            "SELECT coalesce(max(substr(tracking_code, 7)::int), 0) FROM "
            + table
            + " WHERE tracking_code LIKE 'BENCH-%%'"
        )
        start = cursor.fetchone()[0] + 1
        end = start + (total - have) - 1
        for low in range(start, end + 1, CHUNK):
            high = min(end, low + CHUNK - 1)
            cursor.execute(
                f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(values)} "
                f"FROM generate_series(%s, %s) AS g JOIN bench_template t ON t.rn = g %% %s "
                f"CROSS JOIN (SELECT max(submitted_at) AS newest FROM bench_template) AS latest",
                [low, high, templates],
            )
            print(f"  … {high - start + 1 + have:,} complaints", file=sys.stderr, flush=True)
    old = connection.autocommit
    connection.set_autocommit(True)
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {table}")
    connection.set_autocommit(old)
    return total - have


def _next_link(response: Any) -> str | None:
    import re

    if response.get("Content-Type", "").startswith("application/json"):
        link = response.json().get("next")
        return urlsplit(link)._replace(scheme="", netloc="").geturl() if link else None
    match = re.search(r'<a href="(\?[^"]*)" rel="next"', response.content.decode())
    return match.group(1).replace("&amp;", "&") if match else None


def _measure(client: Any, url: str, repeat: int) -> tuple[float, int]:
    if url.endswith(" →next"):
        base = url.removesuffix(" →next")
        first = client.get(base, secure=True)
        link = _next_link(first)
        if link is None:
            return float("nan"), first.status_code
        url = base.split("?")[0] + link if link.startswith("?") else link
    for _ in range(2):
        response = client.get(url, secure=True)
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        response = client.get(url, secure=True)
        times.append((time.perf_counter() - began) * 1000)
    return _median(times), response.status_code


def _round(repeat: int) -> dict[tuple[str, str], tuple[float, int]]:
    from django.contrib.auth import get_user_model
    from django.test import Client

    results: dict[tuple[str, str], tuple[float, int]] = {}
    for who, username in USERS.items():
        client = Client()
        client.force_login(get_user_model().objects.get(username=username))
        for label, url in TARGETS:
            results[(who, label)] = _measure(client, url, repeat)
    return results


def _at_size(url: str, size: int) -> str:
    """The database of one size: ``<name>_<size>``."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"{parts.path}_{size}"))


def _complaints_in(url: str) -> int | None:
    """How many complaints the database at ``url`` holds; None when it is missing or not built."""
    import psycopg2

    parts = urlsplit(url)
    try:
        conn = psycopg2.connect(
            dbname=parts.path.lstrip("/"),
            user=parts.username or "postgres",
            password=parts.password or None,
            host=parts.hostname or "127.0.0.1",
            port=parts.port or 5432,
        )
    except psycopg2.OperationalError:
        return None
    try:
        with conn.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM complaints_complaint")
            return int(cursor.fetchone()[0])
    except psycopg2.Error:
        return None
    finally:
        conn.close()


def _switch(url: str) -> None:
    from django.db import connection

    connection.close()
    connection.settings_dict["NAME"] = urlsplit(url).path.lstrip("/")


def run(args: argparse.Namespace) -> None:
    base = bench_database_url(args.database_url, DEFAULT_DB)
    sizes = sorted(args.sizes)
    urls = {size: _at_size(base, size) for size in sizes}
    _ensure_database(urls[sizes[0]])
    _setup_django(urls[sizes[0]], migrate=False)
    # Pages a department head may not open answer 403 (shown in the table); Django would log each.
    logging.getLogger("django.request").setLevel(logging.ERROR)
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    setup_test_environment()
    machine = f"{platform.node()}, {platform.machine()}, {os.cpu_count()} CPUs"
    print(f"bench/lists.py — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {machine}")
    figures: dict[int, dict[tuple[str, str], tuple[float, int]]] = {}
    for size in sizes:
        began = time.perf_counter()
        if args.reuse and _complaints_in(urls[size]) == size:
            _switch(urls[size])
            print(f"{size:,} complaints: database {urls[size]} reused", file=sys.stderr, flush=True)
        else:
            _recreate(urls[size])
            _switch(urls[size])
            call_command("migrate", verbosity=0, interactive=False)
            call_command("seed_demo", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
            _grow(size)
            print(f"{size:,} complaints built in {time.perf_counter() - began:.0f} s", file=sys.stderr, flush=True)
        figures[size] = _round(args.repeat)
    small, large = sizes[0], sizes[-1]
    print(f"\nmedian latency (ms) of {args.repeat} requests, Django test client in-process")
    print(f"{'who':<10}{'list':<42}" + "".join(f"{s:>12,}" for s in sizes) + f"{'ratio':>8}  goal ≤ {GOAL}")
    met = missed = closed = 0
    for who in USERS:
        for label, _url in TARGETS:
            cells = [figures[s][(who, label)] for s in sizes]
            statuses = {status for _, status in cells}
            ratio = cells[-1][0] / cells[0][0] if cells[0][0] else float("nan")
            line = f"{who:<10}{label:<42}" + "".join(f"{ms:>12.1f}" for ms, _ in cells) + f"{ratio:>8.2f}"
            if statuses == {403}:
                # Not his page (cases and notices are the office's): refused alike at any size.
                closed += 1
                line += "  not his (403)"
            elif ratio <= GOAL and statuses == {200}:
                met += 1
                line += "  met"
            else:
                missed += 1
                line += "  MISSED" if statuses == {200} else f"  status {sorted(statuses)}"
            print(line)
    print(f"\n{met} met, {missed} missed (ratio {large:,} / {small:,} ≤ {GOAL}); {closed} not the role's page")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 1_000_000], help="complaints per round")
    parser.add_argument("--repeat", type=int, default=15, help="timed requests per list (default 15)")
    parser.add_argument(
        "--database-url",
        help=f"databases to use, one per size: NAME_SIZE (default: $DATABASE_URL's server, {DEFAULT_DB})",
    )
    parser.add_argument("--reuse", action="store_true", help="use a size's database again when it holds that size")
    run(parser.parse_args(argv))


if __name__ == "__main__":
    main()
