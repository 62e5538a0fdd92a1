"""The workbench puts first what needs the user now: his overdue complaints (by the stored deadline,
most overdue first), then those due soon, each with its link; never a complaint he does not owe or
may not see; its counts stop at a cap."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from complaints.models import Complaint
from tests.factories.complaints import complaint_in_state
from workstyle import dashboard

pytestmark = pytest.mark.django_db
S = Complaint.Status


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _agenda(user: Any) -> tuple[list[str], list[str], str]:
    response = _client(user).get(reverse("workbench"))
    assert response.status_code == 200
    agenda = response.context["agenda"]
    return (
        [item.title.split()[0] for item in agenda["overdue"]],
        [item.title.split()[0] for item in agenda["soon"]],
        response.content.decode(),
    )


def test_his_overdue_first_then_due_soon_with_links(org: Any, discipline_user: Any) -> None:
    now = timezone.now()

    def assigned(**due: Any) -> Complaint:
        complaint = complaint_in_state(S.ASSIGNED, department=org.office, handler=org.cadre, discipline=discipline_user)
        Complaint.objects.filter(pk=complaint.pk).update(**due)
        return complaint

    very_late = assigned(reply_due_at=now - timedelta(days=9))
    late = assigned(reply_due_at=now - timedelta(days=1))
    soon = assigned(reply_due_at=now + timedelta(days=1))
    assigned(reply_due_at=now + timedelta(days=40))  # not due soon
    someone_elses = complaint_in_state(
        S.ASSIGNED, department=org.records, handler=org.other, discipline=discipline_user
    )
    Complaint.objects.filter(pk=someone_elses.pk).update(reply_due_at=now - timedelta(days=5))
    submitted = complaint_in_state(S.SUBMITTED, discipline=discipline_user)
    Complaint.objects.filter(pk=submitted.pk).update(accept_due_at=now - timedelta(days=2))

    overdue, coming, html = _agenda(org.cadre.user)
    assert overdue == [very_late.tracking_code, late.tracking_code]
    assert coming == [soon.tracking_code]
    assert reverse("complaints:detail", args=[very_late.pk]) in html
    assert html.index(very_late.tracking_code) < html.index(late.tracking_code) < html.index(soon.tracking_code)

    # The head of the department owes what no one above answers for in it; not the records'.
    head_overdue, _coming, _html = _agenda(org.head.user)
    assert set(head_overdue) == {very_late.tracking_code, late.tracking_code}

    # The discipline office owes the decision on acceptance, not the departments' replies.
    office_overdue, _coming, _html = _agenda(discipline_user)
    assert office_overdue == [submitted.tracking_code]


def test_a_complaint_naming_him_is_not_on_his_agenda(org: Any, discipline_user: Any) -> None:
    complaint = complaint_in_state(
        S.ASSIGNED, department=org.office, handler=org.cadre, discipline=discipline_user, accused_cadre=org.head
    )
    Complaint.objects.filter(pk=complaint.pk).update(reply_due_at=timezone.now() - timedelta(days=1))
    head_overdue, _coming, _html = _agenda(org.head.user)
    assert complaint.tracking_code not in head_overdue


def test_counts_stop_at_the_cap(org: Any, discipline_user: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr(dashboard, "COUNT_CAP", 2)
    for _ in range(3):
        complaint_in_state(S.SUBMITTED, discipline=discipline_user)
    response = _client(discipline_user).get(reverse("workbench"))
    panels = {panel["key"]: panel for panel in response.context["panels"] if "key" in panel}
    assert panels["complaints-open"]["count"] == "2+"
