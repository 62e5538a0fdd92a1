"""Accountability cases: open → investigating → decided → closed (the Party's 2019 Accountability
Regulations). Every change is one function here; each writes its CaseEvent in its transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from supervision.models import AccountabilityCase, CaseEvent
from workstyle import roles
from workstyle.errors import InvalidInput, NotAllowed, TransitionError

Form = AccountabilityCase.Form
Status = AccountabilityCase.Status

# Art. 8 of the 2019 Regulations: what may be decided against a party organization, and what
# against a leading cadre.
ORGANIZATION_FORMS: frozenset[str] = frozenset({Form.INSPECTION, Form.CIRCULATED_CRITICISM_ORG, Form.REORGANIZATION})
CADRE_FORMS: frozenset[str] = frozenset(
    {
        Form.CIRCULATED_CRITICISM,
        Form.ADMONISHMENT,
        Form.SUSPENSION,
        Form.TRANSFER,
        Form.ORDERED_RESIGNATION,
        Form.DEMOTION,
        Form.DISMISSAL,
        Form.DISCIPLINARY_SANCTION,
    }
)


def case_may_manage(user: Any) -> bool:
    """Opening and deciding cases is the discipline office's business (DESIGN §1)."""
    return bool(getattr(user, "is_superuser", False)) or roles.is_discipline(user)


def _check_actor(actor: Any) -> None:
    # None is the system (the escalation sweep).
    if actor is not None and not case_may_manage(actor):
        raise NotAllowed(_("Only the discipline office may handle accountability cases."))


def _actor_id(actor: Any) -> int | None:
    return getattr(actor, "pk", None)


def case_allowed_forms(case: AccountabilityCase) -> frozenset[str]:
    """The forms that fit the case's subject: organization forms for a unit, cadre forms for a cadre."""
    forms: frozenset[str] = frozenset()
    if case.subject_unit_id is not None:
        forms |= ORGANIZATION_FORMS
    if case.subject_cadre_id is not None:
        forms |= CADRE_FORMS
    return forms


def case_open(
    *,
    actor: Any,
    source: str,
    allegation: str,
    now: datetime,
    subject_cadre: Any = None,
    subject_unit: Any = None,
    complaint: Any = None,
) -> AccountabilityCase:
    """Open a case against one subject: a cadre, or a unit's party organization."""
    _check_actor(actor)
    errors: dict[str, list[Any]] = {}
    if source not in AccountabilityCase.Source.values:
        errors["source"] = [_("Unknown source.")]
    if (subject_cadre is None) == (subject_unit is None):
        errors["subject_cadre"] = [_("Name either a cadre or a party organization (unit), not both.")]
    if not (allegation or "").strip():
        errors["allegation"] = [_("Describe what the subject is held accountable for.")]
    if source == AccountabilityCase.Source.COMPLAINT_ESCALATION and complaint is None:
        errors["complaint"] = [_("A case from a complaint escalation must name the complaint.")]
    if errors:
        raise InvalidInput(_("The case cannot be opened."), errors=errors)
    try:
        with transaction.atomic():
            case = AccountabilityCase.objects.create(
                source=source,
                subject_cadre=subject_cadre,
                subject_unit=subject_unit,
                complaint=complaint,
                allegation=allegation.strip(),
                status=Status.OPENED,
                opened_at=now,
            )
            CaseEvent.objects.create(case=case, at=now, actor_id=_actor_id(actor), verb="open", to_state=Status.OPENED)
    except IntegrityError as exc:
        if "one_escalation_case_per_complaint" in str(exc):
            raise InvalidInput(
                _("The case cannot be opened."),
                errors={"complaint": [_("This complaint already has an escalation case.")]},
            ) from exc
        raise
    return case


def _lock(case: AccountabilityCase, *, allowed_from: Sequence[str]) -> AccountabilityCase:
    """The case's row, locked, checked to be in a state the change starts from."""
    locked = AccountabilityCase.objects.select_for_update().get(pk=case.pk)
    if locked.status not in allowed_from:
        raise TransitionError(
            _("The case is %(status)s; this is not possible now.") % {"status": locked.get_status_display()}
        )
    return locked


def case_investigate(*, actor: Any, case: AccountabilityCase, now: datetime, note: str = "") -> AccountabilityCase:
    _check_actor(actor)
    with transaction.atomic():
        locked = _lock(case, allowed_from=[Status.OPENED])
        locked.status = Status.INVESTIGATING
        locked.save(update_fields=["status"])
        CaseEvent.objects.create(
            case=locked,
            at=now,
            actor_id=_actor_id(actor),
            verb="investigate",
            from_state=Status.OPENED,
            to_state=Status.INVESTIGATING,
            note=note.strip(),
        )
    return locked


def case_decide(
    *, actor: Any, case: AccountabilityCase, forms: Sequence[str], decision_date: date, text: str, now: datetime
) -> AccountabilityCase:
    """Record the accountability decision: one or more forms that fit the subject, its date and text."""
    _check_actor(actor)
    with transaction.atomic():
        locked = _lock(case, allowed_from=[Status.INVESTIGATING])
        chosen = list(dict.fromkeys(forms or ()))
        allowed = case_allowed_forms(locked)
        errors: dict[str, list[Any]] = {}
        if not chosen:
            errors["forms"] = [_("Choose at least one form of accountability.")]
        elif unknown := [f for f in chosen if f not in Form.values]:
            errors["forms"] = [_("Unknown form: %(forms)s.") % {"forms": ", ".join(unknown)}]
        elif unfit := [f for f in chosen if f not in allowed]:
            labels = ", ".join(str(Form(f).label) for f in unfit)
            if locked.subject_cadre_id is not None:
                message = _("Not a form of accountability for a cadre: %(forms)s.") % {"forms": labels}
            else:
                message = _("Not a form of accountability for a party organization: %(forms)s.") % {"forms": labels}
            errors["forms"] = [message]
        if decision_date is None:
            errors["decision_date"] = [_("Give the date of the decision.")]
        elif decision_date > timezone.localtime(now).date():
            errors["decision_date"] = [_("The decision date cannot be in the future.")]
        elif decision_date < timezone.localtime(locked.opened_at).date():
            errors["decision_date"] = [_("The decision date cannot be before the case was opened.")]
        if not (text or "").strip():
            errors["text"] = [_("Write the decision.")]
        if errors:
            raise InvalidInput(_("The decision cannot be recorded."), errors=errors)
        # Keep the order of the Regulations, whatever order the forms were ticked in.
        locked.decision_forms = [f for f in Form.values if f in chosen]
        locked.decision_date = decision_date
        locked.decision_text = text.strip()
        locked.status = Status.DECIDED
        locked.save(update_fields=["decision_forms", "decision_date", "decision_text", "status"])
        CaseEvent.objects.create(
            case=locked,
            at=now,
            actor_id=_actor_id(actor),
            verb="decide",
            from_state=Status.INVESTIGATING,
            to_state=Status.DECIDED,
            data={"forms": locked.decision_forms, "decision_date": decision_date.isoformat()},
        )
    return locked


def case_close(*, actor: Any, case: AccountabilityCase, now: datetime, note: str = "") -> AccountabilityCase:
    """Close a decided case; a case closed before any decision (no grounds found) needs a reason."""
    _check_actor(actor)
    with transaction.atomic():
        locked = _lock(case, allowed_from=[Status.OPENED, Status.INVESTIGATING, Status.DECIDED])
        if locked.status != Status.DECIDED and not note.strip():
            raise InvalidInput(
                _("The case cannot be closed."),
                errors={"note": [_("Say why the case is closed without a decision.")]},
            )
        from_state = locked.status
        locked.status = Status.CLOSED
        locked.closed_at = now
        locked.save(update_fields=["status", "closed_at"])
        CaseEvent.objects.create(
            case=locked,
            at=now,
            actor_id=_actor_id(actor),
            verb="close",
            from_state=from_state,
            to_state=Status.CLOSED,
            note=note.strip(),
        )
    return locked
