"""Workbench pages of the democratic life meetings: the filer's (record the meeting, the minutes,
the problems, the rectification list; submit the report), the reviewers' (the queue of submitted
reports; accept or return with comments), the responsible cadre's (report a rectification done)
and a unit's history. Every query starts from ``visible_to(request.user)``; every change calls one
service; the report's and the items' actions come from the transition tables. A refused input is
re-shown with its message and answers 400."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cadres.models import Unit
from cadres.widgets import UnitChoiceFilter
from meetings import selectors, services
from meetings.documents import DOCX, report_docx, report_filename, report_title
from meetings.filters import MeetingFilter, RectificationFilter
from meetings.forms import (
    ACTION_FORMS,
    MeetingForm,
    MinutesForm,
    ProblemForm,
    RectificationForm,
    SecretaryForm,
    SummaryForm,
)
from meetings.models import Meeting, MeetingReport, RectificationAttachment, RectificationItem, UnitSecretary
from meetings.permissions import is_reviewer, unit_is_head, unit_may_file, units_filed_by
from meetings.transitions import RECTIFICATIONS, REPORTS
from workstyle.dashboard import register_panels
from workstyle.errors import DomainError, NotAllowed
from workstyle.forms import form_add_domain_error
from workstyle.paging import paginate
from workstyle.uploads import file_response
from workstyle.views import staff_required

PAGE_SIZE = 30
RS = MeetingReport.Status

# The filer's forms on the meeting page, by the action that posts them.
FILER_FORMS = ("edit", "minutes", "problem", "item", "summary")


class MeetingPageFilter(MeetingFilter):
    """The page offers the units by name rather than by id."""

    def __init__(self, *args: Any, request: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, request=request, **kwargs)
        units = Unit.objects.visible_to(getattr(request, "user", None)).filter(meetings__isnull=False).distinct()
        self.filters["unit"] = UnitChoiceFilter(
            label=_("unit"), field_name="unit", queryset=units.order_by("code"), empty_label=_("any")
        )


def _meeting(request: HttpRequest, pk: int) -> Meeting:
    try:
        return selectors.meeting_detail(user=request.user, pk=pk)
    except Meeting.DoesNotExist as exc:
        raise Http404 from exc


@staff_required
def meeting_list(request: HttpRequest) -> HttpResponse:
    """The filer's meetings, or the reviewers' queue (``?status=submitted``)."""
    queryset = selectors.meeting_list_for(user=request.user)
    reviewer = is_reviewer(request.user)
    data = request.GET.copy()
    if reviewer and not data:
        data["status"] = RS.SUBMITTED  # the review queue first
    filterset = MeetingPageFilter(data, queryset=queryset, request=request)
    page = paginate(request, filterset.qs, size=PAGE_SIZE)
    context = {
        "filter": filterset,
        "page": page,
        "may_file": bool(units_filed_by(request.user)),
        "reviewer": reviewer,
        "now": timezone.now(),
        "queue": data.get("status") == RS.SUBMITTED,
    }
    return render(request, "meetings/meeting_list.html", context)


@staff_required
def meeting_new(request: HttpRequest) -> HttpResponse:
    units = units_filed_by(request.user)
    if not units:
        raise PermissionDenied(services.NOT_FILER)
    form = MeetingForm(request.POST or None, units=units)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                meeting = services.meeting_create(
                    actor=request.user,
                    unit=data["unit"],
                    held_on=data["held_on"],
                    theme=data["theme"],
                    attendees=data["attendees"],
                    observers=data["observers"],
                    now=timezone.now(),
                )
            except NotAllowed as exc:
                raise PermissionDenied(str(exc.message)) from exc
            except DomainError as exc:
                form_add_domain_error(form, exc)
            else:
                messages.success(request, _("Meeting recorded; its report is due on %(due)s.") % {"due": _due(meeting)})
                return redirect("meetings:detail", pk=meeting.pk)
        status = 400
    return render(request, "meetings/meeting_new.html", {"form": form}, status=status)


def _due(meeting: Meeting) -> str:
    return timezone.localdate(meeting.report.due_at).isoformat()


def _filer_form(action: str, meeting: Meeting, data: Any = None, files: Any = None) -> Any:
    if action == "edit":
        return MeetingForm(data, meeting=meeting, units=[], prefix="edit")
    if action == "minutes":
        return MinutesForm(data, meeting=meeting, prefix="minutes")
    if action == "problem":
        return ProblemForm(data, meeting=meeting, prefix="problem")
    if action == "item":
        return RectificationForm(data, meeting=meeting, prefix="item")
    return SummaryForm(data, prefix="summary", initial={"summary": meeting.report.summary})


def _action_form(workflow: Any, action: str, data: Any = None, files: Any = None) -> Any:
    form = ACTION_FORMS[workflow[action].input](data, files, prefix=action)
    form.action = action
    return form


def _render_meeting(
    request: HttpRequest, meeting: Meeting, *, bound: Any = None, bound_action: str = "", status: int = 200
) -> HttpResponse:
    report = meeting.report
    may_file = unit_may_file(request.user, meeting.unit)
    editable = may_file and report.status in services.EDITABLE
    filer_forms = {}
    if editable:
        for action in FILER_FORMS:
            filer_forms[action] = bound if action == bound_action else _filer_form(action, meeting)
    actions = selectors.report_allowed_actions(user=request.user, report=report)
    action_forms = [
        (action, bound if action == bound_action else _action_form(REPORTS, action), REPORTS[action])
        for action in actions
    ]
    now = timezone.now()
    context = {
        "meeting": meeting,
        "report": report,
        "attendees": list(meeting.attendees.all()),
        "observers": list(meeting.observers.all()),
        "minutes": list(meeting.minutes.all()),
        "problems": list(meeting.problems.all()),
        "items": list(meeting.items.all()),
        "missing_observers": services.meeting_missing_observers(meeting),
        "may_file": may_file,
        "editable": editable,
        "filer_forms": filer_forms,
        "action_forms": action_forms,
        "events": report.events.select_related("actor").order_by("at", "id"),
        "overdue": report.status in MeetingReport.DEADLINES and report.due_at < now,
        "now": now,
        "error": bound is not None and bound.errors,
    }
    return render(request, "meetings/meeting_detail.html", context, status=status)


@staff_required
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    # Out of scope answers 404, like a meeting that does not exist.
    return _render_meeting(request, _meeting(request, pk))


def _filer_service(action: str, request: HttpRequest, meeting: Meeting, data: dict[str, Any]) -> None:
    now = timezone.now()
    if action == "edit":
        services.meeting_update(actor=request.user, meeting=meeting, now=now, **data)
    elif action == "minutes":
        services.meeting_record_minutes(actor=request.user, meeting=meeting, now=now, **data)
    elif action == "problem":
        services.meeting_add_problem(actor=request.user, meeting=meeting, now=now, **data)
    elif action == "item":
        services.rectification_create(actor=request.user, now=now, **data)
    else:
        services.report_set_summary(actor=request.user, report=meeting.report, now=now, summary=data["summary"])


FILER_DONE = {
    "edit": _("Meeting saved."),
    "minutes": _("Minutes saved."),
    "problem": _("Problem recorded."),
    "item": _("Rectification item added."),
    "summary": _("Report text saved."),
}


@staff_required
@require_POST
def meeting_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    is_filer_form = action in FILER_FORMS
    row = REPORTS.rows.get(action)
    if not is_filer_form and (row is None or not row.staff):
        raise Http404
    meeting = _meeting(request, pk)
    # Who may act is judged before the input, so that others learn nothing from how it would be.
    if is_filer_form:
        if not unit_may_file(request.user, meeting.unit):
            raise PermissionDenied(services.NOT_FILER)
        form = _filer_form(action, meeting, request.POST)
    else:
        try:
            REPORTS.authorize(action, actor=request.user, obj=meeting.report)
        except NotAllowed as exc:
            raise PermissionDenied(str(exc.message)) from exc
        form = _action_form(REPORTS, action, request.POST)
    if form.is_valid():
        try:
            if is_filer_form:
                _filer_service(action, request, meeting, dict(form.cleaned_data))
            else:
                REPORTS.service(services, action)(
                    actor=request.user, report=meeting.report, now=timezone.now(), **form.cleaned_data
                )
        except DomainError as exc:
            form_add_domain_error(form, exc)
            messages.error(request, str(exc.message))
            return _render_meeting(
                request, _meeting(request, pk), bound=form, bound_action=action, status=exc.status_code
            )
        messages.success(request, str(FILER_DONE[action] if is_filer_form else row.done))  # type: ignore[union-attr]
        return redirect("meetings:detail", pk=meeting.pk)
    return _render_meeting(request, meeting, bound=form, bound_action=action, status=400)


@staff_required
def meeting_report(request: HttpRequest, pk: int) -> HttpResponse:
    """The special report as a printable page."""
    meeting = _meeting(request, pk)
    context = {
        "meeting": meeting,
        "report": meeting.report,
        "title": report_title(meeting),
        "attendees": list(meeting.attendees.all()),
        "observers": list(meeting.observers.all()),
        "minutes": list(meeting.minutes.all()),
        "problems": list(meeting.problems.all()),
        "items": list(meeting.items.all()),
        "dated": timezone.localdate(meeting.report.submitted_at)
        if meeting.report.submitted_at
        else timezone.localdate(),
    }
    return render(request, "meetings/report_print.html", context)


@staff_required
def meeting_document(request: HttpRequest, pk: int) -> HttpResponse:
    """The special report as a Word document."""
    meeting = _meeting(request, pk)
    response = HttpResponse(report_docx(meeting, meeting.report), content_type=DOCX)
    response["Content-Disposition"] = f'attachment; filename="{report_filename(meeting)}"'
    return response


# --- rectification items ----------------------------------------------------------------------------


def _item(request: HttpRequest, pk: int) -> RectificationItem:
    return get_object_or_404(selectors.rectification_list_for(user=request.user), pk=pk)


def _render_item(
    request: HttpRequest, item: RectificationItem, *, bound: Any = None, status: int = 200
) -> HttpResponse:
    actions = selectors.rectification_allowed_actions(user=request.user, item=item)
    forms = [
        (
            action,
            bound if bound is not None and bound.action == action else _action_form(RECTIFICATIONS, action),
            RECTIFICATIONS[action],
        )
        for action in actions
    ]
    context = {
        "item": item,
        "meeting_visible": Meeting.objects.visible_to(request.user).filter(pk=item.meeting_id).exists(),
        "action_forms": forms,
        "attachments": list(item.attachments.all()),
        "events": item.events.select_related("actor").order_by("at", "id"),
        "overdue": item.status in RectificationItem.DEADLINES and item.due_at < timezone.now(),
    }
    return render(request, "meetings/item_detail.html", context, status=status)


@staff_required
def item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_item(request, _item(request, pk))


@staff_required
@require_POST
def item_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    row = RECTIFICATIONS.rows.get(action)
    if row is None or not row.staff:
        raise Http404
    item = _item(request, pk)
    try:
        RECTIFICATIONS.authorize(action, actor=request.user, obj=item)
    except NotAllowed as exc:
        raise PermissionDenied(str(exc.message)) from exc
    form = _action_form(RECTIFICATIONS, action, request.POST, request.FILES)
    if form.is_valid():
        try:
            RECTIFICATIONS.service(services, action)(
                actor=request.user, rectification=item, now=timezone.now(), **form.cleaned_data
            )
        except DomainError as exc:
            form_add_domain_error(form, exc)
            messages.error(request, str(exc.message))
            return _render_item(request, _item(request, pk), bound=form, status=exc.status_code)
        messages.success(request, str(row.done))
        return redirect("meetings:item", pk=item.pk)
    return _render_item(request, item, bound=form, status=400)


@login_required
@require_GET
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    """Those who see the item get the file as a download; anyone else a 404."""
    attachment = get_object_or_404(RectificationAttachment.objects.visible_to(request.user), pk=pk)
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404(_("The file is no longer available.")) from exc
    return file_response(handle, original_name=attachment.original_name, content_type=attachment.content_type)


# --- a unit's history ---------------------------------------------------------------------------------


def _render_unit(request: HttpRequest, unit: Unit, *, bound: Any = None, status: int = 200) -> HttpResponse:
    meetings = selectors.meeting_list_for(user=request.user).filter(unit=unit)
    is_head = unit_is_head(request.user, unit)
    secretary = UnitSecretary.objects.filter(unit=unit).select_related("cadre").first()
    form = None
    if is_head:
        form = bound or SecretaryForm(unit=unit, initial={"cadre": secretary.cadre_id if secretary else None})
    context = {
        "unit": unit,
        "meetings": meetings,
        "secretary": secretary,
        "secretary_form": form,
        "may_file": unit_may_file(request.user, unit),
        "now": timezone.now(),
    }
    return render(request, "meetings/unit_history.html", context, status=status)


@staff_required
def unit_history(request: HttpRequest, pk: int) -> HttpResponse:
    """A unit's meetings, reports and how their rectifications stand, year by year."""
    return _render_unit(request, get_object_or_404(Unit.objects.visible_to(request.user), pk=pk))


@staff_required
@require_POST
def unit_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action != "secretary":
        raise Http404
    unit = get_object_or_404(Unit.objects.visible_to(request.user), pk=pk)
    if not unit_is_head(request.user, unit):
        raise PermissionDenied(_("Only the unit's head names its secretary."))
    form = SecretaryForm(request.POST, unit=unit)
    if form.is_valid():
        try:
            services.secretary_name(actor=request.user, unit=unit, cadre=form.cleaned_data["cadre"], now=timezone.now())
        except DomainError as exc:
            form_add_domain_error(form, exc)
            return _render_unit(request, unit, bound=form, status=exc.status_code)
        messages.success(request, _("Secretary saved."))
        return redirect("meetings:unit", pk=unit.pk)
    return _render_unit(request, unit, bound=form, status=400)


@register_panels
def meeting_panels(user: Any) -> list[dict[str, Any]]:
    """What waits for the user: reports to review, reports to file, rectifications to verify or
    overdue."""
    counts = selectors.meeting_counts(user=user, now=timezone.now())
    url = reverse("meetings:list")
    panels = []
    if is_reviewer(user):
        panels.append(
            {
                "label": _("Meeting reports to review"),
                "count": counts["to_review"],
                "url": f"{url}?status={RS.SUBMITTED}",
                "alert": counts["to_review"] > 0,
            }
        )
    if units_filed_by(user):
        panels.append({"label": _("Meeting reports to file"), "count": counts["to_file"], "url": url})
    if counts["to_verify"]:
        panels.append(
            {
                "label": _("Rectifications to verify"),
                "count": counts["to_verify"],
                "url": f"{reverse('meetings:items')}?status={RectificationItem.Status.DONE}",
            }
        )
    if counts["items_overdue"]:
        panels.append(
            {
                "label": _("Overdue rectifications"),
                "count": counts["items_overdue"],
                "url": f"{reverse('meetings:items')}?overdue=true",
                "alert": True,
            }
        )
    return panels


@staff_required
def item_list(request: HttpRequest) -> HttpResponse:
    """The rectification items the user sees: his own to complete, the office's to verify."""
    queryset = selectors.rectification_list_for(user=request.user).order_by("deadline", "id")
    filterset = RectificationFilter(request.GET or None, queryset=queryset, request=request)
    for name in ("unit", "meeting", "responsible"):
        filterset.filters.pop(name, None)
    page = paginate(request, filterset.qs, size=PAGE_SIZE)
    context = {"filter": filterset, "page": page, "now": timezone.now()}
    return render(request, "meetings/item_list.html", context)
