"""Personal-matter reports (个人有关事项报告): structured rows, versions kept, visible only to the
cadre himself and the organization department (the discipline office only while it has a case
open on the cadre), every reading logged."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from rest_framework.test import APIClient

from cadres import services
from cadres.models import PersonalReport, PersonalReportItem, PersonalReportView
from supervision import services as supervision
from supervision.models import AccountabilityCase
from tests.cadres.conftest import NOW
from workstyle.errors import InvalidInput, TransitionError

URL = "/api/v1/personal-reports/"
ROWS = [
    {"kind": "spouse_employment", "person": "配偶", "description": "市第一中学教师"},
    {
        "kind": "property",
        "person": "本人",
        "description": "住房一套，120平方米",
        "occurred_on": "2019-05-01",
        "amount": "1200000.00",
    },
    {"kind": "abroad", "person": "本人", "description": "因私赴泰国探亲", "occurred_on": "2026-02-03"},
]


def api(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def report(org: Any, clock: Any) -> PersonalReport:
    response = api(org.head.user).post(URL, {"year": 2026, "items": ROWS}, format="json")
    assert response.status_code == 201, response.content
    return PersonalReport.objects.get(pk=response.json()["id"])


def test_rows_are_structured_and_checked(report: PersonalReport, org: Any) -> None:
    assert list(report.items.values_list("kind", flat=True)) == ["spouse_employment", "property", "abroad"]
    assert report.items.get(kind="property").amount == 1200000
    head = api(org.head.user)
    before = list(report.items.values_list("pk", flat=True))
    for bad, field in (
        ({"kind": "yacht", "description": "游艇"}, "items"),
        ({"kind": "abroad", "description": "出国", "occurred_on": "2027-01-01"}, "items"),
    ):
        response = head.put(f"{URL}{report.pk}/", {"items": [bad]}, format="json")
        assert response.status_code == 400, response.content
        assert field in response.json()["errors"]
        assert list(report.items.values_list("pk", flat=True)) == before
    with pytest.raises(InvalidInput):
        services.personal_report_update(
            actor=org.head.user,
            report=report,
            items=[{"kind": "abroad", "description": "出国", "occurred_on": date(2027, 1, 1)}],
            now=NOW,
        )


def test_only_leading_cadres_report(org: Any, clock: Any) -> None:
    response = api(org.cadre.user).post(URL, {"year": 2026, "items": ROWS}, format="json")
    assert response.status_code == 400
    assert not PersonalReport.objects.exists()


def test_a_change_after_submission_is_a_new_version(report: PersonalReport, org: Any) -> None:
    head = api(org.head.user)
    assert head.post(f"{URL}{report.pk}/submit/", {}, format="json").status_code == 200
    # The submitted version stays as it was.
    assert head.put(f"{URL}{report.pk}/", {"items": ROWS[:1]}, format="json").status_code == 409
    second = head.post(
        URL, {"year": 2026, "items": [*ROWS, {"kind": "marriage", "description": "再婚"}]}, format="json"
    )
    assert second.status_code == 201
    assert second.json()["version"] == 2
    # One draft at a time.
    assert head.post(URL, {"year": 2026, "items": ROWS}, format="json").status_code == 400
    versions = PersonalReport.objects.filter(cadre=org.head, year=2026).order_by("version")
    assert [(r.version, r.status, r.items.count()) for r in versions] == [(1, "submitted", 3), (2, "draft", 4)]
    with pytest.raises(TransitionError):
        services.personal_report_submit(actor=org.head.user, personal_report=versions[0], now=NOW)


def test_visibility_per_role_and_the_view_log(
    report: PersonalReport, org: Any, orgdept_user: Any, discipline_user: Any
) -> None:
    # The cadre himself and the organization department read it …
    assert api(org.head.user).get(f"{URL}{report.pk}/").status_code == 200
    assert api(orgdept_user).get(f"{URL}{report.pk}/").json()["items"][1]["kind"] == "property"
    # … nobody else: not a colleague, not his unit head, not the discipline office without a case.
    for user in (org.cadre.user, org.bureau_head.user, discipline_user):
        assert api(user).get(f"{URL}{report.pk}/").status_code == 404
        assert api(user).get(URL).json()["results"] == []
    assert list(PersonalReportView.objects.values_list("viewer__username", "channel")) == [
        (orgdept_user.username, "api"),
        (org.head.user.username, "api"),
    ]
    # The list shows no declared matter, so it logs nothing.
    listed = api(orgdept_user).get(URL).json()["results"]
    assert "items" not in listed[0]
    assert PersonalReportView.objects.count() == 2
    # The log is the organization department's.
    log = api(orgdept_user).get(f"{URL}{report.pk}/views/")
    # Reading the log is not reading the report.
    assert log.status_code == 200
    assert len(log.json()) == 2
    assert api(org.head.user).get(f"{URL}{report.pk}/views/").json() == []


def test_the_discipline_office_reads_while_a_case_is_open(
    report: PersonalReport, org: Any, discipline_user: Any
) -> None:
    case = supervision.case_open(
        actor=discipline_user,
        source=AccountabilityCase.Source.LETTER,
        allegation="来信反映",
        subject_cadre=org.head,
        now=NOW,
    )
    assert api(discipline_user).get(f"{URL}{report.pk}/").status_code == 200
    assert PersonalReportView.objects.filter(viewer=discipline_user).count() == 1
    # Not a report of a cadre the case is not about.
    assert not PersonalReport.objects.visible_to(discipline_user).exclude(cadre=org.head).exists()
    supervision.case_close(actor=discipline_user, case=case, note="查无实据", now=NOW)
    assert api(discipline_user).get(f"{URL}{report.pk}/").status_code == 404


def test_kinds_are_the_declared_matters(report: PersonalReport) -> None:
    assert set(PersonalReportItem.Kind.values) >= {
        "marriage",
        "spouse_employment",
        "child_employment",
        "family_business",
        "abroad",
        "property",
        "investment",
    }
