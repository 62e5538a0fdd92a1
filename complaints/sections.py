"""The complaints' section of the integrity dossier (``cadres.dossier``): the complaints that name
the cadre, counted by outcome — only those the viewer may see, so never any for the cadre himself
(he is recused from them)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cadres.dossier import DossierSection, register_section
from cadres.models import Cadre
from complaints.models import Complaint


def complaints_against(cadre: Cadre, viewer: Any) -> Mapping[str, Any] | None:
    visible = Complaint.objects.visible_to(viewer).filter(accused_cadre=cadre)
    counts = dict(visible.order_by().values_list("status").annotate(n=Count("id")))
    if not counts and not Complaint.objects.visible_to(viewer).exists():
        # A viewer who sees no complaint at all learns nothing from an empty section.
        return None
    labels = dict(Complaint.Status.choices)
    return {
        "total": sum(counts.values()),
        "by_outcome": [
            {"status": status, "label": str(labels[status]), "count": counts[status]}
            for status in Complaint.Status.values
            if counts.get(status)
        ],
        "items": [
            {
                "id": c.pk,
                "tracking_code": c.tracking_code,
                "category": c.category,
                "category_display": str(c.get_category_display()),
                "status": c.status,
                "status_display": str(c.get_status_display()),
                "submitted": timezone.localtime(c.submitted_at).date().isoformat(),
            }
            for c in visible.order_by("-submitted_at", "-id")[:100]
        ],
    }


register_section(
    DossierSection(
        "complaints", _("Complaints naming the cadre"), 20, "complaints/dossier/complaints.html", complaints_against
    )
)
