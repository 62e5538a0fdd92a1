"""The yearly commitment: drafting, signing, freezing, review and return, through the services and
the API, with the refusals of bad input."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from ethos import services
from ethos.models import Commitment, CommitmentEvent, Pledge
from tests.ethos.conftest import CODES, NOW, pledges
from workstyle.errors import InvalidInput, NotAllowed, TransitionError

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def _draft(org: Any, year: Any, prefix: str = "") -> Commitment:
    return services.commitment_create(actor=org.cadre.user, year=year, pledges=pledges(prefix), now=NOW)


def test_cadre_drafts_signs_and_the_signed_commitment_is_frozen(org: Any, year: Any) -> None:
    commitment = _draft(org, year)
    assert commitment.status == "draft"
    assert [p.ethos.code for p in commitment.pledges.all()] == CODES
    services.commitment_update(actor=org.cadre.user, commitment=commitment, pledges=pledges("改："), now=NOW)
    assert commitment.pledges.get(ethos__code="study").text.startswith("改：")

    services.commitment_sign(actor=org.cadre.user, commitment=commitment, now=NOW)
    commitment.refresh_from_db()
    assert commitment.status == "signed"
    assert commitment.signed_at == NOW

    before = list(Pledge.objects.filter(commitment=commitment).values_list("text", flat=True))
    with pytest.raises(TransitionError, match="can no longer be changed"):
        services.commitment_update(actor=org.cadre.user, commitment=commitment, pledges=pledges("再改："), now=NOW)
    assert list(Pledge.objects.filter(commitment=commitment).values_list("text", flat=True)) == before
    with pytest.raises(TransitionError):
        services.commitment_sign(actor=org.cadre.user, commitment=commitment, now=NOW)


def test_only_the_cadre_signs_only_orgdept_reviews(org: Any, year: Any, orgdept_user: Any) -> None:
    commitment = _draft(org, year)
    with pytest.raises(NotAllowed):
        services.commitment_sign(actor=org.head.user, commitment=commitment, now=NOW)
    with pytest.raises(NotAllowed):
        services.commitment_sign(actor=orgdept_user, commitment=commitment, now=NOW)
    services.commitment_sign(actor=org.cadre.user, commitment=commitment, now=NOW)
    with pytest.raises(NotAllowed):
        services.commitment_review(actor=org.cadre.user, commitment=commitment, now=NOW)
    with pytest.raises(NotAllowed):
        services.commitment_review(actor=org.head.user, commitment=commitment, now=NOW)
    services.commitment_review(actor=orgdept_user, commitment=commitment, comment="具体可行", now=NOW)
    commitment.refresh_from_db()
    assert (commitment.status, commitment.review_comment) == ("reviewed", "具体可行")
    with pytest.raises(TransitionError):
        services.commitment_update(actor=org.cadre.user, commitment=commitment, pledges=pledges("x"), now=NOW)


def test_return_amend_and_sign_again_keeps_both_on_the_timeline(org: Any, year: Any, orgdept_user: Any) -> None:
    commitment = _draft(org, year)
    services.commitment_sign(actor=org.cadre.user, commitment=commitment, now=NOW)
    with pytest.raises(InvalidInput):
        services.commitment_return(actor=orgdept_user, commitment=commitment, reason="  ", now=NOW)
    services.commitment_return(actor=orgdept_user, commitment=commitment, reason="第三条不够具体", now=NOW)
    commitment.refresh_from_db()
    assert commitment.status == "returned"
    services.commitment_update(actor=org.cadre.user, commitment=commitment, pledges=pledges("修改后："), now=NOW)
    services.commitment_sign(actor=org.cadre.user, commitment=commitment, now=NOW)
    commitment.refresh_from_db()
    assert commitment.status == "signed"
    verbs = list(CommitmentEvent.objects.filter(commitment=commitment).values_list("verb", flat=True))
    assert verbs == ["create", "sign", "return", "update", "sign"]


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        (lambda items: items[:7], "pledges", "missing"),
        (lambda items: [*items[:7], {"ethos": "decency", "text": ""}], "decency", "Write a pledge"),
        (lambda items: [*items[:7], {"ethos": "decency", "text": "太短"}], "decency", "too short"),
        (lambda items: [*items[:7], {**items[7], "text": items[0]["text"]}], "decency", "the same as"),
        (
            lambda items: [*items, {"ethos": "bravery", "text": "勇敢无畏，冲锋在前，不怕牺牲"}],
            "pledges",
            "Unknown ethos",
        ),
        (lambda items: [*items, items[0]], "pledges", "Two pledges"),
    ],
)
def test_bad_pledges_are_refused_and_change_nothing(
    org: Any, year: Any, client: Any, change: Any, field: str, words: str
) -> None:
    with pytest.raises(InvalidInput) as info:
        services.commitment_create(actor=org.cadre.user, year=year, pledges=change(pledges()), now=NOW)
    assert any(words in message for message in info.value.errors[field])
    assert not Commitment.objects.exists()

    client.force_login(org.cadre.user)
    response = client.post(
        "/api/v1/commitments/", {"year": 2026, "pledges": change(pledges())}, content_type="application/json"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["message"]
    assert any(words in message for message in body["errors"][field])
    assert not Commitment.objects.exists()


def test_api_draft_patch_sign_and_the_frozen_answer(org: Any, year: Any, client: Any) -> None:
    client.force_login(org.cadre.user)
    created = client.post("/api/v1/commitments/", {"year": 2026, "pledges": pledges()}, content_type="application/json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["cadre"] == org.cadre.pk
    assert body["year"] == 2026
    assert body["status"] == "draft"
    assert [p["ethos"] for p in body["pledges"]] == CODES
    assert "sign" in body["allowed_actions"]
    url = f"/api/v1/commitments/{body['id']}/"

    patched = client.patch(url, {"pledges": pledges("新：")}, content_type="application/json")
    assert patched.status_code == 200, patched.content
    assert patched.json()["pledges"][0]["text"].startswith("新：")

    signed = client.post(f"{url}sign/")
    assert signed.status_code == 200, signed.content
    assert signed.json()["status"] == "signed"

    refused = client.patch(url, {"pledges": pledges("又改：")}, content_type="application/json")
    assert refused.status_code == 409
    assert "can no longer be changed" in refused.json()["message"]
    assert Pledge.objects.get(commitment_id=body["id"], ethos__code="study").text.startswith("新：")

    again = client.post("/api/v1/commitments/", {"year": 2026, "pledges": pledges()}, content_type="application/json")
    assert again.status_code == 400
    assert Commitment.objects.count() == 1


def test_api_review_and_return_are_orgdept_s(org: Any, year: Any, client: Any, orgdept_user: Any) -> None:
    commitment = _draft(org, year)
    services.commitment_sign(actor=org.cadre.user, commitment=commitment, now=NOW)
    url = f"/api/v1/commitments/{commitment.pk}/"
    client.force_login(org.head.user)
    assert client.post(f"{url}review/", {"comment": "好"}).status_code == 403
    client.force_login(orgdept_user)
    empty = client.post(f"{url}return/", {"reason": ""}, content_type="application/json")
    assert empty.status_code == 400
    returned = client.post(f"{url}return/", {"reason": "请具体到季度"}, content_type="application/json")
    assert returned.status_code == 200
    assert returned.json()["status"] == "returned"
    assert returned.json()["return_reason"] == "请具体到季度"
    client.force_login(org.cadre.user)
    assert client.post(f"{url}sign/").json()["status"] == "signed"
    client.force_login(orgdept_user)
    reviewed = client.post(f"{url}review/", {"comment": "已审阅"}, content_type="application/json")
    assert reviewed.json()["status"] == "reviewed"
    assert [e["verb"] for e in reviewed.json()["events"]] == ["create", "sign", "return", "sign", "review"]


def test_commitment_year_is_opened_by_orgdept(client: Any, org: Any, orgdept_user: Any) -> None:
    client.force_login(org.cadre.user)
    assert client.post("/api/v1/commitment-years/", {"year": 2030, "deadline": "2030-03-31"}).status_code == 403
    client.force_login(orgdept_user)
    created = client.post("/api/v1/commitment-years/", {"year": 2030, "deadline": "2030-03-31"})
    assert created.status_code == 201, created.content
    assert created.json()["year"] == 2030
    twice = client.post("/api/v1/commitment-years/", {"year": 2030, "deadline": "2030-04-30"})
    assert twice.status_code == 400
    assert twice.json()["errors"]["year"]
    unknown = client.post("/api/v1/commitments/", {"year": 2031, "pledges": pledges()}, content_type="application/json")
    assert unknown.status_code in (400, 403)


def test_visibility_and_completion_per_role(
    org: Any, year: Any, client: Any, orgdept_user: Any, discipline_user: Any
) -> None:
    mine = _draft(org, year)
    services.commitment_sign(actor=org.cadre.user, commitment=mine, now=NOW)
    theirs = services.commitment_create(actor=org.other.user, year=year, pledges=pledges(), now=NOW)
    town = services.commitment_create(actor=org.town_cadre.user, year=year, pledges=pledges(), now=NOW)

    def ids(user: Any) -> set[int]:
        client.force_login(user)
        return {row["id"] for row in client.get("/api/v1/commitments/").json()["results"]}

    assert ids(org.cadre.user) == {mine.pk}
    assert ids(org.other.user) == {theirs.pk}
    assert ids(org.head.user) == {mine.pk}  # heads the office, where 李科员 works
    assert ids(org.bureau_head.user) == {mine.pk, theirs.pk}
    assert ids(orgdept_user) == ids(discipline_user) == {mine.pk, theirs.pk, town.pk}
    client.force_login(org.other.user)
    assert client.get(f"/api/v1/commitments/{mine.pk}/").status_code == 404
    assert (
        client.patch(
            f"/api/v1/commitments/{mine.pk}/", {"pledges": pledges()}, content_type="application/json"
        ).status_code
        == 404
    )

    client.force_login(org.head.user)
    rows = client.get("/api/v1/commitment-years/2026/completion/").json()
    assert rows == [
        {
            "unit": "市住建局",
            "department": "办公室",
            "cadres": 2,
            "signed": 1,
            "reviewed": 0,
            "draft": 0,
            "returned": 0,
            "missing": 1,
            "share": 0.5,
        }
    ]
    client.force_login(org.cadre.user)
    assert client.get("/api/v1/commitment-years/2026/completion/").json() == []
    client.force_login(orgdept_user)
    everyone = client.get("/api/v1/commitment-years/2026/completion/").json()
    assert sum(row["cadres"] for row in everyone) == 5
    assert sum(row["signed"] for row in everyone) == 1
    assert sum(row["draft"] for row in everyone) == 2


def test_orgdept_records_a_commitment_signed_on_paper(org: Any, year: Any, orgdept_user: Any) -> None:
    signed_at = NOW - dt.timedelta(days=1)
    with pytest.raises(NotAllowed):
        services.commitment_record_paper(
            actor=org.head.user, cadre=org.other, year=year, pledges=pledges(), signed_at=signed_at, now=NOW
        )
    with pytest.raises(InvalidInput):
        services.commitment_record_paper(
            actor=orgdept_user, cadre=org.other, year=year, pledges=pledges()[:7], signed_at=signed_at, now=NOW
        )
    commitment = services.commitment_record_paper(
        actor=orgdept_user, cadre=org.other, year=year, pledges=pledges(), signed_at=signed_at, now=NOW
    )
    assert (commitment.status, commitment.signed_at) == ("signed", signed_at)
    assert commitment.frozen
    assert [e.verb for e in commitment.events.all()] == ["paper"]
    with pytest.raises(InvalidInput):
        services.commitment_record_paper(
            actor=orgdept_user, cadre=org.other, year=year, pledges=pledges(), signed_at=signed_at, now=NOW
        )
