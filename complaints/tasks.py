"""Celery tasks of complaints: thin, one service call each (the beat schedule is in settings)."""

from __future__ import annotations

from celery import shared_task
from django.db import DatabaseError
from django.utils import timezone

from complaints import escalation, services


# The complaints' ladder alone. The beat sends workstyle.tasks.ladder_sweep (every kind); this task
# keeps its name so that messages queued under it before that change still run.
# acks_late is safe: a sweep that runs twice, or dies and is redelivered, does no step twice.
@shared_task(acks_late=True, autoretry_for=(DatabaseError,), retry_backoff=True, max_retries=5)
def escalate_overdue() -> dict[str, int]:
    return escalation.escalate_overdue(now=timezone.now())


@shared_task(acks_late=True, autoretry_for=(DatabaseError,), retry_backoff=True, max_retries=5)
def erase_expired_contacts() -> int:
    return services.complaint_erase_expired_contacts(now=timezone.now())


@shared_task(acks_late=True, autoretry_for=(DatabaseError,), retry_backoff=True, max_retries=5)
def close_answered() -> int:
    return services.complaint_close_answered(now=timezone.now())
