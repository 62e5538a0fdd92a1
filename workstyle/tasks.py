from typing import Any

from celery import shared_task
from django.db import DatabaseError
from django.utils import timezone

from workstyle import ladder, services


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
