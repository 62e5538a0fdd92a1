from typing import Any

from celery import shared_task
from django.db import DatabaseError
from django.utils import timezone

from stats import services


# acks_late is safe: a refresh recomputes whole days under the watermark's row lock; run twice,
# it writes the same rows.
@shared_task(acks_late=True, autoretry_for=(DatabaseError,), retry_backoff=True, max_retries=5)
def stats_refresh() -> dict[str, Any]:
    """The statistics' summary brought up to date (the beat's ``stats-refresh``)."""
    return services.stats_refresh(now=timezone.now())
