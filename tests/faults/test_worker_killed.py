"""A worker killed (SIGKILL) in the middle of an e-mail batch or of an escalation sweep: the next
run finishes the work, and every e-mail goes out once, every escalation happens once.

The job runs in a child process (tests/faults/child.py) on the test database, which kills itself
at a chosen point; the test then runs the job again and counts."""

from __future__ import annotations

import email
import os
import signal
import subprocess
import sys
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.db.models import Count
from django.utils import timezone

from complaints.models import Complaint, ComplaintEvent
from tests.flows.overdue import make_complaint
from workstyle import ladder, services
from workstyle.models import Notification, OutboxEmail

pytestmark = pytest.mark.slow


def _database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def run_job(job: str, mail: Path, *, kill_at: int = 0, batch: int) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "workstyle.settings",
        "WORKSTYLE_TESTING": "1",
        "DATABASE_URL": _database_url(),
        "EMAIL_URL": "locmem://",
        "WORKSTYLE_TEST_MAIL_DIR": str(mail),
        "WORKSTYLE_TEST_BATCH": str(batch),
        "WORKSTYLE_TEST_KILL_AT": str(kill_at),
    }
    done = subprocess.run(
        [sys.executable, "-m", "tests.faults.child", job],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if kill_at:
        assert done.returncode == -signal.SIGKILL, done.stderr
    else:
        assert done.returncode == 0, done.stderr
    return done


def delivered(mail: Path) -> Counter[str]:
    """Message-ID → how many times it reached the mail server."""
    return Counter(email.message_from_bytes(path.read_bytes())["Message-ID"] for path in mail.glob("*.eml"))


def test_an_email_batch_killed_midway_is_finished_by_the_next_run_each_email_once(
    transactional_db: Any, tmp_path: Path, mailoutbox: list[Any]
) -> None:
    now = timezone.now()
    OutboxEmail.objects.bulk_create(
        OutboxEmail(
            to=f"person{n}@example.com",
            language="zh-hans",
            subject=f"通知 {n}",
            body="正文",
            next_attempt_at=now,
            created_at=now,
        )
        for n in range(10)
    )
    expected = {row.message_id for row in OutboxEmail.objects.all()}
    assert len(expected) == 10

    # Killed while handing the 4th e-mail to the mail server: three went out and are marked sent.
    run_job("outbox", tmp_path, kill_at=4, batch=100)
    assert sum(delivered(tmp_path).values()) == 3
    statuses = Counter(OutboxEmail.objects.values_list("status", flat=True))
    assert statuses == {OutboxEmail.Status.SENT: 3, OutboxEmail.Status.PENDING: 7}

    # The next run (here, in this process) sends the other seven; nothing twice.
    assert services.outbox_relay(now=timezone.now())["sent"] == 7
    counts = delivered(tmp_path) + Counter(message.extra_headers["Message-ID"] for message in mailoutbox)
    assert set(counts) == expected
    assert set(counts.values()) == {1}
    assert set(OutboxEmail.objects.values_list("status", "attempts")) == {(OutboxEmail.Status.SENT, 1)}

    # And a run after that has nothing to do.
    assert services.outbox_relay(now=timezone.now())["sent"] == 0
    assert len(mailoutbox) == 7


def test_a_sweep_killed_midway_is_finished_by_the_next_run_each_escalation_once(
    transactional_db: Any, org: Any, discipline_user: Any, tmp_path: Path
) -> None:
    now = timezone.now()
    complaints = [
        make_complaint(
            now=now, status=Complaint.Status.ACCEPTED, department=org.office, reply_due_at=now - timedelta(hours=1)
        )
        for _ in range(7)
    ]

    # Batches of three: killed while writing the second batch's events. The first batch is done,
    # the second rolled back whole, the third not begun.
    run_job("sweep", tmp_path, kill_at=2, batch=3)
    levels = Counter(Complaint.objects.values_list("escalation_level", flat=True))
    assert levels == {1: 3, 0: 4}
    assert ComplaintEvent.objects.filter(verb="escalate").count() == 3

    # The next run (here, in this process) finishes; one more finds nothing left to do.
    assert ladder.ladder_sweep(now=timezone.now(), batch_size=3)["complaints"]["escalated_1"] == 4
    assert ladder.ladder_sweep(now=timezone.now(), batch_size=3)["complaints"]["escalated_1"] == 0

    for complaint in complaints:
        complaint.refresh_from_db()
        assert complaint.escalation_level == 1
        [event] = ComplaintEvent.objects.filter(complaint=complaint, verb="escalate")
        assert (event.from_state, event.to_state) == ("0", "1")
    told = Notification.objects.filter(kind="complaint_escalated")
    assert told.count() == 7
    assert not told.values("recipient", "url").annotate(n=Count("id")).filter(n__gt=1).exists()
    mailed = OutboxEmail.objects.filter(notification__in=told)
    assert mailed.count() == told.exclude(recipient__email="").count()
    assert not mailed.values("notification").annotate(n=Count("id")).filter(n__gt=1).exists()
