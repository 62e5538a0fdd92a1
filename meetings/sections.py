"""What the meetings add to the integrity dossier (``cadres.dossier``): the problems democratic life
meetings found naming the cadre, and the rectification items he is answerable for, as far as the
viewer sees them (``Problem.objects.visible_to`` through the meeting, and
``RectificationItem.objects.visible_to``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _

from cadres.dossier import DossierSection, register_section
from cadres.models import Cadre
from meetings.models import Problem, RectificationItem


def meeting_problems(cadre: Cadre, viewer: Any) -> Mapping[str, Any] | None:
    problems = (
        Problem.objects.visible_to(viewer)
        .filter(cadre=cadre)
        .select_related("meeting__unit", "ethos")
        .order_by("-meeting__held_on", "id")
    )
    items = (
        RectificationItem.objects.visible_to(viewer)
        .filter(responsible=cadre)
        .select_related("meeting__unit")
        .order_by("deadline", "id")
    )
    return {
        "problems": [
            {
                "id": p.pk,
                "held_on": p.meeting.held_on.isoformat(),
                "unit": p.meeting.unit.name,
                "ethos": p.ethos.code if p.ethos else None,
                "ethos_name": p.ethos.name if p.ethos else None,
                "text": p.text,
            }
            for p in problems
        ],
        "items": [
            {
                "id": i.pk,
                "held_on": i.meeting.held_on.isoformat(),
                "unit": i.meeting.unit.name,
                "measure": i.measure,
                "deadline": i.deadline.isoformat(),
                "status": i.status,
                "status_display": str(i.get_status_display()),
            }
            for i in items
        ],
    }


register_section(
    DossierSection(
        "meeting_problems",
        _("Problems found at democratic life meetings"),
        55,
        "meetings/dossier/meeting_problems.html",
        meeting_problems,
    )
)
