"""Accountability cases: open → investigating → decided → closed (the Party's 2019 Accountability
Regulations). Opening is ``case_open``; every later change is a row of ``supervision.transitions.CASES``
performed through ``CASES.step`` (lock, start state, actor, event in one transaction)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, cast

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from supervision.exposure import exposure_draft, exposure_leaks
from supervision.models import AccountabilityCase, Conversation, Notice
from supervision.permissions import case_may_manage, notice_may_draft
from supervision.transitions import CASES, DENIED, NOTICES
from workstyle import roles
from workstyle.errors import InvalidInput, NotAllowed, TransitionError
from workstyle.roles import Actor
from workstyle.services import audit_record

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
    actor: Actor,
    source: str,
    allegation: str,
    now: datetime,
    subject_cadre: Any = None,
    subject_unit: Any = None,
    complaint: Any = None,
) -> AccountabilityCase:
    """Open a case against one subject: a cadre, or a unit's party organization. ``actor`` None is
    the system."""
    if actor is not None and not case_may_manage(actor):
        raise NotAllowed(DENIED)
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
            CASES.record(case, actor=actor, verb="open", now=now, to_state=Status.OPENED)
    except IntegrityError as exc:
        if "one_escalation_case_per_complaint" in str(exc):
            raise InvalidInput(
                _("The case cannot be opened."),
                errors={"complaint": [_("This complaint already has an escalation case.")]},
            ) from exc
        raise
    return case


def case_investigate(*, actor: Actor, case: AccountabilityCase, now: datetime, note: str = "") -> AccountabilityCase:
    with CASES.step("investigate", actor=actor, obj=case, now=now) as step:
        step.save(note=note.strip())
    return step.obj


def case_decide(
    *, actor: Actor, case: AccountabilityCase, forms: Sequence[str], decision_date: date, text: str, now: datetime
) -> AccountabilityCase:
    """Record the accountability decision: one or more forms that fit the subject, its date and text."""
    with CASES.step("decide", actor=actor, obj=case, now=now) as step:
        locked = step.obj
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
        ordered = [f for f in Form.values if f in chosen]
        step.save(
            decision_forms=ordered,
            decision_date=decision_date,
            decision_text=text.strip(),
            data={"forms": ordered, "decision_date": decision_date.isoformat()},
        )
    return locked


def case_close(*, actor: Actor, case: AccountabilityCase, now: datetime, note: str = "") -> AccountabilityCase:
    """Close a decided case; a case closed before any decision (no grounds found) needs a reason."""
    with CASES.step("close", actor=actor, obj=case, now=now) as step:
        if step.obj.status != Status.DECIDED and not note.strip():
            raise InvalidInput(
                _("The case cannot be closed."),
                errors={"note": [_("Say why the case is closed without a decision.")]},
            )
        step.save(closed_at=now, note=note.strip())
    return step.obj


def conversation_record(
    *,
    actor: Actor,
    cadre: Any,
    kind: str,
    held_on: date,
    reason: str,
    now: datetime,
    outcome: str = "",
) -> Conversation:
    """Record a conversation the discipline office held with a cadre."""
    if not case_may_manage(actor):
        raise NotAllowed(_("Only the discipline office records conversations."))
    errors: dict[str, list[Any]] = {}
    if kind not in Conversation.Kind.values:
        errors["kind"] = [_("Unknown kind of conversation: use admonishing or reminding.")]
    if held_on is None:
        errors["held_on"] = [_("Give the date of the conversation.")]
    elif held_on > timezone.localtime(now).date():
        errors["held_on"] = [_("A conversation cannot be recorded before it is held.")]
    if not (reason or "").strip():
        errors["reason"] = [_("Say why the conversation was held.")]
    own = roles.cadre_of(actor)
    if own is not None and cadre is not None and own.pk == cadre.pk:
        errors["cadre"] = [_("Nobody records a conversation held with himself.")]
    if errors:
        raise InvalidInput(_("The conversation cannot be recorded."), errors=errors)
    with transaction.atomic():
        conversation = Conversation.objects.create(
            cadre=cadre,
            kind=kind,
            held_on=held_on,
            # Only the discipline office gets here: the actor is a signed-in user.
            held_by=cast(Any, actor),
            reason=reason.strip(),
            outcome=(outcome or "").strip(),
            recorded_at=now,
        )
        audit_record(
            actor=actor,
            verb="create",
            now=now,
            target=conversation,
            data={"cadre": cadre.pk, "kind": kind, "held_on": held_on.isoformat()},
        )
    return conversation


# --- Notices -------------------------------------------------------------------------------------------

NoticeStatus = Notice.Status
NOTICE_DRAFT_DENIED = _("Only the discipline office writes notices.")


def _account(actor: Actor) -> Any:
    """The acting user to store, or None for the system."""
    return actor if getattr(actor, "pk", None) is not None else None


def _notice_text_errors(title: str, body: str) -> dict[str, list[Any]]:
    errors: dict[str, list[Any]] = {}
    if not (title or "").strip():
        errors["title"] = [_("Give the notice a title.")]
    elif len(title.strip()) > 200:
        errors["title"] = [_("The title is too long (200 characters at most).")]
    if not (body or "").strip():
        errors["body"] = [_("Write the notice's text.")]
    return errors


def notice_create(*, actor: Actor, title: str, body: str, now: datetime, unit: Any = None, cadre: Any = None) -> Notice:
    """Draft a notice of an advanced model (a role model among the cadres)."""
    if not notice_may_draft(actor):
        raise NotAllowed(NOTICE_DRAFT_DENIED)
    errors = _notice_text_errors(title, body)
    if cadre is not None and unit is not None and cadre.unit_id != unit.pk:
        # A published notice names the cadre with his unit: another unit would misname him.
        errors["unit"] = [
            _("%(cadre)s is a cadre of %(unit)s: choose that unit or none.") % {"cadre": cadre.name, "unit": cadre.unit}
        ]
    if errors:
        raise InvalidInput(_("The notice cannot be saved."), errors=errors)
    with transaction.atomic():
        notice = Notice.objects.create(
            kind=Notice.Kind.MODEL,
            title=title.strip(),
            body=body.strip(),
            unit=unit if unit is not None else getattr(cadre, "unit", None),
            cadre=cadre,
            created_at=now,
            created_by=_account(actor),
        )
        NOTICES.record(notice, actor=actor, verb="create", now=now, to_state=NoticeStatus.DRAFT)
    return notice


def notice_draft_exposure(*, actor: Actor, case: AccountabilityCase, now: datetime) -> Notice:
    """Draft the exposure of a decided case; its text is drafted from the case alone
    (``supervision.exposure``)."""
    if not notice_may_draft(actor):
        raise NotAllowed(NOTICE_DRAFT_DENIED)
    with transaction.atomic():
        case = AccountabilityCase.objects.select_for_update().get(pk=case.pk)
        if case.status not in (Status.DECIDED, Status.CLOSED) or case.decision_date is None:
            raise InvalidInput(
                _("The exposure cannot be drafted."),
                errors={"case": [_("An exposure can only be made from a decided case.")]},
            )
        if Notice.objects.filter(case=case).exclude(status=NoticeStatus.WITHDRAWN).exists():
            raise InvalidInput(
                _("The exposure cannot be drafted."), errors={"case": [_("This case already has an exposure.")]}
            )
        draft = exposure_draft(case)
        notice = Notice.objects.create(
            kind=Notice.Kind.EXPOSURE,
            case=case,
            title=draft["title"],
            body=draft["body"],
            unit=draft["unit"],
            created_at=now,
            created_by=_account(actor),
        )
        NOTICES.record(notice, actor=actor, verb="create", now=now, to_state=NoticeStatus.DRAFT, data={"case": case.pk})
    return notice


def notice_update(*, actor: Actor, notice: Notice, title: str, body: str, now: datetime) -> Notice:
    """Edit a draft. An exposure's text may never name the complainant or repeat the complaint."""
    if not notice_may_draft(actor) or not Notice.objects.visible_to(actor).filter(pk=notice.pk).exists():
        raise NotAllowed(NOTICE_DRAFT_DENIED)
    with transaction.atomic():
        locked = Notice.objects.select_for_update(of=("self",)).select_related("case__complaint").get(pk=notice.pk)
        if locked.status != NoticeStatus.DRAFT:
            raise TransitionError(_("Only a draft can be edited."))
        errors = _notice_text_errors(title, body)
        if not errors and locked.case is not None and exposure_leaks(locked.case, f"{title}\n{body}"):
            errors["body"] = [_("The text names the complainant or repeats the complaint; take that out first.")]
        if errors:
            raise InvalidInput(_("The notice cannot be saved."), errors=errors)
        if (locked.title, locked.body) == (title.strip(), body.strip()):
            return locked
        locked.title, locked.body = title.strip(), body.strip()
        locked.save(update_fields=["title", "body"])
        NOTICES.record(locked, actor=actor, verb="edit", now=now)
    return locked


def notice_publish(*, actor: Actor, notice: Notice, now: datetime) -> Notice:
    with NOTICES.step("publish", actor=actor, obj=notice, now=now) as step:
        step.save(published_at=now, published_on=timezone.localtime(now).date())
    return step.obj


def notice_withdraw(*, actor: Actor, notice: Notice, reason: str, now: datetime) -> Notice:
    """Take a published notice off the public side; it stays on record with the reason."""
    with NOTICES.step("withdraw", actor=actor, obj=notice, now=now) as step:
        if not (reason or "").strip():
            raise InvalidInput(_("The notice cannot be withdrawn."), errors={"reason": [_("Say why it is withdrawn.")]})
        step.save(withdrawn_at=now, withdraw_reason=reason.strip(), note=reason.strip())
    return step.obj
