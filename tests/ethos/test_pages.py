"""The pages: the commitment form, its printable copy, review and return, years and completion,
rounds, rating (with an account and through a link) and the results."""

from __future__ import annotations

import re
from typing import Any

import pytest

from ethos import services
from ethos.models import AppraisalRound, Ballot, Commitment
from tests.ethos.conftest import CODES, NOW, grades, pledges

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def _form(prefix: str = "") -> dict[str, str]:
    return {item["ethos"]: item["text"] for item in pledges(prefix)}


def test_commitment_form_draft_sign_and_frozen_page(client: Any, org: Any, year: Any) -> None:
    client.force_login(org.cadre.user)
    page = client.get("/ethos/commitment/")
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count("<textarea") == 8
    assert "Diligent study, applying what is learned" in html
    assert "Hold to lifelong learning" in html  # the ethos' description as the hint

    seven = _form()
    seven["decency"] = ""
    refused = client.post("/ethos/commitment/", {**seven, "save": "1"})
    assert refused.status_code == 200
    assert "Write a pledge" in refused.content.decode()
    assert not Commitment.objects.exists()

    saved = client.post("/ethos/commitment/", {**_form(), "save": "1"}, follow=True)
    assert saved.status_code == 200
    commitment = Commitment.objects.get()
    assert commitment.status == "draft"
    client.post("/ethos/commitment/", {**_form("签："), "sign": "1"})
    commitment.refresh_from_db()
    assert commitment.status == "signed"
    assert commitment.pledges.get(ethos__code="study").text.startswith("签：")

    frozen = client.get("/ethos/commitment/").content.decode()
    assert "<textarea" not in frozen
    assert "sign it by" not in frozen  # signed: no call to sign any more
    again = client.post("/ethos/commitment/", {**_form("改："), "save": "1"})
    assert "can no longer be changed" in again.content.decode()
    assert commitment.pledges.get(ethos__code="study").text.startswith("签：")

    printed = client.get(f"/ethos/commitments/{commitment.pk}/print/")
    assert printed.status_code == 200
    assert "李科员" in printed.content.decode()
    assert "签：" in printed.content.decode()
    client.force_login(org.other.user)
    assert client.get(f"/ethos/commitments/{commitment.pk}/print/").status_code == 404


def test_orgdept_returns_and_reviews_on_the_page(client: Any, org: Any, year: Any, orgdept_user: Any) -> None:
    commitment = services.commitment_create(actor=org.cadre.user, year=year, pledges=pledges(), now=NOW)
    services.commitment_sign(actor=org.cadre.user, commitment=commitment, now=NOW)
    client.force_login(orgdept_user)
    page = client.get(f"/ethos/commitments/{commitment.pk}/").content.decode()
    assert "/review/" in page
    assert "/return/" in page
    empty = client.post(f"/ethos/commitments/{commitment.pk}/return/", {"return-reason": ""})
    assert empty.status_code == 200
    commitment.refresh_from_db()
    assert commitment.status == "signed"
    client.post(f"/ethos/commitments/{commitment.pk}/return/", {"return-reason": "请细化"})
    commitment.refresh_from_db()
    assert (commitment.status, commitment.return_reason) == ("returned", "请细化")
    client.force_login(org.cadre.user)
    assert "请细化" in client.get("/ethos/commitment/").content.decode()
    assert client.post(f"/ethos/commitments/{commitment.pk}/review/", {}).status_code == 403


def test_years_and_completion_pages(client: Any, org: Any, orgdept_user: Any) -> None:
    client.force_login(orgdept_user)
    client.post("/ethos/years/", {"year": 2026, "deadline": "2026-12-31"})
    refused = client.post("/ethos/years/", {"year": 2026, "deadline": "2026-12-31"})
    assert "already been asked" in refused.content.decode()
    page = client.get("/ethos/years/2026/")
    assert page.status_code == 200
    assert "市住建局" in page.content.decode()
    client.force_login(org.head.user)
    html = client.get("/ethos/years/2026/").content.decode()
    assert "办公室" in html
    assert "东湖镇" not in html
    client.force_login(org.cadre.user)
    assert client.get("/ethos/years/2026/").status_code == 403
    assert client.post("/ethos/years/", {"year": 2027, "deadline": "2027-12-31"}).status_code == 403


def test_round_pages_rating_links_and_results(client: Any, org: Any, orgdept_user: Any) -> None:
    client.force_login(orgdept_user)
    created = client.post("/ethos/rounds/", {"unit": org.bureau.pk, "year": 2026})
    appraisal = AppraisalRound.objects.get()
    assert created.status_code == 302
    client.post(f"/ethos/rounds/{appraisal.pk}/open/")
    appraisal.refresh_from_db()
    assert appraisal.status == "open"
    issued = client.post(f"/ethos/rounds/{appraisal.pk}/links/", {"count": 3}).content.decode()
    links = re.findall(r"http://testserver(/appraisal/[^<\"]+/)", issued)
    assert len(links) == 3

    client.force_login(org.cadre.user)
    page = client.get(f"/ethos/rounds/{appraisal.pk}/rate/").content.decode()
    assert 'name="cadre"' in page
    assert "李科员</a>" not in page  # nobody rates himself
    bad = client.post(f"/ethos/rounds/{appraisal.pk}/rate/", {"cadre": org.other.pk, **grades(study="")})
    assert bad.status_code == 400
    assert not Ballot.objects.exists()
    poor = grades(integrity="poor")
    ok = client.post(f"/ethos/rounds/{appraisal.pk}/rate/", {"cadre": org.other.pk, **poor})
    assert ok.status_code == 302
    assert Ballot.objects.get().grades == poor
    myself = client.post(f"/ethos/rounds/{appraisal.pk}/rate/", {"cadre": org.cadre.pk, **grades()})
    assert myself.status_code == 400
    assert Ballot.objects.count() == 1

    client.logout()
    public = client.get(links[0])
    assert public.status_code == 200
    assert "赵科员" in public.content.decode()
    assert client.post(links[0], {"cadre": org.other.pk, **grades(integrity="poor")}).status_code == 302
    used = client.post(links[0], {"cadre": org.other.pk, **grades()})
    assert used.status_code == 400
    assert "already been rated" in used.content.decode()
    assert client.get("/appraisal/no-such-token/").status_code == 404
    assert Ballot.objects.count() == 2

    client.force_login(orgdept_user)
    client.post(f"/ethos/rounds/{appraisal.pk}/close/")
    results = client.get(f"/ethos/rounds/{appraisal.pk}/").content.decode()
    assert 'class="flagged"' in results  # 2 of 2 "poor" in integrity for 赵科员
    for user in (org.cadre.user,):
        assert user.username not in results
    assert client.post(links[1], {"cadre": org.head.pk, **grades()}).status_code == 400
    assert Ballot.objects.count() == 2
    assert set(Ballot.objects.values_list("cadre_id", flat=True)) == {org.other.pk}
    assert set(grades()) == set(CODES)
