"""The meetings API: the contract clients rely on, the township rule as a 400 naming what is missing,
the report's and items' actions by role, the .docx with its rectification table, filters, visibility
(out of scope is 404) and bad input answered 400 with a message, changing nothing."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from docx import Document
from rest_framework.test import APIClient

from meetings import services
from meetings.models import Meeting, MeetingReport, Problem, RectificationItem
from tests.factories.meetings import make_item, make_meeting
from tests.meetings.conftest import NOW, Cast

pytestmark = pytest.mark.django_db

RS = MeetingReport.Status
TODAY = NOW.date()


def api(user: Any = None) -> APIClient:
    # Messages are asserted in English.
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_authenticate(user)
    return client


def download_type(user: Any, url: str) -> str:
    page = Client()
    page.force_login(user)
    response = page.get(url)
    assert response["X-Content-Type-Options"] == "nosniff"
    return str(response["Content-Type"])


def _state() -> list[Any]:
    return [
        list(Meeting.objects.values()),
        list(MeetingReport.objects.values()),
        list(Problem.objects.values()),
        list(RectificationItem.objects.values()),
    ]


def test_the_filer_records_a_meeting_and_its_problems(cast: Cast, clock: Any) -> None:
    head = api(cast.bureau.head.user)
    response = head.post(
        "/api/v1/meetings/",
        {
            "unit": cast.bureau.unit.pk,
            "held_on": "2026-05-08",
            "attendees": [cast.bureau.head.pk, cast.bureau.deputy.pk],
            "observers": [cast.office.pk],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    meeting = Meeting.objects.get()
    assert {k: body[k] for k in ("id", "unit", "held_on", "theme", "attendees", "observers", "report")} == {
        "id": meeting.pk,
        "unit": cast.bureau.unit.pk,
        "held_on": "2026-05-08",
        "theme": "作风建设",
        "attendees": [cast.bureau.head.pk, cast.bureau.deputy.pk],
        "observers": [cast.office.pk],
        "report": meeting.report.pk,
    }
    problem = head.post(
        f"/api/v1/meetings/{meeting.pk}/problems/",
        {"text": "文山会海", "ethos": "pragmatism", "cadre": cast.bureau.deputy.pk},
        format="json",
    )
    assert problem.status_code == 201, problem.json()
    assert (problem.json()["ethos"], problem.json()["cadre"]) == ("pragmatism", cast.bureau.deputy.pk)
    bare = head.post(f"/api/v1/meetings/{meeting.pk}/problems/", {"text": "会风不正"}, format="json")
    assert bare.status_code == 201
    assert bare.json()["ethos"] is None
    minutes = head.post(
        f"/api/v1/meetings/{meeting.pk}/minutes/",
        {"cadre": cast.bureau.deputy.pk, "self_criticism": "调研不够。", "criticism_received": "担当不足。"},
        format="json",
    )
    assert minutes.status_code == 200, minutes.json()
    patched = head.patch(f"/api/v1/meetings/{meeting.pk}/", {"theme": "作风建设专题"}, format="json")
    assert patched.status_code == 200
    assert patched.json()["theme"] == "作风建设专题"
    detail = head.get(f"/api/v1/meetings/{meeting.pk}/").json()
    assert [p["text"] for p in detail["problems"]] == ["文山会海", "会风不正"]
    assert detail["minutes"][0]["self_criticism"] == "调研不够。"


def test_the_report_contract_and_its_actions(cast: Cast, clock: Any) -> None:
    meeting = make_meeting(cast.bureau, now=NOW, held_on=dt.date(2026, 5, 1))
    report = meeting.report
    body = api(cast.bureau.head.user).get(f"/api/v1/meeting-reports/{report.pk}/").json()
    assert body["id"] == report.pk
    assert body["meeting"] == meeting.pk
    assert body["status"] == "draft"
    assert body["due_at"].startswith("2026-05-16T23:59:59")
    assert body["allowed_actions"] == ["submit"]
    # Not the filer: 403 before anything is judged.
    assert api(cast.bureau.deputy.user).post(f"/api/v1/meeting-reports/{report.pk}/submit/").status_code == 403
    submitted = api(cast.bureau.head.user).post(f"/api/v1/meeting-reports/{report.pk}/submit/")
    assert submitted.status_code == 200
    assert submitted.json()["status"] == "submitted"
    # A return needs its reasons.
    no_reason = api(cast.orgdept).post(f"/api/v1/meeting-reports/{report.pk}/return/", {}, format="json")
    assert no_reason.status_code == 400
    assert no_reason.json()["errors"]["reason"] == ["Give the reasons."]
    blank = api(cast.orgdept).post(f"/api/v1/meeting-reports/{report.pk}/return/", {"reason": "  "}, format="json")
    assert blank.status_code == 400
    report.refresh_from_db()
    assert report.status == RS.SUBMITTED
    # The organization department may not accept; it returns.
    assert api(cast.orgdept).post(f"/api/v1/meeting-reports/{report.pk}/accept/").status_code == 403
    returned = api(cast.orgdept).post(
        f"/api/v1/meeting-reports/{report.pk}/return/", {"reason": "整改措施不具体。"}, format="json"
    )
    assert returned.status_code == 200
    assert returned.json()["status"] == "returned"
    assert returned.json()["return_reason"] == "整改措施不具体。"
    again = api(cast.bureau.head.user).post(f"/api/v1/meeting-reports/{report.pk}/submit/")
    assert again.json()["status"] == "submitted"
    accepted = api(cast.office).post(f"/api/v1/meeting-reports/{report.pk}/accept/", {"comment": "同意"}, format="json")
    assert accepted.status_code == 200
    assert accepted.json()["status"] == "accepted"
    # An accepted report takes no more actions.
    assert api(cast.office).post(f"/api/v1/meeting-reports/{report.pk}/accept/").status_code == 409


def test_a_township_report_without_both_observers_is_a_400_naming_what_is_missing(cast: Cast, clock: Any) -> None:
    meeting = make_meeting(cast.town, now=NOW, observers=(cast.orgdept,))
    response = api(cast.town.head.user).post(f"/api/v1/meeting-reports/{meeting.report.pk}/submit/")
    assert response.status_code == 400
    body = response.json()
    assert "an observer from the discipline commission" in body["message"]
    assert "organization department" not in body["message"].split("missing:")[1]
    assert body["errors"]["observers"]
    meeting.report.refresh_from_db()
    assert meeting.report.status == RS.DRAFT


def test_the_word_document_opens_and_holds_the_rectification_table(cast: Cast, clock: Any) -> None:
    meeting = make_meeting(cast.bureau, now=NOW, observers=(cast.office, cast.orgdept))
    services.meeting_record_minutes(
        actor=cast.bureau.head.user,
        meeting=meeting,
        cadre=cast.bureau.deputy,
        self_criticism="深入基层不够。",
        now=NOW,
    )
    make_item(meeting, now=NOW, responsible=cast.bureau.deputy, deadline=dt.date(2026, 6, 30))
    response = api(cast.bureau.head.user).get(f"/api/v1/meeting-reports/{meeting.report.pk}/document/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    document = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert cast.bureau.unit.name in text
    assert cast.bureau.deputy.name in text
    assert "深入基层不够。" in text
    assert "调查研究不深入" in text
    assert "Seeking truth, being pragmatic" in text
    (table,) = document.tables
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    assert rows[0] == ["No.", "Problem", "Measure", "Responsible", "Deadline", "Status"]
    assert rows[1][2] == "建立调研制度，每季度到基层调研不少于两次。"
    assert rows[1][3:] == [cast.bureau.deputy.name, "2026-06-30", "Open"]


def test_rectifications_through_the_api(cast: Cast, clock: Any, private_media: Any) -> None:
    meeting = make_meeting(cast.bureau, now=NOW, held_on=dt.date(2026, 5, 1))
    problem = meeting.problems.get()
    head = api(cast.bureau.head.user)
    before = head.post(
        "/api/v1/rectifications/",
        {"problem": problem.pk, "measure": "建章立制", "responsible": cast.bureau.deputy.pk, "deadline": "2026-04-30"},
        format="json",
    )
    assert before.status_code == 400
    assert "before the meeting" in before.json()["errors"]["deadline"][0]
    created = head.post(
        "/api/v1/rectifications/",
        {
            "meeting": meeting.pk,
            "problem": problem.pk,
            "measure": "建章立制",
            "responsible": cast.bureau.deputy.pk,
            "deadline": "2026-06-30",
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert {k: body[k] for k in ("meeting", "problem", "measure", "responsible", "deadline", "status")} == {
        "meeting": meeting.pk,
        "problem": problem.pk,
        "measure": "建章立制",
        "responsible": cast.bureau.deputy.pk,
        "deadline": "2026-06-30",
        "status": "open",
    }
    item_url = f"/api/v1/rectifications/{body['id']}/"
    services.report_submit(actor=cast.bureau.head.user, report=meeting.report, now=NOW)
    # Verify before complete: 400, and nothing changes.
    early = api(cast.office).post(item_url + "verify/")
    assert early.status_code == 400
    assert "not been reported done" in early.json()["errors"]["status"][0]
    deputy = api(cast.bureau.deputy.user)
    exe = SimpleUploadedFile("evidence.png", b"MZ\x90\x00" + b"\x00" * 64)
    wrong = deputy.post(item_url + "complete/", {"evidence": "已完成", "attachments": [exe]}, format="multipart")
    assert wrong.status_code == 400
    assert "is not a PDF, JPEG, PNG or Word" in " ".join(wrong.json()["errors"]["attachments"])
    assert RectificationItem.objects.get().status == "open"
    pdf = SimpleUploadedFile("evidence.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    done = deputy.post(item_url + "complete/", {"evidence": "已完成", "attachments": [pdf]}, format="multipart")
    assert done.status_code == 200, done.json()
    assert done.json()["status"] == "done"
    assert done.json()["attachments"][0]["original_name"] == "evidence.pdf"
    # The file is a download for those who see the item, a 404 for anyone else.
    file_url = done.json()["attachments"][0]["url"]
    for user, code in (
        (cast.office, 200),
        (cast.orgdept, 200),
        (cast.bureau.head.user, 200),
        (cast.town.head.user, 404),
    ):
        page = Client()
        page.force_login(user)
        download = page.get(file_url)
        assert download.status_code == code, user
    assert download_type(cast.office, file_url) == "application/pdf"
    no_reason = api(cast.office).post(item_url + "reopen/", {}, format="json")
    assert no_reason.status_code == 400
    reopened = api(cast.office).post(item_url + "reopen/", {"reason": "材料不全"}, format="json")
    assert reopened.json()["status"] == "open"
    deputy.post(item_url + "complete/", {"evidence": "已补充"}, format="json")
    verified = api(cast.office).post(item_url + "verify/")
    assert verified.status_code == 200
    assert verified.json()["status"] == "verified"


def test_bad_meetings_are_a_400_that_changes_nothing(cast: Cast, clock: Any) -> None:
    head = api(cast.bureau.head.user)
    base: dict[str, Any] = {"unit": cast.bureau.unit.pk, "held_on": "2026-05-08", "attendees": [cast.bureau.head.pk]}
    cases: list[tuple[dict[str, Any], str, str]] = [
        ({"held_on": "2026-05-12"}, "held_on", "future"),
        ({"attendees": [cast.bureau.clerk.pk]}, "attendees", "leading cadres"),
        ({"observers": [cast.outsider.pk]}, "observers", "neither"),
        ({"attendees": [cast.town.head.pk]}, "attendees", "No cadre with this id"),
    ]
    for change, field, words in cases:
        before = _state()
        response = head.post("/api/v1/meetings/", {**base, **change}, format="json")
        assert response.status_code == 400, (change, response.json())
        assert words in " ".join(response.json()["errors"][field]), response.json()
        assert response.json()["message"]
        assert _state() == before
    # Somebody else's unit: not his to file.
    other = head.post("/api/v1/meetings/", {**base, "unit": cast.town.unit.pk}, format="json")
    assert other.status_code == 400  # the township is out of his sight: no such unit
    meeting = make_meeting(cast.bureau, now=NOW)
    unknown = head.post(f"/api/v1/meetings/{meeting.pk}/problems/", {"text": "x", "ethos": "greed"}, format="json")
    assert unknown.status_code == 400
    assert "greed" in unknown.json()["errors"]["ethos"][0]


def test_each_sees_only_what_is_his(cast: Cast, clock: Any) -> None:
    bureau = make_meeting(cast.bureau, now=NOW)
    town = make_meeting(cast.town, now=NOW, observers=(cast.office, cast.orgdept), status=RS.SUBMITTED)
    drafts_observed = make_meeting(cast.town, now=NOW, observers=(cast.office,))

    def ids(user: Any, path: str = "/api/v1/meetings/") -> set[int]:
        return {row["id"] for row in api(user).get(path).json()["results"]}

    assert ids(cast.bureau.head.user) == {bureau.pk}
    assert ids(cast.bureau.deputy.user) == {bureau.pk}  # he attended
    assert ids(cast.town.head.user) == {town.pk, drafts_observed.pk}
    assert ids(cast.town.clerk.user) == set()
    assert ids(cast.outsider) == set()
    # The bodies see what was submitted to them, and what they observed.
    assert ids(cast.office) == {town.pk, drafts_observed.pk}
    assert ids(cast.orgdept) == {town.pk}
    assert ids(cast.office, "/api/v1/meeting-reports/") == {town.report.pk, drafts_observed.report.pk}
    for user in (cast.town.head.user, cast.orgdept, cast.outsider):
        assert api(user).get(f"/api/v1/meetings/{bureau.pk}/").status_code == 404
        assert api(user).get(f"/api/v1/meeting-reports/{bureau.report.pk}/document/").status_code == 404
        assert api(user).post(f"/api/v1/meeting-reports/{bureau.report.pk}/submit/").status_code == 404
    # A responsible cadre outside the meeting sees his item, not the meeting.
    item = make_item(bureau, now=NOW, responsible=cast.outsider.cadre, deadline=TODAY)
    assert {row["id"] for row in api(cast.outsider).get("/api/v1/rectifications/").json()["results"]} == {item.pk}
    assert api(cast.outsider).get(f"/api/v1/meetings/{bureau.pk}/").status_code == 404


def test_filters_by_unit_year_status_and_overdue(cast: Cast, clock: Any) -> None:
    old = make_meeting(cast.bureau, now=NOW, held_on=dt.date(2025, 12, 1))
    new = make_meeting(cast.bureau, now=NOW, held_on=dt.date(2026, 5, 9), status=RS.SUBMITTED)
    item = make_item(old, now=NOW, responsible=cast.bureau.deputy, deadline=dt.date(2026, 1, 31))
    head = api(cast.bureau.head.user)

    def ids(path: str) -> set[int]:
        response = head.get(path)
        assert response.status_code == 200, response.json()
        return {row["id"] for row in response.json()["results"]}

    assert ids("/api/v1/meetings/?year=2025") == {old.pk}
    assert ids(f"/api/v1/meetings/?unit={cast.bureau.unit.pk}&status=submitted") == {new.pk}
    assert ids("/api/v1/meetings/?overdue=true") == {old.pk}
    assert ids("/api/v1/meeting-reports/?overdue=false") == {new.report.pk}
    assert ids("/api/v1/meeting-reports/?status=draft&year=2025") == {old.report.pk}
    assert ids("/api/v1/rectifications/?overdue=true") == {item.pk}
    assert ids(f"/api/v1/rectifications/?unit={cast.town.unit.pk}") == set()
    assert head.get("/api/v1/meetings/?year=abc").status_code == 400
