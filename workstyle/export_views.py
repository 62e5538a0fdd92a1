"""Pages of exports: the export button of a list posts here; a small export downloads at once
(streamed), a larger one is written by a worker while its page shows a progress bar (htmx polls the
progress partial), then a download link. The user's own exports are listed; anyone else's answer
404, an expired one 410."""

from __future__ import annotations

from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from workstyle import export_services
from workstyle.errors import InvalidInput, NotAllowed, TransitionError
from workstyle.exports import csv_stream, export_kind, xlsx_bytes
from workstyle.http import safe_next
from workstyle.models import Export
from workstyle.views import staff_required

CONTENT_TYPES: dict[str, str] = {
    Export.Format.CSV: "text/csv; charset=utf-8",
    Export.Format.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# Query parameters of a list page that are not filters: the whole list is exported, not one page.
NOT_FILTERS = ("page", "page_size")


def download_name(kind: str, format: str, at: Any) -> str:
    found = export_kind(kind)
    title = str(found.title) if found is not None else kind
    return f"{title}-{timezone.localtime(at):%Y%m%d-%H%M}.{format}"


@staff_required
@require_POST
def export_start(request: HttpRequest) -> HttpResponse:
    """The export button of a list: ``kind``, ``format`` and ``query`` (the list's query string)."""
    kind = request.POST.get("kind", "")
    format = request.POST.get("format", "")
    query = QueryDict(request.POST.get("query", ""), mutable=True)
    for name in NOT_FILTERS:
        query.pop(name, None)
    back = safe_next(request, reverse("exports:list"))
    now = timezone.now()
    try:
        export_services.export_check_format(format)
        plan = export_services.export_plan(user=request.user, kind=kind, filters=query, now=now)
        if plan.count() <= settings.WORKSTYLE_EXPORT_SYNC_ROWS:
            # Streamed as it is read: nothing is kept, nothing to expire.
            # (``staff_required`` is typed for HttpResponse; a streamed or file answer serves as well.)
            return cast(HttpResponse, _download_now(plan, kind=kind, format=format, now=now))
        export = export_services.export_request(actor=request.user, kind=kind, format=format, filters=query, now=now)
    except NotAllowed as exc:
        raise PermissionDenied(str(exc.message)) from exc
    except InvalidInput as exc:
        messages.error(request, str(exc.message))
        for errors in exc.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back)
    return redirect("exports:detail", export.pk)


def _download_now(plan: Any, *, kind: str, format: str, now: Any) -> HttpResponseBase:
    response: HttpResponseBase
    if format == Export.Format.CSV:
        response = StreamingHttpResponse(csv_stream(plan), content_type=CONTENT_TYPES[Export.Format.CSV])
    else:
        response = HttpResponse(xlsx_bytes(plan), content_type=CONTENT_TYPES[Export.Format.XLSX])
    response["Content-Disposition"] = content_disposition_header(True, download_name(kind, format, now))
    response["Cache-Control"] = "private, no-store"
    return response


@staff_required
def export_list(request: HttpRequest) -> HttpResponse:
    exports = Export.objects.visible_to(request.user).order_by("-created_at", "-id")
    page = Paginator(exports, 25).get_page(request.GET.get("page"))
    for export in page.object_list:
        export.title = _title(export)  # type: ignore[attr-defined]
    return render(request, "exports/list.html", {"page": page, "keep_days": settings.WORKSTYLE_EXPORT_KEEP_DAYS})


def _title(export: Export) -> str:
    found = export_kind(export.kind)
    return str(found.title) if found is not None else export.kind


def _own(request: HttpRequest, pk: int) -> Export:
    export = get_object_or_404(Export.objects.visible_to(request.user), pk=pk)
    export.title = _title(export)  # type: ignore[attr-defined]
    return export


@staff_required
def export_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "exports/detail.html", {"export": _own(request, pk)})


@staff_required
@never_cache
def export_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress partial the detail page polls (and shows on its first load)."""
    return render(request, "exports/_progress.html", {"export": _own(request, pk)})


@staff_required
@never_cache
def export_download(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        export = export_services.export_download(user=request.user, export_id=pk, now=timezone.now())
    except Export.DoesNotExist as exc:
        raise Http404 from exc
    except TransitionError as exc:
        return render(
            request,
            "exports/detail.html",
            {"export": _own(request, pk), "refusal": str(exc.message)},
            status=exc.status_code,
        )
    return cast(HttpResponse, file_response(export))


def file_response(export: Export) -> FileResponse:
    response = FileResponse(
        export_services.export_path(export).open("rb"),
        as_attachment=True,
        filename=download_name(export.kind, export.format, export.finished_at or export.created_at),
        content_type=CONTENT_TYPES.get(export.format, "application/octet-stream"),
    )
    response["Cache-Control"] = "private, no-store"
    return response
