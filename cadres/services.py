"""Services of the organisation: units, departments and cadres saved or deleted by hand in the admin.

The roster import, which writes them in bulk, is the package ``cadres.roster``."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Model

from cadres.models import Cadre, Department, Unit
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
