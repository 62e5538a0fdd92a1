"""Notices: the state machine and its roles, exposures drafted from decided cases only and never
leaking the complaint, the public pages, the public API and the Atom feed."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from rest_framework.test import APIClient

from supervision import services
from supervision.models import AccountabilityCase, Notice, NoticeEvent
from supervision.transitions import NOTICES
from tests.factories.complaints import ComplaintFactory
from tests.factories.org import UserFactory
from tests.supervision.conftest import NOW
from workstyle.errors import InvalidInput, NotAllowed, TransitionError

Case = AccountabilityCase
ATOM = "{http://www.w3.org/2005/Atom}"

# A complaint whose complainant and words must never reach a notice.
SECRET_NAME = "欧阳举报"
SECRET_PHONE = "13800765432"
SECRET_EMAIL = "whistle-7731@example.org"
SECRET_WORDS = "青石巷七号后院的蓝色铁皮棚里堆放账本"
SECRET_TITLE = "举报某科长收受购物卡"


@pytest.fixture
def leader_user(db: Any) -> Any:
    return UserFactory(username="leader-t", groups=["discipline", "discipline_leader"])


def decide(case: Case, actor: Any, *, text: str = "给予诫勉处理，责令作出书面检查。") -> Case:
    case = services.case_investigate(actor=actor, case=case, now=NOW)
    return services.case_decide(
        actor=actor,
        case=case,
        forms=[Case.Form.ADMONISHMENT],
        decision_date=NOW.date(),
        text=text,
        now=NOW,
    )


@pytest.fixture
def leaky_case(org: Any, discipline_user: Any, clock: Any) -> Case:
    """A decided case from a complaint with a named complainant; the office's allegation and
    decision even quote the complaint, and the drafted exposure must leave all that out."""
    complaint = ComplaintFactory(
        title=SECRET_TITLE,
        description=f"我实名举报：{SECRET_WORDS}，请查处。",
        complainant_name=SECRET_NAME,
        complainant_phone=SECRET_PHONE,
        complainant_email=SECRET_EMAIL,
        accused_cadre=org.head,
    )
    case = services.case_open(
        actor=discipline_user,
        source=Case.Source.LETTER,
        allegation=f"违规收受礼品礼金。群众{SECRET_NAME}（{SECRET_PHONE}）反映：{SECRET_WORDS}。经查属实。",
        subject_cadre=org.head,
        complaint=complaint,
        now=NOW,
    )
    return decide(case, discipline_user, text=f"给予诫勉处理。来信称{SECRET_WORDS}。责令退还礼金。")


def _assert_clean(text: str) -> None:
    for secret in (SECRET_NAME, SECRET_PHONE, SECRET_EMAIL, SECRET_WORDS, SECRET_TITLE, SECRET_WORDS[:8]):
        assert secret not in text


def test_exposure_text_comes_from_the_case_and_never_from_the_complaint(
    leaky_case: Case, org: Any, discipline_user: Any, leader_user: Any
) -> None:
    notice = services.notice_draft_exposure(actor=discipline_user, case=leaky_case, now=NOW)
    assert notice.kind == Notice.Kind.EXPOSURE
    assert notice.status == Notice.Status.DRAFT
    assert notice.unit == org.head.unit
    text = f"{notice.title}\n{notice.body}"
    # The unit, the cadre's post and name, the facts, the form of accountability …
    assert org.head.name in text
    assert org.head.position in text
    assert org.head.unit.name in text
    assert "违规收受礼品礼金" in text
    assert "责令退还礼金" in text
    assert "诫勉" in text
    # … and nothing of the complainant or the complaint's own words.
    _assert_clean(text)
    assert leaky_case.complaint.tracking_code not in text

    services.notice_publish(actor=leader_user, notice=notice, now=NOW)
    anonymous = Client()
    page = anonymous.get(f"/notices/{notice.pk}/")
    assert page.status_code == 200
    assert org.head.name in page.content.decode()
    for body in (
        page.content.decode(),
        anonymous.get("/notices/").content.decode(),
        anonymous.get("/notices/feed/").content.decode(),
        APIClient().get("/api/v1/public/notices/").content.decode(),
        APIClient().get(f"/api/v1/public/notices/{notice.pk}/").content.decode(),
    ):
        _assert_clean(body)
    public = APIClient().get(f"/api/v1/public/notices/{notice.pk}/").json()
    # The public reads no case, author or timeline.
    assert set(public) == {"id", "kind", "kind_display", "title", "body", "unit", "unit_name", "published_on"}


def test_an_edit_that_names_the_complainant_is_refused(leaky_case: Case, discipline_user: Any) -> None:
    notice = services.notice_draft_exposure(actor=discipline_user, case=leaky_case, now=NOW)
    for body in (f"举报人{SECRET_NAME}反映属实。", f"电话{SECRET_PHONE}", f"原文：{SECRET_WORDS[:9]}"):
        with pytest.raises(InvalidInput) as refused:
            services.notice_update(actor=discipline_user, notice=notice, title=notice.title, body=body, now=NOW)
        assert "body" in refused.value.errors
    notice.refresh_from_db()
    _assert_clean(notice.body)
    # Through the API as well: 400 with the field, nothing changed.
    client = APIClient()
    client.force_authenticate(discipline_user)
    response = client.patch(f"/api/v1/notices/{notice.pk}/", {"body": f"举报人{SECRET_NAME}"}, format="json")
    assert response.status_code == 400
    assert "body" in response.json()["errors"]
    notice.refresh_from_db()
    _assert_clean(notice.body)


def test_an_exposure_needs_a_decided_case(cadre_case: Case, discipline_user: Any) -> None:
    with pytest.raises(InvalidInput) as refused:
        services.notice_draft_exposure(actor=discipline_user, case=cadre_case, now=NOW)
    assert "case" in refused.value.errors
    client = APIClient()
    client.force_authenticate(discipline_user)
    response = client.post("/api/v1/notices/", {"kind": "exposure", "case": cadre_case.pk}, format="json")
    assert response.status_code == 400
    assert "case" in response.json()["errors"]
    assert not Notice.objects.exists()


def test_one_live_exposure_per_case(cadre_case: Case, discipline_user: Any, clock: Any) -> None:
    decided = decide(cadre_case, discipline_user)
    services.notice_draft_exposure(actor=discipline_user, case=decided, now=NOW)
    with pytest.raises(InvalidInput):
        services.notice_draft_exposure(actor=discipline_user, case=decided, now=NOW)
    assert Notice.objects.count() == 1


def test_state_machine_and_roles(
    cadre_case: Case, org: Any, discipline_user: Any, leader_user: Any, orgdept_user: Any, clock: Any
) -> None:
    decided = decide(cadre_case, discipline_user)
    notice = services.notice_draft_exposure(actor=discipline_user, case=decided, now=NOW)
    # Publishing needs the leader's role: the office, the organization department and the cadre may not.
    for user in (discipline_user, orgdept_user, org.head.user):
        assert NOTICES.allowed_actions(user=user, obj=notice) == []
        with pytest.raises(NotAllowed):
            services.notice_publish(actor=user, notice=notice, now=NOW)
    assert NOTICES.allowed_actions(user=leader_user, obj=notice) == ["publish"]
    # Withdrawing a draft is not a thing.
    with pytest.raises(TransitionError):
        services.notice_withdraw(actor=leader_user, notice=notice, reason="错误", now=NOW)
    notice = services.notice_publish(actor=leader_user, notice=notice, now=NOW)
    assert notice.status == Notice.Status.PUBLISHED
    assert notice.published_on == NOW.date()
    with pytest.raises(TransitionError):
        services.notice_publish(actor=leader_user, notice=notice, now=NOW)
    with pytest.raises(TransitionError):
        services.notice_update(actor=discipline_user, notice=notice, title="x", body="y", now=NOW)
    with pytest.raises(InvalidInput):
        services.notice_withdraw(actor=leader_user, notice=notice, reason="  ", now=NOW)
    notice.refresh_from_db()
    assert notice.status == Notice.Status.PUBLISHED
    later = NOW + timedelta(days=2)
    notice = services.notice_withdraw(actor=leader_user, notice=notice, reason="当事人申诉，重新核查。", now=later)
    assert notice.status == Notice.Status.WITHDRAWN
    assert notice.withdraw_reason == "当事人申诉，重新核查。"
    # The public no longer sees it; it stays on record for the office.
    assert Client().get(f"/notices/{notice.pk}/").status_code == 404
    assert APIClient().get(f"/api/v1/public/notices/{notice.pk}/").status_code == 404
    assert Notice.objects.visible_to(discipline_user).filter(pk=notice.pk).exists()
    assert list(NoticeEvent.objects.filter(notice=notice).values_list("verb", flat=True)) == [
        "create",
        "publish",
        "withdraw",
    ]


def test_api_publish_and_withdraw(cadre_case: Case, discipline_user: Any, leader_user: Any, clock: Any) -> None:
    decided = decide(cadre_case, discipline_user)
    office = APIClient()
    office.force_authenticate(discipline_user)
    created = office.post("/api/v1/notices/", {"kind": "exposure", "case": decided.pk}, format="json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert created.json()["allowed_actions"] == []
    # Publishing without the role: 403, nothing changed.
    assert office.post(f"/api/v1/notices/{pk}/publish/", {}, format="json").status_code == 403
    assert Notice.objects.get(pk=pk).status == Notice.Status.DRAFT
    leader = APIClient()
    leader.force_authenticate(leader_user)
    assert leader.get(f"/api/v1/notices/{pk}/").json()["allowed_actions"] == ["publish"]
    published = leader.post(f"/api/v1/notices/{pk}/publish/", {}, format="json")
    assert published.status_code == 200
    assert published.json()["status"] == "published"
    # A withdrawal without a reason: 400 with the field, nothing changed.
    missing = leader.post(f"/api/v1/notices/{pk}/withdraw/", {}, format="json")
    assert missing.status_code == 400
    assert "reason" in missing.json()["errors"]
    assert Notice.objects.get(pk=pk).status == Notice.Status.PUBLISHED
    done = leader.post(f"/api/v1/notices/{pk}/withdraw/", {"reason": "信息有误"}, format="json")
    assert done.status_code == 200
    assert done.json()["status"] == "withdrawn"
    # A cadre sees what the public sees: nothing withdrawn.
    assert APIClient().get("/api/v1/notices/").status_code in (401, 403)


def test_a_notice_body_never_runs_script(discipline_user: Any, leader_user: Any, org: Any, clock: Any) -> None:
    notice = services.notice_create(
        actor=discipline_user,
        title="<b>先进</b>典型",
        body='<script>alert("x")</script>\n<img src=x onerror=alert(1)>扎根基层',
        cadre=org.cadre,
        now=NOW,
    )
    services.notice_publish(actor=leader_user, notice=notice, now=NOW)
    html = Client().get(f"/notices/{notice.pk}/").content.decode()
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;" in html
    assert "扎根基层" in html
    feed = Client().get("/notices/feed/").content.decode()
    assert "<script>" not in feed


def test_feed_is_atom_and_lists_only_published_notices(
    cadre_case: Case, discipline_user: Any, leader_user: Any, org: Any, clock: Any
) -> None:
    published = services.notice_create(
        actor=discipline_user, title="先进典型甲", body="事迹甲", cadre=org.cadre, now=NOW
    )
    services.notice_publish(actor=leader_user, notice=published, now=NOW)
    draft = services.notice_create(actor=discipline_user, title="草稿乙", body="事迹乙", cadre=org.other, now=NOW)
    withdrawn = services.notice_create(actor=discipline_user, title="撤回丙", body="事迹丙", cadre=org.other, now=NOW)
    services.notice_publish(actor=leader_user, notice=withdrawn, now=NOW)
    services.notice_withdraw(actor=leader_user, notice=withdrawn, reason="有误", now=NOW)

    response = Client().get("/notices/feed/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)  # noqa: S314  # our own feed
    assert root.tag == f"{ATOM}feed"
    # RFC 4287: a feed has an id, a title and an updated date; each entry an id, a title, a link,
    # and an updated date.
    for tag in ("id", "title", "updated"):
        assert root.find(f"{ATOM}{tag}") is not None
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == 1
    entry = entries[0]
    assert "先进典型甲" in (entry.findtext(f"{ATOM}title") or "")
    assert entry.find(f"{ATOM}link").get("href").endswith(f"/notices/{published.pk}/")
    for tag in ("id", "updated", "published", "summary"):
        assert entry.find(f"{ATOM}{tag}") is not None
    assert draft.title not in response.content.decode()
    assert withdrawn.title not in response.content.decode()
    assert 'href="/notices/feed/"' in Client().get("/notices/").content.decode()


def test_public_list_filters_by_year_unit_and_kind(
    cadre_case: Case, discipline_user: Any, leader_user: Any, org: Any, clock: Any
) -> None:
    decided = decide(cadre_case, discipline_user)
    exposure = services.notice_draft_exposure(actor=discipline_user, case=decided, now=NOW)
    services.notice_publish(actor=leader_user, notice=exposure, now=NOW)
    model = services.notice_create(
        actor=discipline_user, title="优秀镇干部", body="事迹", cadre=org.town_cadre, now=NOW
    )
    services.notice_publish(actor=leader_user, notice=model, now=NOW + timedelta(days=400))
    api = APIClient()

    def ids(query: str) -> set[int]:
        response = api.get(f"/api/v1/public/notices/{query}")
        assert response.status_code == 200
        return {row["id"] for row in response.json()["results"]}

    assert ids("") == {exposure.pk, model.pk}
    assert ids("?kind=exposure") == {exposure.pk}
    assert ids("?kind=model") == {model.pk}
    assert ids(f"?year={NOW.year}") == {exposure.pk}
    assert ids(f"?unit={org.township.pk}") == {model.pk}
    assert api.get("/api/v1/public/notices/?kind=nonsense").status_code == 400
    everything = Client().get("/notices/").content.decode()
    assert "优秀镇干部" in everything
    assert exposure.title in everything
    assert Client().get("/notices/?kind=nonsense").status_code == 200
    listed = Client().get("/notices/?kind=model").content.decode()
    assert "优秀镇干部" in listed
    assert exposure.title not in listed
    # Linked from the home page.
    assert 'href="/notices/"' in Client().get("/").content.decode()


def test_workbench_pages_draft_publish_withdraw(
    cadre_case: Case, discipline_user: Any, leader_user: Any, clock: Any
) -> None:
    decided = decide(cadre_case, discipline_user)
    office = Client()
    office.force_login(discipline_user)
    case_page = office.get(f"/workbench/cases/{decided.pk}/").content.decode()
    assert f"/workbench/cases/{decided.pk}/expose/" in case_page
    response = office.post(f"/workbench/cases/{decided.pk}/expose/")
    notice = Notice.objects.get(case=decided)
    assert response.status_code == 302
    assert response["Location"].endswith(f"/workbench/notices/{notice.pk}/")
    page = office.get(f"/workbench/notices/{notice.pk}/").content.decode()
    assert "/publish/" not in page  # not the leader
    assert office.post(f"/workbench/notices/{notice.pk}/publish/").status_code == 403
    leader = Client()
    leader.force_login(leader_user)
    assert f"/workbench/notices/{notice.pk}/publish/" in leader.get(f"/workbench/notices/{notice.pk}/").content.decode()
    assert leader.post(f"/workbench/notices/{notice.pk}/publish/").status_code == 302
    refused = leader.post(f"/workbench/notices/{notice.pk}/withdraw/", {"reason": ""})
    assert refused.status_code == 200
    notice.refresh_from_db()
    assert notice.status == Notice.Status.PUBLISHED
    assert leader.post(f"/workbench/notices/{notice.pk}/withdraw/", {"reason": "更正"}).status_code == 302
    notice.refresh_from_db()
    assert notice.status == Notice.Status.WITHDRAWN


@pytest.mark.parametrize("year", ["2.9788998788316896e+16", "99999", "-1", "1.5", "abc"])
def test_a_year_the_calendar_does_not_know_is_refused(year: str, db: Any) -> None:
    response = APIClient().get("/api/v1/public/notices/", {"year": year})
    assert response.status_code == 400
    assert "year" in response.json()["errors"]
    assert Client().get("/notices/", {"year": year}).status_code == 200


def test_a_model_notice_names_the_cadre_with_his_own_unit(discipline_user: Any, org: Any) -> None:
    with pytest.raises(InvalidInput) as refused:
        services.notice_create(
            actor=discipline_user, title="先进典型", body="事迹", cadre=org.town_cadre, unit=org.bureau, now=NOW
        )
    assert "unit" in refused.value.errors
    assert not Notice.objects.exists()
    notice = services.notice_create(
        actor=discipline_user, title="先进典型", body="事迹", cadre=org.town_cadre, unit=org.township, now=NOW
    )
    assert notice.unit == org.township
    assert services.notice_create(actor=discipline_user, title="乙", body="事迹", cadre=org.cadre, now=NOW).unit == (
        org.bureau
    )


def test_the_notice_list_offers_units_by_name(discipline_user: Any, org: Any) -> None:
    office = Client()
    office.force_login(discipline_user)
    page = office.get("/workbench/notices/").content.decode()
    assert '<select name="unit"' in page
    assert org.township.name in page
    assert office.get("/workbench/notices/", {"unit": "abc"}).status_code == 200  # the form says what is wrong
