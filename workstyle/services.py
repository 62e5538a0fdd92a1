"""Services of the shared pieces: notifications and the e-mail outbox."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import translation

from workstyle.models import AuditEvent, Notification, OutboxEmail
from workstyle.notifications import render_body, render_title

log = logging.getLogger(__name__)
User = get_user_model()


def audit_record(
    *, actor: Any, verb: str, now: datetime, target: Any = None, note: str = "", data: Mapping[str, Any] | None = None
) -> AuditEvent:
    """Write one master-data audit event; call it inside the transaction of the change."""
    from django.contrib.contenttypes.models import ContentType

    return AuditEvent.objects.create(
        at=now,
        actor=actor if getattr(actor, "pk", None) else None,
        verb=verb,
        note=note,
        data=dict(data or {}),
        target_type=ContentType.objects.get_for_model(target) if target is not None else None,
        target_id=str(target.pk) if target is not None else "",
    )


def notification_send(
    *,
    recipients: Iterable[AbstractBaseUser | None],
    kind: str,
    params: Mapping[str, Any],
    now: datetime,
    url: str = "",
    email: bool = True,
) -> list[Notification]:
    """Notify each recipient in-app and, when he has an address, by e-mail through the outbox.

    Call it inside the transaction of the change that causes it: the rows commit or vanish with
    that change. The relay is woken on commit; if the broker is down the beat picks the e-mail up
    later. ``params`` must never carry a complainant's identity."""
    unique: dict[int, Any] = {}
    for user in recipients:
        if user is not None and user.pk is not None and getattr(user, "is_active", True):
            unique[user.pk] = user
    if not unique:
        return []
    with transaction.atomic():
        rows = Notification.objects.bulk_create(
            [
                Notification(recipient=user, kind=kind, params=dict(params), url=url, created_at=now)
                for user in unique.values()
            ]
        )
        if email:
            language = settings.LANGUAGE_CODE
            with translation.override(language):
                subject = render_title(kind, params)
                body = render_body(kind, params)
                if url:
                    body = f"{body}\n\n{settings.WORKSTYLE_SITE_URL.rstrip('/')}{url}"
            emails = [
                OutboxEmail(
                    notification=row,
                    to=user.email,
                    language=language,
                    subject=subject[:300],
                    body=body,
                    next_attempt_at=now,
                    created_at=now,
                )
                for row, user in zip(rows, unique.values(), strict=True)
                if getattr(user, "email", "")
            ]
            if emails:
                OutboxEmail.objects.bulk_create(emails)
                transaction.on_commit(_wake_relay)
    return rows


def _wake_relay() -> None:
    from workstyle.tasks import outbox_relay

    try:
        # No publish retries: a request must not hang on a broker that is down; beat catches up.
        outbox_relay.apply_async(retry=False)
    except Exception:  # the broker is unreachable; the e-mail waits in the outbox
        log.warning("broker unreachable; the outbox relay will run on its schedule", exc_info=True)


def notification_mark_read(*, user: Any, ids: Iterable[int] | None, now: datetime) -> int:
    """Mark the user's notifications read (all unread ones when ``ids`` is None)."""
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=now)


def _backoff(attempts: int) -> timedelta:
    return timedelta(minutes=min(2**attempts, 240))


def outbox_relay(*, now: datetime, batch: int = 100) -> dict[str, int]:
    """Send due e-mails. Each row is sent under its own row lock and marked sent in the same
    transaction, so concurrent relays skip it and a retried task never sends it again."""
    counts = {"sent": 0, "retry": 0, "failed": 0}
    due = list(
        OutboxEmail.objects.filter(status=OutboxEmail.Status.PENDING, next_attempt_at__lte=now)
        .order_by("id")
        .values_list("id", flat=True)[:batch]
    )
    for pk in due:
        with transaction.atomic():
            row = (
                OutboxEmail.objects.select_for_update(skip_locked=True)
                .filter(pk=pk, status=OutboxEmail.Status.PENDING)
                .first()
            )
            if row is None:
                continue  # another relay holds it or has sent it
            try:
                EmailMessage(
                    subject=row.subject,
                    body=row.body,
                    from_email=settings.DEFAULT_FROM_EMAIL,
                    to=[row.to],
                    headers={"Message-ID": row.message_id},
                ).send()
            except Exception as exc:  # any transport failure: try again later
                row.attempts += 1
                row.last_error = f"{type(exc).__name__}: {exc}"[:2000]
                row.next_attempt_at = now + _backoff(row.attempts)
                if row.attempts >= settings.WORKSTYLE_OUTBOX_MAX_ATTEMPTS:
                    row.status = OutboxEmail.Status.FAILED
                    counts["failed"] += 1
                else:
                    counts["retry"] += 1
                row.save(update_fields=["attempts", "last_error", "next_attempt_at", "status"])
            else:
                row.status = OutboxEmail.Status.SENT
                row.sent_at = now
                row.attempts += 1
                row.save(update_fields=["status", "sent_at", "attempts"])
                counts["sent"] += 1
    return counts
