"""Services of the organisation: units, departments and cadres saved or deleted by hand in the admin.

The roster import, which writes them in bulk, is the package ``cadres.roster``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

import filetype
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cadres.models import (
    Cadre,
    Debriefing,
    DebriefingEvent,
    DebriefingRound,
    Department,
    PersonalReport,
    PersonalReportItem,
    PersonalReportView,
    Unit,
)
from cadres.permissions import is_own, orgdept_may_manage
from cadres.transitions import DEBRIEFINGS, PERSONAL_REPORTS
from workstyle import roles
from workstyle.errors import InvalidInput, NotAllowed, TransitionError
from workstyle.roles import Actor
from workstyle.services import audit_record


def org_record_save(*, actor: Any, record: Unit | Department | Cadre, changed: Sequence[str], now: datetime) -> Any:
    """Save a unit, department or cadre edited by hand (the admin) and write its audit event.

    An edit writes only the fields the form changed, so that it never overwrites what an import
    wrote meanwhile; an edit that changes nothing writes nothing."""
    created = record._state.adding
    fields = [name for name in changed if name in _concrete_fields(record)]
    if not created and not fields:
        return record
    with transaction.atomic():
        record.save(update_fields=None if created else fields)
        audit_record(
            actor=actor,
            verb="create" if created else "update",
            now=now,
            target=record,
            data={"fields": list(changed)},
        )
    return record


def org_records_delete(*, actor: Any, records: Iterable[Unit | Department | Cadre], now: datetime) -> int:
    """Delete units, departments or cadres by hand (the admin), each with its audit event; the
    audit keeps what was deleted, since the row itself is gone."""
    count = 0
    with transaction.atomic():
        for record in records:
            audit_record(actor=actor, verb="delete", now=now, target=record, note=str(record))
            record.delete()
            count += 1
    return count


def _concrete_fields(record: Model) -> set[str]:
    return {field.name for field in record._meta.concrete_fields}


# --- Debriefings (述职述廉) -------------------------------------------------------------------------

# What a debriefing may carry besides its text: the report as a document, or a scan.
DEBRIEFING_ATTACHMENT_TYPES = frozenset({"application/pdf", "image/jpeg", "image/png"})
DEBRIEFING_ATTACHMENT_BYTES = 10 * 1024 * 1024
NOT_LEADING = _("Debriefings are filed by leading cadres only.")


def _local_day_end(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(23, 59, 59)))


def debriefing_round_set(*, actor: Actor, year: int, due_on: date, now: datetime) -> DebriefingRound:
    """Call for one year's debriefings, due at the end of ``due_on``: every active leading cadre
    gets his draft. Calling again moves the due date of the debriefings not yet submitted."""
    if not orgdept_may_manage(actor):
        raise NotAllowed(_("Only the organization department calls for debriefings."))
    errors: dict[str, list[Any]] = {}
    if not 2000 <= year <= timezone.localtime(now).year + 1:
        errors["year"] = [_("Give a year between 2000 and next year.")]
    if due_on is None or due_on < timezone.localtime(now).date():
        errors["due_on"] = [_("The due date cannot be in the past.")]
    if errors:
        raise InvalidInput(_("The debriefings cannot be called for."), errors=errors)
    due_at = _local_day_end(due_on)
    with transaction.atomic():
        round_, created = DebriefingRound.objects.select_for_update().get_or_create(
            year=year, defaults={"due_at": due_at, "created_at": now}
        )
        if not created and round_.due_at != due_at:
            round_.due_at = due_at
            round_.save(update_fields=["due_at"])
            # A new deadline: the ladder starts again for those still owing it.
            Debriefing.objects.filter(round=round_, status=Debriefing.Status.DRAFT).update(
                due_at=due_at, escalation_level=0, escalated_at=None, updated_at=now
            )
        having = Debriefing.objects.filter(year=year).values("cadre_id")
        new = [
            Debriefing(cadre=cadre, round=round_, year=year, due_at=due_at)
            for cadre in Cadre.objects.active().filter(is_leading=True).exclude(pk__in=having)
        ]
        created_rows = Debriefing.objects.bulk_create(new)
        DebriefingEvent.objects.bulk_create(
            [
                DebriefingEvent(debriefing=d, at=now, actor=_user(actor), verb="open", to_state=d.status)
                for d in created_rows
            ]
        )
    return round_


def _user(actor: Actor) -> Any:
    return actor if getattr(actor, "pk", None) is not None else None


def debriefing_open(*, actor: Actor, year: int, now: datetime) -> Debriefing:
    """The acting cadre starts his own debriefing for a year the organization department called
    for (or finds the one it started for him)."""
    cadre = roles.cadre_of(actor)
    if cadre is None or not cadre.is_leading:
        raise InvalidInput(_("The debriefing cannot be started."), errors={"cadre": [NOT_LEADING]})
    round_ = DebriefingRound.objects.filter(year=year).first()
    if round_ is None:
        raise InvalidInput(
            _("The debriefing cannot be started."), errors={"year": [_("No debriefing is called for this year.")]}
        )
    with transaction.atomic():
        debriefing, created = Debriefing.objects.get_or_create(
            cadre=cadre, year=year, defaults={"round": round_, "due_at": round_.due_at}
        )
        if created:
            DEBRIEFINGS.record(debriefing, actor=actor, verb="open", now=now, to_state=debriefing.status)
    return debriefing


def _attachment_errors(attachment: Any) -> list[Any]:
    if attachment.size > DEBRIEFING_ATTACHMENT_BYTES:
        return [_("The attachment is too large (10 MB at most).")]
    head = attachment.read(262)
    attachment.seek(0)
    kind = filetype.guess(head)
    if kind is None or kind.mime not in DEBRIEFING_ATTACHMENT_TYPES:
        return [_("Attach a PDF, JPEG or PNG file.")]
    return []


def debriefing_update(
    *,
    actor: Actor,
    debriefing: Debriefing,
    now: datetime,
    duties: str | None = None,
    integrity: str | None = None,
    attachment: Any = None,
) -> Debriefing:
    """The cadre writes his draft: the two parts of the report and, optionally, a document."""
    if not is_own(actor, debriefing):
        raise NotAllowed(_("Only the cadre himself writes his debriefing."))
    errors: dict[str, list[Any]] = {}
    if attachment is not None and (problems := _attachment_errors(attachment)):
        errors["attachment"] = problems
    if errors:
        raise InvalidInput(_("The debriefing cannot be saved."), errors=errors)
    with transaction.atomic():
        locked = Debriefing.objects.select_for_update().get(pk=debriefing.pk)
        if locked.status != Debriefing.Status.DRAFT:
            raise TransitionError(_("Only a draft can be edited."))
        changed = []
        if duties is not None and duties.strip() != locked.duties:
            locked.duties = duties.strip()
            changed.append("duties")
        if integrity is not None and integrity.strip() != locked.integrity:
            locked.integrity = integrity.strip()
            changed.append("integrity")
        if attachment is not None:
            locked.attachment.save(attachment.name, attachment, save=False)
            changed.append("attachment")
        if not changed:
            return locked
        locked.save(update_fields=[*changed, "updated_at"])
        DEBRIEFINGS.record(locked, actor=actor, verb="edit", now=now, data={"fields": changed})
    return locked


def debriefing_submit(*, actor: Actor, debriefing: Debriefing, now: datetime) -> Debriefing:
    with DEBRIEFINGS.step("submit", actor=actor, obj=debriefing, now=now) as step:
        errors: dict[str, list[Any]] = {}
        if not step.obj.duties.strip():
            errors["duties"] = [_("Report on how you performed your duties.")]
        if not step.obj.integrity.strip():
            errors["integrity"] = [_("Report on how you kept clean.")]
        if errors:
            raise InvalidInput(_("The debriefing cannot be submitted."), errors=errors)
        step.save(submitted_at=now)
    return step.obj


def debriefing_review(*, actor: Actor, debriefing: Debriefing, now: datetime, note: str = "") -> Debriefing:
    with DEBRIEFINGS.step("review", actor=actor, obj=debriefing, now=now) as step:
        if not note.strip():
            raise InvalidInput(_("The review cannot be recorded."), errors={"note": [_("Write the review.")]})
        step.save(reviewed_at=now, review_note=note.strip(), note=note.strip())
    return step.obj


# --- Personal-matter reports (个人有关事项报告) --------------------------------------------------------

ITEM_FIELDS = ("kind", "person", "description", "occurred_on", "amount")


def _item_errors(items: Sequence[Mapping[str, Any]], *, today: date) -> dict[str, list[Any]]:
    """Each row: a known kind, a description, a date not in the future, an amount not negative."""
    problems: list[Any] = []
    for number, item in enumerate(items, start=1):
        kind = item.get("kind")
        if kind not in PersonalReportItem.Kind.values:
            problems.append(_("Row %(n)s: unknown kind “%(kind)s”.") % {"n": number, "kind": kind})
        if not str(item.get("description") or "").strip():
            problems.append(_("Row %(n)s: describe the matter.") % {"n": number})
        occurred = item.get("occurred_on")
        if occurred is not None and (not isinstance(occurred, date) or occurred > today):
            problems.append(_("Row %(n)s: the date cannot be in the future.") % {"n": number})
        amount = item.get("amount")
        if amount is not None and Decimal(amount) < 0:
            problems.append(_("Row %(n)s: the amount cannot be negative.") % {"n": number})
    return {"items": problems} if problems else {}


def _write_items(report: PersonalReport, items: Sequence[Mapping[str, Any]]) -> None:
    report.items.all().delete()
    PersonalReportItem.objects.bulk_create(
        [
            PersonalReportItem(
                report=report,
                order=number,
                kind=item["kind"],
                person=str(item.get("person") or "").strip(),
                description=str(item["description"]).strip(),
                occurred_on=item.get("occurred_on"),
                amount=item.get("amount"),
            )
            for number, item in enumerate(items, start=1)
        ]
    )


def personal_report_create(
    *, actor: Actor, year: int, items: Sequence[Mapping[str, Any]], now: datetime
) -> PersonalReport:
    """Start the acting leading cadre's report for ``year``: the first version, or — when one was
    submitted — the next version, which keeps the earlier ones as they were."""
    cadre = roles.cadre_of(actor)
    if cadre is None or not cadre.is_leading:
        raise InvalidInput(
            _("The report cannot be started."),
            errors={"cadre": [_("Personal-matter reports are filed by leading cadres.")]},
        )
    today = timezone.localtime(now).date()
    errors = _item_errors(items, today=today)
    if not 2000 <= year <= today.year:
        errors["year"] = [_("Give a year between 2000 and this year.")]
    if errors:
        raise InvalidInput(_("The report cannot be saved."), errors=errors)
    with transaction.atomic():
        # Lock the cadre: two requests at once must not both take the next version number.
        Cadre.objects.select_for_update().filter(pk=cadre.pk).first()
        versions = PersonalReport.objects.filter(cadre=cadre, year=year)
        if versions.filter(status=PersonalReport.Status.DRAFT).exists():
            raise InvalidInput(
                _("The report cannot be started."),
                errors={"year": [_("A draft for this year exists already; edit it.")]},
            )
        latest = versions.order_by("-version").first()
        report = PersonalReport.objects.create(
            cadre=cadre, year=year, version=(latest.version + 1) if latest else 1, created_at=now
        )
        _write_items(report, items)
        PERSONAL_REPORTS.record(
            report,
            actor=actor,
            verb="amend" if latest else "create",
            now=now,
            to_state=report.status,
            data={"version": report.version},
        )
    return report


def personal_report_update(
    *, actor: Actor, report: PersonalReport, items: Sequence[Mapping[str, Any]], now: datetime
) -> PersonalReport:
    """Replace the rows of a draft."""
    if not is_own(actor, report):
        raise NotAllowed(_("Only the cadre himself writes his report."))
    errors = _item_errors(items, today=timezone.localtime(now).date())
    if errors:
        raise InvalidInput(_("The report cannot be saved."), errors=errors)
    with transaction.atomic():
        locked = PersonalReport.objects.select_for_update().get(pk=report.pk)
        if locked.status != PersonalReport.Status.DRAFT:
            raise TransitionError(_("A submitted report is kept as it is; start a new version to change it."))
        _write_items(locked, items)
        locked.save(update_fields=["updated_at"])
        PERSONAL_REPORTS.record(locked, actor=actor, verb="edit", now=now, data={"rows": len(items)})
    return locked


def personal_report_submit(*, actor: Actor, personal_report: PersonalReport, now: datetime) -> PersonalReport:
    with PERSONAL_REPORTS.step("submit", actor=actor, obj=personal_report, now=now) as step:
        step.save(submitted_at=now, data={"version": step.obj.version})
    return step.obj


def personal_report_views_record(
    *, viewer: Actor, reports: Iterable[PersonalReport], channel: str, now: datetime
) -> None:
    """Log that ``viewer`` read these reports (every read is on record, in one INSERT)."""
    viewer_id = getattr(viewer, "pk", None)
    if viewer_id is None:
        return
    PersonalReportView.objects.bulk_create(
        [PersonalReportView(report=report, viewer_id=viewer_id, at=now, channel=channel) for report in reports]
    )
