"""Organisation pages of the workbench. Every query starts from ``visible_to(request.user)``, so an
object out of the user's scope answers 404 exactly like one that does not exist."""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

import filetype
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cadres import selectors, services
from cadres.dossier import dossier_fill, dossier_may_view, dossier_pdf, dossier_viewed
from cadres.filters import CadreFilter, DepartmentFilter, PersonalReportFilter
from cadres.forms import (
    DEBRIEFING_ACTION_FORMS,
    DebriefingForm,
    PersonalReportItemFormSet,
    PersonalReportYearForm,
    personal_report_items,
)
from cadres.models import Cadre, Debriefing, Department, PersonalReport, PersonalReportView, Unit
from cadres.permissions import is_own
from cadres.transitions import DEBRIEFINGS, PERSONAL_REPORTS
from cadres.widgets import DepartmentsByUnitIterator
from workstyle import roles
from workstyle.errors import DomainError, NotAllowed
from workstyle.forms import form_add_domain_error
from workstyle.paging import paginate
from workstyle.uploads import file_response
from workstyle.views import staff_required
from workstyle.workflow_pages import page_action

PAGE_SIZE = 50
# A unit page lists this many cadres and links to the full, filtered list for the rest.
UNIT_CADRES_SHOWN = 50


@staff_required
def unit_tree(request: HttpRequest) -> HttpResponse:
    return render(request, "cadres/unit_tree.html", {"roots": selectors.unit_tree(user=request.user), "tab": "units"})


@staff_required
def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    unit = get_object_or_404(Unit.objects.visible_to(user).select_related("head", "parent"), pk=pk)
    visible_units = Unit.objects.visible_to(user)
    parent_visible = unit.parent_id is not None and visible_units.filter(pk=unit.parent_id).exists()
    cadres = Cadre.objects.visible_to(user).filter(unit=unit).select_related("department").order_by("staff_number")
    cadre_total = cadres.count()
    department_cadres = selectors.cadre_counts_by_department(user=user)
    departments = list(Department.objects.visible_to(user).filter(unit=unit).select_related("head").order_by("code"))
    for department in departments:
        department.cadre_count = department_cadres.get(department.pk, 0)  # type: ignore[attr-defined]
    context = {
        "unit": unit,
        "parent_visible": parent_visible,
        "head_visible": unit.head_id is not None and Cadre.objects.visible_to(user).filter(pk=unit.head_id).exists(),
        "children": visible_units.filter(parent=unit).order_by("code"),
        "departments": departments,
        "cadres": cadres[:UNIT_CADRES_SHOWN],
        "cadre_total": cadre_total,
        "cadres_shown": UNIT_CADRES_SHOWN,
        "cadres_truncated": cadre_total > UNIT_CADRES_SHOWN,
        "tab": "units",
    }
    return render(request, "cadres/unit_detail.html", context)


@staff_required
def department_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    queryset = Department.objects.visible_to(user).select_related("unit", "head").order_by("unit__code", "code")
    filterset = DepartmentFilter(request.GET or None, queryset=queryset, request=request)
    page = paginate(request, filterset.qs, size=PAGE_SIZE)
    counts = selectors.cadre_counts_by_department(user=user)
    for department in page:
        department.cadre_count = counts.get(department.pk, 0)
    return render(
        request,
        "cadres/department_list.html",
        {"filter": filterset, "page": page, "total": filterset.qs.count(), "tab": "departments"},
    )


@staff_required
def department_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    department = get_object_or_404(Department.objects.visible_to(user).select_related("unit", "head"), pk=pk)
    cadres = Cadre.objects.visible_to(user).filter(department=department).order_by("staff_number")
    page = paginate(request, cadres, size=PAGE_SIZE)
    context = {
        "department": department,
        "head_visible": department.head_id is not None
        and Cadre.objects.visible_to(user).filter(pk=department.head_id).exists(),
        "page": page,
        "tab": "departments",
    }
    return render(request, "cadres/department_detail.html", context)


@staff_required
def cadre_list(request: HttpRequest) -> HttpResponse:
    queryset = (
        Cadre.objects.visible_to(request.user)
        .select_related("unit", "department")
        .order_by("unit__code", "staff_number")
    )
    filterset = CadreFilter(request.GET or None, queryset=queryset, request=request)
    page = paginate(request, filterset.qs, size=PAGE_SIZE)
    return render(
        request,
        "cadres/cadre_list.html",
        {"filter": filterset, "page": page, "total": filterset.qs.count(), "tab": "cadres"},
    )


@staff_required
def cadre_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    cadre = get_object_or_404(Cadre.objects.visible_to(user).select_related("unit", "department"), pk=pk)
    context = {
        "cadre": cadre,
        "unit_visible": Unit.objects.visible_to(user).filter(pk=cadre.unit_id).exists(),
        "department_visible": cadre.department_id is not None
        and Department.objects.visible_to(user).filter(pk=cadre.department_id).exists(),
        "headed_units": Unit.objects.visible_to(user).filter(head=cadre).order_by("code"),
        "headed_departments": Department.objects.visible_to(user)
        .filter(head=cadre)
        .select_related("unit")
        .order_by("code"),
        "may_read_dossier": dossier_may_view(user, cadre),
        "tab": "cadres",
    }
    return render(request, "cadres/cadre_detail.html", context)


# --- The integrity dossier ------------------------------------------------------------------------


def _dossier_cadre(request: HttpRequest, pk: int) -> Cadre:
    """The cadre, when the user may read his dossier; otherwise 404 like a cadre out of scope."""
    cadre = get_object_or_404(Cadre.objects.visible_to(request.user).select_related("unit", "department"), pk=pk)
    if not dossier_may_view(request.user, cadre):
        raise Http404
    return cadre


@staff_required
def cadre_dossier(request: HttpRequest, pk: int) -> HttpResponse:
    cadre = _dossier_cadre(request, pk)
    now = timezone.now()
    sections = dossier_fill(cadre=cadre, viewer=request.user)
    dossier_viewed(sections=sections, viewer=request.user, channel="dossier", now=now)
    context = {"cadre": cadre, "sections": sections, "generated": now, "tab": "cadres"}
    return render(request, "cadres/dossier_page.html", context)


@staff_required
def cadre_dossier_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    cadre = _dossier_cadre(request, pk)
    now = timezone.now()
    sections = dossier_fill(cadre=cadre, viewer=request.user)
    pdf = dossier_pdf(cadre=cadre, sections=sections, viewer=request.user, now=now)
    dossier_viewed(sections=sections, viewer=request.user, channel="pdf", now=now)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="dossier-{cadre.staff_number}.pdf"'
    return response


# --- Debriefings --------------------------------------------------------------------------------------


@staff_required
def debriefing_list(request: HttpRequest) -> HttpResponse:
    queryset = (
        Debriefing.objects.visible_to(request.user)
        .select_related("cadre", "cadre__unit")
        .order_by("-year", "cadre__staff_number")
    )
    page = paginate(request, queryset, size=PAGE_SIZE)
    return render(request, "cadres/debriefing_list.html", {"page": page, "tab": "debriefings"})


def _debriefing_page(
    request: HttpRequest, debriefing: Debriefing, *, bound: Any = None, edit: Any = None
) -> HttpResponse:
    actions = DEBRIEFINGS.allowed_actions(user=request.user, obj=debriefing)
    forms = []
    for action in actions:
        row = DEBRIEFINGS[action]
        form = bound if bound is not None and bound.action == action else DEBRIEFING_ACTION_FORMS[row.input]()
        form.action = action  # type: ignore[union-attr]
        forms.append((action, form, row))
    may_edit = debriefing.status == Debriefing.Status.DRAFT and is_own(request.user, debriefing)
    if may_edit and edit is None:
        edit = DebriefingForm(initial={"duties": debriefing.duties, "integrity": debriefing.integrity})
    context = {
        "debriefing": debriefing,
        "events": debriefing.events.select_related("actor").order_by("at", "id"),
        "action_forms": forms,
        "edit_form": edit if may_edit else None,
        "tab": "debriefings",
    }
    return render(request, "cadres/debriefing_detail.html", context)


def _get_debriefing(request: HttpRequest, pk: int) -> Debriefing:
    return get_object_or_404(Debriefing.objects.visible_to(request.user).select_related("cadre", "cadre__unit"), pk=pk)


@staff_required
def debriefing_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _debriefing_page(request, _get_debriefing(request, pk))


def _debriefing_edit(request: HttpRequest, debriefing: Debriefing) -> HttpResponse:
    if not is_own(request.user, debriefing):
        raise PermissionDenied(_("Only the cadre himself writes his debriefing."))
    form = DebriefingForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.debriefing_update(
                actor=request.user, debriefing=debriefing, now=timezone.now(), **form.cleaned_data
            )
        except DomainError as exc:
            form_add_domain_error(form, exc)
        else:
            messages.success(request, _("Debriefing saved."))
            return redirect("cadres:debriefing", pk=debriefing.pk)
    return _debriefing_page(request, debriefing, edit=form)


@login_required
@require_GET
def debriefing_attachment(request: HttpRequest, pk: int) -> FileResponse:
    """Those who see the debriefing get its attachment as a download; anyone else a 404, as for
    the attachments of complaints and rectifications."""
    debriefing = _get_debriefing(request, pk)
    if not debriefing.attachment:
        raise Http404
    try:
        handle = debriefing.attachment.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404(_("The file is no longer available.")) from exc
    # The service took only a PDF, JPEG or PNG, judged by content: judge it the same way again.
    kind = filetype.guess(handle.read(262))
    handle.seek(0)
    return file_response(
        handle,
        original_name=PurePosixPath(debriefing.attachment.name or "").name,
        content_type=kind.mime if kind else "application/octet-stream",
    )


@staff_required
@require_POST
def debriefing_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action == "edit":
        return _debriefing_edit(request, _get_debriefing(request, pk))
    return page_action(
        request,
        DEBRIEFINGS,
        action,
        services=services,
        obj_name="debriefing",
        get_obj=lambda: _get_debriefing(request, pk),
        make_form=lambda row, debriefing: _debriefing_action_form(row, request.POST),
        done_url="cadres:debriefing",
        rerender=lambda debriefing, form: _debriefing_page(request, debriefing, bound=form),
    )


def _debriefing_action_form(row: Any, data: Any) -> Any:
    form = DEBRIEFING_ACTION_FORMS[row.input](data)
    form.action = row.action  # type: ignore[attr-defined]
    return form


# --- Personal-matter reports (个人有关事项报告) --------------------------------------------------------


def _leading_cadre(user: Any) -> Cadre | None:
    cadre = roles.cadre_of(user)
    return cadre if cadre is not None and cadre.is_leading else None


@staff_required
def personal_report_list(request: HttpRequest) -> HttpResponse:
    """The cadre's own reports; the organization department's list of everybody's."""
    queryset = (
        PersonalReport.objects.visible_to(request.user)
        .select_related("cadre", "cadre__unit")
        .order_by("-year", "cadre__staff_number", "-version")
    )
    filterset = PersonalReportFilter(request.GET or None, queryset=queryset, request=request)
    page = paginate(request, filterset.qs, size=PAGE_SIZE)
    context = {
        "filter": filterset,
        "page": page,
        "total": filterset.qs.count(),
        "may_start": _leading_cadre(request.user) is not None,
        "tab": "personal_reports",
    }
    return render(request, "cadres/personal_report_list.html", context)


@staff_required
def personal_report_new(request: HttpRequest) -> HttpResponse:
    """A leading cadre starts his report for a year (a later version starts from the report page)."""
    if _leading_cadre(request.user) is None:
        raise Http404
    now = timezone.now()
    if request.method != "POST":
        year_form = PersonalReportYearForm(initial={"year": timezone.localtime(now).year - 1})
        formset = PersonalReportItemFormSet(prefix="items")
        return _personal_report_new_page(request, year_form, formset)
    year_form = PersonalReportYearForm(request.POST)
    formset = PersonalReportItemFormSet(request.POST, prefix="items")
    if year_form.is_valid() and formset.is_valid():
        try:
            report = services.personal_report_create(
                actor=request.user, year=year_form.cleaned_data["year"], items=personal_report_items(formset), now=now
            )
        except DomainError as exc:
            form_add_domain_error(year_form, exc)
        else:
            messages.success(request, _("Draft saved."))
            return redirect("cadres:personal_report", pk=report.pk)
    messages.error(request, _("The report cannot be saved."))
    return _personal_report_new_page(request, year_form, formset, status=400)


def _personal_report_new_page(request: HttpRequest, year_form: Any, formset: Any, *, status: int = 200) -> HttpResponse:
    context = {"year_form": year_form, "formset": formset, "tab": "personal_reports"}
    return render(request, "cadres/personal_report_new.html", context, status=status)


def _domain_messages(request: HttpRequest, exc: DomainError) -> None:
    """A service's refusal as messages: each reason, or the refusal itself when it names none."""
    reasons: list[object] = [error for errors in exc.errors.values() for error in errors] or [exc.message]
    for reason in reasons:
        messages.error(request, str(reason))


def _get_personal_report(request: HttpRequest, pk: int) -> PersonalReport:
    return get_object_or_404(
        PersonalReport.objects.visible_to(request.user).select_related("cadre", "cadre__unit"), pk=pk
    )


def _item_initial(report: PersonalReport) -> list[dict[str, Any]]:
    return [
        {
            "kind": i.kind,
            "person": i.person,
            "description": i.description,
            "occurred_on": i.occurred_on,
            "amount": i.amount,
        }
        for i in report.items.all()
    ]


def _personal_report_page(
    request: HttpRequest, report: PersonalReport, *, edit: Any = None, status: int = 200
) -> HttpResponse:
    user = request.user
    own = is_own(user, report)
    versions = PersonalReport.objects.visible_to(user).filter(cadre=report.cadre_id, year=report.year)
    newest = versions.order_by("-version").first()
    may_edit = own and report.status == PersonalReport.Status.DRAFT
    if may_edit and edit is None:
        edit = PersonalReportItemFormSet(prefix="items", initial=_item_initial(report))
    may_see_log = getattr(user, "is_superuser", False) or roles.is_orgdept(user)
    context = {
        "report": report,
        "items": report.items.all(),
        "versions": versions.order_by("version"),
        "events": report.events.select_related("actor").order_by("at", "id"),
        "actions": [
            (action, PERSONAL_REPORTS[action]) for action in PERSONAL_REPORTS.allowed_actions(user=user, obj=report)
        ],
        "formset": edit if may_edit else None,
        "may_amend": own
        and report.status == PersonalReport.Status.SUBMITTED
        and newest is not None
        and newest.pk == report.pk,
        "view_log": (
            PersonalReportView.objects.visible_to(user).filter(report=report).select_related("viewer")[:200]
            if may_see_log
            else None
        ),
        "tab": "personal_reports",
    }
    return render(request, "cadres/personal_report_detail.html", context, status=status)


@staff_required
def personal_report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = _get_personal_report(request, pk)
    services.personal_report_views_record(
        viewer=request.user, reports=[report], channel=PersonalReportView.Channel.PAGE, now=timezone.now()
    )
    return _personal_report_page(request, report)


def _personal_report_edit(request: HttpRequest, report: PersonalReport) -> HttpResponse:
    if not is_own(request.user, report):
        raise PermissionDenied(_("Only the cadre himself writes his report."))
    formset = PersonalReportItemFormSet(request.POST, prefix="items")
    if formset.is_valid():
        try:
            services.personal_report_update(
                actor=request.user, report=report, items=personal_report_items(formset), now=timezone.now()
            )
        except DomainError as exc:
            _domain_messages(request, exc)
        else:
            messages.success(request, _("Draft saved."))
            return redirect("cadres:personal_report", pk=report.pk)
    messages.error(request, _("The report cannot be saved."))
    report.refresh_from_db()
    return _personal_report_page(request, report, edit=formset, status=400)


def _personal_report_amend(request: HttpRequest, report: PersonalReport) -> HttpResponse:
    """Start the next version from this one's rows; the submitted one stays as it was."""
    if not is_own(request.user, report):
        raise PermissionDenied(_("Only the cadre himself writes his report."))
    try:
        new = services.personal_report_create(
            actor=request.user, year=report.year, items=_item_initial(report), now=timezone.now()
        )
    except DomainError as exc:
        _domain_messages(request, exc)
        return _personal_report_page(request, report, status=400)
    messages.success(request, _("New version started."))
    return redirect("cadres:personal_report", pk=new.pk)


@staff_required
@require_POST
def personal_report_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action == "edit":
        return _personal_report_edit(request, _get_personal_report(request, pk))
    if action == "amend":
        return _personal_report_amend(request, _get_personal_report(request, pk))
    row = PERSONAL_REPORTS.rows.get(action)
    if row is None or not row.staff:
        raise Http404
    report = _get_personal_report(request, pk)
    try:
        PERSONAL_REPORTS.authorize(action, actor=request.user, obj=report)
    except NotAllowed as exc:
        raise PermissionDenied(str(exc.message)) from exc
    try:
        PERSONAL_REPORTS.service(services, action)(actor=request.user, personal_report=report, now=timezone.now())
    except DomainError as exc:
        messages.error(request, str(exc.message))
        report.refresh_from_db()
        return _personal_report_page(request, report, status=400)
    messages.success(request, str(row.done))
    return redirect("cadres:personal_report", pk=report.pk)


@staff_required
@require_GET
def cadre_options(request: HttpRequest) -> HttpResponse:
    """The ``<option>``s of a cadre search input (``cadres.widgets.CadreSearchInput``): cadres the
    user may see that match what he typed, in the parameter the ``field`` parameter names."""
    field = request.GET.get("field", "q")
    text = request.GET.get(field, "")[:100]
    cadres = selectors.cadre_search(user=request.user, text=text)
    return render(request, "cadres/_cadre_options.html", {"cadres": cadres})


@staff_required
@require_GET
def department_options(request: HttpRequest) -> HttpResponse:
    """The ``<option>``s of a department select once a unit is chosen (``unit`` parameter, or any
    parameter ending in ``unit``); all departments the user may see when none is."""
    raw = str(request.GET.get("unit") or next((v for k, v in request.GET.items() if k.endswith("unit")), ""))
    unit_id = int(raw) if raw.isdigit() else None
    departments = selectors.department_list_of_unit(user=request.user, unit_id=unit_id)
    # With no unit chosen the options come back grouped by unit, as the page first drew them.
    groups = [] if unit_id is not None else list(DepartmentsByUnitIterator.groups(departments))
    return render(
        request,
        "cadres/_department_options.html",
        {"departments": departments, "unit_chosen": unit_id is not None, "groups": groups},
    )
