"""The roster import: units, departments and cadres from a CSV file or an XLSX workbook, all or nothing."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils.translation import gettext as _

from cadres.models import Cadre, Department, Unit
from cadres.roster.headers import KIND_ORDER, RosterKind
from cadres.roster.plan import RosterPlan
from cadres.roster.read import Readable, RowError, roster_read
from workstyle.errors import NotAllowed
from workstyle.services import audit_record

MODELS: dict[RosterKind, type[Model]] = {
    RosterKind.UNITS: Unit,
    RosterKind.DEPARTMENTS: Department,
    RosterKind.CADRES: Cadre,
}


@dataclass
class ImportResult:
    """What an import did (or, on a dry run or with errors, would have done)."""

    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        parts = []
        labels = {
            RosterKind.UNITS: _("units"),
            RosterKind.DEPARTMENTS: _("departments"),
            RosterKind.CADRES: _("cadres"),
        }
        for kind in KIND_ORDER:
            if kind in self.counts:
                count = self.counts[kind]
                parts.append(
                    _("%(kind)s: %(created)d created, %(updated)d updated, %(unchanged)d unchanged")
                    % {"kind": labels[kind], **count}
                )
        return "; ".join(parts)


def _check_allowed(actor: Any, kinds: Iterable[RosterKind]) -> None:
    """The system (a management command) may import; a user needs the add and change permissions."""
    if actor is None or getattr(actor, "is_superuser", False):
        return
    for kind in kinds:
        model_name = MODELS[kind]._meta.model_name
        if not (actor.has_perm(f"cadres.add_{model_name}") and actor.has_perm(f"cadres.change_{model_name}")):
            raise NotAllowed(_("You may not import this roster."))


def roster_import(
    *,
    actor: Any,
    file: Readable,
    filename: str,
    now: datetime,
    kind: RosterKind | None = None,
    dry_run: bool = False,
) -> ImportResult:
    """Import units, departments and cadres from a CSV file or an XLSX workbook (several sheets are
    imported in the order units, departments, cadres), upserting by code and staff number.

    All or nothing: every row is checked before anything is written, and a file with any bad row
    changes nothing; the result then lists each bad row with its reason. An empty cell keeps the
    current value of an optional field (a new record gets the default), except where the roster
    places a record: an empty parent unit or department means none.
    ``actor`` None is the system (the management command)."""
    roster = roster_read(file, filename=filename, kind=kind)
    result = ImportResult(errors=list(roster.errors), warnings=list(roster.warnings), dry_run=dry_run)
    if result.errors:
        return result
    _check_allowed(actor, {sheet.kind for sheet in roster.sheets})
    try:
        with transaction.atomic():
            plan = RosterPlan(roster.sheets)
            plan.build()
            result.counts = plan.counts()
            if plan.errors:
                order = {sheet.label: index for index, sheet in enumerate(roster.sheets)}
                result.errors = sorted(plan.errors, key=lambda error: (order.get(error.sheet, 0), error.row or 0))
                result.counts = {}
                return result
            if dry_run:
                return result
            plan.apply()
            audit_record(
                actor=actor,
                verb="import",
                now=now,
                note=filename,
                data={"file": filename, "counts": result.counts},
            )
    except IntegrityError as exc:
        # Validation covers the constraints we know; a concurrent import may still collide.
        result.counts = {}
        result.errors = [
            RowError(
                filename, None, _("The database refused the import; nothing was changed: %(error)s") % {"error": exc}
            )
        ]
    return result
