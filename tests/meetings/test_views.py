"""The meetings pages: the filer records the meeting, the minutes, the problems and the list and
submits; reviewers work their queue; the responsible cadre reports his item done; a unit's history;
bad input re-shown with its message and a 400, changing nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from meetings.models import Meeting, MeetingReport, RectificationItem, UnitSecretary
from tests.factories.meetings import make_item, make_meeting
from tests.meetings.conftest import NOW, Cast

pytestmark = pytest.mark.django_db

RS = MeetingReport.Status


def page(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def test_the_filer_works_a_meeting_through_the_pages(cast: Cast, clock: Any) -> None:
    head = page(cast.town.head.user)
    form = head.get("/workbench/meetings/new/")
    assert form.status_code == 200
    assert cast.town.deputy.name in form.content.decode()
    assert cast.town.clerk.name not in form.content.decode()  # only leading cadres are offered
    future = head.post(
        "/workbench/meetings/new/",
        {"unit": cast.town.unit.pk, "held_on": "2026-05-20", "theme": "作风建设", "attendees": [cast.town.head.pk]},
    )
    assert future.status_code == 400
    assert "The meeting cannot be dated in the future." in future.content.decode()
    assert not Meeting.objects.exists()
    created = head.post(
        "/workbench/meetings/new/",
        {
            "unit": cast.town.unit.pk,
            "held_on": "2026-05-08",
            "theme": "",
            "attendees": [cast.town.head.pk, cast.town.deputy.pk],
            "observers": [cast.office.pk],
        },
    )
    meeting = Meeting.objects.get()
    assert created.status_code == 302
    assert created["Location"] == f"/workbench/meetings/{meeting.pk}/"
    detail = head.get(created["Location"]).content.decode()
    assert "an observer from the organization department" in detail  # said before he tries to submit
    base = f"/workbench/meetings/{meeting.pk}/"
    minutes = head.post(
        base + "minutes/",
        {
            "minutes-cadre": cast.town.deputy.pk,
            "minutes-self_criticism": "下基层少。",
            "minutes-criticism_received": "",
        },
    )
    assert minutes.status_code == 302
    problem = head.post(base + "problem/", {"problem-text": "办事拖拉", "problem-ethos": "people"})
    assert problem.status_code == 302
    problem_pk = meeting.problems.get().pk
    early = head.post(
        base + "item/",
        {
            "item-problem": problem_pk,
            "item-measure": "限时办结",
            "item-responsible": cast.town.deputy.pk,
            "item-deadline": "2026-05-01",
        },
    )
    assert early.status_code == 400
    assert "The deadline cannot be before the meeting (2026-05-08)." in early.content.decode()
    assert not RectificationItem.objects.exists()
    item = head.post(
        base + "item/",
        {
            "item-problem": problem_pk,
            "item-measure": "限时办结",
            "item-responsible": cast.town.deputy.pk,
            "item-deadline": "2026-06-30",
        },
    )
    assert item.status_code == 302
    refused = head.post(base + "submit/")
    assert refused.status_code == 400
    assert "missing: an observer from the organization department" in refused.content.decode()
    assert Meeting.objects.get().report.status == RS.DRAFT
    head.post(
        base + "edit/",
        {
            "edit-held_on": "2026-05-08",
            "edit-theme": "作风建设",
            "edit-attendees": [cast.town.head.pk, cast.town.deputy.pk],
            "edit-observers": [cast.office.pk, cast.orgdept.pk],
        },
    )
    submitted = head.post(base + "submit/")
    assert submitted.status_code == 302
    assert Meeting.objects.get().report.status == RS.SUBMITTED
    # Submitted: the filer's forms are gone.
    assert 'id="meeting-problem"' not in head.get(base).content.decode()
    printable = head.get(base + "report/").content.decode()
    assert "限时办结" in printable
    assert "Caring for the masses, serving the people" in printable
    docx = head.get(base + "report.docx")
    assert docx.status_code == 200
    assert docx.content[:2] == b"PK"


def test_reviewers_work_the_queue(cast: Cast, clock: Any) -> None:
    meeting = make_meeting(cast.bureau, now=NOW, status=RS.SUBMITTED)
    draft = make_meeting(cast.bureau, now=NOW, held_on=dt.date(2026, 5, 1))
    orgdept = page(cast.orgdept)
    queue = orgdept.get("/workbench/meetings/").content.decode()
    assert f"/workbench/meetings/{meeting.pk}/" in queue
    assert f"/workbench/meetings/{draft.pk}/" not in queue
    detail = orgdept.get(f"/workbench/meetings/{meeting.pk}/").content.decode()
    assert "Return for revision" in detail
    assert "Accept the report" not in detail  # the office accepts
    no_reason = orgdept.post(f"/workbench/meetings/{meeting.pk}/return/", {"return-reason": ""})
    assert no_reason.status_code == 400
    assert "Give the reasons." in no_reason.content.decode()
    assert Meeting.objects.get(pk=meeting.pk).report.status == RS.SUBMITTED
    assert orgdept.post(f"/workbench/meetings/{meeting.pk}/accept/").status_code == 403
    returned = orgdept.post(f"/workbench/meetings/{meeting.pk}/return/", {"return-reason": "问题不具体。"})
    assert returned.status_code == 302
    assert Meeting.objects.get(pk=meeting.pk).report.status == RS.RETURNED
    # The unit sees why.
    assert "问题不具体。" in page(cast.bureau.head.user).get(f"/workbench/meetings/{meeting.pk}/").content.decode()
    dashboard = page(cast.office).get("/workbench/").content.decode()
    assert "Meeting reports to review" in dashboard


def test_the_responsible_cadre_reports_his_item_done(cast: Cast, clock: Any, private_media: Any) -> None:
    meeting = make_meeting(cast.bureau, now=NOW)
    item = make_item(meeting, now=NOW, responsible=cast.outsider.cadre, deadline=dt.date(2026, 6, 30))
    outsider = page(cast.outsider)
    detail = outsider.get(f"/workbench/rectifications/{item.pk}/")
    assert detail.status_code == 200
    assert "Report it done" in detail.content.decode()
    # He answers for the item but did not attend: the meeting's minutes are not his.
    assert outsider.get(f"/workbench/meetings/{meeting.pk}/").status_code == 404
    exe = SimpleUploadedFile("证明.png", b"MZ\x90\x00" + b"\x00" * 64)
    wrong = outsider.post(
        f"/workbench/rectifications/{item.pk}/complete/", {"complete-evidence": "已完成", "complete-attachments": exe}
    )
    assert wrong.status_code == 400
    assert "is not a PDF, JPEG, PNG or Word (DOCX) document" in wrong.content.decode()
    assert RectificationItem.objects.get().status == "open"
    assert not list(private_media.rglob("*.*"))
    done = outsider.post(f"/workbench/rectifications/{item.pk}/complete/", {"complete-evidence": "已完成"})
    assert done.status_code == 302
    assert RectificationItem.objects.get().status == "done"


def test_a_unit_history_and_its_secretary(cast: Cast, clock: Any) -> None:
    make_meeting(cast.bureau, now=NOW, held_on=dt.date(2025, 11, 3))
    make_meeting(cast.bureau, now=NOW, held_on=dt.date(2026, 5, 4))
    url = f"/workbench/meeting-units/{cast.bureau.unit.pk}/"
    history = page(cast.bureau.head.user).get(url).content.decode()
    assert "2025-11-03" in history
    assert "2026-05-04" in history
    assert "Secretary for meetings and reports" in history
    # A cadre of the unit sees its page, without the meetings he had no part in.
    clerk_view = page(cast.bureau.clerk.user).get(url).content.decode()
    assert "2025-11-03" not in clerk_view
    assert page(cast.bureau.deputy.user).post(url + "secretary/", {"cadre": cast.bureau.clerk.pk}).status_code == 403
    wrong = page(cast.bureau.head.user).post(url + "secretary/", {"cadre": cast.town.clerk.pk})
    assert wrong.status_code == 400
    assert not UnitSecretary.objects.exists()
    named = page(cast.bureau.head.user).post(url + "secretary/", {"cadre": cast.bureau.clerk.pk})
    assert named.status_code == 302
    assert UnitSecretary.objects.get().cadre == cast.bureau.clerk
    assert page(cast.bureau.clerk.user).get("/workbench/meetings/new/").status_code == 200


def test_pages_of_other_units_are_404(cast: Cast, clock: Any) -> None:
    meeting = make_meeting(cast.bureau, now=NOW)
    town = page(cast.town.head.user)
    for suffix in ("", "report/", "report.docx"):
        assert town.get(f"/workbench/meetings/{meeting.pk}/{suffix}").status_code == 404
    assert town.post(f"/workbench/meetings/{meeting.pk}/problem/", {"problem-text": "x"}).status_code == 404
    assert town.post(f"/workbench/meetings/{meeting.pk}/submit/").status_code == 404
    assert not meeting.problems.exclude(text__startswith=cast.bureau.unit.name).exists()
    assert page(cast.outsider).get("/workbench/meetings/new/").status_code == 403
