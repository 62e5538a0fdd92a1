"""/api/v1/cases/: visibility, filters, opening and every transition, errors as JSON."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from supervision.models import AccountabilityCase, CaseEvent
from tests.flows.overdue import make_complaint
from tests.supervision.conftest import NOW

Case = AccountabilityCase
Form = Case.Form
URL = "/api/v1/cases/"


def client_for(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def office(discipline_user: Any) -> APIClient:
    return client_for(discipline_user)


def test_discipline_and_orgdept_read_cases_a_cadre_gets_404(
    cadre_case: Case, unit_case: Case, org: Any, discipline_user: Any, orgdept_user: Any
) -> None:
    for user in (discipline_user, orgdept_user):
        response = client_for(user).get(URL)
        assert response.status_code == 200
        assert {row["id"] for row in response.json()["results"]} == {cadre_case.pk, unit_case.pk}
        detail = client_for(user).get(f"{URL}{cadre_case.pk}/")
        assert detail.status_code == 200
        assert [e["verb"] for e in detail.json()["events"]] == ["open"]

    # Even the cadre held accountable sees nothing: cases are the office's business.
    head = client_for(org.head.user)
    assert head.get(URL).json()["results"] == []
    assert head.get(f"{URL}{cadre_case.pk}/").status_code == 404
    assert head.post(f"{URL}{cadre_case.pk}/investigate/", {}, format="json").status_code == 404
    assert APIClient().get(URL).status_code in (401, 403)


def test_an_officer_never_reads_a_case_against_himself(cadre_case: Case, unit_case: Case, org: Any) -> None:
    """Recusal: the head is also organization-department staff here, and the subject of cadre_case."""
    from django.contrib.auth.models import Group

    org.head.user.groups.add(Group.objects.get_or_create(name="orgdept")[0])
    client = client_for(org.head.user)
    assert {row["id"] for row in client.get(URL).json()["results"]} == {unit_case.pk}
    assert client.get(f"{URL}{cadre_case.pk}/").status_code == 404


def test_orgdept_reads_but_may_not_act(cadre_case: Case, orgdept_user: Any) -> None:
    client = client_for(orgdept_user)
    assert client.get(f"{URL}{cadre_case.pk}/").json()["allowed_actions"] == []
    response = client.post(f"{URL}{cadre_case.pk}/investigate/", {}, format="json")
    assert response.status_code == 403
    assert response.json()["message"]
    assert client.post(URL, {"source": "other", "allegation": "x", "subject_unit": 1}, format="json").status_code == 403
    cadre_case.refresh_from_db()
    assert cadre_case.status == Case.Status.OPENED


def test_filters(cadre_case: Case, unit_case: Case, office: APIClient, org: Any) -> None:
    def ids(query: str) -> set[int]:
        response = office.get(f"{URL}?{query}")
        assert response.status_code == 200
        return {row["id"] for row in response.json()["results"]}

    assert ids("source=letter") == {cadre_case.pk}
    assert ids("source=inspection") == {unit_case.pk}
    assert ids(f"subject_cadre={org.head.pk}") == {cadre_case.pk}
    assert ids(f"subject_unit={org.township.pk}") == {unit_case.pk}
    assert ids(f"subject={org.head.name}") == {cadre_case.pk}
    assert ids(f"subject={org.township.name}") == {unit_case.pk}
    assert ids("status=opened") == {cadre_case.pk, unit_case.pk}
    assert ids("status=open") == {cadre_case.pk, unit_case.pk}
    assert ids("status=decided") == set()
    assert ids("opened_after=2026-05-12") == set()
    assert ids("q=巡察") == {unit_case.pk}
    bad = office.get(f"{URL}?status=lost")
    assert bad.status_code == 400
    assert "status" in bad.json()["errors"]
    # An id is a whole number: 1.5 is refused, not read as 1; one past bigint finds nothing.
    for query, field in ((f"subject_cadre={org.head.pk}.5", "subject_cadre"), ("complaint=1e3", "complaint")):
        bad = office.get(f"{URL}?{query}")
        assert bad.status_code == 400, query
        assert field in bad.json()["errors"]
    assert ids(f"subject_unit={'9' * 30}") == set()


def test_open_a_case(office: APIClient, org: Any) -> None:
    complaint = make_complaint(now=NOW)
    response = office.post(
        URL,
        {"source": "inspection", "subject_cadre": org.head.pk, "complaint": complaint.pk, "allegation": "巡察发现问题"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "opened"
    assert body["subject_kind"] == "cadre"
    assert body["subject_cadre_name"] == org.head.name
    assert body["complaint_tracking_code"] == complaint.tracking_code
    assert body["allowed_actions"] == ["investigate", "close"]
    assert CaseEvent.objects.filter(case_id=body["id"], verb="open").count() == 1


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"source": "other", "allegation": "x"}, "subject_cadre"),
        ({"source": "other", "allegation": "x", "subject_cadre": "HEAD", "subject_unit": "BUREAU"}, "subject_cadre"),
        ({"source": "complaint_escalation", "allegation": "x", "subject_cadre": "HEAD"}, "source"),
        ({"source": "other", "allegation": "", "subject_cadre": "HEAD"}, "allegation"),
        ({"source": "other", "allegation": "x", "subject_cadre": 999999}, "subject_cadre"),
        ({"source": "other", "allegation": "x", "subject_unit": "nope"}, "subject_unit"),
        ({"allegation": "x", "subject_cadre": "HEAD"}, "source"),
    ],
)
def test_open_refuses_bad_input_with_field_errors(
    office: APIClient, org: Any, payload: dict[str, Any], field: str
) -> None:
    payload = {
        key: (org.head.pk if value == "HEAD" else org.bureau.pk if value == "BUREAU" else value)
        for key, value in payload.items()
    }
    response = office.post(URL, payload, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not Case.objects.exists()


def test_transitions_through_the_api(cadre_case: Case, office: APIClient) -> None:
    detail = f"{URL}{cadre_case.pk}/"
    early = office.post(f"{detail}decide/", {"forms": ["admonishment"], "decision_date": "2026-05-11", "text": "x"})
    assert early.status_code == 409
    response = office.post(f"{detail}investigate/", {"note": "核查"}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "investigating"
    assert response.json()["allowed_actions"] == ["decide", "close"]

    wrong = office.post(
        f"{detail}decide/",
        {"forms": ["reorganization"], "decision_date": "2026-05-11", "text": "改组"},
        format="json",
    )
    assert wrong.status_code == 400
    assert "forms" in wrong.json()["errors"]
    invalid = office.post(f"{detail}decide/", {"forms": [], "decision_date": "soon"}, format="json")
    assert invalid.status_code == 400
    assert {"forms", "decision_date", "text"} <= set(invalid.json()["errors"])

    decided = office.post(
        f"{detail}decide/",
        {"forms": ["admonishment", "circulated_criticism"], "decision_date": "2026-05-11", "text": "诫勉并通报"},
        format="json",
    )
    assert decided.status_code == 200, decided.json()
    assert decided.json()["decision_forms"] == ["circulated_criticism", "admonishment"]
    closed = office.post(f"{detail}close/", {}, format="json")
    assert closed.status_code == 200
    assert closed.json()["status"] == "closed"
    assert [e["verb"] for e in closed.json()["events"]] == ["open", "investigate", "decide", "close"]
    assert office.post(f"{detail}close/", {}, format="json").status_code == 409


def test_closing_an_undecided_case_needs_a_note(cadre_case: Case, office: APIClient) -> None:
    response = office.post(f"{URL}{cadre_case.pk}/close/", {"note": ""}, format="json")
    assert response.status_code == 400
    assert "note" in response.json()["errors"]


def test_escalation_cases_are_listed_with_their_complaint(org: Any, office: APIClient) -> None:
    complaint = make_complaint(now=NOW)
    Case.objects.create(
        source=Case.Source.COMPLAINT_ESCALATION,
        complaint=complaint,
        subject_cadre=org.head,
        allegation="拖延",
        opened_at=NOW,
    )
    [row] = office.get(f"{URL}?source=complaint_escalation").json()["results"]
    assert row["complaint"] == complaint.pk
    assert row["complaint_tracking_code"] == complaint.tracking_code
    # The complainant never appears in a case.
    assert complaint.complainant_name not in str(office.get(f"{URL}{row['id']}/").json())


def test_an_unknown_form_in_a_list_is_a_plain_field_error(cadre_case: Case, office: APIClient) -> None:
    office.post(f"{URL}{cadre_case.pk}/investigate/", {}, format="json")
    response = office.post(
        f"{URL}{cadre_case.pk}/decide/",
        {"forms": ["admonishment", "bogus"], "decision_date": "2026-05-11", "text": "x"},
        format="json",
    )
    assert response.status_code == 400
    [message] = response.json()["errors"]["forms"]
    assert message.startswith("2: ")
    assert "bogus" in message
    assert "ErrorDetail" not in message
