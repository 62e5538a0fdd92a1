"""What the eight ethos add to the integrity dossier (``cadres.dossier``): the cadre's yearly
commitments, and his results in the closed rounds of democratic appraisal. The results are the
round's aggregates for him alone (``selectors.round_results``): never a ballot, a rater or who rated
how."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cadres.dossier import DossierSection, register_section
from cadres.models import Cadre
from ethos.models import AppraisalRound, Commitment, Grade
from ethos.selectors import round_results


def commitments_of(cadre: Cadre, viewer: Any) -> Mapping[str, Any] | None:
    """His commitments year by year, as far as ``Commitment.objects.visible_to`` lets the viewer."""
    rows = Commitment.objects.visible_to(viewer).filter(cadre=cadre).select_related("year").order_by("-year__year")
    return {
        "items": [
            {
                "id": c.pk,
                "year": c.year.year,
                "status": c.status,
                "status_display": str(c.get_status_display()),
                "signed": timezone.localtime(c.signed_at).date().isoformat() if c.signed_at else None,
                "review_comment": c.review_comment,
            }
            for c in rows
        ]
    }


def appraisal_results(cadre: Cadre, viewer: Any) -> Mapping[str, Any] | None:
    """His results in the closed rounds he was appraised in: the overall grade, the flag, and per
    ethos the share of "poor". The rounds follow ``AppraisalRound.objects.visible_to``, the results
    ``round_results`` (the two offices every cadre's, a cadre his own)."""
    rounds = (
        AppraisalRound.objects.visible_to(viewer)
        .filter(status=AppraisalRound.Status.CLOSED, appraisees=cadre)
        .select_related("unit")
        .order_by("-year", "unit__code")
    )
    grades = dict(Grade.choices)
    items = []
    for appraisal in rounds:
        result = next((r for r in round_results(round=appraisal, user=viewer) if r.cadre.pk == cadre.pk), None)
        if result is None:
            continue
        items.append(
            {
                "round": appraisal.pk,
                "year": appraisal.year,
                "unit": appraisal.unit.name,
                "ballots": result.ballots,
                "overall": result.overall,
                "overall_display": str(grades[result.overall]) if result.overall else None,
                "flagged": result.flagged,
                "ethos": [
                    {
                        "code": e.ethos.code,
                        "name": e.ethos.name,
                        "poor_share": round(float(e.share(Grade.POOR)), 4),
                        "flagged": e.flagged,
                    }
                    for e in result.ethos
                ],
            }
        )
    return {"items": items}


register_section(
    DossierSection("commitments", _("Commitments on work style"), 45, "ethos/dossier/commitments.html", commitments_of)
)
register_section(
    DossierSection(
        "appraisal", _("Democratic appraisal results"), 50, "ethos/dossier/appraisal.html", appraisal_results
    )
)
