"""Services of exports: ask for one, write it, fail it, expire it (``export_<verb>``). Each state
change locks the row, checks the state it starts from and writes its event in the same
transaction; the file itself is written outside any transaction, with the progress saved as it
goes (``export_progress``), so that the page's bar moves while the worker writes."""

from __future__ import annotations

import datetime as dt
import functools
import logging
import secrets
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import QueryDict
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from workstyle.errors import InvalidInput, NotAllowed, TransitionError
from workstyle.exports import ExportKind, ExportPlan, export_kind, params_from, write_csv, write_xlsx
from workstyle.models import Export, ExportEvent
from workstyle.roles import Actor

log = logging.getLogger(__name__)
EXPORT_TASK = "workstyle.tasks.export_write"
FOLDER = "exports"
# A worker that died leaves its export running: after this long it is marked failed by the purge.
STALE_RUNNING = dt.timedelta(hours=2)
# A message to the workers that was lost (the broker was down) leaves an export queued: the purge
# asks again after a while (a second delivery does nothing), and gives up after a day.
RESEND_QUEUED = dt.timedelta(minutes=10)
GIVE_UP_QUEUED = dt.timedelta(days=1)

S = Export.Status


def export_path(export: Export) -> Path:
    return Path(settings.PRIVATE_MEDIA_ROOT) / export.file


UNKNOWN_KIND = gettext_lazy("Unknown kind of export.")


def export_kind_for(*, user: Actor, kind: str) -> ExportKind:
    """The kind ``user`` asks for: an unknown one is a field error, one he may not use a 403."""
    found = export_kind(kind)
    if found is None:
        raise InvalidInput(UNKNOWN_KIND, errors={"kind": [str(UNKNOWN_KIND)]})
    if not found.may_export(user):
        raise NotAllowed(_("You may not export this list."))
    return found


def export_plan(
    *, user: Actor, kind: str, filters: Mapping[str, Any] | QueryDict | None, now: dt.datetime
) -> ExportPlan:
    """The plan of ``user``'s export of ``kind`` with ``filters``, checked (InvalidInput with field
    errors, NotAllowed)."""
    found = export_kind_for(user=user, kind=kind)
    return found.plan(user, params_from(filters, found.params), now)


def export_check_format(format: str) -> str:
    """``format`` when it is one the portal writes (csv, xlsx); otherwise a field error."""
    if format not in Export.Format.values:
        raise InvalidInput(
            _("Unknown format."), errors={"format": [_("Choose one of: %(formats)s.") % {"formats": "csv, xlsx"}]}
        )
    return format


def _record(
    export: Export, *, actor: Actor, verb: str, from_state: str, to_state: str, now: dt.datetime, **data: Any
) -> None:
    ExportEvent.objects.create(
        export=export,
        actor_id=getattr(actor, "pk", None),
        at=now,
        verb=verb,
        from_state=from_state,
        to_state=to_state,
        data=data,
    )


def export_request(
    *,
    actor: Actor,
    kind: str,
    format: str,
    filters: Mapping[str, Any] | QueryDict | None,
    now: dt.datetime,
    language: str | None = None,
) -> Export:
    """Ask for an export: the kind, format and filters are checked now (a bad one is refused and
    nothing is stored) and the rows counted. The row is queued; when it has more rows than
    ``WORKSTYLE_EXPORT_SYNC_ROWS`` a worker is asked to write it once the transaction commits,
    otherwise the caller writes it at once (``export_write``). The worker counts again."""
    export_check_format(format)
    found = export_kind_for(user=actor, kind=kind)
    params = params_from(filters, found.params)
    plan = found.plan(actor, params, now)
    with transaction.atomic():
        export = Export.objects.create(
            user_id=getattr(actor, "pk", 0),
            kind=kind,
            format=format,
            filters=dict(params.lists()),
            language=language or translation.get_language() or settings.LANGUAGE_CODE,
            rows_total=plan.count(),
            created_at=now,
        )
        _record(export, actor=actor, verb="request", from_state="", to_state=S.QUEUED, now=now, rows=export.rows_total)
        if export_is_large(export):
            transaction.on_commit(lambda: _send(export.pk))
    return export


def export_is_large(export: Export) -> bool:
    """Whether the export is left to a worker rather than written during the request."""
    return (export.rows_total or 0) > settings.WORKSTYLE_EXPORT_SYNC_ROWS


def _send(export_id: int) -> None:
    from workstyle.celery import app, quick_connection

    try:
        with quick_connection() as conn:
            app.send_task(EXPORT_TASK, args=[export_id], retry=False, connection=conn)
    except Exception as exc:  # the broker is unreachable: the export stays queued, the page says so
        log.warning("broker unreachable (%s); export %s stays queued", exc, export_id)


def export_start(*, export_id: int, now: dt.datetime) -> Export | None:
    """Queued → running, under the row lock; None when it is not queued any more (a second delivery
    of the task, an export already written)."""
    with transaction.atomic():
        export = Export.objects.select_for_update().filter(pk=export_id).first()
        if export is None or export.status != S.QUEUED:
            return None
        export.status = S.RUNNING
        export.started_at = now
        export.rows_done = 0
        export.file = f"{FOLDER}/{now:%Y/%m}/{secrets.token_urlsafe(16)}.{export.format}"
        export.save(update_fields=["status", "started_at", "rows_done", "file"])
        _record(export, actor=None, verb="start", from_state=S.QUEUED, to_state=S.RUNNING, now=now)
    return export


def export_progress(*, export_id: int, rows_done: int, rows_total: int | None = None) -> int:
    """Save how far a running export is (a conditional UPDATE, no lock: the worker alone writes it)."""
    fields: dict[str, Any] = {"rows_done": rows_done}
    if rows_total is not None:
        fields["rows_total"] = rows_total
    return Export.objects.filter(pk=export_id, status=S.RUNNING).update(**fields)


def export_finish(*, export_id: int, rows: int, size: int, now: dt.datetime) -> Export:
    """Running → done: the file is offered to its requester for ``WORKSTYLE_EXPORT_KEEP_DAYS``."""
    with transaction.atomic():
        export = Export.objects.select_for_update().get(pk=export_id)
        if export.status != S.RUNNING:
            raise TransitionError(_("This export is not being written."))
        export.status = S.DONE
        export.rows_done = rows
        export.rows_total = rows
        export.size = size
        export.finished_at = now
        export.expires_at = now + dt.timedelta(days=settings.WORKSTYLE_EXPORT_KEEP_DAYS)
        export.save(update_fields=["status", "rows_done", "rows_total", "size", "finished_at", "expires_at"])
        _record(export, actor=None, verb="finish", from_state=S.RUNNING, to_state=S.DONE, now=now, rows=rows, size=size)
    return export


def export_fail(*, export_id: int, error: str, now: dt.datetime) -> Export | None:
    """Queued or running → failed, and whatever was written is deleted."""
    with transaction.atomic():
        export = Export.objects.select_for_update().filter(pk=export_id).first()
        if export is None or export.status not in (S.QUEUED, S.RUNNING):
            return None
        previous = export.status
        export.status = S.FAILED
        export.error = error[:1000]
        export.finished_at = now
        export.save(update_fields=["status", "error", "finished_at"])
        _record(export, actor=None, verb="fail", from_state=previous, to_state=S.FAILED, now=now, error=error[:200])
    _delete_file(export)
    return export


def export_write(*, export_id: int, now: dt.datetime, clock: Callable[[], dt.datetime] = timezone.now) -> Export | None:
    """The worker's part: start the export at ``now``, write its file with the requester's
    visibility and language of this moment, saving the progress as it goes, and finish it at
    ``clock()`` (writing a million rows takes a while). A failure marks it failed (and is raised
    again for the task's log); a second delivery does nothing."""
    export = export_start(export_id=export_id, now=now)
    if export is None:
        return None
    try:
        with translation.override(export.language):
            plan = export_plan(user=export.user, kind=export.kind, filters=_params(export), now=now)
            total = plan.count()
            export_progress(export_id=export.pk, rows_done=0, rows_total=total)
            path = export_path(export)
            path.parent.mkdir(parents=True, exist_ok=True)

            def progress(rows: int) -> None:
                export_progress(export_id=export.pk, rows_done=rows, rows_total=max(rows, total))

            if export.format == Export.Format.CSV:
                with path.open("w", encoding="utf-8", newline="") as out:
                    rows = write_csv(plan, out, progress=progress)
            else:
                with path.open("wb") as binary:
                    rows = write_xlsx(plan, binary, progress=progress)
        return export_finish(export_id=export.pk, rows=rows, size=path.stat().st_size, now=clock())
    except Exception as exc:
        export_fail(export_id=export.pk, error=f"{type(exc).__name__}: {exc}", now=clock())
        raise


def _params(export: Export) -> QueryDict:
    params = QueryDict(mutable=True)
    for name, values in (export.filters or {}).items():
        params.setlist(name, [str(value) for value in values])
    return params


def _delete_file(export: Export) -> None:
    if export.file:
        export_path(export).unlink(missing_ok=True)


def export_expire(*, export_id: int, now: dt.datetime) -> Export | None:
    """Done → expired once its time is up: the file is deleted, the row stays (who exported what,
    when, how many rows)."""
    with transaction.atomic():
        export = Export.objects.select_for_update().filter(pk=export_id).first()
        if export is None or export.status != S.DONE or export.expires_at is None or export.expires_at > now:
            return None
        export.status = S.EXPIRED
        export.save(update_fields=["status"])
        _record(export, actor=None, verb="expire", from_state=S.DONE, to_state=S.EXPIRED, now=now)
        transaction.on_commit(lambda: _delete_file(export))
    return export


def exports_purge(*, now: dt.datetime) -> dict[str, int]:
    """The beat's purge: expire every export whose time is up (deleting its file), fail those a dead
    worker left running, ask the workers again for those still queued after a while (the broker
    may have been down), and fail those still queued after a day."""
    expired = 0
    due = Export.objects.filter(status=S.DONE, expires_at__lte=now).values_list("pk", flat=True)
    for export_id in list(due):
        if export_expire(export_id=export_id, now=now) is not None:
            expired += 1
    failed = 0
    stale = Export.objects.filter(status=S.RUNNING, started_at__lte=now - STALE_RUNNING).values_list("pk", flat=True)
    for export_id in list(stale):
        if (
            export_fail(export_id=export_id, error="the worker stopped before the file was written", now=now)
            is not None
        ):
            failed += 1
    for export_id in list(
        Export.objects.filter(status=S.QUEUED, created_at__lte=now - GIVE_UP_QUEUED).values_list("pk", flat=True)
    ):
        if export_fail(export_id=export_id, error="no worker took the export", now=now) is not None:
            failed += 1
    waiting = Export.objects.filter(status=S.QUEUED, created_at__lte=now - RESEND_QUEUED).values_list("pk", flat=True)
    for export_id in list(waiting):
        transaction.on_commit(functools.partial(_send, export_id))
    return {"expired": expired, "failed": failed}


def export_download(*, user: Actor, export_id: int, now: dt.datetime) -> Export:
    """The export ``user`` may download: his own (anyone else's reads as missing: Export.DoesNotExist),
    written and not expired (``ExportGone``)."""
    export = Export.objects.visible_to(user).get(pk=export_id)
    if export.status == S.EXPIRED or (export.expires_at is not None and export.expires_at <= now):
        raise ExportGone(_("This export has expired and its file was deleted; export the list again."))
    if export.status != S.DONE or not export_path(export).is_file():
        raise TransitionError(_("This export is not ready yet."))
    return export


class ExportGone(TransitionError):
    status_code = 410
