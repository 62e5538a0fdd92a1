"""A real Celery worker (a separate process, not eager mode) on the Redis broker consumes the beat's
escalation task once and the sweep's effect lands in the test database exactly once."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from complaints.models import Complaint, ComplaintEvent
from tests.flows.overdue import make_complaint
from workstyle.celery import app
from workstyle.models import Notification

pytestmark = pytest.mark.slow

TASK = "workstyle.tasks.ladder_sweep"


def _database_url() -> str:
    """The pytest test database (``test_<name>``), for the worker to share the committed data."""
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _wait_for(condition: Callable[[], Any], *, timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


@pytest.fixture
def worker(tmp_path: Path) -> Iterator[Path]:
    """``celery -A workstyle worker`` on this test's Redis db and test database; yields its log."""
    log = tmp_path / "worker.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "workstyle.settings",
        "WORKSTYLE_TESTING": "1",
        "DATABASE_URL": _database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "CELERY_BROKER_URL": str(settings.CELERY_BROKER_URL),
    }
    with log.open("w") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "workstyle",
                "worker",
                "--pool=solo",
                "--loglevel=INFO",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--hostname=pytest-escalation@%h",
            ],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_for(
            lambda: "ready." in log.read_text() or process.poll() is not None, timeout=60, what="the worker to start"
        )
        assert process.poll() is None, log.read_text()
        yield log
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def test_a_real_worker_consumes_the_beat_task_once(
    transactional_db: Any, org: Any, discipline_user: Any, worker: Path
) -> None:
    assert settings.CELERY_BEAT_SCHEDULE["escalate-overdue"]["task"] == TASK
    assert not getattr(app.conf, "task_always_eager", False)
    now = timezone.now()
    complaint = make_complaint(
        now=now, status=Complaint.Status.ACCEPTED, department=org.office, reply_due_at=now - timedelta(hours=1)
    )

    # What the beat sends: the task by name, no arguments.
    result = app.send_task(TASK)

    def escalated() -> bool:
        complaint.refresh_from_db()
        return complaint.escalation_level == 1

    _wait_for(escalated, timeout=60, what="the sweep to escalate the complaint")
    succeeded = rf"Task {re.escape(TASK)}\[{re.escape(result.id)}\] succeeded"

    def log_when_done() -> str:
        text = worker.read_text()
        return text if re.search(succeeded, text) else ""

    log_text = _wait_for(log_when_done, timeout=30, what="the task's success")

    # The worker consumed this test process's broker: under pytest-xdist, this worker's Redis database.
    transport = urlsplit(re.search(r"\.> transport:\s+(\S+)", log_text).group(1))
    broker = urlsplit(str(settings.CELERY_BROKER_URL))
    assert (transport.hostname, transport.port, transport.path) == (broker.hostname, broker.port, broker.path)

    assert len(re.findall(rf"Task {re.escape(TASK)}\[[^\]]+\] received", log_text)) == 1
    assert len(re.findall(rf"Task {re.escape(TASK)}\[[^\]]+\] succeeded", log_text)) == 1
    assert "'escalated_1': 1" in log_text
    [event] = ComplaintEvent.objects.filter(complaint=complaint)
    assert (event.verb, event.from_state, event.to_state) == ("escalate", "0", "1")
    assert list(Notification.objects.values_list("recipient__username", "kind")) == [("head-t", "complaint_escalated")]
