"""The workbench pages of personal-matter reports: the leading cadre writes, submits and amends
his report with structured rows; the organization department lists and reads them, every reading
logged; anyone else finds nothing (404)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

from cadres.models import PersonalReport, PersonalReportView
from supervision import services as supervision
from supervision.models import AccountabilityCase
from tests.cadres.conftest import NOW

LIST = "/org/personal-reports/"
NEW = "/org/personal-reports/new/"


def page(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def rows(*items: dict[str, str], initial: int = 0, extra: int = 1) -> dict[str, str]:
    """The POST of the rows formset: ``items`` filled, then ``extra`` blank rows."""
    data = {
        "items-TOTAL_FORMS": str(len(items) + extra),
        "items-INITIAL_FORMS": str(initial),
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "1000",
    }
    for number, item in enumerate(items):
        for field in ("kind", "person", "description", "occurred_on", "amount", "DELETE"):
            if field in item:
                data[f"items-{number}-{field}"] = item[field]
    return data


SPOUSE = {"kind": "spouse_employment", "person": "配偶", "description": "市第一中学教师"}
HOUSE = {
    "kind": "property",
    "person": "本人",
    "description": "住房一套",
    "occurred_on": "2019-05-01",
    "amount": "1200000",
}
TRIP = {"kind": "abroad", "person": "本人", "description": "因私赴泰国探亲", "occurred_on": "2026-02-03"}


@pytest.fixture
def draft(org: Any, clock: Any) -> PersonalReport:
    response = page(org.head.user).post(NEW, {"year": "2026", **rows(SPOUSE, HOUSE)})
    assert response.status_code == 302, response.content.decode()
    report = PersonalReport.objects.get(cadre=org.head, year=2026)
    assert response["Location"] == f"{LIST}{report.pk}/"
    return report


def _rows_of(report: PersonalReport) -> list[tuple[str, str]]:
    return list(report.items.order_by("order").values_list("kind", "description"))


def test_cadre_writes_submits_and_amends(draft: PersonalReport, org: Any) -> None:
    head = page(org.head.user)
    assert _rows_of(draft) == [("spouse_employment", "市第一中学教师"), ("property", "住房一套")]
    assert draft.items.get(kind="property").amount == 1200000
    # His page offers the form with his rows, and the workflow's action.
    body = head.get(f"{LIST}{draft.pk}/").content.decode()
    assert 'value="市第一中学教师"' in body
    assert f'action="{LIST}{draft.pk}/submit/"' in body
    # Edit: take out the spouse row, keep the house, add a trip.
    edited = head.post(f"{LIST}{draft.pk}/edit/", rows({**SPOUSE, "DELETE": "on"}, HOUSE, TRIP))
    assert edited.status_code == 302
    assert _rows_of(draft) == [("property", "住房一套"), ("abroad", "因私赴泰国探亲")]
    # Submit.
    assert head.post(f"{LIST}{draft.pk}/submit/").status_code == 302
    draft.refresh_from_db()
    assert draft.status == PersonalReport.Status.SUBMITTED
    assert draft.submitted_at is not None
    body = head.get(f"{LIST}{draft.pk}/").content.decode()
    assert f'action="{LIST}{draft.pk}/edit/"' not in body
    assert f'action="{LIST}{draft.pk}/amend/"' in body
    # A submitted report is no longer written over.
    assert head.post(f"{LIST}{draft.pk}/edit/", rows(SPOUSE)).status_code == 400
    assert _rows_of(draft) == [("property", "住房一套"), ("abroad", "因私赴泰国探亲")]
    # Amend: version 2 starts from version 1's rows; version 1 is kept as it was.
    amended = head.post(f"{LIST}{draft.pk}/amend/")
    second = PersonalReport.objects.get(cadre=org.head, year=2026, version=2)
    assert amended["Location"] == f"{LIST}{second.pk}/"
    assert second.status == PersonalReport.Status.DRAFT
    assert _rows_of(second) == _rows_of(draft)
    head.post(f"{LIST}{second.pk}/edit/", rows(HOUSE, TRIP, {"kind": "marriage", "description": "再婚"}))
    assert len(_rows_of(second)) == 3
    draft.refresh_from_db()
    assert (draft.version, draft.status, len(_rows_of(draft))) == (1, "submitted", 2)
    # Only the newest version is amended, once at a time.
    assert head.post(f"{LIST}{draft.pk}/amend/").status_code == 400
    assert PersonalReport.objects.filter(cadre=org.head).count() == 2
    # His list shows both versions; the second links back to the first.
    listing = head.get(LIST).content.decode()
    assert f"{LIST}{draft.pk}/" in listing
    assert f"{LIST}{second.pk}/" in listing
    assert f"{LIST}{draft.pk}/" in head.get(f"{LIST}{second.pk}/").content.decode()


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ({"kind": "yacht", "description": "游艇一艘"}, "yacht"),
        ({"kind": "abroad", "description": "赴日旅游", "occurred_on": "2027-01-01"}, "赴日旅游"),
    ],
)
def test_bad_rows_are_shown_again_and_change_nothing(
    draft: PersonalReport, org: Any, bad: dict[str, str], message: str
) -> None:
    head = page(org.head.user)
    response = head.post(NEW, {"year": "2025", **rows(SPOUSE, bad)})
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body
    assert "市第一中学教师" in body
    assert 'role="alert"' in body
    assert not PersonalReport.objects.filter(year=2025).exists()
    before = _rows_of(draft)
    response = head.post(f"{LIST}{draft.pk}/edit/", rows(TRIP, bad))
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body
    assert "因私赴泰国探亲" in body
    assert _rows_of(draft) == before


def test_a_future_date_is_refused_with_the_services_reason(draft: PersonalReport, org: Any) -> None:
    with translation.override("zh-hans"):
        reason = gettext("Row %(n)s: the date cannot be in the future.") % {"n": 1}
    response = page(org.head.user).post(
        f"{LIST}{draft.pk}/edit/", rows({"kind": "abroad", "description": "赴日旅游", "occurred_on": "2027-01-01"})
    )
    assert response.status_code == 400
    assert reason in response.content.decode()


def test_orgdept_lists_filters_and_reads_and_every_reading_is_logged(
    draft: PersonalReport, org: Any, orgdept_user: Any
) -> None:
    orgdept = page(orgdept_user)
    assert f"{LIST}{draft.pk}/" in orgdept.get(LIST, {"year": "2026", "unit": org.bureau.pk}).content.decode()
    assert f"{LIST}{draft.pk}/" not in orgdept.get(LIST, {"status": "submitted"}).content.decode()
    assert f"{LIST}{draft.pk}/" not in orgdept.get(LIST, {"unit": org.township.pk}).content.decode()
    # The list shows no declared matter, and logs nothing.
    assert "住房一套" not in orgdept.get(LIST).content.decode()
    assert not PersonalReportView.objects.exists()
    response = orgdept.get(f"{LIST}{draft.pk}/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "住房一套" in body
    # He reads; he does not write the cadre's report.
    assert 'name="items-0-kind"' not in body
    assert f'action="{LIST}{draft.pk}/submit/"' not in body
    assert list(PersonalReportView.objects.values_list("viewer", "channel", "report")) == [
        (orgdept_user.pk, "page", draft.pk)
    ]
    page(org.head.user).get(f"{LIST}{draft.pk}/")
    assert PersonalReportView.objects.count() == 2
    # The log is on the department's page, not on the cadre's.
    assert 'id="view-log"' in orgdept.get(f"{LIST}{draft.pk}/").content.decode()
    assert 'id="view-log"' not in page(org.head.user).get(f"{LIST}{draft.pk}/").content.decode()
    assert orgdept.post(f"{LIST}{draft.pk}/submit/").status_code == 403
    assert orgdept.post(f"{LIST}{draft.pk}/edit/", rows(TRIP)).status_code == 403
    assert len(_rows_of(draft)) == 2


def test_out_of_scope_is_404(draft: PersonalReport, org: Any, discipline_user: Any) -> None:
    # Not a colleague, not his department's or his unit's head, not the discipline office without a case.
    for user in (org.cadre.user, org.bureau_head.user, discipline_user):
        client = page(user)
        assert client.get(f"{LIST}{draft.pk}/").status_code == 404
        for action in ("edit", "submit", "amend"):
            assert client.post(f"{LIST}{draft.pk}/{action}/", rows(TRIP)).status_code == 404
        assert f"{LIST}{draft.pk}/" not in client.get(LIST).content.decode()
    assert not PersonalReportView.objects.exists()
    assert len(_rows_of(draft)) == 2
    # Only a leading cadre starts one.
    assert page(org.cadre.user).get(NEW).status_code == 404
    assert page(org.cadre.user).post(NEW, {"year": "2026", **rows(SPOUSE)}).status_code == 404
    # The discipline office reads while a case on the cadre is open, and no longer once it is closed.
    case = supervision.case_open(
        actor=discipline_user,
        source=AccountabilityCase.Source.LETTER,
        allegation="来信反映",
        subject_cadre=org.head,
        now=NOW,
    )
    assert page(discipline_user).get(f"{LIST}{draft.pk}/").status_code == 200
    assert PersonalReportView.objects.filter(viewer=discipline_user, channel="page").count() == 1
    supervision.case_close(actor=discipline_user, case=case, note="查无实据", now=NOW)
    assert page(discipline_user).get(f"{LIST}{draft.pk}/").status_code == 404


def test_links_from_my_page_and_the_nav(org: Any, orgdept_user: Any) -> None:
    assert LIST in page(org.head.user).get("/me/").content.decode()
    assert LIST not in page(org.cadre.user).get("/me/").content.decode()
    assert LIST in page(orgdept_user).get("/me/").content.decode()
