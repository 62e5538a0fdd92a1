"""What supervision adds to other apps' pages: the accountability cases opened about an object
(a complaint's procrastination case), for those who may read them."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from supervision.models import AccountabilityCase
from workstyle.links import RelatedLink, register_related


def cases_of_complaint(user: Any, complaint: models.Model) -> tuple[Any, list[RelatedLink]]:
    cases = (
        AccountabilityCase.objects.visible_to(user)
        .filter(complaint_id=complaint.pk)
        .select_related("subject_cadre")
        .order_by("opened_at", "id")
    )
    links = [
        RelatedLink(
            text=" · ".join(
                str(part)
                for part in (
                    case.get_source_display(),
                    case.subject_cadre.name if case.subject_cadre else "",
                    case.get_status_display(),
                )
                if part
            ),
            url=reverse("supervision:case_detail", args=[case.pk]),
            kind="case",
            pk=case.pk,
        )
        for case in cases
    ]
    return _("Accountability cases"), links


register_related("complaints.complaint", cases_of_complaint)
