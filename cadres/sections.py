"""The sections of the integrity dossier that come from the cadres app: post history, debriefings,
personal-matter reports (``cadres.dossier``)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from django.utils.translation import gettext_lazy as _

from cadres.dossier import DossierSection, register_section
from cadres.models import Cadre, CadrePost, Debriefing, PersonalReport
from cadres.services import personal_report_views_record
from workstyle import roles


def _day(value: date | datetime | None) -> str | None:
    if value is None:
        return None
    return value.date().isoformat() if isinstance(value, datetime) else value.isoformat()


def post_history(cadre: Cadre, viewer: Any) -> Mapping[str, Any]:
    posts = CadrePost.objects.filter(cadre=cadre).select_related("unit").order_by("-started_on", "-id")
    return {
        "current": {
            "unit": cadre.unit.name,
            "department": cadre.department.name if cadre.department else None,
            "position": cadre.position,
            "rank": cadre.rank,
            "rank_display": str(cadre.get_rank_display()),
            "is_leading": cadre.is_leading,
        },
        "posts": [
            {
                "unit": post.unit.name,
                "position": post.position,
                "rank": post.rank,
                "rank_display": str(post.get_rank_display()),
                "started_on": _day(post.started_on),
                "ended_on": _day(post.ended_on),
            }
            for post in posts
        ],
    }


def debriefings(cadre: Cadre, viewer: Any) -> Mapping[str, Any] | None:
    rows = Debriefing.objects.visible_to(viewer).filter(cadre=cadre).order_by("-year")
    return {
        "items": [
            {
                "id": d.pk,
                "year": d.year,
                "status": d.status,
                "status_display": str(d.get_status_display()),
                "due": _day(d.due_at),
                "submitted": _day(d.submitted_at),
                "reviewed": _day(d.reviewed_at),
                "review_note": d.review_note,
                "overdue_level": d.escalation_level,
            }
            for d in rows
        ]
    }


def personal_reports(cadre: Cadre, viewer: Any) -> Mapping[str, Any] | None:
    """The organization department's alone in the dossier, every version."""
    if not (getattr(viewer, "is_superuser", False) or roles.is_orgdept(viewer)):
        return None
    reports = (
        PersonalReport.objects.visible_to(viewer)
        .filter(cadre=cadre)
        .prefetch_related("items")
        .order_by("-year", "-version")
    )
    return {
        "reports": [
            {
                "id": report.pk,
                "year": report.year,
                "version": report.version,
                "status": report.status,
                "status_display": str(report.get_status_display()),
                "submitted": _day(report.submitted_at),
                "items": [
                    {
                        "kind": item.kind,
                        "kind_display": str(item.get_kind_display()),
                        "person": item.person,
                        "description": item.description,
                        "occurred_on": _day(item.occurred_on),
                        "amount": None if item.amount is None else str(item.amount),
                    }
                    for item in report.items.all()
                ],
            }
            for report in reports
        ]
    }


def _reports_viewed(data: Mapping[str, Any], viewer: Any, channel: str, now: datetime) -> None:
    reports = PersonalReport.objects.filter(pk__in=[r["id"] for r in data["reports"]])
    personal_report_views_record(viewer=viewer, reports=reports, channel=channel, now=now)


register_section(DossierSection("posts", _("Post history"), 10, "cadres/dossier/posts.html", post_history))
register_section(
    DossierSection(
        "debriefings", _("Debriefings on duties and integrity"), 60, "cadres/dossier/debriefings.html", debriefings
    )
)
register_section(
    DossierSection(
        "personal_reports",
        _("Reports on personal matters"),
        70,
        "cadres/dossier/personal_reports.html",
        personal_reports,
        on_view=_reports_viewed,
    )
)
