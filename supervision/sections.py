"""What supervision adds to the integrity dossier (``cadres.dossier``): the conversations held with
the cadre, the accountability cases held against him with their decisions, and the notices that name
him; and the grant that
lets the discipline office read a cadre's personal-matter reports while it has a case open on him
(``cadres.access``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cadres.access import register_personal_report_grant
from cadres.dossier import DossierSection, register_section
from cadres.models import Cadre
from supervision.models import AccountabilityCase, Conversation, Notice
from supervision.permissions import case_may_read
from workstyle import roles

Status = AccountabilityCase.Status
OPEN = (Status.OPENED, Status.INVESTIGATING)


def conversations_with(cadre: Cadre, viewer: Any) -> Mapping[str, Any] | None:
    """The admonishing and reminding conversations held with him: the two offices see them all
    (never one held with themselves), the cadre his own (``Conversation.objects.visible_to``)."""
    rows = Conversation.objects.visible_to(viewer).filter(cadre=cadre).order_by("-held_on", "-id")
    return {
        "items": [
            {
                "id": c.pk,
                "kind": c.kind,
                "kind_display": str(c.get_kind_display()),
                "held_on": c.held_on.isoformat(),
                "reason": c.reason,
                "outcome": c.outcome,
            }
            for c in rows
        ]
    }


def cases_against(cadre: Cadre, viewer: Any) -> Mapping[str, Any] | None:
    if not case_may_read(viewer):
        return None
    forms = dict(AccountabilityCase.Form.choices)
    cases = AccountabilityCase.objects.visible_to(viewer).filter(subject_cadre=cadre).order_by("-opened_at", "-id")
    return {
        "items": [
            {
                "id": case.pk,
                "source": case.source,
                "source_display": str(case.get_source_display()),
                "status": case.status,
                "status_display": str(case.get_status_display()),
                "opened": timezone.localtime(case.opened_at).date().isoformat(),
                "allegation": case.allegation,
                "decision_forms": [str(forms.get(f, f)) for f in case.decision_forms],
                "decision_date": case.decision_date.isoformat() if case.decision_date else None,
                "decision_text": case.decision_text,
            }
            for case in cases
        ]
    }


def notices_naming(cadre: Cadre, viewer: Any) -> Mapping[str, Any] | None:
    notices = (
        Notice.objects.visible_to(viewer)
        .filter(Q(case__subject_cadre=cadre) | Q(cadre=cadre))
        .order_by("-published_on", "-created_at")
    )
    return {
        "items": [
            {
                "id": n.pk,
                "kind": n.kind,
                "kind_display": str(n.get_kind_display()),
                "title": n.title,
                "status": n.status,
                "status_display": str(n.get_status_display()),
                "published_on": n.published_on.isoformat() if n.published_on else None,
            }
            for n in notices
        ]
    }


def discipline_reads_reports_on_open_cases(user: Any) -> QuerySet[Any] | None:
    """The discipline office reads the personal-matter reports of cadres it has an open case on
    (never on a case held against the reader himself: ``visible_to`` leaves those out)."""
    if not roles.is_discipline(user):
        return None
    return (
        AccountabilityCase.objects.visible_to(user)
        .filter(status__in=OPEN, subject_cadre__isnull=False)
        .values("subject_cadre_id")
    )


register_section(
    DossierSection(
        "conversations", _("Conversations"), 40, "supervision/dossier/conversations.html", conversations_with
    )
)
register_section(
    DossierSection(
        "cases", _("Accountability cases and decisions"), 30, "supervision/dossier/cases.html", cases_against
    )
)
register_section(
    DossierSection("notices", _("Notices naming the cadre"), 80, "supervision/dossier/notices.html", notices_naming)
)
register_personal_report_grant(discipline_reads_reports_on_open_cases)
