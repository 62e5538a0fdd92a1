#!/usr/bin/env python
"""Load bench: the portal under a realistic mix of citizens and staff, measured against its own floor.

    pip install -e '.[bench]'        # locust (this script installs it into .venv when missing)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ws_x REDIS_URL=redis://127.0.0.1:6379/0 \\
        python bench/load.py --users 50 --seconds 60

Works on a database of its own (default: the server of $DATABASE_URL, database
``workstyle_bench_load``; the name must contain "bench") and EMPTIES its complaints,
notifications and sessions first: the demo city (``seed_demo``) plus ``--complaints`` complaints
spread over its departments. It starts gunicorn
(``--workers``) on a free port of 127.0.0.1 with ``bench.settings`` — the portal's settings, plus
the baseline view's URL and public rate limits raised so that one address can stand for many
citizens — and runs locust headless, bounded in time and in requests, against loopback only:

1. the mix, ``--seconds`` with ``--users``: citizens file (public API) and track their
   complaints; staff — the discipline office's inspector and a department head, each user with a
   session and a token of his own — open the queue page, list through the API, open a complaint's
   page, and the inspector accepts submitted complaints (API action); each user pauses 1–2 s;
2. public submit alone, ``--throughput-seconds``, the same users without pauses;
3. the baseline alone, as long: a view that inserts one row into a bare table
   (``bench/views.py``), served by the same gunicorn, middleware and database.

It prints requests/s, p50/p95/p99 and errors per request type and the goals: no error; public
submit at least 40 % of the bare insert's throughput; p95 of every staff page at most 300 ms.
Redis (``$REDIS_URL``, its database 14) serves as cache and broker when set; no Celery worker runs.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = "workstyle_bench_load"

GOAL_SUBMIT_SHARE = 0.40
GOAL_STAFF_P95_MS = 300.0


def _redis_url() -> str:
    url = os.environ.get("REDIS_URL", "")
    if not url:
        return ""
    # A database of its own, so that the run's cache and queued tasks meet nobody else's.
    return urlunsplit(urlsplit(url)._replace(path="/14"))


def _ensure_locust() -> None:
    try:
        import locust  # noqa: F401
    except ImportError:
        print("locust is missing: installing the 'bench' extra into this environment …", flush=True)
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "-e", f"{ROOT}[bench]"], check=True)


def _setup(url: str, redis: str) -> None:
    sys.path.insert(0, str(ROOT))
    from bench.escalation import _ensure_database

    _ensure_database(url)  # refuses a name without "bench"
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ["DJANGO_ALLOWED_HOSTS"] = "127.0.0.1,localhost"
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    if redis:
        os.environ["REDIS_URL"] = redis
        os.environ.pop("CELERY_BROKER_URL", None)
    else:
        os.environ.pop("REDIS_URL", None)
        os.environ["CELERY_BROKER_URL"] = "memory://"
    import django

    django.setup()


def _seed(complaints: int) -> dict[str, Any]:
    """The demo city, the complaints, the baseline's table, and what the users need: sessions,
    tokens, ids. Returns the locust users' configuration."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from bench.views import CREATE_TABLE, TABLE
    from cadres.models import Department, Unit
    from complaints.models import Category, Complaint
    from workstyle.services import api_token_issue

    # Not flush: it would also empty what the migrations wrote (the pledges' catalogue, the groups).
    # TRUNCATE passes the triggers that keep timelines from being deleted.
    with connection.cursor() as cursor:
        cursor.execute(CREATE_TABLE)
        cursor.execute(
            f"TRUNCATE {TABLE}, complaints_complaint, workstyle_notification, workstyle_outboxemail, "
            "django_session CASCADE"
        )
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115

    now = timezone.now()
    departments = list(
        Department.objects.filter(head__isnull=False).order_by("pk").values_list("pk", "unit_id", "head_id")
    )
    S = Complaint.Status
    rows = []
    for i in range(complaints):
        dept, unit, head = departments[i % len(departments)]
        status = (S.SUBMITTED, S.SUBMITTED, S.ACCEPTED, S.ASSIGNED, S.ASSIGNED)[i % 5]
        submitted_at = now - timedelta(days=1 + i % 300, minutes=i % 1440)
        routed = status != S.SUBMITTED
        rows.append(
            Complaint(
                tracking_code=f"LOAD{i:010d}",
                access_key_hash="!",
                category=list(Category)[i % len(Category)],
                title=f"基准投诉 {i}",
                description="负责人多次推诿，至今没有答复。",
                status=status,
                unit_id=unit,
                department_id=dept if routed else None,
                handler_id=head if status == S.ASSIGNED else None,
                submitted_at=submitted_at,
                accept_due_at=submitted_at + timedelta(days=15),
                accepted_at=submitted_at + timedelta(days=2) if routed else None,
                reply_due_at=submitted_at + timedelta(days=60) if routed else None,
            )
        )
    Complaint.objects.bulk_create(rows, batch_size=5000)
    if any(f.name == "due_at" for f in Complaint._meta.concrete_fields):
        from workstyle.ladder import ladder_due_expression

        Complaint.objects.update(due_at=ladder_due_expression(Complaint.DEADLINES))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    User = get_user_model()
    staff: list[dict[str, Any]] = []
    for username, role in (("inspector", "inspector"), ("head", "head")):
        user = User.objects.get(username=username)
        token = api_token_issue(user=user, now=now, name="load bench").token
        visible = list(Complaint.objects.visible_to(user).order_by("-pk").values_list("pk", flat=True)[:500])
        for _ in range(25):
            client = Client()
            client.force_login(user)
            staff.append(
                {"role": role, "session": client.cookies["sessionid"].value, "token": token, "visible": visible}
            )
    return {
        # Inspectors and heads in turn, so that any number of staff users has both.
        "staff": [me for pair in zip(staff[:25], staff[25:], strict=True) for me in pair],
        "to_accept": list(
            Complaint.objects.filter(status=S.SUBMITTED).order_by("?").values_list("pk", flat=True)[:20000]
        ),
        "departments": [pk for pk, _unit, _head in departments],
        "units": list(Unit.objects.filter(active=True).values_list("pk", flat=True)),
        "categories": [c.value for c in Category],
    }


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start_gunicorn(port: int, workers: int, log: Path) -> subprocess.Popen[bytes]:
    # Behind the office's reverse proxy, which ends TLS and says so in X-Forwarded-Proto.
    env = {**os.environ, "PYTHONPATH": str(ROOT), "WORKSTYLE_BEHIND_PROXY": "1"}
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "workstyle.wsgi:application",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--timeout",
            "60",
            "--graceful-timeout",
            "5",
        ],
        cwd=ROOT,
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"gunicorn stopped at start-up: see {log}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as answer:
                if answer.status in (200, 503):
                    return server
        except OSError:
            time.sleep(0.5)
    _stop(server)
    sys.exit(f"gunicorn did not answer within 120 s: see {log}")


def _stop(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def _warm_up(port: int, config: dict[str, Any], workers: int) -> None:
    """First requests compile templates and open connections in each worker: not measured."""
    me = config["staff"][0]
    paths = ["/workbench/complaints/", "/api/v1/complaints/", f"/workbench/complaints/{me['visible'][0]}/"]
    for _ in range(workers * 3):
        for path in paths:
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}{path}",
                headers={
                    "Cookie": f"sessionid={me['session']}",
                    "Authorization": f"Token {me['token']}",
                    "X-Forwarded-Proto": "https",
                },
            )
            with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310  # http://127.0.0.1 only
                answer.read()


def _locust(
    port: int, users: int, seconds: int, classes: list[str], config: Path, out: Path, max_requests: int
) -> list[dict[str, str]]:
    env = {**os.environ, "WORKSTYLE_LOAD_CONFIG": str(config), "PYTHONPATH": str(ROOT)}
    data = json.loads(config.read_text(encoding="utf-8"))
    data["max_requests"] = max_requests
    config.write_text(json.dumps(data), encoding="utf-8")
    command = [
        sys.executable,
        "-m",
        "locust",
        "-f",
        str(ROOT / "bench" / "locustfile.py"),
        "--headless",
        "--users",
        str(users),
        "--spawn-rate",
        str(max(users, 1)),
        "--run-time",
        f"{seconds}s",
        "--stop-timeout",
        "5",
        "--host",
        f"http://127.0.0.1:{port}",
        "--csv",
        str(out),
        "--only-summary",
        "--loglevel",
        "WARNING",
        *classes,
    ]
    subprocess.run(command, env=env, cwd=ROOT, timeout=seconds + 120, check=False, capture_output=True)
    with open(f"{out}_stats.csv", encoding="utf-8") as stats:
        return [row for row in csv.DictReader(stats) if row["Name"] != "Aggregated"]


def _row(stats: list[dict[str, str]], name: str) -> dict[str, str] | None:
    return next((row for row in stats if row["Name"] == name), None)


def report(phases: dict[str, list[dict[str, str]]], *, users: int, workers: int) -> None:
    print()
    print(f"load: {users} users, gunicorn with {workers} workers, loopback")
    header = f"  {'request':<44} {'requests':>8} {'req/s':>8} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'errors':>6}"
    errors = 0
    for phase, stats in phases.items():
        print(f"{phase}:")
        print(header)
        for row in stats:
            failures = int(row["Failure Count"])
            errors += failures
            print(
                f"  {row['Type'] + ' ' + row['Name']:<44} {int(row['Request Count']):>8} "
                f"{float(row['Requests/s']):>8.1f} {row['50%']:>7} {row['95%']:>7} {row['99%']:>7} {failures:>6}"
            )
    submit = _row(phases["throughput"], "throughput: submit (API)")
    bare = _row(phases["throughput"], "throughput: bare insert (baseline)")
    print("goals:")
    print(f"  no error                                   : {'met' if errors == 0 else 'MISSED'} ({errors} errors)")
    if submit and bare and float(bare["Requests/s"]) > 0:
        share = float(submit["Requests/s"]) / float(bare["Requests/s"])
        verdict = "met" if share >= GOAL_SUBMIT_SHARE else "MISSED"
        print(
            f"  public submit ≥ {GOAL_SUBMIT_SHARE:.0%} of the bare insert's req/s : {verdict} "
            f"({float(submit['Requests/s']):.1f} / {float(bare['Requests/s']):.1f} = {share:.0%})"
        )
    staff = [row for row in phases["mix"] if row["Name"].startswith("staff:") and row["Type"] == "GET"]
    worst = max(staff, key=lambda row: float(row["95%"])) if staff else None
    if worst is not None:
        p95 = float(worst["95%"])
        verdict = "met" if p95 <= GOAL_STAFF_P95_MS else "MISSED"
        print(
            f"  p95 of every staff page ≤ {GOAL_STAFF_P95_MS:.0f} ms            : {verdict} "
            f"(worst: {worst['Name']}, {p95:.0f} ms)"
        )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--users", type=int, default=50, help="simulated users (default 50)")
    parser.add_argument("--seconds", type=int, default=60, help="length of the mix (default 60)")
    parser.add_argument("--throughput-seconds", type=int, default=20, help="length of each throughput run (default 20)")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (default 3)")
    parser.add_argument("--complaints", type=int, default=5000, help="complaints besides the demo's (default 5000)")
    parser.add_argument(
        "--max-requests", type=int, default=200_000, help="each run stops after this many requests (default 200000)"
    )
    parser.add_argument(
        "--database-url", help=f"database to use and EMPTY (default: $DATABASE_URL's server, {DEFAULT_DB})"
    )
    args = parser.parse_args(argv)
    if min(args.users, args.seconds, args.throughput_seconds, args.workers, args.max_requests) < 1:
        parser.error("--users, --seconds, --throughput-seconds, --workers and --max-requests must be positive")
    if args.seconds > 600 or args.throughput_seconds > 600:
        parser.error("a run lasts at most 600 seconds")

    _ensure_locust()
    sys.path.insert(0, str(ROOT))
    from bench.escalation import bench_database_url

    url = bench_database_url(args.database_url, DEFAULT_DB)
    _setup(url, _redis_url())
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    print(f"database {urlsplit(url).path.lstrip('/')}: demo city plus {args.complaints} complaints …", flush=True)
    config = _seed(args.complaints)

    with tempfile.TemporaryDirectory(prefix="workstyle-load-") as tmp:
        work = Path(tmp)
        config_file = work / "config.json"
        config_file.write_text(json.dumps(config), encoding="utf-8")
        port = _free_port()
        server = _start_gunicorn(port, args.workers, work / "gunicorn.log")
        try:
            _warm_up(port, config, args.workers)
            print(f"gunicorn on 127.0.0.1:{port}; the mix for {args.seconds} s …", flush=True)
            phases = {
                "mix": _locust(
                    port, args.users, args.seconds, ["Citizen", "Staff"], config_file, work / "mix", args.max_requests
                )
            }
            print(f"throughput: public submit, then the bare insert, {args.throughput_seconds} s each …", flush=True)
            submit = _locust(
                port,
                args.users,
                args.throughput_seconds,
                ["SubmitOnly"],
                config_file,
                work / "submit",
                args.max_requests,
            )
            bare = _locust(
                port, args.users, args.throughput_seconds, ["BareInsert"], config_file, work / "bare", args.max_requests
            )
            phases["throughput"] = submit + bare
        finally:
            _stop(server)
            errors = (work / "gunicorn.log").read_text(encoding="utf-8", errors="replace")
            if "Traceback" in errors:
                print(f"gunicorn logged errors:\n{errors[-3000:]}", file=sys.stderr)
    report(phases, users=args.users, workers=args.workers)


if __name__ == "__main__":
    main()
