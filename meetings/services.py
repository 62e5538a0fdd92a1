"""Every write of the meetings app. A meeting is recorded with its report (a draft, due
``WORKSTYLE_MEETING_REPORT_DAYS`` after the meeting); the meeting, its minutes, its problems and its
rectification list are edited by the unit's filer while the report is with the unit; the report's
and the items' transitions are rows of ``meetings.transitions`` performed through ``step``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cadres.models import Cadre, Ethos, Unit
from meetings.models import (
    DEFAULT_THEME,
    Meeting,
    MeetingReport,
    MinutesEntry,
    Problem,
    RectificationAttachment,
    RectificationItem,
    UnitSecretary,
)
from meetings.permissions import unit_is_head, unit_may_file, unit_secretary_forget
from meetings.transitions import RECTIFICATIONS, REPORTS
from workstyle import roles
from workstyle.deadlines import LOCAL_TZ, due_after
from workstyle.errors import InvalidInput, NotAllowed, TransitionError
from workstyle.roles import Actor
from workstyle.services import notification_send
from workstyle.uploads import (
    MAX_FILES,
    storage_name,
    strip_metadata,
    validate_attachment,
)

RS = MeetingReport.Status
IS = RectificationItem.Status
# The report is with the unit (and the meeting may change) in these states.
EDITABLE = (RS.DRAFT, RS.RETURNED)

NOT_FILER = _("Only the unit's head or the secretary he names may file its meetings and reports.")
NOT_EDITABLE = _("The report has been submitted: the meeting can no longer be changed.")


# --- checks -------------------------------------------------------------------------------------------


def _is_township(unit: Unit) -> bool:
    return unit.kind == Unit.Kind.TOWNSHIP


def meeting_missing_observers(meeting: Meeting) -> list[str]:
    """For a township or sub-district unit, the bodies that have sent no observer yet (Opinions
    III 1: they invite the discipline commission and the organization department to send people);
    for any other unit, none."""
    if not _is_township(meeting.unit):
        return []
    observers = list(meeting.observers.all())
    missing = []
    if not any(roles.is_discipline(user) for user in observers):
        missing.append(str(_("an observer from the discipline commission")))
    if not any(roles.is_orgdept(user) for user in observers):
        missing.append(str(_("an observer from the organization department")))
    return missing


def _check_meeting(
    *, unit: Unit, held_on: dt.date | None, attendees: Sequence[Cadre], observers: Sequence[Any], now: dt.datetime
) -> dict[str, list[Any]]:
    errors: dict[str, list[Any]] = {}
    if held_on is None:
        errors["held_on"] = [_("Give the date of the meeting.")]
    elif held_on > timezone.localtime(now, LOCAL_TZ).date():
        errors["held_on"] = [_("The meeting cannot be dated in the future.")]
    strangers = [c for c in attendees if c.unit_id != unit.pk]
    if strangers:
        errors["attendees"] = [
            _("Not cadres of %(unit)s: %(names)s.") % {"unit": unit.name, "names": ", ".join(c.name for c in strangers)}
        ]
    else:
        others = [c for c in attendees if not c.is_leading or not c.active]
        if others:
            errors["attendees"] = [
                _("Only the unit's active leading cadres attend: %(names)s is not one.")
                % {"names": ", ".join(c.name for c in others)}
            ]
    wrong = [u for u in observers if not u.is_active or not (roles.is_discipline(u) or roles.is_orgdept(u))]
    if wrong:
        errors["observers"] = [
            _("Observers come from the discipline office or the organization department: %(names)s is in neither.")
            % {"names": ", ".join(u.get_full_name() or u.get_username() for u in wrong)}
        ]
    return errors


def report_due(held_on: dt.date) -> dt.datetime:
    """The end of the ``WORKSTYLE_MEETING_REPORT_DAYS``-th day after the meeting."""
    start = dt.datetime.combine(held_on, dt.time(12), tzinfo=LOCAL_TZ)
    return due_after(start, settings.WORKSTYLE_MEETING_REPORT_DAYS)


def _filers(unit: Unit) -> list[Any]:
    """The users who file for the unit: its head and its secretary."""
    users: list[Any] = []
    if unit.head is not None and unit.head.active and unit.head.user_id is not None:
        users.append(unit.head.user)
    secretary = UnitSecretary.objects.filter(unit=unit).select_related("cadre__user").first()
    if secretary is not None and secretary.cadre.active and secretary.cadre.user is not None:
        users.append(secretary.cadre.user)
    return list({u.pk: u for u in users}.values())


def _user(actor: Actor) -> Any:
    """The actor as a user to store; None for the system."""
    return actor if getattr(actor, "pk", None) is not None else None


def _reviewers() -> list[Any]:
    User = get_user_model()
    return list(
        User.objects.filter(groups__name__in=(roles.DISCIPLINE, roles.ORGDEPT), is_active=True)
        .distinct()
        .order_by("pk")
    )


def _meeting_url(meeting: Meeting) -> str:
    return reverse("meetings:detail", args=[meeting.pk])


def _lock_report(meeting: Meeting) -> MeetingReport:
    return MeetingReport.objects.select_for_update().select_related("meeting__unit").get(meeting_id=meeting.pk)


def _editable_report(*, actor: Actor, meeting: Meeting) -> MeetingReport:
    """The meeting's report, locked, after checking that the actor files for the unit and that the
    report is still with the unit."""
    if not unit_may_file(actor, meeting.unit):
        raise NotAllowed(NOT_FILER)
    report = _lock_report(meeting)
    if report.status not in EDITABLE:
        raise TransitionError(NOT_EDITABLE)
    return report


# --- secretary ------------------------------------------------------------------------------------------


def secretary_name(*, actor: Actor, unit: Unit, cadre: Cadre | None, now: dt.datetime) -> UnitSecretary | None:
    """The unit's head names the cadre who files the unit's meetings for him (None: nobody)."""
    if not unit_is_head(actor, unit):
        raise NotAllowed(_("Only the unit's head names its secretary."))
    with transaction.atomic():
        previous = UnitSecretary.objects.select_related("cadre").filter(unit=unit).first()
        if previous is not None:
            unit_secretary_forget(previous.cadre)
        if cadre is None:
            UnitSecretary.objects.filter(unit=unit).delete()
            return None
        if cadre.unit_id != unit.pk or not cadre.active:
            raise InvalidInput(
                _("The secretary cannot be named."),
                errors={"cadre": [_("The secretary must be an active cadre of %(unit)s.") % {"unit": unit.name}]},
            )
        secretary, _created = UnitSecretary.objects.update_or_create(
            unit=unit, defaults={"cadre": cadre, "named_by": _user(actor), "named_at": now}
        )
        unit_secretary_forget(cadre)
    return secretary


# --- the meeting ----------------------------------------------------------------------------------------


def meeting_create(
    *,
    actor: Actor,
    unit: Unit,
    held_on: dt.date,
    now: dt.datetime,
    theme: str = "",
    attendees: Iterable[Cadre] = (),
    observers: Iterable[Any] = (),
) -> Meeting:
    """Record a meeting of the unit's leading group, with its report as a draft due
    ``WORKSTYLE_MEETING_REPORT_DAYS`` after it."""
    if not unit_may_file(actor, unit):
        raise NotAllowed(NOT_FILER)
    attendees, observers = list(attendees), list(observers)
    errors = _check_meeting(unit=unit, held_on=held_on, attendees=attendees, observers=observers, now=now)
    if errors:
        raise InvalidInput(_("The meeting cannot be recorded."), errors=errors)
    with transaction.atomic():
        meeting = Meeting.objects.create(
            unit=unit,
            held_on=held_on,
            theme=(theme or "").strip() or DEFAULT_THEME,
            created_by=_user(actor),
            created_at=now,
        )
        meeting.attendees.set(attendees)
        meeting.observers.set(observers)
        report = MeetingReport.objects.create(meeting=meeting, status=RS.DRAFT, due_at=report_due(held_on))
        REPORTS.record(
            report,
            actor=actor,
            verb="create",
            now=now,
            to_state=RS.DRAFT,
            data={"held_on": held_on.isoformat(), "due_at": report.due_at.isoformat()},
        )
    return meeting


def meeting_update(
    *,
    actor: Actor,
    meeting: Meeting,
    now: dt.datetime,
    held_on: dt.date | None = None,
    theme: str | None = None,
    attendees: Iterable[Cadre] | None = None,
    observers: Iterable[Any] | None = None,
) -> Meeting:
    """Change the meeting while its report is with the unit; a draft's due date follows the date."""
    with transaction.atomic():
        report = _editable_report(actor=actor, meeting=meeting)
        meeting = report.meeting
        new_attendees = list(attendees) if attendees is not None else list(meeting.attendees.all())
        new_observers = list(observers) if observers is not None else list(meeting.observers.all())
        new_held_on = held_on if held_on is not None else meeting.held_on
        errors = _check_meeting(
            unit=meeting.unit, held_on=new_held_on, attendees=new_attendees, observers=new_observers, now=now
        )
        if errors:
            raise InvalidInput(_("The meeting cannot be changed."), errors=errors)
        meeting.held_on = new_held_on
        if theme is not None:
            meeting.theme = theme.strip() or DEFAULT_THEME
        meeting.save(update_fields=["held_on", "theme", "updated_at"])
        if attendees is not None:
            meeting.attendees.set(new_attendees)
        if observers is not None:
            meeting.observers.set(new_observers)
        data: dict[str, Any] = {"held_on": new_held_on.isoformat()}
        if report.status == RS.DRAFT:
            due = report_due(new_held_on)
            if due != report.due_at:
                report.due_at = due
                report.save(update_fields=["due_at", "updated_at"])
                data["due_at"] = due.isoformat()
        REPORTS.record(report, actor=actor, verb="edit", now=now, data=data)
    return meeting


def meeting_record_minutes(
    *,
    actor: Actor,
    meeting: Meeting,
    cadre: Cadre,
    now: dt.datetime,
    self_criticism: str = "",
    criticism_received: str = "",
) -> MinutesEntry:
    """The minutes of one attendee: his self-criticism and the criticism he received."""
    with transaction.atomic():
        report = _editable_report(actor=actor, meeting=meeting)
        if not meeting.attendees.filter(pk=cadre.pk).exists():
            raise InvalidInput(
                _("The minutes cannot be recorded."),
                errors={"cadre": [_("%(name)s did not attend the meeting.") % {"name": cadre.name}]},
            )
        if not (self_criticism or "").strip() and not (criticism_received or "").strip():
            raise InvalidInput(
                _("The minutes cannot be recorded."),
                errors={"self_criticism": [_("Write the self-criticism or the criticism received.")]},
            )
        entry, _created = MinutesEntry.objects.update_or_create(
            meeting=meeting,
            cadre=cadre,
            defaults={
                "self_criticism": (self_criticism or "").strip(),
                "criticism_received": (criticism_received or "").strip(),
            },
        )
        REPORTS.record(report, actor=actor, verb="minutes", now=now, data={"cadre": cadre.pk})
    return entry


def meeting_add_problem(
    *,
    actor: Actor,
    meeting: Meeting,
    text: str,
    now: dt.datetime,
    ethos: Ethos | None = None,
    cadre: Cadre | None = None,
) -> Problem:
    """A problem of work style the meeting found (Opinions III 1: find out the outstanding
    problems), optionally tagged with an ethos and the cadre it concerns."""
    with transaction.atomic():
        report = _editable_report(actor=actor, meeting=meeting)
        errors: dict[str, list[Any]] = {}
        if not (text or "").strip():
            errors["text"] = [_("Describe the problem.")]
        if cadre is not None and cadre.unit_id != meeting.unit_id:
            errors["cadre"] = [_("%(name)s is not a cadre of %(unit)s.") % {"name": cadre.name, "unit": meeting.unit}]
        if errors:
            raise InvalidInput(_("The problem cannot be recorded."), errors=errors)
        problem = Problem.objects.create(meeting=meeting, text=text.strip(), ethos=ethos, cadre=cadre, created_at=now)
        REPORTS.record(
            report,
            actor=actor,
            verb="problem",
            now=now,
            data={"problem": problem.pk, "ethos": ethos.code if ethos else None},
        )
    return problem


def report_set_summary(*, actor: Actor, report: MeetingReport, summary: str, now: dt.datetime) -> MeetingReport:
    """The report's own text, written by the filer while the report is with the unit."""
    with transaction.atomic():
        locked = _editable_report(actor=actor, meeting=report.meeting)
        locked.summary = (summary or "").strip()
        locked.save(update_fields=["summary", "updated_at"])
        REPORTS.record(locked, actor=actor, verb="summary", now=now)
    return locked


# --- the report -----------------------------------------------------------------------------------------


def report_submit(*, actor: Actor, report: MeetingReport, now: dt.datetime) -> MeetingReport:
    """Submit (or resubmit) the report to both bodies. A township or sub-district unit's meeting
    needs an observer from each (Opinions III 1)."""
    with REPORTS.step("submit", actor=actor, obj=report, now=now) as step:
        meeting = Meeting.objects.select_related("unit").get(pk=step.obj.meeting_id)
        errors: dict[str, list[Any]] = {}
        missing = meeting_missing_observers(meeting)
        if missing:
            errors["observers"] = [
                _("A township or sub-district meeting needs observers from both bodies; missing: %(missing)s.")
                % {"missing": "; ".join(missing)}
            ]
        if not meeting.attendees.exists():
            errors["attendees"] = [_("Record who attended the meeting.")]
        if errors:
            # The message itself names what is missing: a client that shows only it still says why.
            raise InvalidInput(" ".join(str(m) for messages in errors.values() for m in messages), errors=errors)
        resubmitted = step.from_state == RS.RETURNED
        step.save(submitted_at=now, data={"resubmitted": resubmitted})
        notification_send(
            recipients=_reviewers(),
            kind="meeting_report_submitted",
            params={"unit": meeting.unit.name, "held_on": meeting.held_on.isoformat()},
            url=_meeting_url(meeting),
            now=now,
        )
    return step.obj


def report_accept(*, actor: Actor, report: MeetingReport, now: dt.datetime, comment: str = "") -> MeetingReport:
    with REPORTS.step("accept", actor=actor, obj=report, now=now) as step:
        step.save(accepted_at=now, note=(comment or "").strip())
        meeting = Meeting.objects.select_related("unit__head__user").get(pk=step.obj.meeting_id)
        notification_send(
            recipients=_filers(meeting.unit),
            kind="meeting_report_accepted",
            params={"unit": meeting.unit.name, "held_on": meeting.held_on.isoformat()},
            url=_meeting_url(meeting),
            now=now,
        )
    return step.obj


def report_return(*, actor: Actor, report: MeetingReport, reason: str, now: dt.datetime) -> MeetingReport:
    """Send the report back with reasons; the unit has a fresh ``WORKSTYLE_MEETING_REPORT_DAYS`` to
    resubmit it (never less than it had)."""
    with REPORTS.step("return", actor=actor, obj=report, now=now) as step:
        reason = (reason or "").strip()
        if not reason:
            raise InvalidInput(_("The report cannot be returned."), errors={"reason": [_("Say why it is returned.")]})
        due = max(step.obj.due_at, due_after(now, settings.WORKSTYLE_MEETING_REPORT_DAYS))
        step.save(return_reason=reason, due_at=due, note=reason, data={"due_at": due.isoformat()})
        meeting = Meeting.objects.select_related("unit__head__user").get(pk=step.obj.meeting_id)
        notification_send(
            recipients=_filers(meeting.unit),
            kind="meeting_report_returned",
            params={
                "unit": meeting.unit.name,
                "held_on": meeting.held_on.isoformat(),
                "due": timezone.localtime(due, LOCAL_TZ).date().isoformat(),
            },
            url=_meeting_url(meeting),
            now=now,
        )
    return step.obj


# --- the rectification list ----------------------------------------------------------------------------


def _end_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.max, tzinfo=LOCAL_TZ)


def rectification_create(
    *,
    actor: Actor,
    problem: Problem,
    measure: str,
    responsible: Cadre,
    deadline: dt.date,
    now: dt.datetime,
) -> RectificationItem:
    """One item of the rectification list: a measure against a problem the meeting found, the cadre
    who answers for it and the day by which it is done."""
    with transaction.atomic():
        meeting = problem.meeting
        report = _editable_report(actor=actor, meeting=meeting)
        errors: dict[str, list[Any]] = {}
        if not (measure or "").strip():
            errors["measure"] = [_("Describe the rectification measure.")]
        if responsible is None:
            errors["responsible"] = [_("Name the responsible cadre.")]
        elif responsible.unit_id != meeting.unit_id or not responsible.active:
            errors["responsible"] = [
                _("The responsible cadre must be an active cadre of %(unit)s.") % {"unit": meeting.unit.name}
            ]
        if deadline is None:
            errors["deadline"] = [_("Give the deadline.")]
        elif deadline < meeting.held_on:
            errors["deadline"] = [
                _("The deadline cannot be before the meeting (%(date)s).") % {"date": meeting.held_on.isoformat()}
            ]
        if errors:
            raise InvalidInput(_("The rectification item cannot be added."), errors=errors)
        item = RectificationItem.objects.create(
            meeting=meeting,
            problem=problem,
            measure=measure.strip(),
            responsible=responsible,
            deadline=deadline,
            due_at=_end_of(deadline),
            status=IS.OPEN,
            created_at=now,
        )
        RECTIFICATIONS.record(item, actor=actor, verb="create", now=now, to_state=IS.OPEN)
        REPORTS.record(report, actor=actor, verb="item", now=now, data={"item": item.pk})
    return item


def rectification_check_files(files: Sequence[Any]) -> list[tuple[Any, str]]:
    """Each file with its real type, or InvalidInput naming what is wrong (nothing stored)."""
    errors: list[Any] = []
    if len(files) > MAX_FILES:
        errors.append(_("Attach at most %(max)s files.") % {"max": MAX_FILES})
    checked = []
    for file in files:
        try:
            checked.append((file, validate_attachment(file)))
        except ValidationError as exc:
            errors.extend(exc.messages)
    if errors:
        raise InvalidInput(_("The attachments cannot be accepted."), errors={"attachments": errors})
    return checked


def rectification_complete(
    *,
    actor: Actor,
    rectification: RectificationItem,
    evidence: str,
    now: dt.datetime,
    attachments: Sequence[Any] = (),
) -> RectificationItem:
    """Report the measure done, with the evidence (a text, and files: PDF, pictures without their
    metadata, Word documents)."""
    checked = rectification_check_files(list(attachments or ()))
    with RECTIFICATIONS.step("complete", actor=actor, obj=rectification, now=now) as step:
        evidence = (evidence or "").strip()
        if not evidence:
            raise InvalidInput(
                _("The rectification cannot be reported done."),
                errors={"evidence": [_("Describe what was done.")]},
            )
        for file, content_type in checked:
            stored = strip_metadata(file, content_type)
            attachment = RectificationAttachment(
                item=step.obj,
                original_name=str(getattr(file, "name", "") or "")[:200],
                content_type=content_type,
                size=getattr(stored, "size", None) or file.size,
                uploaded_at=now,
                uploaded_by=step.user,
            )
            attachment.file.save(storage_name(content_type), stored, save=False)
            attachment.save()
        step.save(evidence=evidence, done_at=now, note=evidence, data={"attachments": len(checked)})
    return step.obj


def _refuse_open(item: RectificationItem, message: Any) -> None:
    """Verifying or reopening an item nobody has reported done is bad input, not a race: say so."""
    with transaction.atomic():
        locked = RectificationItem.objects.select_for_update().get(pk=item.pk)
        if locked.status == IS.OPEN:
            raise InvalidInput(message, errors={"status": [_("The rectification has not been reported done yet.")]})


def rectification_verify(
    *, actor: Actor, rectification: RectificationItem, now: dt.datetime, comment: str = ""
) -> RectificationItem:
    RECTIFICATIONS.authorize("verify", actor=actor, obj=rectification)
    _refuse_open(rectification, _("The rectification cannot be verified."))
    with RECTIFICATIONS.step("verify", actor=actor, obj=rectification, now=now) as step:
        step.save(verified_at=now, note=(comment or "").strip())
    return step.obj


def rectification_reopen(
    *, actor: Actor, rectification: RectificationItem, reason: str, now: dt.datetime
) -> RectificationItem:
    """Send a measure reported done back to the responsible cadre; its deadline keeps running."""
    RECTIFICATIONS.authorize("reopen", actor=actor, obj=rectification)
    _refuse_open(rectification, _("The rectification cannot be reopened."))
    with RECTIFICATIONS.step("reopen", actor=actor, obj=rectification, now=now) as step:
        reason = (reason or "").strip()
        if not reason:
            raise InvalidInput(
                _("The rectification cannot be reopened."), errors={"reason": [_("Say why it is reopened.")]}
            )
        step.save(done_at=None, note=reason)
    return step.obj
