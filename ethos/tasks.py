"""Celery tasks of the eight ethos: thin, one service call each (the beat schedule is in settings)."""

from __future__ import annotations

from celery import shared_task
from django.db import DatabaseError
from django.utils import timezone

from ethos import services


# acks_late is safe: every reminder is recorded once per year, cadre and stage, under the year's lock.
@shared_task(acks_late=True, autoretry_for=(DatabaseError,), retry_backoff=True, max_retries=5)
def commitment_reminders() -> dict[str, int]:
    return services.commitment_reminders_send(now=timezone.now())
