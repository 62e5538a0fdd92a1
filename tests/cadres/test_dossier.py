"""The integrity dossier: its sections per viewer, the JSON, the page and the PDF."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest
from django.test import Client
from pypdf import PdfReader
from rest_framework.test import APIClient

from cadres import services
from cadres.dossier import _SECTIONS, DossierSection, register_section
from cadres.models import CadrePost, PersonalReportView
from supervision import services as supervision
from supervision.models import AccountabilityCase
from tests.cadres.conftest import NOW
from tests.factories.complaints import ComplaintFactory
from tests.factories.org import UserFactory

Case = AccountabilityCase


@pytest.fixture
def record(org: Any, orgdept_user: Any, discipline_user: Any, clock: Any) -> Any:
    """The head's file: a post history, two complaints naming him, a decided case, a published
    exposure, a debriefing and a personal-matter report."""
    CadrePost.objects.create(
        cadre=org.head,
        unit=org.township,
        position="党政办副主任",
        started_on=date(2018, 3, 1),
        ended_on=date(2022, 6, 30),
    )
    ComplaintFactory(accused_cadre=org.head, status="closed")
    ComplaintFactory(accused_cadre=org.head)
    case = supervision.case_open(
        actor=discipline_user, source=Case.Source.INSPECTION, allegation="办公用房超标", subject_cadre=org.head, now=NOW
    )
    case = supervision.case_investigate(actor=discipline_user, case=case, now=NOW)
    case = supervision.case_decide(
        actor=discipline_user,
        case=case,
        forms=[Case.Form.ADMONISHMENT],
        decision_date=NOW.date(),
        text="予以诫勉。",
        now=NOW,
    )
    leader = UserFactory(username="leader-d", groups=["discipline", "discipline_leader"])
    notice = supervision.notice_draft_exposure(actor=discipline_user, case=case, now=NOW)
    supervision.notice_publish(actor=leader, notice=notice, now=NOW)
    services.debriefing_round_set(actor=orgdept_user, year=2026, due_on=date(2026, 12, 31), now=NOW)
    services.personal_report_create(
        actor=org.head.user, year=2026, items=[{"kind": "property", "description": "住房一套"}], now=NOW
    )
    return case


def keys(user: Any, cadre: Any) -> list[str]:
    client = APIClient()
    client.force_authenticate(user)
    response = client.get(f"/api/v1/cadres/{cadre.pk}/dossier/")
    assert response.status_code == 200, response.content
    return [s["key"] for s in response.json()["sections"]]


def test_sections_per_viewer(record: Any, org: Any, orgdept_user: Any, discipline_user: Any) -> None:
    assert keys(orgdept_user, org.head) == [
        "posts",
        "complaints",
        "cases",
        "conversations",
        "commitments",
        "appraisal",
        "meeting_problems",
        "debriefings",
        "personal_reports",
        "notices",
    ]
    # The discipline office: no personal-matter reports in the dossier (the organization department's).
    assert keys(discipline_user, org.head) == [
        "posts",
        "complaints",
        "cases",
        "conversations",
        "commitments",
        "appraisal",
        "meeting_problems",
        "debriefings",
        "notices",
    ]
    # The cadre himself, less what he may not see: no complaints naming him, no cases held against him.
    assert keys(org.head.user, org.head) == [
        "posts",
        "conversations",
        "commitments",
        "appraisal",
        "meeting_problems",
        "debriefings",
        "notices",
    ]
    # A department head, a unit head, a colleague: no dossier at all (404 like a record out of scope).
    for user in (org.head.user, org.bureau_head.user, org.other.user):
        client = APIClient()
        client.force_authenticate(user)
        assert client.get(f"/api/v1/cadres/{org.cadre.pk}/dossier/").status_code == 404
        assert client.get(f"/api/v1/cadres/{org.cadre.pk}/dossier.pdf").status_code == 404
        page = Client()
        page.force_login(user)
        assert page.get(f"/org/cadres/{org.cadre.pk}/dossier/").status_code == 404


def test_section_data(record: Any, org: Any, orgdept_user: Any, discipline_user: Any) -> None:
    client = APIClient()
    client.force_authenticate(discipline_user)
    body = client.get(f"/api/v1/cadres/{org.head.pk}/dossier/").json()
    assert body["cadre"]["name"] == org.head.name
    sections = {s["key"]: s["data"] for s in body["sections"]}
    assert sections["posts"]["posts"][0]["position"] == "党政办副主任"
    assert sections["complaints"]["total"] == 2
    assert {row["status"]: row["count"] for row in sections["complaints"]["by_outcome"]} == {
        "submitted": 1,
        "closed": 1,
    }
    assert sections["cases"]["items"][0]["decision_date"] == NOW.date().isoformat()
    assert sections["debriefings"]["items"][0]["year"] == 2026
    assert sections["notices"]["items"][0]["status"] == "published"


def test_complaint_counts_follow_the_viewers_scope(record: Any, org: Any) -> None:
    """A complaint the viewer may not see is not counted: an officer recused from one of them."""
    from complaints.models import Complaint, ComplaintRecusal

    officer = UserFactory(username="officer-r", groups=["discipline"])
    from tests.factories.org import CadreFactory

    CadreFactory(user=officer, department=org.records)
    recused = Complaint.objects.filter(accused_cadre=org.head).first()
    ComplaintRecusal.objects.create(complaint=recused, cadre=officer.cadre)
    client = APIClient()
    client.force_authenticate(officer)
    sections = {s["key"]: s["data"] for s in client.get(f"/api/v1/cadres/{org.head.pk}/dossier/").json()["sections"]}
    assert sections["complaints"]["total"] == 1


def test_reading_personal_reports_in_the_dossier_is_logged(record: Any, org: Any, orgdept_user: Any) -> None:
    page = Client()
    page.force_login(orgdept_user)
    html = page.get(f"/org/cadres/{org.head.pk}/dossier/").content.decode()
    assert "住房一套" in html
    assert list(PersonalReportView.objects.values_list("viewer__username", "channel")) == [
        (orgdept_user.username, "dossier")
    ]


def test_the_pdf_is_the_dossier_as_it_prints(record: Any, org: Any, orgdept_user: Any) -> None:
    client = APIClient()
    client.force_authenticate(orgdept_user)
    for url in (f"/api/v1/cadres/{org.head.pk}/dossier.pdf", f"/api/v1/cadres/{org.head.pk}/dossier/?format=pdf"):
        response = client.get(url)
        assert response.status_code == 200, response.content[:300]
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
        reader = PdfReader(io.BytesIO(response.content))
        assert len(reader.pages) >= 1
        text = "".join(page.extract_text() for page in reader.pages)
        # Chinese text intact: the name, the unit, a table's cells.
        assert org.head.name in text
        assert org.head.unit.name in text
        assert "党政办副主任" in text
        assert "住房一套" in text
    page = Client()
    page.force_login(org.head.user)
    own = page.get(f"/org/cadres/{org.head.pk}/dossier.pdf")
    assert own.status_code == 200
    assert own.content.startswith(b"%PDF")
    assert "办公用房超标" not in "".join(p.extract_text() for p in PdfReader(io.BytesIO(own.content)).pages)
    assert PersonalReportView.objects.filter(channel="pdf", viewer=orgdept_user).count() == 2


def test_a_section_registered_by_another_app_appears_where_its_order_says(
    record: Any, org: Any, orgdept_user: Any
) -> None:
    section = DossierSection(
        "elsewhere",
        "Elsewhere",
        41,
        "cadres/dossier/posts.html",
        lambda cadre, viewer: {"current": {}, "posts": []},
    )
    register_section(section)
    try:
        assert keys(orgdept_user, org.head).index("elsewhere") == 4
    finally:
        _SECTIONS.pop("elsewhere")


def test_the_pdf_fetches_nothing(monkeypatch: Any) -> None:
    """Every URL in the markup goes to the refusing fetcher, none to the network or the disk."""
    from cadres import pdf as module

    asked: list[str] = []

    def refuse(url: str) -> Any:
        asked.append(url)
        raise ValueError("refused")

    monkeypatch.setattr(module, "_refuse", refuse)
    pdf = module.html_to_pdf(
        '<p>张三</p><img src="http://127.0.0.1:9/secret.png"><link rel="stylesheet" href="file:///etc/passwd">'
    )
    assert pdf.startswith(b"%PDF")
    assert "http://127.0.0.1:9/secret.png" in asked
    assert "file:///etc/passwd" in asked
    assert "张三" in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
