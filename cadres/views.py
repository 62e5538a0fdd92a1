"""Organisation pages of the workbench. Every query starts from ``visible_to(request.user)``, so an
object out of the user's scope answers 404 exactly like one that does not exist."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from cadres import selectors
from cadres.filters import CadreFilter, DepartmentFilter
from cadres.models import Cadre, Department, Unit
from workstyle.views import staff_required

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
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    counts = selectors.cadre_counts_by_department(user=user)
    for department in page:
        department.cadre_count = counts.get(department.pk, 0)
    return render(
        request,
        "cadres/department_list.html",
        {"filter": filterset, "page": page, "total": page.paginator.count, "tab": "departments"},
    )


@staff_required
def department_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    department = get_object_or_404(Department.objects.visible_to(user).select_related("unit", "head"), pk=pk)
    cadres = Cadre.objects.visible_to(user).filter(department=department).order_by("staff_number")
    page = Paginator(cadres, PAGE_SIZE).get_page(request.GET.get("page"))
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
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "cadres/cadre_list.html",
        {"filter": filterset, "page": page, "total": page.paginator.count, "tab": "cadres"},
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
        "tab": "cadres",
    }
    return render(request, "cadres/cadre_detail.html", context)
