"""The complaints panels of the workbench dashboard: what needs the user's attention among the
complaints he may see."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints.models import Complaint, ExtensionRequest, IdentityAccess
from complaints.selectors import complaint_overdue_q
from workstyle import roles
from workstyle.dashboard import register_panels


@register_panels
def complaint_panels(user: Any) -> list[dict[str, Any]]:
    """What needs the user's attention among the complaints he may see."""
    if not roles.is_staff_user(user):
        return []
    now = timezone.now()
    visible = Complaint.objects.visible_to(user)
    queue = reverse("complaints:queue")
    open_q = Q(status__in=Complaint.OPEN_STATUSES)
    totals = visible.aggregate(
        open=Count("id", filter=open_q),
        overdue=Count("id", filter=open_q & complaint_overdue_q(now)),
        submitted=Count("id", filter=Q(status=Complaint.Status.SUBMITTED)),
    )
    panels: list[dict[str, Any]] = [
        {"key": "complaints-open", "label": _("Open complaints"), "count": totals["open"], "url": f"{queue}?open=true"},
    ]
    if totals["overdue"]:
        panels.append(
            {
                "key": "complaints-overdue",
                "label": _("Overdue complaints"),
                "count": totals["overdue"],
                "url": f"{queue}?overdue=true",
                "alert": True,
            }
        )
    cadre = roles.cadre_of(user)
    if cadre is not None:
        mine = visible.filter(
            handler=cadre, status__in=[Complaint.Status.ASSIGNED, Complaint.Status.REVIEW_REQUESTED]
        ).count()
        if mine:
            panels.append(
                {
                    "key": "complaints-to-reply",
                    "label": _("Awaiting your reply"),
                    "count": mine,
                    "url": f"{queue}?mine=1",
                }
            )
        to_assign = (
            visible.filter(status=Complaint.Status.ACCEPTED)
            .filter(Q(department__head=cadre, responsible_head__isnull=True) | Q(responsible_head=cadre))
            .count()
        )
        if to_assign:
            panels.append(
                {
                    "key": "complaints-to-assign",
                    "label": _("Awaiting a handler"),
                    "count": to_assign,
                    "url": f"{queue}?status=accepted",
                }
            )
    if roles.is_discipline(user):
        if totals["submitted"]:
            panels.append(
                {
                    "key": "complaints-to-accept",
                    "label": _("Awaiting acceptance"),
                    "count": totals["submitted"],
                    "url": f"{queue}?status=submitted",
                }
            )
        extensions = ExtensionRequest.objects.visible_to(user).filter(status=ExtensionRequest.Status.PENDING).count()
        if extensions:
            panels.append(
                {
                    "key": "complaints-extensions",
                    "label": _("Extension requests to decide"),
                    "count": extensions,
                    "url": f"{queue}?pending=extension",
                    "alert": True,
                }
            )
        identity = (
            IdentityAccess.objects.visible_to(user)
            .filter(status=IdentityAccess.Status.PENDING, kind=IdentityAccess.Kind.REQUEST)
            .count()
        )
        if identity:
            panels.append(
                {
                    "key": "complaints-identity",
                    "label": _("Identity requests to decide"),
                    "count": identity,
                    "url": f"{queue}?pending=identity",
                    "alert": True,
                }
            )
    return panels
