"""Every change to a complaint. Each transition is a row of ``complaints.transitions.COMPLAINTS``
performed through ``COMPLAINTS.step``: the complaint row locked, the start state, the actor and the
row's guards checked, the change saved with ``update_fields`` and its timeline event written in the
same transaction; notifications are rows now and e-mail on commit (the outbox).

Time limits: the State Council's 2022 Regulations on Letters and Visits (arts. 22, 32, 35): accept
within 15 days, answer within 60, one extension of at most 30 approved above the handling office
with the complainant told, a review asked within 30 days of the answer and answered within 30.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cadres.models import Cadre, Department, Unit
from complaints import attachments as attachments_rules
from complaints import codes
from complaints import notifications as kinds
from complaints.deadlines import category_policy_for
from complaints.models import (
    Attachment,
    Category,
    CategoryPolicy,
    Complaint,
    ComplaintEvent,
    ComplaintRecusal,
    ExtensionRequest,
    IdentityAccess,
    IdentityView,
    Supplement,
)
from complaints.permissions import (
    category_policy_may_change,
    complaint_head,
    complaint_may_bulk_accept,
    complaint_may_intake,
)
from complaints.transitions import COMPLAINTS
from workstyle import roles
from workstyle.deadlines import due_after
from workstyle.errors import InvalidInput, NotAllowed, TransitionError
from workstyle.roles import Actor
from workstyle.services import audit_record, notification_send, notification_withdraw, outbox_notice_send
from workstyle.workflow import Step

log = logging.getLogger(__name__)

S = Complaint.Status
# The states from which nobody owes the complainant anything more.
TERMINAL_STATUSES = (S.CLOSED, S.REJECTED, S.WITHDRAWN)
MAX_TEXT = 10_000


def escalate_overdue(*, now: dt.datetime, batch_size: int = 1000) -> dict[str, int]:
    """The escalation sweep (complaints/escalation.py), re-exported here as the one entry point."""
    from complaints.escalation import escalate_overdue as sweep

    return sweep(now=now, batch_size=batch_size)


# --- helpers ---------------------------------------------------------------------------------------


def _url(complaint: Complaint) -> str:
    try:
        return reverse("complaints:detail", args=[complaint.pk])
    except NoReverseMatch:  # pragma: no cover - the staff pages are always wired
        return ""


def _due(value: dt.datetime | None) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value is not None else ""


def _recused_user_ids(complaint: Complaint) -> set[int]:
    return set(
        Cadre.objects.filter(pk__in=complaint.recused_cadre_ids, user__isnull=False).values_list("user_id", flat=True)
    )


def _without_recused(users: Iterable[Any], complaint: Complaint) -> list[Any]:
    """Recusal holds for notices too: a cadre recused from a complaint is never told about it."""
    recused = _recused_user_ids(complaint) if complaint.recused_cadre_ids else set()
    return [user for user in users if user is not None and user.pk not in recused]


def _discipline_users() -> list[Any]:
    return list(get_user_model().objects.filter(groups__name=roles.DISCIPLINE, is_active=True).distinct())


def _cadre_user(cadre: Cadre | None) -> Any:
    return cadre.user if cadre is not None and cadre.user_id is not None else None


def _notify(complaint: Complaint, *, recipients: Iterable[Any], kind: str, now: dt.datetime, **params: Any) -> None:
    notification_send(
        recipients=_without_recused(recipients, complaint),
        kind=kind,
        params={"code": complaint.tracking_code, **params},
        now=now,
        url=_url(complaint),
    )


def _line_users(complaint: Complaint) -> list[Any]:
    """Who answers for a routed complaint: its head and handler, or the discipline office when
    nobody in the line may (recusal)."""
    head = complaint_head(complaint)
    users = [_cadre_user(head), _cadre_user(complaint.handler) if complaint.handler_id else None]
    if head is None:
        users += _discipline_users()
    return [user for user in users if user is not None]


def _text(value: Any, field: str, *, required: bool = True, max_length: int = MAX_TEXT) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise InvalidInput(_("This field is required."), errors={field: [_("This field is required.")]})
    if len(text) > max_length:
        message = _("Ensure this field has no more than %(max)d characters.") % {"max": max_length}
        raise InvalidInput(message, errors={field: [message]})
    return text


def _track_address() -> str:
    try:
        path = reverse("complaints:track")
    except NoReverseMatch:  # pragma: no cover - the public pages are always wired
        path = ""
    return f"{settings.WORKSTYLE_SITE_URL.rstrip('/')}{path}"


def _tell_complainant(complaint: Complaint, *, now: dt.datetime) -> None:
    """Tell the complainant, by e-mail and text message when he left an address or a number, that
    his complaint changed: its tracking code, its new status and where to track it, nothing more —
    never its words, never a name (a message may be read by anyone holding his phone). Through the
    outboxes, in the transaction of the change."""
    if not (complaint.complainant_email or complaint.complainant_phone):
        return
    with translation.override(settings.LANGUAGE_CODE):
        params = {
            "code": complaint.tracking_code,
            "status": str(complaint.get_status_display()),
            "url": _track_address(),
        }
        subject = gettext("Your complaint %(code)s: %(status)s") % params
        text = gettext("Complaint %(code)s is now: %(status)s. Track it with your access key at %(url)s") % params
    outbox_notice_send(
        email=complaint.complainant_email, phone=complaint.complainant_phone, subject=subject, text=text, now=now
    )


# --- submission ------------------------------------------------------------------------------------


def _match_accused(unit: Unit | None, accused_name: str) -> Cadre | None:
    """The cadre named, when the name matches exactly one active cadre of the chosen unit; a guess
    between two namesakes would misroute the recusal, so then nobody is linked (staff may link)."""
    if unit is None or not accused_name:
        return None
    matches = list(Cadre.objects.filter(unit=unit, active=True, name=accused_name)[:2])
    return matches[0] if len(matches) == 1 else None


def complaint_submit(
    *,
    actor: Actor,
    channel: str,
    category: str,
    title: str,
    description: str,
    unit: Unit | None = None,
    accused_name: str = "",
    accused_cadre: Cadre | None = None,
    complainant_name: str = "",
    complainant_phone: str = "",
    complainant_email: str = "",
    attachments: Sequence[Any] = (),
    received_at: dt.datetime | None = None,
    now: dt.datetime,
) -> tuple[Complaint, str]:
    """File a complaint (the public, or staff recording a letter, call or visit). Returns the
    complaint and its access key, which exists in plain text only in this return value. Deadlines
    run from ``received_at`` (a letter's day of receipt; default: now)."""
    errors: dict[str, list[Any]] = {}
    received = received_at or now

    def check(field: str, value: Any, *, required: bool = False, max_length: int = MAX_TEXT) -> str:
        try:
            return _text(value, field, required=required, max_length=max_length)
        except InvalidInput as exc:
            errors.update(exc.errors)
            return ""

    title = check("title", title, required=True, max_length=200)
    description = check("description", description, required=True)
    accused_name = " ".join(check("accused_name", accused_name, max_length=64).split())
    complainant_name = check("complainant_name", complainant_name, max_length=64)
    complainant_phone = check("complainant_phone", complainant_phone, max_length=32)
    complainant_email = check("complainant_email", complainant_email, max_length=254)
    if category not in Category.values:
        errors["category"] = [_("Select a valid choice.")]
    if channel not in Complaint.Channel.values:
        errors["channel"] = [_("Select a valid choice.")]
    if complainant_email:
        try:
            validate_email(complainant_email)
        except ValidationError:
            errors["complainant_email"] = [_("Enter a valid email address.")]
    if unit is not None and not unit.active:
        errors["unit"] = [_("Select a valid choice.")]
    if accused_cadre is not None and not roles.is_staff_user(actor):
        # Only staff link a cadre; the public names one, and the name is matched below.
        raise NotAllowed(_("Only staff may link the cadre complained about."))
    files = list(attachments)
    content_types = _check_files(files, errors)
    if errors:
        raise InvalidInput(_("The input is not valid."), errors=errors)

    if accused_cadre is None:
        accused_cadre = _match_accused(unit, accused_name)
    policy = category_policy_for(category)
    access_key = codes.new_access_key()
    stored_files: list[Any] = []
    try:
        with transaction.atomic():
            complaint = _create_with_unique_code(
                channel=channel,
                category=category,
                title=title,
                description=description,
                unit=unit,
                accused_name=accused_name,
                accused_cadre=accused_cadre,
                complainant_name=complainant_name,
                complainant_phone=complainant_phone,
                complainant_email=complainant_email,
                access_key_hash=codes.hash_access_key(access_key),
                status=S.SUBMITTED,
                submitted_at=received,
                accept_due_at=due_after(received, policy.accept_days),
            )
            if accused_cadre is not None:
                _recuse(complaint, [accused_cadre.pk])
            _store_files(complaint, files, content_types, now=now, stored=stored_files)
            data: dict[str, Any] = {"channel": channel, "attachments": len(files)}
            if received_at is not None:
                data["received_at"] = received_at.isoformat()
            COMPLAINTS.record(complaint, actor=actor, verb="submit", now=now, to_state=S.SUBMITTED, data=data)
            _notify(
                complaint,
                recipients=_discipline_users(),
                kind=kinds.SUBMITTED,
                now=now,
                due=_due(complaint.accept_due_at),
            )
    except BaseException:
        _remove_files(stored_files)
        raise
    return complaint, access_key


def _check_files(files: list[Any], errors: dict[str, list[Any]]) -> list[str]:
    """The content types of ``files``, checked by content whatever the caller did (the service is
    the last gate); problems go to ``errors["attachments"]``."""
    content_types: list[str] = []
    try:
        attachments_rules.validate_attachment_count(files)
    except ValidationError as exc:
        errors["attachments"] = list(exc.messages)
        return content_types
    for file in files:
        try:
            content_types.append(attachments_rules.validate_attachment(file))
        except ValidationError as exc:
            errors.setdefault("attachments", []).extend(exc.messages)
    return content_types


def _store_files(
    complaint: Complaint,
    files: list[Any],
    content_types: list[str],
    *,
    now: dt.datetime,
    stored: list[Any],
    supplement: Supplement | None = None,
) -> None:
    for file, content_type in zip(files, content_types, strict=True):
        file = attachments_rules.strip_metadata(file, content_type)  # pictures without their metadata
        attachment = Attachment(
            complaint=complaint,
            supplement=supplement,
            original_name=PurePath(str(getattr(file, "name", "") or "")).name[:200] or "attachment",
            content_type=content_type,
            size=file.size,
            uploaded_at=now,
        )
        file.seek(0)
        attachment.file.save(attachments_rules.storage_name(content_type), File(file), save=False)
        stored.append(attachment.file)
        attachment.save()


def _remove_files(stored_files: list[Any]) -> None:
    # Files are not transactional: remove what a failed change wrote.
    for stored in stored_files:
        try:
            stored.storage.delete(stored.name)
        except OSError:  # pragma: no cover - best effort
            log.warning("could not delete orphan attachment %s", stored.name, exc_info=True)


# How far back a letter's day of receipt may lie: an older one is a typing error, not a letter.
INTAKE_MAX_AGE = timedelta(days=366)


def complaint_intake(
    *,
    actor: Actor,
    channel: str,
    received_at: dt.datetime,
    category: str,
    title: str,
    description: str,
    unit: Unit | None = None,
    accused_name: str = "",
    accused_cadre: Cadre | None = None,
    complainant_name: str = "",
    complainant_phone: str = "",
    complainant_email: str = "",
    attachments: Sequence[Any] = (),
    now: dt.datetime,
) -> tuple[Complaint, str]:
    """The discipline office records a complaint received by letter, phone or in person (来信、来电、
    来访), with scans of the letter as attachments. Its deadlines run from the day it was received;
    the complainant's details are hidden like any other's. Returns the complaint and its key, for
    the receipt the office hands or reads out to the complainant."""
    if not complaint_may_intake(actor):
        raise NotAllowed(_("Only the discipline office records letters, calls and visits."))
    if channel not in Complaint.STAFF_CHANNELS:
        message = _("Choose letter, phone or visit.")
        raise InvalidInput(message, errors={"channel": [message]})
    if not isinstance(received_at, dt.datetime) or received_at > now or received_at < now - INTAKE_MAX_AGE:
        message = _("Give the day it was received: not in the future, and within the last year.")
        raise InvalidInput(message, errors={"received_at": [message]})
    return complaint_submit(
        actor=actor,
        channel=channel,
        category=category,
        title=title,
        description=description,
        unit=unit,
        accused_name=accused_name,
        accused_cadre=accused_cadre,
        complainant_name=complainant_name,
        complainant_phone=complainant_phone,
        complainant_email=complainant_email,
        attachments=attachments,
        received_at=received_at,
        now=now,
    )


def complaint_reissue_key(*, actor: Actor, complaint: Complaint, now: dt.datetime) -> tuple[Complaint, str]:
    """A new access key for a reprinted receipt: the first key was shown once and is stored only as
    its digest, so a reprint replaces it (the old key stops working). Recorded in the timeline."""
    if not complaint_may_intake(actor):
        raise NotAllowed(_("Only the discipline office may issue a new key."))
    key = codes.new_access_key()
    with transaction.atomic():
        locked = Complaint.objects.visible_to(actor).select_for_update().filter(pk=complaint.pk).first()
        if locked is None:
            raise NotAllowed(_("Only the discipline office may issue a new key."))
        locked.access_key_hash = codes.hash_access_key(key)
        locked.save(update_fields=["access_key_hash", "updated_at"])
        COMPLAINTS.record(locked, actor=actor, verb="reissue_key", now=now)
    return locked, key


def _create_with_unique_code(**fields: Any) -> Complaint:
    """Insert with a fresh tracking code; a collision (rare among 2^59 codes) only costs another try."""
    for attempt in range(5):
        try:
            with transaction.atomic():
                return Complaint.objects.create(tracking_code=codes.new_tracking_code(), **fields)
        except IntegrityError:
            if attempt == 4:
                raise
    raise AssertionError("unreachable")


# --- triage ----------------------------------------------------------------------------------------


def _unit_head_for(unit: Unit, recused: Collection[int]) -> Cadre | None:
    """The head of ``unit``, or of the nearest unit above, who is active and not recused."""
    for node in [unit, *unit.ancestors()]:
        head = node.head
        if head is not None and head.active and head.pk not in recused:
            return head
    return None


def _route(step: Step, *, department: Department) -> None:
    """Accept and route the step's complaint to ``department``, skipping a recused head."""
    complaint, now = step.obj, step.now
    head = department.head
    recused = head is not None and head.pk in complaint.recused_cadre_ids
    responsible = None
    if head is None or recused or not head.active:
        responsible = _unit_head_for(department.unit, complaint.recused_cadre_ids)
    reply_due_at = due_after(now, category_policy_for(complaint.category).reply_days)
    step.save(
        department=department,
        responsible_head=responsible,
        accepted_at=now,
        routed_at=now,
        reply_due_at=reply_due_at,
        # The department's clock starts now: a late acceptance was the office's delay, not its own.
        escalation_level=Complaint.Level.HANDLER,
        escalated_at=None,
        reminded_for=None,
        data={"department": department.pk, "reply_due_at": reply_due_at.isoformat()},
    )
    if recused:
        step.record(
            verb="route_past",
            data={"department": department.pk, "responsible_head": responsible.pk if responsible else None},
        )
    _notify_routed(complaint, department=department, now=now)


def _notify_routed(complaint: Complaint, *, department: Department, now: dt.datetime) -> None:
    """Tell whoever now answers for a routed complaint to assign it: its head, or the discipline
    office when nobody in the line may (recusal)."""
    head = complaint_head(complaint)
    _notify(
        complaint,
        recipients=[_cadre_user(head)] if head is not None else _discipline_users(),
        kind=kinds.ROUTED if head is not None else kinds.ROUTED_TO_OFFICE,
        now=now,
        department=department.name,
        due=_due(complaint.reply_due_at),
    )


def _check_department(department: Any) -> Department:
    if not isinstance(department, Department) or not department.active:
        raise InvalidInput(
            _("Select an active department."), errors={"department": [_("Select an active department.")]}
        )
    return department


def complaint_accept(*, actor: Actor, complaint: Complaint, department: Department, now: dt.datetime) -> Complaint:
    """The discipline office accepts a complaint and routes it to a department (recusal applied)."""
    department = _check_department(department)
    with COMPLAINTS.step("accept", actor=actor, obj=complaint, now=now) as step:
        _route(step, department=department)
        _tell_complainant(step.obj, now=now)
    return step.obj


def complaint_bulk_accept(
    *, actor: Actor, complaints: Iterable[Complaint], department: Department, now: dt.datetime
) -> list[Complaint]:
    """Accept several complaints into one department, all or none."""
    department = _check_department(department)
    ids = sorted({complaint.pk for complaint in complaints})
    if not ids:
        raise InvalidInput(
            _("Select at least one complaint."), errors={"complaints": [_("Select at least one complaint.")]}
        )
    with transaction.atomic():
        # Locked in id order, so that two overlapping bulk accepts cannot deadlock.
        locked = list(Complaint.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
        for complaint in locked:
            COMPLAINTS.authorize("accept", actor=actor, obj=complaint)
        not_submitted = [complaint.tracking_code for complaint in locked if complaint.status != S.SUBMITTED]
        if not_submitted:
            raise TransitionError(
                _("These complaints are no longer waiting for acceptance: %(codes)s")
                % {"codes": ", ".join(not_submitted)}
            )
        routed = []
        for complaint in locked:
            with COMPLAINTS.step("accept", actor=actor, obj=complaint, now=now) as step:
                _route(step, department=department)
                _tell_complainant(step.obj, now=now)
            routed.append(step.obj)
    return routed


@dataclass(frozen=True)
class BulkAcceptOutcome:
    """One row of a bulk acceptance: accepted, or why not."""

    complaint: Complaint
    accepted: bool
    message: str = ""


def complaint_bulk_accept_each(
    *, actor: Actor, complaints: Iterable[Complaint], department: Department, now: dt.datetime
) -> list[BulkAcceptOutcome]:
    """Accept into one department those of ``complaints`` still waiting for acceptance and say, for
    each of the others, why not (bulk routing of the workbench and of the API). The rows are checked
    under the locks ``complaint_bulk_accept`` takes, so a row someone accepted meanwhile is reported,
    never routed twice, and it does not hold up the others. Outcomes come in the order given."""
    if not complaint_may_bulk_accept(actor):
        raise NotAllowed(COMPLAINTS["accept"].denied)
    department = _check_department(department)
    order = list(dict.fromkeys(complaint.pk for complaint in complaints))
    if not order:
        return []
    outcomes: dict[int, BulkAcceptOutcome] = {}
    with transaction.atomic():
        # Locked in id order, as complaint_bulk_accept does, so that the nested lock is a no-op.
        locked = list(Complaint.objects.select_for_update().filter(pk__in=order).order_by("pk"))
        ready = []
        for complaint in locked:
            refusal: Any
            try:
                COMPLAINTS.check("accept", actor=actor, obj=complaint, now=now)
            except NotAllowed as exc:
                refusal = exc.message
            except TransitionError:
                refusal = _("Not routed: it is no longer waiting for acceptance (status: %(status)s).") % {
                    "status": complaint.get_status_display()
                }
            else:
                ready.append(complaint)
                continue
            outcomes[complaint.pk] = BulkAcceptOutcome(complaint, accepted=False, message=str(refusal))
        if ready:
            for complaint in complaint_bulk_accept(actor=actor, complaints=ready, department=department, now=now):
                outcomes[complaint.pk] = BulkAcceptOutcome(complaint, accepted=True)
    return [outcomes[pk] for pk in order if pk in outcomes]


def complaint_reject(*, actor: Actor, complaint: Complaint, reason: str, now: dt.datetime) -> Complaint:
    """Not accepted (outside the office's scope), with the reason the complainant reads."""
    reason = _text(reason, "reason")
    with COMPLAINTS.step("reject", actor=actor, obj=complaint, now=now) as step:
        step.save(reject_reason=reason, closed_at=now, note=reason)
        _tell_complainant(step.obj, now=now)
    return step.obj


def complaint_reroute(
    *, actor: Actor, complaint: Complaint, department: Department, reason: str, now: dt.datetime
) -> Complaint:
    """The discipline office sends a routed (or returned) complaint to another department (改派),
    with a reason. The reply stays due when it was: the deadline runs from acceptance, whoever
    holds the complaint; the new department's head assigns a handler afresh."""
    department = _check_department(department)
    reason = _text(reason, "reason")
    with COMPLAINTS.step("reroute", actor=actor, obj=complaint, now=now) as step:
        complaint = step.obj
        if complaint.department_id == department.pk:
            message = _("The complaint is with this department already; choose another one.")
            raise InvalidInput(message, errors={"department": [message]})
        head_before = complaint_head(complaint)
        before = [_cadre_user(head_before), _cadre_user(complaint.handler) if complaint.handler_id else None]
        old_department = complaint.department_id
        head = department.head
        recused = head is not None and head.pk in complaint.recused_cadre_ids
        responsible = None
        if head is None or recused or not head.active:
            responsible = _unit_head_for(department.unit, complaint.recused_cadre_ids)
        step.save(
            department=department,
            responsible_head=responsible,
            handler=None,
            assigned_at=None,
            routed_at=now,
            note=reason,
            data={"department": department.pk, "from_department": old_department},
        )
        if recused:
            step.record(
                verb="route_past",
                data={"department": department.pk, "responsible_head": responsible.pk if responsible else None},
            )
        _notify(complaint, recipients=before, kind=kinds.REROUTED_AWAY, now=now)
        _notify_routed(complaint, department=department, now=now)
    return complaint


def complaint_return(*, actor: Actor, complaint: Complaint, reason: str, now: dt.datetime) -> Complaint:
    """The department gives a complaint that is not its business back to the discipline office
    (退回), with a reason, within ``WORKSTYLE_RETURN_DAYS`` of getting it. The reply deadline keeps
    running: a return buys nobody time."""
    reason = _text(reason, "reason")
    with COMPLAINTS.step("return", actor=actor, obj=complaint, now=now) as step:
        complaint = step.obj
        step.save(handler=None, assigned_at=None, note=reason, data={"department": complaint.department_id})
        department = complaint.department
        _notify(
            complaint,
            recipients=_discipline_users(),
            kind=kinds.RETURNED,
            now=now,
            department=f"{department.unit.name} · {department.name}" if department is not None else "",
            due=_due(complaint.reply_due_at),
        )
    return complaint


def _family_ids(complaint: Complaint) -> list[int]:
    """The complaint and every complaint merged with it, directly or through others: one matter."""
    root = complaint.pk
    into = complaint.merged_into_id
    while into is not None:
        root, into = into, Complaint.objects.filter(pk=into).values_list("merged_into_id", flat=True).first()
    family, frontier = [root], [root]
    while frontier:
        frontier = list(Complaint.objects.filter(merged_into_id__in=frontier).values_list("pk", flat=True))
        family += frontier
    return family


def _recuse(complaint: Complaint, cadre_ids: Iterable[int]) -> set[int]:
    """Recuse cadres from ``complaint``; returns those who were not yet."""
    new = set(cadre_ids) - complaint.recused_cadre_ids
    if new:
        ComplaintRecusal.objects.bulk_create(
            [ComplaintRecusal(complaint=complaint, cadre_id=pk) for pk in sorted(new)], ignore_conflicts=True
        )
        complaint.__dict__["_recused"] = complaint.recused_cadre_ids | new
    return new


def _step_aside(complaint: Complaint) -> dict[str, Any]:
    """What takes an unsettled complaint away from recused cadres who answer for it or handle it:
    the next head up answers instead, and a recused handler gives it back for a new one."""
    fields: dict[str, Any] = {}
    if complaint.status in TERMINAL_STATUSES:
        return fields
    recused = complaint.recused_cadre_ids
    department = complaint.department
    if department is not None:
        current = complaint.responsible_head_id or department.head_id
        if current in recused or department.head_id is None:
            responsible = _unit_head_for(department.unit, recused)
            if (responsible.pk if responsible else None) != complaint.responsible_head_id:
                fields["responsible_head"] = responsible
    if complaint.handler_id in recused:
        # He may not handle a complaint he is recused from: back to his head for a new handler.
        fields["handler"] = None
        if complaint.status == S.ASSIGNED:
            fields["status"] = S.ACCEPTED
    return fields


def _spread_recusal(
    step: Step, members: Iterable[Complaint], cadre_ids: Collection[int], *, data: dict[str, Any]
) -> None:
    """Recuse ``cadre_ids`` from the other complaints of the step's matter (locked by the caller):
    each that is still open steps aside from them, with its own timeline entry, and whoever now
    answers for it is told; notices already sent to them about any of it are withdrawn."""
    newly: set[int] = set()
    for member in members:
        newly |= _recuse(member, cadre_ids)
        changes = _step_aside(member)
        if not changes:
            continue
        from_state = member.status
        for name, value in changes.items():
            setattr(member, name, value)
        member.save(update_fields=[*changes, "updated_at"])
        COMPLAINTS.record(
            member,
            actor=step.actor,
            verb="route_past",
            now=step.now,
            from_state=from_state,
            to_state=member.status,
            data={**data, "via": step.obj.pk, "responsible_head": member.responsible_head_id},
        )
        if member.department is not None:
            _notify_routed(member, department=member.department, now=step.now)
    _withdraw_notices(cadre_ids, [step.obj, *members], now=step.now)


def _withdraw_notices(cadre_ids: Collection[int], complaints: Iterable[Complaint], *, now: dt.datetime) -> None:
    """The notices a cadre received about a complaint before he was recused from it are taken back:
    unread or read, they leave his list, and e-mails not yet sent are not sent."""
    users = set(Cadre.objects.filter(pk__in=cadre_ids, user__isnull=False).values_list("user_id", flat=True))
    if users:
        notification_withdraw(user_ids=users, urls=[_url(complaint) for complaint in complaints], now=now)


def _lock_family(complaint: Complaint, *others: Complaint) -> dict[int, Complaint]:
    """Every complaint of the matters of ``complaint`` and ``others``, locked in id order (so that
    two changes to overlapping matters cannot deadlock)."""
    ids = {pk for member in (complaint, *others) for pk in _family_ids(member)}
    return {row.pk: row for row in Complaint.objects.select_for_update().filter(pk__in=ids).order_by("pk")}


def complaint_link_accused(*, actor: Actor, complaint: Complaint, cadre: Cadre, now: dt.datetime) -> Complaint:
    """The discipline office links the cadre complained about (the name matched nobody or several),
    in whatever state the complaint is. From then on he is recused from it and from every complaint
    merged with it: he loses sight of them, routing and handling skip him, and the notices he had
    about them are withdrawn."""
    if not isinstance(cadre, Cadre):
        raise InvalidInput(_("Select a cadre."), errors={"cadre": [_("Select a cadre.")]})
    with transaction.atomic():
        family = _lock_family(complaint)
        with COMPLAINTS.step("link_accused", actor=actor, obj=complaint, now=now) as step:
            complaint = step.obj
            if complaint.accused_cadre_id == cadre.pk:
                return complaint
            _recuse(complaint, [cadre.pk])
            fields: dict[str, Any] = {"accused_cadre": cadre, **_step_aside(complaint)}
            responsible_id = complaint.responsible_head_id
            if "responsible_head" in fields:
                responsible_id = fields["responsible_head"].pk if fields["responsible_head"] else None
            data = {"accused_cadre": cadre.pk}
            step.save(**fields, data={**data, "responsible_head": responsible_id}, states=True)
            department = complaint.department
            if department is not None and {"responsible_head", "handler"} & set(fields):
                # Someone new answers for it, or it needs a new handler: tell him, as on routing.
                _notify_routed(complaint, department=department, now=now)
            others = [member for pk, member in family.items() if pk != complaint.pk]
            _spread_recusal(step, others, [cadre.pk], data=data)
    return complaint


# --- handling --------------------------------------------------------------------------------------


def complaint_assign(*, actor: Actor, complaint: Complaint, handler: Cadre, now: dt.datetime) -> Complaint:
    """The head who answers for the complaint gives it to a handler (reassigning is allowed)."""
    if not isinstance(handler, Cadre):
        raise InvalidInput(_("Select a handler."), errors={"handler": [_("Select a handler.")]})
    with COMPLAINTS.step("assign", actor=actor, obj=complaint, now=now) as step:
        complaint = step.obj
        if handler.pk in complaint.recused_cadre_ids:
            message = _("The cadre complained about may not handle the complaint.")
            raise InvalidInput(message, errors={"handler": [message]})
        in_scope = roles.is_discipline(actor) or Cadre.objects.visible_to(actor).filter(pk=handler.pk).exists()
        if not handler.active or not in_scope:
            message = _("Select an active cadre of your unit or department.")
            raise InvalidInput(message, errors={"handler": [message]})
        if complaint.status == S.ASSIGNED and complaint.handler_id == handler.pk:
            return complaint
        step.save(handler=handler, assigned_at=now, data={"handler": handler.pk})
        _notify(
            complaint, recipients=[_cadre_user(handler)], kind=kinds.ASSIGNED, now=now, due=_due(complaint.reply_due_at)
        )
    return complaint


def complaint_request_extension(
    *, actor: Actor, complaint: Complaint, days: int, reason: str, now: dt.datetime
) -> ExtensionRequest:
    """The head asks the discipline office for the one extension a complaint may get."""
    reason = _text(reason, "reason")
    with COMPLAINTS.step("request_extension", actor=actor, obj=complaint, now=now) as step:
        complaint = step.obj
        maximum = category_policy_for(complaint.category).max_extension_days
        if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= maximum:
            message = _("Enter a number of days from 1 to %(max)d.") % {"max": maximum}
            raise InvalidInput(message, errors={"days": [message]})
        request = ExtensionRequest.objects.create(
            complaint=complaint, days=days, reason=reason, requested_by=step.user, requested_at=now
        )
        step.record(note=reason, data={"days": days, "request": request.pk})
        _notify(complaint, recipients=_discipline_users(), kind=kinds.EXTENSION_REQUESTED, now=now, days=days)
    return request


def _decide_extension(step: Step, *, note: str, approve: bool) -> ExtensionRequest:
    """Mark the pending request of the step's complaint decided (locked after the complaint, as
    everywhere, so that no two decisions cross)."""
    request = ExtensionRequest.objects.select_for_update().get(
        complaint=step.obj, status=ExtensionRequest.Status.PENDING
    )
    request.status = ExtensionRequest.Status.APPROVED if approve else ExtensionRequest.Status.REFUSED
    request.decided_by = step.user
    request.decided_at = step.now
    request.decision_note = note
    request.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    return request


def complaint_approve_extension(*, actor: Actor, complaint: Complaint, now: dt.datetime, note: str = "") -> Complaint:
    """The discipline office approves the extension: the reply deadline moves, the complainant reads
    it on the tracking page (a public timeline entry), the head and handler are told."""
    note = _text(note, "note", required=False)
    with COMPLAINTS.step("approve_extension", actor=actor, obj=complaint, now=now) as step:
        complaint = step.obj
        request = _decide_extension(step, note=note, approve=True)
        assert complaint.reply_due_at is not None
        reply_due_at = due_after(complaint.reply_due_at, request.days)
        step.save(
            reply_due_at=reply_due_at,
            extended=True,
            extension_days=request.days,
            note=note,
            # "public": shown to the complainant on the tracking page (the regulations require he
            # be told); the note itself stays internal.
            data={
                "public": True,
                "days": request.days,
                "reply_due_at": reply_due_at.isoformat(),
                "request": request.pk,
            },
        )
        _notify(
            complaint,
            recipients=[*_line_users(complaint), request.requested_by],
            kind=kinds.EXTENSION_APPROVED,
            now=now,
            days=request.days,
            due=_due(complaint.reply_due_at),
        )
    return complaint


def complaint_refuse_extension(*, actor: Actor, complaint: Complaint, now: dt.datetime, note: str = "") -> Complaint:
    note = _text(note, "note", required=False)
    with COMPLAINTS.step("refuse_extension", actor=actor, obj=complaint, now=now) as step:
        complaint = step.obj
        request = _decide_extension(step, note=note, approve=False)
        step.record(note=note, data={"days": request.days, "request": request.pk})
        _notify(
            complaint,
            recipients=[*_line_users(complaint), request.requested_by],
            kind=kinds.EXTENSION_REFUSED,
            now=now,
            due=_due(complaint.reply_due_at),
        )
    return complaint


def complaint_reply(*, actor: Actor, complaint: Complaint, text: str, now: dt.datetime) -> Complaint:
    """The handler or the head answers the complainant."""
    text = _text(text, "text")
    with COMPLAINTS.step("reply", actor=actor, obj=complaint, now=now) as step:
        step.save(reply_text=text, replied_at=now, replied_by=step.user)
        _tell_complainant(step.obj, now=now)
    return step.obj


def complaint_review_statement(*, actor: Actor, complaint: Complaint, text: str, now: dt.datetime) -> Complaint:
    """The department that replied adds its statement for the review; the discipline office, which
    answers the review, reads it in the timeline. The complainant does not."""
    text = _text(text, "text")
    with COMPLAINTS.step("review_statement", actor=actor, obj=complaint, now=now) as step:
        step.record(note=text)
        _notify(step.obj, recipients=_discipline_users(), kind=kinds.REVIEW_STATEMENT, now=now)
    return step.obj


def complaint_reply_review(*, actor: Actor, complaint: Complaint, text: str, now: dt.datetime) -> Complaint:
    """The discipline office answers the review — never the department or handler who gave the
    first reply (the table's ``review_body``)."""
    text = _text(text, "text")
    with COMPLAINTS.step("reply_review", actor=actor, obj=complaint, now=now) as step:
        step.save(review_reply_text=text, review_replied_at=now)
        _tell_complainant(step.obj, now=now)
    return step.obj


def complaint_follow_up(*, actor: Actor, complaint: Complaint, note: str, now: dt.datetime) -> Complaint:
    """The discipline office records a follow-up call to the complainant (回访): who called (the
    actor), when (now) and what the complainant said (the note)."""
    note = _text(note, "note", max_length=5000)
    with COMPLAINTS.step("follow_up", actor=actor, obj=complaint, now=now) as step:
        step.record(note=note)
    return step.obj


def complaint_close(*, actor: Actor, complaint: Complaint, now: dt.datetime) -> Complaint:
    """Close an answered complaint: the discipline office or the head; the system (``actor`` None)
    once the complainant's window for a review has passed."""
    with COMPLAINTS.step("close", actor=actor, obj=complaint, now=now) as step:
        step.save(closed_at=now)
    return step.obj


def complaint_close_answered(*, now: dt.datetime, limit: int = 500) -> int:
    """Close, as the system, answered complaints whose complainant let the review window pass.

    A calendar-day prefilter finds the candidates (a window in working days only ends later);
    each is then closed through ``complaint_close``, which locks it and checks the exact deadline,
    so a review asked for a moment earlier wins and concurrent runs close each complaint once."""
    shortest = (
        CategoryPolicy.objects.order_by("review_window_days").values_list("review_window_days", flat=True).first()
    )
    horizon = now - timedelta(days=shortest if shortest is not None else 30)
    candidates = list(
        Complaint.objects.filter(status__in=[S.REPLIED, S.REVIEW_REPLIED])
        .filter(Q(review_replied_at__lt=horizon) | Q(review_replied_at__isnull=True, replied_at__lt=horizon))
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    closed = 0
    for pk in candidates:
        try:
            complaint_close(actor=None, complaint=Complaint(pk=pk), now=now)
        except TransitionError:
            continue  # still within its own category's window, or changed meanwhile
        closed += 1
    return closed


def complaint_merge(*, actor: Actor, complaint: Complaint, into: Complaint, now: dt.datetime) -> Complaint:
    """Withdraw a duplicate: it joins ``into`` and is answered there."""
    if not isinstance(into, Complaint) or into.pk == complaint.pk:
        message = _("A complaint cannot be merged into itself.")
        raise InvalidInput(message, errors={"into": [message]})
    with transaction.atomic():
        # Both matters locked, in id order, so that merging A into B and B into A at once cannot
        # deadlock or leave a cycle; the step below takes the lock it already holds.
        family = _lock_family(complaint, into)
        target = family.get(into.pk)
        with COMPLAINTS.step("merge", actor=actor, obj=complaint, now=now) as step:
            if target is None or not Complaint.objects.visible_to(actor).filter(pk=target.pk).exists():
                message = _("Select a complaint you can see.")
                raise InvalidInput(message, errors={"into": [message]})
            if target.status == S.WITHDRAWN:
                message = _("A complaint cannot be merged into a withdrawn one.")
                raise InvalidInput(message, errors={"into": [message]})
            step.save(merged_into=target, closed_at=now, data={"into": target.pk, "into_code": target.tracking_code})
            # One matter now: whoever is recused from one part is recused from all of it.
            members = [family[pk] for pk in family if pk != complaint.pk]
            recused = set().union(step.obj.recused_cadre_ids, *(member.recused_cadre_ids for member in members))
            _recuse(step.obj, recused)
            _spread_recusal(step, members, recused, data={"merged": step.obj.pk})
    return step.obj


# --- the complainant -------------------------------------------------------------------------------


def complaint_feedback(*, complaint: Complaint, rating: str, comment: str, now: dt.datetime) -> Complaint:
    """The complainant rates the reply, once, in three levels; the discipline office hears of a
    dissatisfied one."""
    if rating not in Complaint.Rating.values:
        message = _("Choose satisfied, basically satisfied or dissatisfied.")
        raise InvalidInput(message, errors={"rating": [message]})
    comment = _text(comment, "comment", required=False, max_length=2000)
    with COMPLAINTS.step("feedback", actor=None, obj=complaint, now=now) as step:
        step.save(rating=rating, feedback_comment=comment, feedback_at=now, note=comment, data={"rating": rating})
        if rating == Complaint.Rating.DISSATISFIED:
            _notify(step.obj, recipients=_discipline_users(), kind=kinds.DISSATISFIED, now=now)
    return step.obj


def complaint_request_review(*, complaint: Complaint, reason: str, now: dt.datetime) -> Complaint:
    """The complainant asks for a review within the window after the reply (also when staff closed
    the complaint meanwhile); the head must answer within the policy's time."""
    reason = _text(reason, "reason", max_length=5000)
    with COMPLAINTS.step("request_review", actor=None, obj=complaint, now=now) as step:
        complaint = step.obj
        step.save(
            review_reason=reason,
            review_requested_at=now,
            review_due_at=due_after(now, category_policy_for(complaint.category).review_reply_days),
            closed_at=None,
            # A new answer is owed: its own deadline, its own ladder.
            escalation_level=Complaint.Level.HANDLER,
            escalated_at=None,
            reminded_for=None,
            note=reason,
        )
        # The review is the office's to answer; the department that replied may add a statement.
        office = _discipline_users()
        _notify(complaint, recipients=office, kind=kinds.REVIEW_REQUESTED, now=now, due=_due(complaint.review_due_at))
        line = [user for user in _line_users(complaint) if user not in office]
        _notify(
            complaint, recipients=line, kind=kinds.REVIEW_STATEMENT_INVITED, now=now, due=_due(complaint.review_due_at)
        )
    return complaint


def complaint_supplement(
    *, complaint: Complaint, text: str, attachments: Sequence[Any] = (), now: dt.datetime
) -> Supplement:
    """The complainant adds material (补充材料) to a complaint that is still open, with his code and
    key: a text and attachments. It joins the timeline, and whoever handles the complaint now is
    told (the discipline office while it decides, or answers a review or a return)."""
    errors: dict[str, list[Any]] = {}
    try:
        text = _text(text, "text", max_length=5000)
    except InvalidInput as exc:
        errors.update(exc.errors)
    files = list(attachments)
    content_types = _check_files(files, errors)
    if errors:
        raise InvalidInput(_("The input is not valid."), errors=errors)
    stored: list[Any] = []
    try:
        with COMPLAINTS.step("supplement", actor=None, obj=complaint, now=now) as step:
            complaint = step.obj
            supplement = Supplement.objects.create(complaint=complaint, text=text, at=now)
            _store_files(complaint, files, content_types, now=now, stored=stored, supplement=supplement)
            step.record(note=text, data={"supplement": supplement.pk, "attachments": len(files)})
            office_owes = complaint.status in (S.SUBMITTED, S.RETURNED, S.REVIEW_REQUESTED)
            _notify(
                complaint,
                recipients=_discipline_users() if office_owes else _line_users(complaint),
                kind=kinds.SUPPLEMENTED,
                now=now,
                attachments=len(files),
            )
    except BaseException:
        _remove_files(stored)
        raise
    return supplement


# --- the complainant's identity --------------------------------------------------------------------


def complaint_reveal_identity(*, actor: Actor, complaint: Complaint, reason: str, now: dt.datetime) -> IdentityAccess:
    """A discipline officer looks at the complainant's identity: always with a reason, always on the
    timeline."""
    reason = _text(reason, "reason")
    with COMPLAINTS.step("reveal_identity", actor=actor, obj=complaint, now=now) as step:
        access = IdentityAccess.objects.create(
            complaint=step.obj,
            user=step.user,
            kind=IdentityAccess.Kind.REVEAL,
            reason=reason,
            status=IdentityAccess.Status.GRANTED,
            requested_at=now,
            decided_by=step.user,
            decided_at=now,
            expires_at=_access_expiry(now),
        )
        step.record(note=reason, data={"access": access.pk})
    return access


def complaint_request_identity(*, actor: Actor, complaint: Complaint, reason: str, now: dt.datetime) -> IdentityAccess:
    """Staff outside the discipline office ask to see the complainant's identity."""
    reason = _text(reason, "reason")
    with COMPLAINTS.step("request_identity", actor=actor, obj=complaint, now=now) as step:
        access = IdentityAccess.objects.create(
            complaint=step.obj, user=step.user, kind=IdentityAccess.Kind.REQUEST, reason=reason, requested_at=now
        )
        step.record(note=reason, data={"access": access.pk})
        _notify(step.obj, recipients=_discipline_users(), kind=kinds.IDENTITY_REQUESTED, now=now)
    return access


def _decide_identity(
    *, actor: Actor, complaint: Complaint | None, access: IdentityAccess, now: dt.datetime, note: str, grant: bool
) -> IdentityAccess:
    note = _text(note, "note", required=False)
    if complaint is not None and access.complaint_id != complaint.pk:
        message = _("This request no longer exists.")
        raise InvalidInput(message, errors={"access": [message]})
    action = "grant_identity" if grant else "refuse_identity"
    # Complaint first, then the request: the same order as every other service, no deadlock.
    with COMPLAINTS.step(action, actor=actor, obj=access.complaint, now=now) as step:
        access = IdentityAccess.objects.select_for_update().get(pk=access.pk)
        if access.kind != IdentityAccess.Kind.REQUEST or access.status != IdentityAccess.Status.PENDING:
            raise TransitionError(_("This request was already decided."))
        access.status = IdentityAccess.Status.GRANTED if grant else IdentityAccess.Status.REFUSED
        access.decided_by = step.user
        access.decided_at = now
        access.decision_note = note
        access.expires_at = _access_expiry(now) if grant else None
        access.save(update_fields=["status", "decided_by", "decided_at", "decision_note", "expires_at"])
        step.record(note=note, data={"access": access.pk, "user": access.user_id})
        _notify(
            step.obj,
            recipients=[access.user],
            kind=kinds.IDENTITY_GRANTED if grant else kinds.IDENTITY_REFUSED,
            now=now,
        )
    return access


def _access_expiry(now: dt.datetime) -> dt.datetime:
    return now + timedelta(hours=settings.WORKSTYLE_IDENTITY_ACCESS_HOURS)


def complaint_identity_record_views(*, user: Actor, accesses: Mapping[int, int], channel: str, now: dt.datetime) -> int:
    """Record that the complainant's identity of each complaint in ``accesses`` (complaint → the
    access that allowed it) was shown to ``user``: every page and API answer that carries it."""
    user_id = getattr(user, "pk", None)
    if not accesses or user_id is None:
        return 0
    IdentityView.objects.bulk_create(
        [
            IdentityView(complaint_id=complaint_id, access_id=access_id, user_id=user_id, at=now, channel=channel)
            for complaint_id, access_id in sorted(accesses.items())
        ]
    )
    return len(accesses)


def complaint_grant_identity(
    *, actor: Actor, access: IdentityAccess, now: dt.datetime, note: str = "", complaint: Complaint | None = None
) -> IdentityAccess:
    return _decide_identity(actor=actor, complaint=complaint, access=access, now=now, note=note, grant=True)


def complaint_refuse_identity(
    *, actor: Actor, access: IdentityAccess, now: dt.datetime, note: str = "", complaint: Complaint | None = None
) -> IdentityAccess:
    return _decide_identity(actor=actor, complaint=complaint, access=access, now=now, note=note, grant=False)


def complaint_erase_expired_contacts(*, now: dt.datetime, batch_size: int = 1000) -> int:
    """Erase the complainant's name and contacts of complaints finished (closed, not accepted or
    withdrawn) more than ``WORKSTYLE_RETENTION_DAYS`` ago; the complaint and its timeline stay.
    Set-based: per batch one locking SELECT, one UPDATE and one INSERT of events. Rows another
    run holds are skipped, so concurrent runs never erase (or record) a complaint twice."""
    cutoff = now - timedelta(days=settings.WORKSTYLE_RETENTION_DAYS)
    has_contacts = ~Q(complainant_name="") | ~Q(complainant_phone="") | ~Q(complainant_email="")
    total = 0
    while True:
        with transaction.atomic():
            ids = list(
                Complaint.objects.select_for_update(skip_locked=True)
                .filter(
                    has_contacts, status__in=TERMINAL_STATUSES, closed_at__lte=cutoff, contacts_erased_at__isnull=True
                )
                .order_by("pk")
                .values_list("pk", flat=True)[:batch_size]
            )
            if not ids:
                return total
            Complaint.objects.filter(pk__in=ids).update(
                complainant_name="", complainant_phone="", complainant_email="", contacts_erased_at=now, updated_at=now
            )
            ComplaintEvent.objects.bulk_create(
                [ComplaintEvent(complaint_id=pk, actor=None, verb="erase_contacts", at=now) for pk in ids]
            )
            total += len(ids)
        if len(ids) < batch_size:
            return total


# --- policies --------------------------------------------------------------------------------------

POLICY_FIELDS = ("accept_days", "reply_days", "max_extension_days", "review_window_days", "review_reply_days")


def category_policy_update(
    *,
    actor: Actor,
    policy: CategoryPolicy,
    now: dt.datetime,
    accept_days: int | None = None,
    reply_days: int | None = None,
    max_extension_days: int | None = None,
    review_window_days: int | None = None,
    review_reply_days: int | None = None,
) -> CategoryPolicy:
    """Change a category's time limits (discipline office or administrator). Deadlines already set
    keep their dates; new ones use the new limits."""
    if not category_policy_may_change(actor):
        raise NotAllowed(_("Only the discipline office may change time limits."))
    values = {
        "accept_days": accept_days,
        "reply_days": reply_days,
        "max_extension_days": max_extension_days,
        "review_window_days": review_window_days,
        "review_reply_days": review_reply_days,
    }
    errors: dict[str, list[Any]] = {}
    for field, value in values.items():
        if value is None:
            continue
        minimum = 0 if field == "max_extension_days" else 1
        if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= 365:
            errors[field] = [_("Enter a number of days from %(min)d to 365.") % {"min": minimum}]
    if errors:
        raise InvalidInput(_("The input is not valid."), errors=errors)
    with transaction.atomic():
        policy = CategoryPolicy.objects.select_for_update().get(pk=policy.pk)
        changes = {
            field: [getattr(policy, field), value]
            for field, value in values.items()
            if value is not None and getattr(policy, field) != value
        }
        if not changes:
            return policy
        for field, (_old, new) in changes.items():
            setattr(policy, field, new)
        policy.save(update_fields=list(changes))
        audit_record(actor=actor, verb="update", now=now, target=policy, data=changes)
    return policy
