"""The beat's tasks are thin: each calls its service with the current time (run in-process here;
tests/flows/test_celery_worker.py has a real worker)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from unittest import mock

from django.db import OperationalError
from django.utils import timezone

from complaints import tasks
from complaints.models import Complaint
from tests.flows.overdue import make_complaint


def test_escalate_overdue_task_runs_one_sweep(org: Any) -> None:
    now = timezone.now()
    complaint = make_complaint(
        now=now, status=Complaint.Status.ACCEPTED, department=org.office, reply_due_at=now - timedelta(hours=1)
    )
    result = tasks.escalate_overdue.apply()
    assert result.successful()
    assert result.get() == {"reminded": 0, "escalated_1": 1, "escalated_2": 0, "cases_opened": 0}
    complaint.refresh_from_db()
    assert complaint.escalation_level == 1
    assert tasks.escalate_overdue.apply().get()["escalated_1"] == 0


def test_erase_expired_contacts_task_calls_the_service(db: Any) -> None:
    with mock.patch.object(tasks.services, "complaint_erase_expired_contacts", return_value=3) as service:
        assert tasks.erase_expired_contacts.apply().get() == 3
    [call] = service.call_args_list
    assert abs(call.kwargs["now"] - timezone.now()) < timedelta(minutes=1)


def test_a_database_error_is_retried(db: Any) -> None:
    assert issubclass(OperationalError, tasks.escalate_overdue.autoretry_for)
    assert tasks.escalate_overdue.acks_late
    with mock.patch.object(tasks.escalation, "escalate_overdue", side_effect=OperationalError("gone")) as sweep:
        result = tasks.escalate_overdue.apply()
    # In-process, retries run at once: the first try and max_retries more, then the task fails.
    assert sweep.call_count == (tasks.escalate_overdue.max_retries or 0) + 1
    assert result.failed()
