"""Workbench pages of accountability cases. Every query starts from ``visible_to(request.user)``;
every change calls one service."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from complaints.models import Complaint
from supervision import selectors, services
from supervision.filters import OPEN, CasePageFilter
from supervision.forms import CaseDecideForm, CaseNoteForm, CaseOpenForm
from supervision.models import AccountabilityCase
from workstyle import roles
from workstyle.dashboard import register_panels
from workstyle.errors import DomainError, NotAllowed
from workstyle.forms import form_add_domain_error
from workstyle.views import staff_required

PAGE_SIZE = 30


def _require_reader(user: Any) -> None:
    if not roles.sees_whole_organisation(user):
        raise PermissionDenied(_("Accountability cases are for the discipline office and the organization department."))


def _require_manager(user: Any) -> None:
    if not services.case_may_manage(user):
        raise PermissionDenied(_("Only the discipline office may handle accountability cases."))


def _get_case(request: HttpRequest, pk: int) -> AccountabilityCase:
    return get_object_or_404(selectors.case_list_for(user=request.user), pk=pk)


@staff_required
def case_list(request: HttpRequest) -> HttpResponse:
    _require_reader(request.user)
    queryset = selectors.case_list_for(user=request.user).order_by("-opened_at", "-id")
    filterset = CasePageFilter(request.GET or None, queryset=queryset, request=request)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "filter": filterset,
        "page": page,
        "total": page.paginator.count,
        "may_manage": services.case_may_manage(request.user),
    }
    return render(request, "supervision/case_list.html", context)


def _detail(
    request: HttpRequest,
    case: AccountabilityCase,
    *,
    decide_form: CaseDecideForm | None = None,
    note_forms: dict[str, CaseNoteForm] | None = None,
) -> HttpResponse:
    actions = selectors.case_allowed_actions(user=request.user, case=case)
    note_forms = note_forms or {}
    context = {
        "case": case,
        "events": case.events.select_related("actor").order_by("at", "id"),
        "actions": actions,
        "decision_labels": [dict(AccountabilityCase.Form.choices).get(f, f) for f in case.decision_forms],
        "decide_form": decide_form
        or (
            CaseDecideForm(case=case, initial={"decision_date": timezone.localdate()}) if "decide" in actions else None
        ),
        "investigate_form": note_forms.get("investigate") or CaseNoteForm(prefix="investigate"),
        "close_form": note_forms.get("close") or CaseNoteForm(prefix="close"),
        "complaint_visible": case.complaint_id is not None
        and Complaint.objects.visible_to(request.user).filter(pk=case.complaint_id).exists(),
    }
    return render(request, "supervision/case_detail.html", context)


@staff_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    # Out of scope answers 404, like a case that does not exist.
    return _detail(request, _get_case(request, pk))


@staff_required
def case_open(request: HttpRequest) -> HttpResponse:
    _require_manager(request.user)
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


def _note_action(request: HttpRequest, pk: int, name: str, service: Any, done: str) -> HttpResponse:
    case = _get_case(request, pk)
    _require_manager(request.user)
    form = CaseNoteForm(request.POST, prefix=name)
    if form.is_valid():
        try:
            service(actor=request.user, case=case, note=form.cleaned_data["note"], now=timezone.now())
        except NotAllowed as exc:
            raise PermissionDenied(str(exc.message)) from exc
        except DomainError as exc:
            form_add_domain_error(form, exc)
            messages.error(request, str(exc.message))
        else:
            messages.success(request, done)
            return redirect("supervision:case_detail", pk=case.pk)
    case.refresh_from_db()
    return _detail(request, case, note_forms={name: form})


@staff_required
@require_POST
def case_investigate(request: HttpRequest, pk: int) -> HttpResponse:
    return _note_action(request, pk, "investigate", services.case_investigate, _("Investigation started."))


@staff_required
@require_POST
def case_close(request: HttpRequest, pk: int) -> HttpResponse:
    return _note_action(request, pk, "close", services.case_close, _("Case closed."))


@staff_required
@require_POST
def case_decide(request: HttpRequest, pk: int) -> HttpResponse:
    case = _get_case(request, pk)
    _require_manager(request.user)
    form = CaseDecideForm(request.POST, case=case)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.case_decide(
                actor=request.user,
                case=case,
                forms=data["forms"],
                decision_date=data["decision_date"],
                text=data["text"],
                now=timezone.now(),
            )
        except NotAllowed as exc:
            raise PermissionDenied(str(exc.message)) from exc
        except DomainError as exc:
            form_add_domain_error(form, exc)
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("Decision recorded."))
            return redirect("supervision:case_detail", pk=case.pk)
    case.refresh_from_db()
    return _detail(request, case, decide_form=form)


@register_panels
def case_panels(user: Any) -> list[dict[str, Any]]:
    """The discipline office's dashboard: cases waiting for it."""
    if not services.case_may_manage(user):
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
