"""The integrity dossier's sections from the apps above cadres: conversations (supervision),
commitments and appraisal results (ethos), and the problems democratic life meetings found
(meetings), each as the discipline office, the organization department, the cadre himself and a
department head see it."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from django.test import Client
from rest_framework.test import APIClient

from ethos import services as ethos
from meetings import services as meetings
from meetings.transitions import REPORTS
from supervision import services as supervision
from tests.cadres.conftest import NOW
from tests.ethos.conftest import grades, pledges
from tests.factories.meetings import Group, make_item, make_meeting

NEW = ["conversations", "commitments", "appraisal", "meeting_problems"]


@pytest.fixture
def record(org: Any, orgdept_user: Any, discipline_user: Any, clock: Any) -> Any:
    """The head's file: a reminding conversation, a reviewed commitment, a closed appraisal round
    with three ballots on him, and a meeting of the bureau that named him, with an item in his
    charge. His clerk (李科员) has a conversation and a commitment of his own."""
    supervision.conversation_record(
        actor=discipline_user,
        cadre=org.head,
        kind="reminding",
        held_on=date(2026, 11, 20),
        reason="民主测评廉洁自律项差评偏多",
        outcome="本人作出说明并表态整改",
        now=NOW,
    )
    supervision.conversation_record(
        actor=discipline_user,
        cadre=org.cadre,
        kind="admonishing",
        held_on=date(2026, 11, 21),
        reason="迟到早退",
        now=NOW,
    )
    year = ethos.commitment_year_open(actor=orgdept_user, year=2026, deadline=date(2026, 12, 31), now=NOW)
    mine = ethos.commitment_create(actor=org.head.user, year=year, pledges=pledges(), now=NOW)
    ethos.commitment_sign(actor=org.head.user, commitment=mine, now=NOW)
    ethos.commitment_review(actor=orgdept_user, commitment=mine, now=NOW, comment="承诺具体，可以检验")
    clerks = ethos.commitment_create(actor=org.cadre.user, year=year, pledges=pledges(), now=NOW)
    ethos.commitment_sign(actor=org.cadre.user, commitment=clerks, now=NOW)

    appraisal = ethos.round_create(actor=orgdept_user, unit=org.bureau, year=2026, now=NOW)
    ethos.round_open(actor=orgdept_user, round=appraisal, now=NOW)
    for rater, integrity in ((org.cadre, "poor"), (org.other, "poor"), (org.bureau_head, "good")):
        ethos.ballot_cast(
            actor=rater.user, round=appraisal, cadre=org.head, grades=grades(integrity=integrity), now=NOW
        )
    ethos.round_close(actor=orgdept_user, round=appraisal, now=NOW)
    # A round still open shows nothing.
    open_round = ethos.round_create(actor=orgdept_user, unit=org.bureau, year=2027, now=NOW)
    ethos.round_open(actor=orgdept_user, round=open_round, now=NOW)
    ethos.ballot_cast(actor=org.cadre.user, round=open_round, cadre=org.head, grades=grades(), now=NOW)

    # The bureau's meeting: its head files, 王主任 attends and the problem names him.
    org.bureau_head.is_leading = True
    org.bureau_head.save(update_fields=["is_leading"])
    group = Group(org.bureau, org.bureau_head, org.head, org.other)
    meeting = make_meeting(group, now=NOW, held_on=date(2026, 11, 25))
    make_item(meeting, now=NOW, responsible=org.head, deadline=date(2027, 1, 31))
    REPORTS.service(meetings, "submit")(actor=org.bureau_head.user, report=meeting.report, now=NOW)
    return appraisal


def dossier(user: Any, cadre: Any) -> dict[str, Any]:
    client = APIClient()
    client.force_authenticate(user)
    response = client.get(f"/api/v1/cadres/{cadre.pk}/dossier/")
    assert response.status_code == 200, response.content
    return {s["key"]: s["data"] for s in response.json()["sections"]}


def test_the_sections_stand_in_their_order(record: Any, org: Any, orgdept_user: Any) -> None:
    client = APIClient()
    client.force_authenticate(orgdept_user)
    keys = [s["key"] for s in client.get(f"/api/v1/cadres/{org.head.pk}/dossier/").json()["sections"]]
    # After the cases (30) and before the debriefings (60), in the order registered.
    start = keys.index("cases") + 1
    assert keys[start : start + 4] == NEW
    assert keys[start + 4] == "debriefings"


@pytest.mark.parametrize("office", ["discipline_user", "orgdept_user"])
def test_the_offices_see_all_four(record: Any, org: Any, office: str, request: Any) -> None:
    sections = dossier(request.getfixturevalue(office), org.head)
    assert [(c["kind"], c["held_on"], c["outcome"]) for c in sections["conversations"]["items"]] == [
        ("reminding", "2026-11-20", "本人作出说明并表态整改")
    ]
    assert [(c["year"], c["status"], c["signed"], c["review_comment"]) for c in sections["commitments"]["items"]] == [
        (2026, "reviewed", NOW.date().isoformat(), "承诺具体，可以检验")
    ]
    [result] = sections["appraisal"]["items"]
    assert (result["year"], result["unit"], result["ballots"], result["flagged"]) == (2026, org.bureau.name, 3, True)
    assert result["overall"] == "good"
    shares = {e["code"]: e["poor_share"] for e in result["ethos"]}
    assert shares["integrity"] == round(2 / 3, 4)
    assert shares["study"] == 0.0
    [problem] = sections["meeting_problems"]["problems"]
    assert (problem["held_on"], problem["unit"], problem["ethos"]) == ("2026-11-25", org.bureau.name, "pragmatism")
    [item] = sections["meeting_problems"]["items"]
    assert (item["deadline"], item["status"]) == ("2027-01-31", "open")
    assert item["measure"].startswith("建立调研制度")


def test_the_cadre_sees_his_own(record: Any, org: Any) -> None:
    sections = dossier(org.head.user, org.head)
    assert [c["reason"] for c in sections["conversations"]["items"]] == ["民主测评廉洁自律项差评偏多"]
    assert [c["status"] for c in sections["commitments"]["items"]] == ["reviewed"]
    assert [r["flagged"] for r in sections["appraisal"]["items"]] == [True]
    assert len(sections["meeting_problems"]["problems"]) == 1
    assert len(sections["meeting_problems"]["items"]) == 1
    # His clerk's own dossier holds the clerk's records, not the head's.
    clerks = dossier(org.cadre.user, org.cadre)
    assert [c["reason"] for c in clerks["conversations"]["items"]] == ["迟到早退"]
    assert [c["status"] for c in clerks["commitments"]["items"]] == ["signed"]
    # Appraised in the same round, nobody rated him: no grade, no flag.
    assert [(r["ballots"], r["overall"], r["flagged"]) for r in clerks["appraisal"]["items"]] == [(0, None, False)]
    assert clerks["meeting_problems"] == {"problems": [], "items": []}


def test_a_department_head_reads_none_of_it_through_the_dossier(record: Any, org: Any) -> None:
    """王主任 heads 李科员's department and follows his commitment on the ethos pages, but the
    dossier is the two offices' and the cadre's own: 404 on the JSON, the page and the PDF."""
    from ethos.models import Commitment

    assert Commitment.objects.visible_to(org.head.user).filter(cadre=org.cadre).exists()
    client = APIClient()
    client.force_authenticate(org.head.user)
    assert client.get(f"/api/v1/cadres/{org.cadre.pk}/dossier/").status_code == 404
    assert client.get(f"/api/v1/cadres/{org.cadre.pk}/dossier.pdf").status_code == 404
    page = Client()
    page.force_login(org.head.user)
    assert page.get(f"/org/cadres/{org.cadre.pk}/dossier/").status_code == 404
    # The bureau's head, who filed the meeting naming 王主任, does not read his dossier either.
    client.force_authenticate(org.bureau_head.user)
    assert client.get(f"/api/v1/cadres/{org.head.pk}/dossier/").status_code == 404


def test_the_appraisal_section_says_nothing_of_the_raters(record: Any, org: Any, discipline_user: Any) -> None:
    from ethos.models import Rater

    [result] = dossier(discipline_user, org.head)["appraisal"]["items"]
    assert set(result) == {"round", "year", "unit", "ballots", "overall", "overall_display", "flagged", "ethos"}
    assert {key for e in result["ethos"] for key in e} == {"code", "name", "poor_share", "flagged"}
    text = json.dumps(result, ensure_ascii=False)
    for rater in Rater.objects.filter(round=record).select_related("user"):
        assert rater.user.username not in text
    for rater in (org.cadre, org.other, org.bureau_head):
        assert rater.name not in text
    assert "rater" not in text
    assert "ballot_id" not in text


def test_the_page_shows_the_four_sections(record: Any, org: Any, discipline_user: Any) -> None:
    page = Client()
    page.force_login(discipline_user)
    response = page.get(f"/org/cadres/{org.head.pk}/dossier/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    html = response.content.decode()
    for text in ("谈话", "本人作出说明并表态整改", "承诺具体，可以检验", "67%", "调查研究不深入", "建立调研制度"):
        assert text in html, text
    assert 'id="dossier-appraisal-title"' in html
    assert 'id="dossier-meeting_problems-title"' in html
    # The clerk's conversation is his, not in the head's dossier.
    assert "迟到早退" not in html
