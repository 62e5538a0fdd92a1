from __future__ import annotations

import logging
import re
import sys
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from workstyle import roles, services
from workstyle.home import home_sections
from workstyle.http import safe_next
from workstyle.models import Notification
from workstyle.notifications import kind_label
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
    # Other ways to complain, as the office words them (settings); a blank one is left out.
    other_ways = [
        (label, text)
        for label, text in (
            (_("By telephone"), settings.WORKSTYLE_CONTACT_PHONE),
            (_("By letter"), settings.WORKSTYLE_CONTACT_LETTER),
            (_("In person"), settings.WORKSTYLE_CONTACT_VISIT),
        )
        if text
    ]
    return render(request, "home.html", {"sections": home_sections(request), "other_ways": other_ways})


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
    unread = Notification.objects.visible_to(request.user).filter(read_at__isnull=True).count()
    return render(
        request,
        "workbench/notifications.html",
        {
            "page": page,
            "days": notification_groups(list(page.object_list)),
            "unread": unread,
            "unread_only": bool(request.GET.get("unread")),
        },
    )


def notification_groups(notices: list[Notification]) -> list[dict[str, Any]]:
    """A page of notices grouped by local day (newest first, as the list is ordered) and, within a
    day, by kind: "3 complaints assigned" reads faster than three lines that say so."""
    days: list[dict[str, Any]] = []
    for notice in notices:
        day = timezone.localdate(notice.created_at)
        if not days or days[-1]["date"] != day:
            days.append({"date": day, "kinds": []})
        kinds = days[-1]["kinds"]
        group = next((group for group in kinds if group["kind"] == notice.kind), None)
        if group is None:
            group = {"kind": notice.kind, "label": kind_label(notice.kind), "items": [], "unread": 0}
            kinds.append(group)
        group["items"].append(notice)
        group["unread"] += 0 if notice.is_read else 1
    return days


@login_required
@require_POST
def notification_read(request: HttpRequest) -> HttpResponse:
    raw = request.POST.getlist("id")
    # Anything but a plain id is ignored: int() would refuse "²" and the database an id past bigint.
    ids = [int(value) for value in raw if ID.fullmatch(value)] if raw else None
    services.notification_mark_read(user=request.user, ids=ids, now=timezone.now())
    return redirect(safe_next(request, reverse("notifications")))


@login_required
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    kind = request.POST.get("kind", "")[:64] or None
    services.notification_mark_all_read(user=request.user, now=timezone.now(), kind=kind)
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


# Seconds after which a client may try again once the database is back (a restart takes a few).
RETRY_AFTER_SECONDS = 5


def server_error(request: HttpRequest) -> HttpResponse:
    """``handler500``: what an unhandled exception answers (with DEBUG off).

    A database that cannot be reached (restarting, failing over) is an outage, not a fault of the
    portal: 503 with Retry-After, so that clients and the load balancer try again. Under /api/ every
    answer is JSON in the API's error format (``{"message", "errors"}``), never a page or a
    traceback; elsewhere a short static page, for rendering the site's layout would need the
    database too. The exception itself is logged by Django as usual.
    """
    exc = sys.exc_info()[1]
    outage = isinstance(exc, OperationalError | InterfaceError)
    status = 503 if outage else 500
    response: HttpResponse
    if request.path_info.startswith("/api/"):
        message = (
            _("The service is unavailable for the moment. Please try again shortly.")
            if outage
            else _("A server error occurred. Please try again later.")
        )
        response = JsonResponse({"message": message, "errors": {}}, status=status)
    else:
        response = HttpResponse(loader.get_template(f"{status}.html").render(), status=status)
    if outage:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """The database, the broker and the cache, for the load balancer.

    ``ok`` (200) when all answer; ``degraded`` (200) when Redis — the broker or the cache — does
    not: complaints are still stored and pages served, rate limits hold per process and e-mails
    wait in the outbox, so the node stays in the pool; ``down`` (503) when the database does not
    answer, for then nothing can be stored."""
    report: dict[str, str] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        report["database"] = "ok"
    except Exception as exc:
        log.error("healthz: database unreachable: %s", exc)
        report["database"] = "unreachable"
    report["broker"] = _broker_status()
    report["cache"] = _cache_status()
    if report["database"] != "ok":
        report["status"], status = "down", 503
    elif "unreachable" in report.values():
        report["status"], status = "degraded", 200
    else:
        report["status"], status = "ok", 200
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


def _cache_status() -> str:
    from django.core.cache import cache

    ping = getattr(cache, "redis_ping", None)
    if ping is None:  # a cache without a server (the embedded default)
        return "ok"
    return "ok" if ping() else "unreachable"
