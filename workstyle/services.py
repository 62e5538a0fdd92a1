"""Services of the shared pieces: the audit record, API tokens, notifications and the e-mail outbox."""

from __future__ import annotations

import hmac
import logging
import smtplib
import socket
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _

from workstyle.bulk import bulk_insert, json_text
from workstyle.errors import InvalidInput, NotAllowed
from workstyle.models import ApiToken, AuditEvent, Notification, OutboxEmail, OutboxSms, is_administrator
from workstyle.notifications import Renderer
from workstyle.tokens import token_digest, token_generate, token_key_id

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


class IssuedToken(NamedTuple):
    row: ApiToken
    # The token itself: in this answer and nowhere else, the database keeps only its digest.
    token: str


def api_token_issue(*, user: Any, now: datetime, name: str = "") -> IssuedToken:
    """A new API token for an active user, valid for ``WORKSTYLE_API_TOKEN_HOURS``. Every issue is
    on the audit record: who obtained a token that acts in his name, and when."""
    if not getattr(user, "is_active", False):
        raise NotAllowed(_("Unable to log in with the given username and password."))
    name = str(name or "").strip()
    if len(name) > 100:
        message = _("Ensure this field has no more than %(max)d characters.") % {"max": 100}
        raise InvalidInput(message, errors={"name": [message]})
    key_id, token = token_generate()
    with transaction.atomic():
        row = ApiToken.objects.create(
            user=user,
            name=name,
            key_id=key_id,
            digest=token_digest(token),
            created_at=now,
            expires_at=now + timedelta(hours=settings.WORKSTYLE_API_TOKEN_HOURS),
        )
        audit_record(
            actor=user,
            verb="issue_token",
            now=now,
            target=user,
            note=name,
            data={"token": row.pk, "key_id": key_id, "expires_at": row.expires_at.isoformat()},
        )
    return IssuedToken(row, token)


# How often a token's last use is written: each call would otherwise write a row, and "last used"
# is read in minutes, not in seconds.
LAST_USED_PRECISION = timedelta(minutes=1)


def api_token_authenticate(*, token: str, now: datetime) -> ApiToken:
    """The token's row, when the token is one the portal issued, to an active user, neither
    expired nor revoked; its last use is noted. Anything else raises ``NotAllowed``.

    The row is found by the token's identifier, and the digests are compared in constant time, so
    that the time an answer takes tells nothing about how much of a guess was right."""
    key_id = token_key_id(token)
    row = ApiToken.objects.select_related("user").filter(key_id=key_id).first() if key_id else None
    if row is None or not hmac.compare_digest(row.digest, token_digest(token)):
        raise NotAllowed(_("Invalid token."))
    if row.revoked_at is not None:
        raise NotAllowed(_("This token has been revoked."))
    if row.expires_at <= now:
        raise NotAllowed(_("This token has expired."))
    if not row.user.is_active:
        raise NotAllowed(_("User inactive or deleted."))
    stale = Q(last_used_at__isnull=True) | Q(last_used_at__lte=now - LAST_USED_PRECISION)
    if ApiToken.objects.filter(stale, pk=row.pk).update(last_used_at=now):
        row.last_used_at = now
    return row


def _api_token_may_revoke(actor: Any, token: ApiToken, because: str) -> bool:
    if because == ApiToken.RevokedBecause.HOLDER:
        return getattr(actor, "pk", None) == token.user_id
    if because == ApiToken.RevokedBecause.ADMINISTRATOR:
        return is_administrator(actor) or bool(actor is not None and actor.has_perm("workstyle.change_apitoken"))
    # Logout and password changes revoke a user's tokens whoever set them off.
    return True


def _api_token_revoke_row(*, actor: Any, row: ApiToken, because: str, now: datetime) -> None:
    row.revoked_at = now
    row.revoked_because = because
    row.save(update_fields=["revoked_at", "revoked_because"])
    audit_record(
        actor=actor,
        verb="revoke_token",
        now=now,
        target=row,
        note=str(ApiToken.RevokedBecause(because).label),
        data={"because": because, "user": row.user_id, "key_id": row.key_id},
    )


def api_token_revoke(*, actor: Any, token: ApiToken, now: datetime, because: str) -> ApiToken:
    """Revoke one token (by its holder, or by an administrator), on the audit record. A token that
    is revoked already stays as it is."""
    with transaction.atomic():
        row = ApiToken.objects.select_for_update().get(pk=token.pk)
        if not _api_token_may_revoke(actor, row, because):
            raise NotAllowed(_("You may not revoke this token."))
        if row.revoked_at is None:
            _api_token_revoke_row(actor=actor, row=row, because=because, now=now)
    return row


def api_tokens_revoke_all(*, user: Any, actor: Any, now: datetime, because: str) -> int:
    """Revoke every token of ``user`` still in use — when he logs out, when his password changes —
    each revocation on the audit record. Returns how many were revoked."""
    if getattr(user, "pk", None) is None:
        return 0
    with transaction.atomic():
        rows = list(ApiToken.objects.select_for_update().filter(user_id=user.pk).usable(now).order_by("id"))
        for row in rows:
            _api_token_revoke_row(actor=actor, row=row, because=because, now=now)
    return len(rows)


def api_tokens_purge(*, now: datetime) -> int:
    """Delete the rows of tokens that ended (expired or were revoked) more than
    ``WORKSTYLE_API_TOKEN_KEEP_DAYS`` ago; a token in use is never touched. The audit record keeps
    each token's issue and revocation, and the purge itself is on it. Returns how many were deleted."""
    cutoff = now - timedelta(days=settings.WORKSTYLE_API_TOKEN_KEEP_DAYS)
    with transaction.atomic():
        ended = ApiToken.objects.filter(Q(revoked_at__lte=cutoff) | Q(expires_at__lte=cutoff))
        deleted, _by_model = ended.delete()
        if deleted:
            audit_record(
                actor=None,
                verb="purge_tokens",
                now=now,
                target=None,
                data={"deleted": deleted, "ended_before": cutoff.isoformat()},
            )
    return deleted


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
    return notification_send_many(items=[(recipients, kind, params, url)], now=now, email=email)


NotificationItem = tuple[Iterable[AbstractBaseUser | None], str, Mapping[str, Any], str]


def notification_send_many(
    *, items: Iterable[NotificationItem], now: datetime, email: bool = True, return_rows: bool = True
) -> list[Notification]:
    """``notification_send`` for many notices at once — items of (recipients, kind, params, url) —
    in two INSERTs (notifications, outbox), for sweeps that notify about thousands of objects.
    Same contract: call it inside the transaction of the change; params never carry identity.

    The rows are written column by column (``workstyle.bulk``) and each kind's texts translated once;
    a sweep that has no use for the rows passes ``return_rows=False`` and gets [] back."""
    recipient_ids: list[int] = []
    addresses: list[str] = []
    kinds: list[str] = []
    params_list: list[dict[str, Any]] = []
    params_text: list[str] = []
    urls: list[str] = []
    for recipients, kind, params, url in items:
        seen: set[int] = set()
        values = dict(params)
        text = json_text(values)
        for user in recipients:
            if user is None or user.pk is None or user.pk in seen or not getattr(user, "is_active", True):
                continue
            seen.add(user.pk)
            recipient_ids.append(user.pk)
            addresses.append(getattr(user, "email", "") or "")
            kinds.append(kind)
            params_list.append(values)
            params_text.append(text)
            urls.append(url)
    if not recipient_ids:
        return []
    # No savepoint: the caller's change and its notices commit or roll back together anyway.
    with transaction.atomic(savepoint=False):
        ids = bulk_insert(
            Notification,
            columns={"recipient_id": recipient_ids, "kind": kinds, "params": params_text, "url": urls},
            constants={"created_at": now, "read_at": None},
            returning_pk=True,
        )
        if email:
            language = settings.LANGUAGE_CODE
            site = settings.WORKSTYLE_SITE_URL.rstrip("/")
            outbox: dict[str, list[Any]] = {"notification_id": [], "to": [], "subject": [], "body": []}
            with translation.override(language):
                renderer = Renderer()
                for i, address in enumerate(addresses):
                    if not address:
                        continue
                    kind, values, url = kinds[i], params_list[i], urls[i]
                    body = renderer.body(kind, values)
                    outbox["notification_id"].append(ids[i])
                    outbox["to"].append(address)
                    # A header may not hold a line break: such a subject would fail on every attempt.
                    outbox["subject"].append(" ".join(renderer.title(kind, values).split())[:300])
                    outbox["body"].append(f"{body}\n\n{site}{url}" if url else body)
            if outbox["to"]:
                bulk_insert(
                    OutboxEmail,
                    columns=outbox,
                    constants={"language": language, "next_attempt_at": now, "created_at": now},
                )
                transaction.on_commit(_wake_relay)
    if not return_rows:
        return []
    return [
        Notification(
            pk=pk,
            recipient_id=recipient_ids[i],
            kind=kinds[i],
            params=dict(params_list[i]),
            url=urls[i],
            created_at=now,
        )
        for i, pk in enumerate(ids)
    ]


# The relay's task, named rather than imported: the task calls this module, not the other way round.
OUTBOX_RELAY_TASK = "workstyle.tasks.outbox_relay"
SMS_RELAY_TASK = "workstyle.tasks.sms_relay"


def outbox_notice_send(*, email: str, phone: str, subject: str, text: str, now: datetime) -> tuple[int, int]:
    """A notice to someone without an account (a complainant): an e-mail to ``email`` and a text
    message to ``phone``, whichever is given, through the outboxes with their retries. Call it
    inside the transaction of the change; the caller keeps names and a complaint's words out of
    ``subject`` and ``text``. Returns how many (e-mails, messages) were queued."""
    emails = messages = 0
    with transaction.atomic():
        if email:
            OutboxEmail.objects.create(
                to=email,
                language=settings.LANGUAGE_CODE,
                subject=" ".join(subject.split())[:300],
                body=text,
                next_attempt_at=now,
                created_at=now,
            )
            transaction.on_commit(_wake_relay)
            emails = 1
        if phone:
            OutboxSms.objects.create(to=phone[:32], text=text[:500], next_attempt_at=now, created_at=now)
            transaction.on_commit(lambda: _wake_relay(SMS_RELAY_TASK))
            messages = 1
    return emails, messages


def _wake_relay(task: str = OUTBOX_RELAY_TASK) -> None:
    from workstyle.celery import quick_send

    try:
        # Short timeouts, no retries: with the pool's defaults kombu retries a broker that is down
        # for seconds, and a hung one would hold the request. The beat's schedule catches up.
        quick_send(task)
    except Exception as exc:  # the broker is unreachable; the e-mail waits in the outbox
        log.warning("broker unreachable (%s); the outbox relay will run on its schedule", exc)


def notification_withdraw(*, user_ids: Iterable[int], urls: Iterable[str], now: datetime) -> int:
    """Take back the notices these users received about the objects at ``urls`` — they were
    recused from them after being told: the rows leave their lists and e-mails not yet sent are
    dropped (one already sent cannot be recalled). Returns how many notices were taken back."""
    notices = Notification.objects.filter(recipient_id__in=list(user_ids), url__in=[url for url in urls if url])
    ids = list(notices.values_list("pk", flat=True))
    if not ids:
        return 0
    with transaction.atomic():
        OutboxEmail.objects.filter(notification_id__in=ids, status=OutboxEmail.Status.PENDING).delete()
        Notification.objects.filter(pk__in=ids).delete()
        # Kept on record without the objects they named: the count is what the administrator needs.
        audit_record(actor=None, verb="withdraw_notices", now=now, data={"count": len(ids)})
    return len(ids)


def notification_mark_read(*, user: Any, ids: Iterable[int] | None, now: datetime) -> int:
    """Mark the user's notifications read (all unread ones when ``ids`` is None)."""
    qs = Notification.objects.visible_to(user).filter(read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=now)


def notification_mark_all_read(*, user: Any, now: datetime, kind: str | None = None) -> int:
    """Mark all the user's unread notifications read, or those of one kind; returns how many. One
    UPDATE guarded by ``read_at IS NULL``: a notice read meanwhile keeps its first reading time."""
    qs = Notification.objects.visible_to(user).filter(read_at__isnull=True)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.update(read_at=now)


def _backoff(attempts: int) -> timedelta:
    return timedelta(minutes=min(2**attempts, 240))


# The mail server itself is down or refuses us: every other e-mail of the run would fail the same way.
_SERVER_UNREACHABLE = (
    smtplib.SMTPServerDisconnected,
    smtplib.SMTPConnectError,
    smtplib.SMTPHeloError,
    smtplib.SMTPAuthenticationError,
    ConnectionError,
    TimeoutError,
    socket.gaierror,
)


def outbox_relay(*, now: datetime, batch: int = 100) -> dict[str, int]:
    """Send due e-mails. Each row is sent under its own row lock and marked sent in the same
    transaction, so concurrent relays skip it and a retried task never sends it again.

    One mail-server connection serves the whole run. When the server is unreachable the run stops
    after the first failure: trying the rest would only wait out a timeout per e-mail (past the
    task's time limit), and they are still due for the next run."""
    counts = {"sent": 0, "retry": 0, "failed": 0}
    due = list(
        OutboxEmail.objects.filter(status=OutboxEmail.Status.PENDING, next_attempt_at__lte=now)
        .order_by("id")
        .values_list("id", flat=True)[:batch]
    )
    if not due:
        return counts
    mailer = get_connection()
    try:
        for pk in due:
            unreachable = False
            with transaction.atomic():
                row = (
                    OutboxEmail.objects.select_for_update(skip_locked=True)
                    .filter(pk=pk, status=OutboxEmail.Status.PENDING)
                    .first()
                )
                if row is None:
                    continue  # another relay holds it or has sent it
                try:
                    mailer.open()  # once: a no-op while the connection is open
                    EmailMessage(
                        subject=row.subject,
                        body=row.body,
                        from_email=settings.DEFAULT_FROM_EMAIL,
                        to=[row.to],
                        headers={"Message-ID": row.message_id},
                        connection=mailer,
                    ).send()
                except Exception as exc:  # any transport failure: try again later
                    unreachable = isinstance(exc, _SERVER_UNREACHABLE)
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
            if unreachable:
                log.warning("mail server unreachable; the outbox relay stops until its next run")
                break
    finally:
        try:
            mailer.close()
        except Exception as exc:  # the e-mails are sent and recorded; a failed QUIT changes nothing
            log.warning("closing the mail server connection failed: %s", exc)
    return counts


def sms_relay(*, now: datetime, batch: int = 100) -> dict[str, int]:
    """Send due text messages through the ``SMS_URL`` backend, each under its own row lock and
    marked sent in the same transaction (as ``outbox_relay``): concurrent relays skip it, a retried
    task never sends it again, a failure is tried again later with a growing pause."""
    from workstyle.sms import sms_backend

    counts = {"sent": 0, "retry": 0, "failed": 0}
    due = list(
        OutboxSms.objects.filter(status=OutboxSms.Status.PENDING, next_attempt_at__lte=now)
        .order_by("id")
        .values_list("id", flat=True)[:batch]
    )
    if not due:
        return counts
    backend = sms_backend()
    for pk in due:
        with transaction.atomic():
            row = OutboxSms.objects.select_for_update(skip_locked=True).filter(pk=pk, status="pending").first()
            if row is None:
                continue
            row.attempts += 1
            try:
                backend.send(to=row.to, text=row.text)
            except Exception as exc:  # any gateway failure: try again later
                row.last_error = f"{type(exc).__name__}: {exc}"[:2000]
                row.next_attempt_at = now + _backoff(row.attempts)
                if row.attempts >= settings.WORKSTYLE_OUTBOX_MAX_ATTEMPTS:
                    row.status = OutboxSms.Status.FAILED
                    counts["failed"] += 1
                else:
                    counts["retry"] += 1
                row.save(update_fields=["attempts", "last_error", "next_attempt_at", "status"])
            else:
                row.status = OutboxSms.Status.SENT
                row.sent_at = now
                row.save(update_fields=["status", "sent_at", "attempts"])
                counts["sent"] += 1
    return counts


def outbox_retry(*, actor: Any, emails: Iterable[OutboxEmail], now: datetime) -> int:
    """Queue pending or failed e-mails for one more attempt now (the admin's "retry now").

    A sent e-mail is left alone, so that no one ever gets it twice; a failed one keeps its attempt
    count, so that it turns failed again at once if this attempt fails too."""
    ids = [email.pk for email in emails]
    with transaction.atomic():
        rows = list(
            OutboxEmail.objects.select_for_update()
            .filter(pk__in=ids, status__in=[OutboxEmail.Status.PENDING, OutboxEmail.Status.FAILED])
            .order_by("id")
        )
        for row in rows:
            from_state = row.status
            row.status = OutboxEmail.Status.PENDING
            row.next_attempt_at = now
            row.save(update_fields=["status", "next_attempt_at"])
            audit_record(
                actor=actor,
                verb="retry_email",
                now=now,
                target=row,
                note=row.to,
                data={"from": from_state, "attempts": row.attempts},
            )
        if rows:
            transaction.on_commit(_wake_relay)
    return len(rows)
