"""Workbench pages of cases: list, detail with the actions of the discipline office, the open form,
the nav link and the dashboard panel; out of scope is 404 (detail) or 403 (the list)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from supervision.models import AccountabilityCase, CaseEvent

Case = AccountabilityCase


def login(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


@pytest.fixture
def office(discipline_user: Any) -> Client:
    return login(discipline_user)


def test_list_and_detail_for_the_discipline_office(cadre_case: Case, unit_case: Case, office: Client, org: Any) -> None:
    page = office.get("/workbench/cases/")
    assert page.status_code == 200
    html = page.content.decode()
    assert f"/workbench/cases/{cadre_case.pk}/" in html
    assert org.township.name in html
    assert 'href="/workbench/cases/new/"' in html
    assert 'href="/workbench/cases/"' in html  # the nav link

    filtered = office.get("/workbench/cases/", {"source": "inspection"}).content.decode()
    assert f"/workbench/cases/{unit_case.pk}/" in filtered
    assert f"/workbench/cases/{cadre_case.pk}/" not in filtered

    detail = office.get(f"/workbench/cases/{cadre_case.pk}/").content.decode()
    assert cadre_case.allegation in detail
    assert f"/workbench/cases/{cadre_case.pk}/investigate/" in detail
    assert f"/workbench/cases/{cadre_case.pk}/decide/" not in detail  # not before the investigation


def test_orgdept_reads_without_actions_a_cadre_is_kept_out(cadre_case: Case, orgdept_user: Any, org: Any) -> None:
    reader = login(orgdept_user)
    assert reader.get("/workbench/cases/").status_code == 200
    detail = reader.get(f"/workbench/cases/{cadre_case.pk}/")
    assert detail.status_code == 200
    assert "/investigate/" not in detail.content.decode()
    assert reader.post(f"/workbench/cases/{cadre_case.pk}/investigate/").status_code == 403
    assert reader.get("/workbench/cases/new/").status_code == 403

    head = login(org.head.user)
    assert head.get("/workbench/cases/").status_code == 403
    assert head.get(f"/workbench/cases/{cadre_case.pk}/").status_code == 404
    assert head.post(f"/workbench/cases/{cadre_case.pk}/investigate/").status_code == 404
    assert 'href="/workbench/cases/"' not in head.get("/workbench/").content.decode()
    cadre_case.refresh_from_db()
    assert cadre_case.status == Case.Status.OPENED


def test_the_office_works_a_case_through_the_pages(cadre_case: Case, office: Client) -> None:
    base = f"/workbench/cases/{cadre_case.pk}"
    response = office.post(f"{base}/investigate/", {"investigate-note": "成立核查组"})
    assert response.status_code == 302
    cadre_case.refresh_from_db()
    assert cadre_case.status == Case.Status.INVESTIGATING

    detail = office.get(f"{base}/").content.decode()
    assert 'value="admonishment"' in detail
    assert 'value="reorganization"' not in detail  # only forms that fit a cadre are offered

    # A form that does not fit is refused by the service, and the form comes back with the message.
    refused = office.post(f"{base}/decide/", {"forms": ["reorganization"], "decision_date": "2026-05-11", "text": "x"})
    assert refused.status_code == 200
    assert "reorganization" in refused.content.decode()  # the choice error names the bad value
    future = office.post(f"{base}/decide/", {"forms": ["admonishment"], "decision_date": "2099-01-01", "text": "诫勉"})
    assert future.status_code == 200
    assert "cannot be in the future" in future.content.decode()
    cadre_case.refresh_from_db()
    assert cadre_case.status == Case.Status.INVESTIGATING

    decided = office.post(f"{base}/decide/", {"forms": ["admonishment"], "decision_date": "2026-05-11", "text": "诫勉"})
    assert decided.status_code == 302
    cadre_case.refresh_from_db()
    assert cadre_case.status == Case.Status.DECIDED
    assert cadre_case.decision_forms == ["admonishment"]
    assert (
        "Admonishment" in office.get(f"{base}/").content.decode() or "诫勉" in office.get(f"{base}/").content.decode()
    )

    assert office.post(f"{base}/close/", {"close-note": ""}).status_code == 302
    cadre_case.refresh_from_db()
    assert cadre_case.status == Case.Status.CLOSED
    assert list(CaseEvent.objects.filter(case=cadre_case).order_by("id").values_list("verb", flat=True)) == [
        "open",
        "investigate",
        "decide",
        "close",
    ]


def test_closing_before_a_decision_asks_for_a_reason(cadre_case: Case, office: Client) -> None:
    response = office.post(f"/workbench/cases/{cadre_case.pk}/close/", {"close-note": " "})
    assert response.status_code == 200
    assert "Say why the case is closed without a decision." in response.content.decode()
    cadre_case.refresh_from_db()
    assert cadre_case.status == Case.Status.OPENED


def test_open_a_case_from_the_page(office: Client, org: Any) -> None:
    assert office.get("/workbench/cases/new/").status_code == 200
    missing = office.post("/workbench/cases/new/", {"source": "letter", "allegation": "来信"})
    assert missing.status_code == 200
    assert "Name either a cadre or a party organization" in missing.content.decode()
    unknown = office.post(
        "/workbench/cases/new/", {"source": "letter", "allegation": "来信", "subject_cadre": "NOPE-1"}
    )
    assert "No cadre has this staff number." in unknown.content.decode()
    escalation = office.post(
        "/workbench/cases/new/",
        {"source": "complaint_escalation", "allegation": "来信", "subject_cadre": org.head.staff_number},
    )
    assert escalation.status_code == 200
    assert not Case.objects.exists()

    created = office.post(
        "/workbench/cases/new/",
        {"source": "letter", "allegation": "来信反映推诿", "subject_cadre": org.head.staff_number},
    )
    assert created.status_code == 302
    case = Case.objects.get()
    assert created["Location"] == f"/workbench/cases/{case.pk}/"
    assert case.subject_cadre == org.head
    assert case.source == Case.Source.LETTER


def test_dashboard_panel_counts_open_cases_for_the_office(
    cadre_case: Case, unit_case: Case, office: Client, discipline_user: Any, org: Any
) -> None:
    from supervision import services

    services.case_investigate(actor=discipline_user, case=unit_case, now=unit_case.opened_at)
    html = office.get("/workbench/").content.decode()
    assert "/workbench/cases/?status=opened" in html
    assert "/workbench/cases/?status=open" in html
    from supervision.views import case_panels

    panels = case_panels(discipline_user)
    assert [p["count"] for p in panels] == [1, 2]
    assert panels[0]["alert"] is True
    assert case_panels(org.head.user) == []


def test_admin_shows_cases_read_only(cadre_case: Case, db: Any) -> None:
    from tests.factories.org import UserFactory

    admin = login(UserFactory(username="root-t", is_staff=True, is_superuser=True))
    assert admin.get("/admin/supervision/accountabilitycase/").status_code == 200
    page = admin.get(f"/admin/supervision/accountabilitycase/{cadre_case.pk}/change/")
    assert page.status_code == 200
    assert cadre_case.allegation in page.content.decode()
    assert admin.get("/admin/supervision/accountabilitycase/add/").status_code == 403
    admin.post(f"/admin/supervision/accountabilitycase/{cadre_case.pk}/change/", {"status": "closed"})
    cadre_case.refresh_from_db()
    assert cadre_case.status == Case.Status.OPENED


def test_admin_event_list_costs_the_same_for_one_case_or_many(
    cadre_case: Case, unit_case: Case, discipline_user: Any, django_assert_max_num_queries: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from supervision import services
    from tests.factories.org import UserFactory

    admin = login(UserFactory(username="root-t", is_staff=True, is_superuser=True))
    with CaptureQueriesContext(connection) as two_cases:
        assert admin.get("/admin/supervision/caseevent/").status_code == 200
    for case in (cadre_case, unit_case):
        services.case_investigate(actor=discipline_user, case=case, now=case.opened_at)
    more = services.case_open(
        actor=None,
        source=Case.Source.AUDIT,
        allegation="审计发现",
        subject_unit=unit_case.subject_unit,
        now=unit_case.opened_at,
    )
    assert more.pk
    # Each row names its case by its subject: fetched with the events, not one query per row.
    with django_assert_max_num_queries(len(two_cases.captured_queries)):
        assert admin.get("/admin/supervision/caseevent/").status_code == 200


def test_a_refused_note_is_kept_on_the_page(cadre_case: Case, office: Client, discipline_user: Any) -> None:
    from supervision import services

    services.case_investigate(actor=discipline_user, case=cadre_case, now=cadre_case.opened_at)
    # Someone else started the investigation meanwhile: this note cannot be saved, but it is kept.
    response = office.post(f"/workbench/cases/{cadre_case.pk}/investigate/", {"investigate-note": "成立核查组，三人"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="stale-input"' in html
    assert "成立核查组，三人" in html


def test_the_decision_date_is_prefilled_as_a_date_input_takes_it(cadre_case: Case, office: Client) -> None:
    """``<input type="date">`` takes only ISO dates: the page offers today as 2026-11-30, in either
    language, and the office may type it as 2026/11/30 or 2026年11月30日 as well."""
    base = f"/workbench/cases/{cadre_case.pk}"
    office.post(f"{base}/investigate/", {"investigate-note": "成立核查组"})
    for language in ("zh-hans", "en"):
        office.post("/i18n/setlang/", {"language": language, "next": "/"})
        detail = office.get(f"{base}/").content.decode()
        field = re.search(r'<input type="date" name="[^"]*decision_date"[^>]*>', detail)
        assert field is not None
        assert re.search(r'value="\d{4}-\d{2}-\d{2}"', field.group(0)), field.group(0)
    typed = {"forms": ["admonishment"], "decision_date": "2026年5月11日", "text": "诫勉"}
    assert office.post(f"{base}/decide/", typed).status_code == 302
    cadre_case.refresh_from_db()
    assert cadre_case.decision_date.isoformat() == "2026-05-11"
