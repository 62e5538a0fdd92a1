from typing import Any

from celery import shared_task
from django.db import DatabaseError
from django.utils import timezone

from workstyle import export_services, ladder, services


# acks_late is safe here: the relay is idempotent (row locks, status checked under the lock).
@shared_task(
    name=services.OUTBOX_RELAY_TASK, acks_late=True, autoretry_for=(DatabaseError,), retry_backoff=True, max_retries=5
)
def outbox_relay() -> dict[str, Any]:
    return services.outbox_relay(now=timezone.now())


# acks_late is safe: a sweep that runs twice, or dies and is redelivered, does no step twice.
@shared_task(acks_late=True, autoretry_for=(DatabaseError,), retry_backoff=True, max_retries=5)
def ladder_sweep() -> dict[str, dict[str, int]]:
    """The escalation sweep over every kind on the deadline ladder (the beat's ``escalate-overdue``)."""
    return ladder.ladder_sweep(now=timezone.now())


@shared_task(acks_late=True, autoretry_for=(DatabaseError,), retry_backoff=True, max_retries=5)
def api_tokens_purge() -> int:
    """The daily purge of ended API tokens (the beat's ``purge-tokens``)."""
    return services.api_tokens_purge(now=timezone.now())


# acks_late is safe here too: each message is sent under its row lock and marked sent with it.
@shared_task(
    name=services.SMS_RELAY_TASK, acks_late=True, autoretry_for=(DatabaseError,), retry_backoff=True, max_retries=5
)
def sms_relay() -> dict[str, Any]:
    return services.sms_relay(now=timezone.now())


# Not acks_late: a worker that dies half way leaves the export running (the purge fails it later)
# rather than writing it twice. The limits are the export's own: a million rows take a while.
@shared_task(name=export_services.EXPORT_TASK, time_limit=3600, soft_time_limit=3500)
def export_write(export_id: int) -> int | None:
    export = export_services.export_write(export_id=export_id, now=timezone.now())
    return export.rows_done if export is not None else None


@shared_task(acks_late=True, autoretry_for=(DatabaseError,), retry_backoff=True, max_retries=5)
def exports_purge() -> dict[str, int]:
    """The hourly purge of expired export files (the beat's ``purge-exports``)."""
    return export_services.exports_purge(now=timezone.now())
