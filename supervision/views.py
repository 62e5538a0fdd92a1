"""Workbench pages of accountability cases. Every query starts from ``visible_to(request.user)``;
every change calls one service; the actions a case page offers come from the transition table."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from complaints.models import Complaint
from supervision import selectors, services
from supervision.filters import OPEN, CasePageFilter, NoticePageFilter
from supervision.forms import ACTION_FORMS, NOTICE_ACTION_FORMS, CaseOpenForm, NoticeForm, NoticeModelForm
from supervision.models import AccountabilityCase, Notice
from supervision.permissions import case_may_manage, case_may_read, notice_may_draft
from supervision.transitions import CASES, DENIED, NOTICES
from workstyle.dashboard import register_panels
from workstyle.errors import DomainError, NotAllowed
from workstyle.filters import filtered_or_none
from workstyle.forms import form_add_domain_error
from workstyle.paging import paginate
from workstyle.views import staff_required
from workstyle.workflow_pages import page_action

PAGE_SIZE = 30


def _get_case(request: HttpRequest, pk: int) -> AccountabilityCase:
    return get_object_or_404(selectors.case_list_for(user=request.user), pk=pk)


@staff_required
def case_list(request: HttpRequest) -> HttpResponse:
    if not case_may_read(request.user):
        raise PermissionDenied(_("Accountability cases are for the discipline office and the organization department."))
    queryset = selectors.case_list_for(user=request.user).order_by("-opened_at", "-id")
    filterset = CasePageFilter(request.GET or None, queryset=queryset, request=request)
    page = paginate(request, filterset.qs, size=PAGE_SIZE)
    context = {
        "filter": filterset,
        "page": page,
        "may_manage": case_may_manage(request.user),
    }
    return render(request, "supervision/case_list.html", context)


def _detail(request: HttpRequest, case: AccountabilityCase, *, bound: Any = None) -> HttpResponse:
    actions = selectors.case_allowed_actions(user=request.user, case=case)
    forms = []
    for action in actions:
        row = CASES[action]
        form = bound if bound is not None and bound.action == action else _form(row.action, case)
        if action == "decide" and form is not bound:
            form.initial.setdefault("decision_date", timezone.localdate())
        forms.append((action, form, row))
    # A refused action that is no longer offered keeps the user's input on the page, read-only.
    stale_form = bound if bound is not None and bound.action not in actions else None
    if stale_form is not None:
        for field in stale_form.fields.values():
            field.widget.attrs["readonly"] = True
    context = {
        "case": case,
        "events": case.events.select_related("actor").order_by("at", "id"),
        "actions": actions,
        "action_forms": forms,
        "stale_form": stale_form,
        "stale_label": CASES[bound.action].label if stale_form is not None else "",
        "decision_labels": [dict(AccountabilityCase.Form.choices).get(f, f) for f in case.decision_forms],
        "may_expose": notice_may_draft(request.user)
        and case.status in (AccountabilityCase.Status.DECIDED, AccountabilityCase.Status.CLOSED)
        and not case.notices.exclude(status=Notice.Status.WITHDRAWN).exists(),
        "exposure": case.notices.exclude(status=Notice.Status.WITHDRAWN).first(),
        "complaint_visible": case.complaint_id is not None
        and Complaint.objects.visible_to(request.user).filter(pk=case.complaint_id).exists(),
    }
    return render(request, "supervision/case_detail.html", context)


def _form(action: str, case: AccountabilityCase, data: Any = None) -> Any:
    form = ACTION_FORMS[CASES[action].input](data, case=case, prefix=action if CASES[action].input == "note" else None)
    form.action = action
    return form


@staff_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    # Out of scope answers 404, like a case that does not exist.
    return _detail(request, _get_case(request, pk))


@staff_required
def case_open(request: HttpRequest) -> HttpResponse:
    if not case_may_manage(request.user):
        raise PermissionDenied(DENIED)
    form = CaseOpenForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = services.case_open(
                actor=request.user,
                source=data["source"],
                allegation=data["allegation"],
                subject_cadre=data.get("subject_cadre"),
                subject_unit=data.get("subject_unit"),
                complaint=data.get("complaint"),
                now=timezone.now(),
            )
        except NotAllowed as exc:
            raise PermissionDenied(str(exc.message)) from exc
        except DomainError as exc:
            form_add_domain_error(form, exc)
        else:
            messages.success(request, _("Case #%(id)s opened.") % {"id": case.pk})
            return redirect("supervision:case_detail", pk=case.pk)
    return render(request, "supervision/case_open.html", {"form": form})


@staff_required
@require_POST
def case_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action == "expose":
        return _case_expose(request, pk)
    return page_action(
        request,
        CASES,
        action,
        services=services,
        obj_name="case",
        get_obj=lambda: _get_case(request, pk),
        make_form=lambda row, case: _form(action, case, request.POST),
        done_url="supervision:case_detail",
        rerender=lambda case, form: _detail(request, case, bound=form),
    )


@register_panels
def case_panels(user: Any) -> list[dict[str, Any]]:
    """The discipline office's dashboard: cases waiting for it."""
    if not case_may_manage(user):
        return []
    counts = selectors.case_open_counts(user=user)
    url = reverse("supervision:case_list")
    return [
        {
            "label": _("Accountability cases to investigate"),
            "count": counts["to_investigate"],
            "url": f"{url}?status={AccountabilityCase.Status.OPENED}",
            "alert": counts["to_investigate"] > 0,
        },
        {"label": _("Open accountability cases"), "count": counts["open"], "url": f"{url}?status={OPEN}"},
    ]


# --- Notices on the workbench ------------------------------------------------------------------------


def _get_notice(request: HttpRequest, pk: int) -> Notice:
    return get_object_or_404(Notice.objects.visible_to(request.user).select_related("unit", "case", "cadre"), pk=pk)


@staff_required
def notice_list(request: HttpRequest) -> HttpResponse:
    if not case_may_read(request.user):
        raise PermissionDenied(_("Notices are drafted by the discipline office."))
    queryset = Notice.objects.visible_to(request.user).select_related("unit").order_by("-created_at", "-id")
    filterset = NoticePageFilter(request.GET or None, queryset=queryset)
    page = paginate(request, filtered_or_none(filterset), size=PAGE_SIZE)
    context = {"filter": filterset, "page": page, "may_draft": notice_may_draft(request.user)}
    return render(request, "supervision/notices/list.html", context)


def _notice_detail(request: HttpRequest, notice: Notice, *, bound: Any = None, edit: Any = None) -> HttpResponse:
    actions = NOTICES.allowed_actions(user=request.user, obj=notice)
    forms = []
    for action in actions:
        row = NOTICES[action]
        form = bound if bound is not None and bound.action == action else NOTICE_ACTION_FORMS[row.input](notice=notice)
        form.action = action
        forms.append((action, form, row))
    may_edit = notice.status == Notice.Status.DRAFT and notice_may_draft(request.user)
    if may_edit and edit is None:
        edit = NoticeForm(initial={"title": notice.title, "body": notice.body})
    context = {
        "notice": notice,
        "events": notice.events.select_related("actor").order_by("at", "id"),
        "action_forms": forms,
        "edit_form": edit if may_edit else None,
    }
    return render(request, "supervision/notices/detail.html", context)


@staff_required
def notice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _notice_detail(request, _get_notice(request, pk))


@staff_required
def notice_new(request: HttpRequest) -> HttpResponse:
    """A notice of an advanced model (an exposure is drafted from its case's page)."""
    if not notice_may_draft(request.user):
        raise PermissionDenied(services.NOTICE_DRAFT_DENIED)
    form = NoticeModelForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            notice = services.notice_create(
                actor=request.user,
                title=data["title"],
                body=data["body"],
                cadre=data.get("cadre"),
                unit=data.get("unit"),
                now=timezone.now(),
            )
        except DomainError as exc:
            form_add_domain_error(form, exc)
        else:
            messages.success(request, _("Notice drafted."))
            return redirect("supervision:notice_detail", pk=notice.pk)
    return render(request, "supervision/notices/new.html", {"form": form})


def _notice_edit(request: HttpRequest, notice: Notice) -> HttpResponse:
    if not notice_may_draft(request.user):
        raise PermissionDenied(services.NOTICE_DRAFT_DENIED)
    form = NoticeForm(request.POST)
    if form.is_valid():
        try:
            services.notice_update(actor=request.user, notice=notice, now=timezone.now(), **form.cleaned_data)
        except DomainError as exc:
            form_add_domain_error(form, exc)
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("Notice saved."))
            return redirect("supervision:notice_detail", pk=notice.pk)
    return _notice_detail(request, notice, edit=form)


@staff_required
@require_POST
def notice_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action == "edit":
        return _notice_edit(request, _get_notice(request, pk))
    return page_action(
        request,
        NOTICES,
        action,
        services=services,
        obj_name="notice",
        get_obj=lambda: _get_notice(request, pk),
        make_form=lambda row, notice: _notice_action_form(row, notice, request.POST),
        done_url="supervision:notice_detail",
        rerender=lambda notice, form: _notice_detail(request, notice, bound=form),
    )


def _notice_action_form(row: Any, notice: Notice, data: Any) -> Any:
    form = NOTICE_ACTION_FORMS[row.input](data, notice=notice)
    form.action = row.action
    return form


def _case_expose(request: HttpRequest, pk: int) -> HttpResponse:
    """Draft the exposure of a decided case (its text comes from the case alone)."""
    case = _get_case(request, pk)
    try:
        notice = services.notice_draft_exposure(actor=request.user, case=case, now=timezone.now())
    except NotAllowed as exc:
        raise PermissionDenied(str(exc.message)) from exc
    except DomainError as exc:
        for errors in exc.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("supervision:case_detail", pk=case.pk)
    messages.success(request, _("Exposure drafted; check the text before it is published."))
    return redirect("supervision:notice_detail", pk=notice.pk)
