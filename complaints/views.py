"""Workbench pages of complaints."""

from django.http import HttpRequest, HttpResponse

from workstyle.views import staff_required, workbench


@staff_required
def complaint_queue(request: HttpRequest) -> HttpResponse:
    return workbench(request)


@staff_required
def complaint_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return workbench(request)
