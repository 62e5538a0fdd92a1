"""The complaints demo of ``seed_demo``: every state, the ladder, recusal; idempotent."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cadres import demo as org_demo
from complaints import demo
from complaints.models import Complaint, ExtensionRequest, IdentityAccess
from supervision.models import AccountabilityCase

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_city(db: Any) -> None:
    org_demo.seed(password="demo-password")


def test_demo_complaints_in_every_state_and_level(demo_city: None) -> None:
    out = io.StringIO()
    report = demo.seed(now=timezone.now(), stdout=out)
    titles = [d.title for d in demo.COMPLAINTS]
    complaints = Complaint.objects.filter(title__in=titles)
    assert report["created"] == len(demo.COMPLAINTS) == complaints.count()
    assert set(complaints.values_list("status", flat=True)) == set(Complaint.Status.values)
    assert complaints.filter(escalation_level=1).exists()
    level_2 = complaints.filter(escalation_level=2)
    assert level_2.exists()
    assert (
        AccountabilityCase.objects.filter(
            source=AccountabilityCase.Source.COMPLAINT_ESCALATION, complaint__in=level_2
        ).count()
        == level_2.count()
    )
    assert complaints.filter(complainant_name="", complainant_phone="", complainant_email="").exists()
    assert complaints.exclude(complainant_name="").exists()
    assert complaints.filter(accused_cadre__isnull=False).count() >= 3
    assert ExtensionRequest.objects.filter(complaint__in=complaints, status="pending").exists()
    assert ExtensionRequest.objects.filter(complaint__in=complaints, status="approved").exists()
    assert IdentityAccess.objects.filter(complaint__in=complaints, status="pending").exists()
    assert len(set(complaints.values_list("category", flat=True))) >= 10
    assert "Demo complaints:" in out.getvalue()

    # Recusal: the cadre named never sees it, the head named neither, and the unit head answers.
    client = Client()
    gambling = complaints.get(title="城市建设科科员工作日打麻将赌博")
    client.force_login(org_demo_user("cadre"))
    assert client.get(reverse("complaints:detail", args=[gambling.pk])).status_code == 404
    banquet = complaints.get(title="城市建设科科长接受开发商宴请")
    client.force_login(org_demo_user("head"))
    assert client.get(reverse("complaints:detail", args=[banquet.pk])).status_code == 404
    client.force_login(org_demo_user("director"))
    assert client.get(reverse("complaints:detail", args=[banquet.pk])).status_code == 200
    # The inspector's queue shows them all, and the page of each one renders.
    client.force_login(org_demo_user("inspector"))
    assert client.get(reverse("complaints:queue")).status_code == 200
    for complaint in complaints:
        assert client.get(reverse("complaints:detail", args=[complaint.pk])).status_code == 200
    # The complaint at level 2 shows its escalations and links its accountability case.
    html = client.get(reverse("complaints:detail", args=[level_2.first().pk])).content.decode()
    assert html.count('data-verb="escalate"') == 2
    case = AccountabilityCase.objects.get(complaint=level_2.first())
    assert f'href="{reverse("supervision:case_detail", args=[case.pk])}"' in html

    # A second run adds nothing.
    again = demo.seed(now=timezone.now())
    assert again == {"created": 0, "existing": len(demo.COMPLAINTS)}
    assert Complaint.objects.filter(title__in=titles).count() == len(demo.COMPLAINTS)


def org_demo_user(username: str) -> Any:
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=username)
