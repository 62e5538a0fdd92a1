from __future__ import annotations

import logging
import re
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from workstyle import roles, services
from workstyle.http import safe_next
from workstyle.models import Notification
from workstyle.paging import paginate

log = logging.getLogger(__name__)
PAGE_SIZE = 30
ID = re.compile(r"[0-9]{1,18}")


def staff_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Logged in, and office staff or a cadre with an account; anyone else is refused."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not roles.is_staff_user(request.user):
            raise PermissionDenied(_("This page is for office staff and cadres."))
        return view(request, *args, **kwargs)

    return wrapper


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "home.html")


@staff_required
def workbench(request: HttpRequest) -> HttpResponse:
    from workstyle.dashboard import dashboard_agenda, dashboard_panels

    now = timezone.now()
    context = {
        "panels": dashboard_panels(request.user),
        "agenda": dashboard_agenda(request.user, now=now),
        "soon_days": settings.WORKSTYLE_REMINDER_DAYS,
        "now": now,
    }
    return render(request, "workbench/dashboard.html", context)


@staff_required
def my_page(request: HttpRequest) -> HttpResponse:
    cadre = roles.cadre_of(request.user)
    return render(request, "workbench/me.html", {"cadre": cadre, "roles": roles.role_labels(request.user)})


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    qs = Notification.objects.visible_to(request.user)
    if request.GET.get("unread"):
        qs = qs.filter(read_at__isnull=True)
    page = paginate(request, qs, size=PAGE_SIZE)
    return render(
        request, "workbench/notifications.html", {"page": page, "unread_only": bool(request.GET.get("unread"))}
    )


@login_required
@require_POST
def notification_read(request: HttpRequest) -> HttpResponse:
    raw = request.POST.getlist("id")
    # Anything but a plain id is ignored: int() would refuse "²" and the database an id past bigint.
    ids = [int(value) for value in raw if ID.fullmatch(value)] if raw else None
    services.notification_mark_read(user=request.user, ids=ids, now=timezone.now())
    return redirect(safe_next(request, reverse("notifications")))


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """django-axes' answer to a locked-out login (AXES_LOCKOUT_CALLABLE): the API's JSON error
    format under /api/, the lockout page elsewhere; 429 with Retry-After either way."""
    message = _("Too many failed login attempts. Please try again later or contact the administrator.")
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse({"message": message, "errors": {}}, status=429)
    else:
        response = render(request, "registration/locked_out.html", status=429)
    response["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    return response


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Database and broker. 503 when the database cannot answer; a broker that is down is reported
    but does not fail the check (e-mails and sweeps wait for it, pages keep working)."""
    report: dict[str, str] = {}
    status = 200
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        report["database"] = "ok"
    except Exception as exc:
        log.error("healthz: database unreachable: %s", exc)
        report["database"] = "unreachable"
        status = 503
    report["broker"] = _broker_status()
    report["status"] = "ok" if status == 200 else "error"
    return JsonResponse(report, status=status)


def _broker_status() -> str:
    from workstyle.celery import QUICK_TIMEOUT, quick_connection

    try:
        # One try, no retries: a load balancer's probe must get its answer at once.
        with quick_connection() as conn:
            conn.ensure_connection(max_retries=0, timeout=QUICK_TIMEOUT)
        return "ok"
    except Exception:
        return "unreachable"
