"""Staff API of complaints: visibility, filters, every action through HTTP, errors as JSON with field
errors (never a 500), the timeline and the category policies."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone, translation
from rest_framework.test import APIClient

from complaints import services
from complaints.models import Category, CategoryPolicy, Complaint, ComplaintEvent
from complaints.transitions import COMPLAINTS
from tests.factories.complaints import (
    complaint_in_state,
    policy_row,
)
from tests.factories.org import CadreFactory, UserFactory

CN = ZoneInfo("Asia/Shanghai")
T0 = dt.datetime(2025, 3, 3, 10, 0, tzinfo=CN)
ACTIONS = [
    "accept",
    "reject",
    "assign",
    "request_extension",
    "approve_extension",
    "refuse_extension",
    "reply",
    "reply_review",
    "close",
    "merge",
    "reveal_identity",
    "request_identity",
    "grant_identity",
    "refuse_identity",
    "link_accused",
]


def api(user: Any = None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def url(complaint: Any, action: str = "") -> str:
    return f"/api/v1/complaints/{complaint.pk}/{action + '/' if action else ''}"


def make(org: Any, discipline: Any, status: str, **kwargs: Any) -> Complaint:
    kwargs.setdefault("department", org.office)
    return complaint_in_state(status, handler=kwargs.pop("handler", org.cadre), discipline=discipline, now=T0, **kwargs)


def test_anonymous_callers_and_users_without_a_role_get_nothing(org: Any, discipline_user: Any) -> None:
    from tests.factories.org import UserFactory

    complaint = make(org, discipline_user, "submitted")
    assert api().get("/api/v1/complaints/").status_code in (401, 403)
    assert api().post(url(complaint, "accept"), {"department": org.office.pk}, format="json").status_code in (401, 403)
    nobody = UserFactory(username="citizen-t")
    assert api(nobody).get("/api/v1/complaints/").status_code == 403


def test_list_shows_what_each_user_may_see(org: Any, discipline_user: Any, orgdept_user: Any) -> None:
    office = make(org, discipline_user, "assigned")
    records = make(org, discipline_user, "accepted", department=org.records, handler=None)
    submitted = make(org, discipline_user, "submitted")

    def ids(user: Any) -> set[int]:
        body = api(user).get("/api/v1/complaints/").json()
        assert set(body) == {"next", "previous", "results"}  # no count: it would cost a full scan
        return {row["id"] for row in body["results"]}

    assert ids(discipline_user) == {office.pk, records.pk, submitted.pk}
    assert ids(orgdept_user) == {office.pk, records.pk, submitted.pk}
    assert ids(org.head.user) == {office.pk}
    assert ids(org.cadre.user) == {office.pk}
    assert ids(org.other.user) == set()
    assert api(org.other.user).get(url(office)).status_code == 404


def test_list_paginates(org: Any, discipline_user: Any) -> None:
    for _ in range(3):
        make(org, discipline_user, "submitted")
    client = api(discipline_user)
    body = client.get("/api/v1/complaints/", {"page_size": 2}).json()
    assert "count" not in body
    assert len(body["results"]) == 2
    assert body["next"]
    assert "cursor=" in body["next"]
    assert body["previous"] is None
    rest = client.get(body["next"]).json()
    assert len(rest["results"]) == 1
    assert rest["next"] is None
    assert rest["previous"]
    back = client.get(rest["previous"]).json()
    assert [row["id"] for row in back["results"]] == [row["id"] for row in body["results"]]


def test_filters(org: Any, discipline_user: Any) -> None:
    with time_machine.travel(T0, tick=False):
        assigned = make(org, discipline_user, "assigned", category="reception", title="公款吃喝")
        submitted = make(org, discipline_user, "submitted", title="路灯不亮")
        replied = make(org, discipline_user, "replied", department=org.records, handler=None)
    Complaint.objects.filter(pk=submitted.pk).update(submitted_at=T0 - dt.timedelta(days=20), escalation_level=1)
    client = api(discipline_user)

    def ids(**params: Any) -> set[int]:
        response = client.get("/api/v1/complaints/", params)
        assert response.status_code == 200, response.content
        return {row["id"] for row in response.json()["results"]}

    assert ids(status="assigned") == {assigned.pk}
    assert ids(status=["assigned", "replied"]) == {assigned.pk, replied.pk}
    assert ids(category="reception") == {assigned.pk}
    assert ids(department=org.records.pk) == {replied.pk}
    assert ids(escalation_level=1) == {submitted.pk}
    assert ids(q="公款") == {assigned.pk}
    # A code read out in part, lower case, without dashes.
    part = assigned.tracking_code.replace("-", "")[3:12].lower()
    assert ids(q=part) == {assigned.pk}
    assert ids(q=assigned.tracking_code) == {assigned.pk}
    assert ids(submitted_before=(T0 - dt.timedelta(days=10)).date().isoformat()) == {submitted.pk}
    assert ids(submitted_after=T0.date().isoformat()) == {assigned.pk, replied.pk}
    # Overdue is relative to now: nothing today; in 100 days the open ones.
    with time_machine.travel(T0, tick=False):
        assert ids(overdue="true") == set()
    with time_machine.travel(T0 + dt.timedelta(days=100), tick=False):
        assert ids(overdue="true") == {assigned.pk, submitted.pk}
        assert ids(overdue="false") == {replied.pk}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"status": "bogus"}, "status"),
        ({"department": "abc"}, "department"),
        ({"department": 999999}, "department"),
        ({"submitted_after": "yesterday"}, "submitted_after"),
        ({"escalation_level": 7}, "escalation_level"),
    ],
)
def test_bad_filters_are_400_with_field_errors(org: Any, discipline_user: Any, params: Any, field: str) -> None:
    response = api(discipline_user).get("/api/v1/complaints/", params)
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_a_department_filter_outside_the_users_scope_is_refused(org: Any, discipline_user: Any) -> None:
    response = api(org.town_cadre.user).get("/api/v1/complaints/", {"department": org.office.pk})
    assert response.status_code == 400
    assert "department" in response.json()["errors"]
    # In his own scope the same filter works.
    response = api(org.town_cadre.user).get("/api/v1/complaints/", {"department": org.town_office.pk})
    assert response.status_code == 200


def test_the_lifecycle_through_the_api(org: Any, discipline_user: Any) -> None:
    complaint = make(org, discipline_user, "submitted")
    inspector, head, handler = api(discipline_user), api(org.head.user), api(org.cadre.user)

    response = inspector.post(url(complaint, "accept"), {"department": org.office.pk}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "accepted"
    assert body["department"] == org.office.pk
    assert body["reply_due_at"]
    assert "accept" not in body["allowed_actions"]

    detail = head.get(url(complaint)).json()
    assert {"assign", "request_extension", "reply"} <= set(detail["allowed_actions"])
    assert "accept" not in detail["allowed_actions"]

    response = head.post(url(complaint, "assign"), {"handler": org.cadre.pk}, format="json")
    assert response.json()["status"] == "assigned"
    response = head.post(url(complaint, "request_extension"), {"days": 10, "reason": "调查取证"}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "pending"
    response = inspector.post(url(complaint, "approve_extension"), {"note": "同意"}, format="json")
    assert response.json()["extended"] is True
    response = handler.post(url(complaint, "reply"), {"text": "已整改"}, format="json")
    assert response.json()["status"] == "replied"
    services.complaint_request_review(complaint=complaint, reason="不满意", now=timezone.now())
    # The review is independent of the first reply: the handler and the head add a statement, the
    # office answers and closes.
    for replier in (handler, head):
        response = replier.post(url(complaint, "reply_review"), {"text": "复查维持"}, format="json")
        assert response.status_code == 403
        with translation.override("zh-hans"):
            assert response.json()["message"] == str(COMPLAINTS["reply_review"].denied)
    response = handler.post(url(complaint, "review_statement"), {"text": "原答复属实"}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "review_requested"
    response = inspector.post(url(complaint, "reply_review"), {"text": "复查维持"}, format="json")
    assert response.json()["status"] == "review_replied"
    assert head.post(url(complaint, "close"), format="json").status_code == 403
    response = inspector.post(url(complaint, "close"), format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "closed"

    page = inspector.get(url(complaint, "events")).json()
    events = page["results"]
    assert len(events) == 10
    assert [e["verb"] for e in events] == [
        "submit",
        "accept",
        "assign",
        "request_extension",
        "approve_extension",
        "reply",
        "request_review",
        "review_statement",
        "reply_review",
        "close",
    ]
    assert events[1]["actor"] == discipline_user.username
    assert events[1]["verb_label"]


def test_reject_and_merge_through_the_api(org: Any, discipline_user: Any) -> None:
    first, second = make(org, discipline_user, "submitted"), make(org, discipline_user, "submitted")
    inspector = api(discipline_user)
    response = inspector.post(url(first, "reject"), {"reason": "不属于受理范围"}, format="json")
    assert response.json()["status"] == "rejected"
    assert response.json()["reject_reason"] == "不属于受理范围"
    response = inspector.post(url(second, "merge"), {"into": first.pk}, format="json")
    assert response.json()["status"] == "withdrawn"
    assert response.json()["merged_into"] == first.pk


def test_wrong_role_is_403_wrong_state_is_409_out_of_scope_is_404(org: Any, discipline_user: Any) -> None:
    complaint = make(org, discipline_user, "accepted", handler=None)
    other = make(org, discipline_user, "accepted", handler=None)
    response = api(org.head.user).post(url(complaint, "merge"), {"into": other.pk}, format="json")
    assert response.status_code == 403
    assert response.json()["message"]
    response = api(discipline_user).post(url(complaint, "accept"), {"department": org.office.pk}, format="json")
    assert response.status_code == 409
    assert response.json()["message"]
    response = api(org.other.user).post(url(complaint, "reply"), {"text": "x"}, format="json")
    assert response.status_code == 404
    assert Complaint.objects.get(pk=complaint.pk).status == "accepted"


@pytest.mark.parametrize(
    ("status", "action", "who", "payload", "field"),
    [
        ("submitted", "accept", "discipline", {}, "department"),
        ("submitted", "accept", "discipline", {"department": "x"}, "department"),
        ("submitted", "accept", "discipline", {"department": 999999}, "department"),
        ("submitted", "reject", "discipline", {"reason": ""}, "reason"),
        ("accepted", "assign", "head", {"handler": None}, "handler"),
        ("accepted", "assign", "head", {"handler": "town"}, "handler"),
        ("accepted", "request_extension", "head", {"days": 31, "reason": "r"}, "days"),
        ("accepted", "request_extension", "head", {"days": "many", "reason": "r"}, "days"),
        ("accepted", "request_extension", "head", {"days": 5}, "reason"),
        ("accepted", "reply", "head", {"text": "   "}, "text"),
        ("submitted", "merge", "discipline", {"into": 999999}, "into"),
        ("submitted", "merge", "discipline", {"into": "self"}, "into"),
        ("submitted", "reveal_identity", "discipline", {"reason": ["a", "b"]}, "reason"),
        ("submitted", "grant_identity", "discipline", {"access": 999999}, "access"),
    ],
)
def test_bad_input_is_400_with_field_errors(
    org: Any, discipline_user: Any, status: str, action: str, who: str, payload: dict[str, Any], field: str
) -> None:
    complaint = make(org, discipline_user, status, handler=None)
    if payload.get("handler") == "town":
        payload = {"handler": org.town_cadre.pk}
    if payload.get("into") == "self":
        payload = {"into": complaint.pk}
    user = discipline_user if who == "discipline" else org.head.user
    # At the complaint's own time: an extension is asked for before the reply deadline.
    with time_machine.travel(T0, tick=False):
        response = api(user).post(url(complaint, action), payload, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]
    assert Complaint.objects.get(pk=complaint.pk).status == status


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize(
    "body",
    [
        '{"department": {"a": 1}, "handler": [1], "days": 1e309, "text": null, "into": true, "access": -1}',
        "[]",
        "{",
        "null",
        '"text"',
    ],
)
def test_garbage_never_makes_a_500(org: Any, discipline_user: Any, action: str, body: str) -> None:
    complaint = make(org, discipline_user, "assigned")
    for user in (discipline_user, org.head.user):
        response = api(user).post(url(complaint, action), data=body, content_type="application/json")
        assert response.status_code in (400, 403, 409), (action, body, response.status_code, response.content)
        assert "message" in response.json()


def test_unknown_complaint_is_404(discipline_user: Any) -> None:
    assert api(discipline_user).get("/api/v1/complaints/999999/").status_code == 404
    response = api(discipline_user).post("/api/v1/complaints/999999/close/", format="json")
    assert response.status_code == 404


def test_assign_a_cadre_outside_the_heads_scope_is_a_field_error(org: Any, discipline_user: Any) -> None:
    complaint = make(org, discipline_user, "accepted", handler=None)
    stranger = CadreFactory(department=org.town_office)
    response = api(org.head.user).post(url(complaint, "assign"), {"handler": stranger.pk}, format="json")
    assert response.status_code == 400
    assert "handler" in response.json()["errors"]
    # A cadre he may not see reads exactly like one that does not exist: nothing to probe.
    missing = api(org.head.user).post(url(complaint, "assign"), {"handler": 999_999}, format="json")
    assert missing.json()["errors"]["handler"] == [
        message.replace(str(stranger.pk), "999999") for message in response.json()["errors"]["handler"]
    ]
    assert Complaint.objects.get(pk=complaint.pk).handler is None


def test_the_list_costs_the_same_queries_for_more_complaints(
    org: Any, discipline_user: Any, django_assert_max_num_queries: Any
) -> None:
    from tests.factories.org import DepartmentFactory

    make(org, discipline_user, "assigned")
    client = api(discipline_user)
    with django_assert_max_num_queries(50) as few:
        assert client.get("/api/v1/complaints/").status_code == 200
    for _ in range(4):
        department = DepartmentFactory(unit=org.bureau)
        make(org, discipline_user, "assigned", department=department, handler=CadreFactory(department=department))
    with django_assert_max_num_queries(len(few.captured_queries)):
        body = client.get("/api/v1/complaints/").json()
    assert len(body["results"]) == 5


def test_category_policies(org: Any, discipline_user: Any) -> None:
    for category in Category.values:  # made by a data migration; a transactional test may have emptied them
        policy_row(category)
    response = api(org.head.user).get("/api/v1/category-policies/")
    assert response.status_code == 200
    rows = response.json()["results"]
    assert len(rows) == 17
    gambling = next(row for row in rows if row["category"] == "gambling")
    assert (gambling["accept_days"], gambling["reply_days"], gambling["max_extension_days"]) == (15, 60, 30)
    path = "/api/v1/category-policies/gambling/"
    assert api(org.head.user).patch(path, {"reply_days": 30}, format="json").status_code == 403
    response = api(discipline_user).patch(path, {"reply_days": 0}, format="json")
    assert response.status_code == 400
    assert "reply_days" in response.json()["errors"]
    response = api(discipline_user).patch(path, {"reply_days": 30, "category": "other"}, format="json")
    assert response.status_code == 200
    assert response.json()["reply_days"] == 30
    assert CategoryPolicy.objects.get(category="gambling").reply_days == 30
    assert CategoryPolicy.objects.get(category="other").reply_days == 60
    assert api(discipline_user).get("/api/v1/category-policies/nonsense/").status_code == 404


# --- linking the cadre complained about ------------------------------------------------------------


def test_the_discipline_office_links_the_head_and_the_complaint_goes_past_him(org: Any, discipline_user: Any) -> None:
    from workstyle.models import Notification

    # The public's free-text name matched nobody, so nobody was linked at submission.
    complaint = make(org, discipline_user, "accepted", unit=org.bureau, accused_name="王某", handler=None)
    assert complaint.accused_cadre is None
    assert api(org.head.user).get(url(complaint)).status_code == 200
    assert "link_accused" in api(discipline_user).get(url(complaint)).json()["allowed_actions"]
    assert "link_accused" not in api(org.head.user).get(url(complaint)).json()["allowed_actions"]

    response = api(discipline_user).post(url(complaint, "link_accused"), {"cadre": org.head.pk}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["accused_cadre"] == org.head.pk
    complaint.refresh_from_db()
    assert complaint.accused_cadre == org.head
    # He headed the department: the head of the bureau now answers for it, and is told so.
    assert complaint.responsible_head == org.bureau_head
    assert Notification.objects.filter(recipient=org.bureau_head.user, kind="complaint_routed").exists()
    assert ComplaintEvent.objects.filter(complaint=complaint, verb="route_past", actor=discipline_user).exists()
    # Recusal: he no longer sees it anywhere in the API, nor may act on it.
    head = api(org.head.user)
    assert head.get(url(complaint)).status_code == 404
    assert complaint.pk not in {row["id"] for row in head.get("/api/v1/complaints/").json()["results"]}
    assert head.post(url(complaint, "assign"), {"handler": org.cadre.pk}, format="json").status_code == 404
    bureau_head = api(org.bureau_head.user).get(url(complaint)).json()
    assert "assign" in bureau_head["allowed_actions"]


def test_linking_the_handler_takes_the_complaint_back_from_him(org: Any, discipline_user: Any) -> None:
    complaint = make(org, discipline_user, "assigned")
    assert api(org.cadre.user).get(url(complaint)).status_code == 200
    response = api(discipline_user).post(url(complaint, "link_accused"), {"cadre": org.cadre.pk}, format="json")
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["handler"]) == ("accepted", None)
    assert api(org.cadre.user).get(url(complaint)).status_code == 404
    # The head still answers for it and picks another handler.
    assert "assign" in api(org.head.user).get(url(complaint)).json()["allowed_actions"]


def test_only_the_discipline_office_links(org: Any, discipline_user: Any, orgdept_user: Any) -> None:
    complaint = make(org, discipline_user, "accepted", handler=None)
    payload = {"cadre": org.cadre.pk}
    for user in (org.head.user, orgdept_user):
        response = api(user).post(url(complaint, "link_accused"), payload, format="json")
        assert response.status_code == 403, response.content
        assert response.json()["message"]
    assert api(org.other.user).post(url(complaint, "link_accused"), payload, format="json").status_code == 404
    assert api(org.town_cadre.user).post(url(complaint, "link_accused"), payload, format="json").status_code == 404
    complaint.refresh_from_db()
    assert complaint.accused_cadre is None


@pytest.mark.parametrize("payload", [{}, {"cadre": None}, {"cadre": "x"}, {"cadre": 999_999}, {"cadre": [1]}])
def test_link_bad_input_is_400(org: Any, discipline_user: Any, payload: dict[str, Any]) -> None:
    complaint = make(org, discipline_user, "submitted")
    response = api(discipline_user).post(url(complaint, "link_accused"), payload, format="json")
    assert response.status_code == 400
    assert "cadre" in response.json()["errors"]
    assert Complaint.objects.get(pk=complaint.pk).accused_cadre is None


def test_a_settled_complaint_is_linked_too_and_the_head_loses_sight_of_it(org: Any, discipline_user: Any) -> None:
    # Recusal protects the complainant after the answer as much as before it.
    complaint = make(org, discipline_user, "closed")
    assert api(org.head.user).get(url(complaint)).status_code == 200
    assert "link_accused" in api(discipline_user).get(url(complaint)).json()["allowed_actions"]
    response = api(discipline_user).post(url(complaint, "link_accused"), {"cadre": org.head.pk}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "closed"
    assert Complaint.objects.get(pk=complaint.pk).accused_cadre == org.head
    assert api(org.head.user).get(url(complaint)).status_code == 404


def test_an_officer_who_links_himself_loses_sight_of_it_without_an_error(org: Any, discipline_user: Any) -> None:
    officer = CadreFactory(department=org.records, user=UserFactory(username="officer-cadre", groups=["discipline"]))
    complaint = make(org, discipline_user, "submitted")
    response = api(officer.user).post(url(complaint, "link_accused"), {"cadre": officer.pk}, format="json")
    assert response.status_code == 204
    assert api(officer.user).get(url(complaint)).status_code == 404
    assert Complaint.objects.get(pk=complaint.pk).accused_cadre == officer


# --- bulk acceptance -------------------------------------------------------------------------------

BULK = "/api/v1/complaints/bulk_accept/"


def statuses_in_every_language(status: str) -> list[str]:
    from django.conf import settings
    from django.utils import translation

    labels = []
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            labels.append(str(Complaint.Status(status).label))
    return labels


def test_bulk_accept_reports_each_id(org: Any, discipline_user: Any) -> None:
    first, second = make(org, discipline_user, "submitted"), make(org, discipline_user, "submitted")
    already = make(org, discipline_user, "accepted", department=org.records, handler=None)
    # An officer who is himself a cadre never sees a complaint naming him: its id reads as unknown.
    officer = CadreFactory(department=org.records, user=UserFactory(username="officer-cadre", groups=["discipline"]))
    about_him = make(org, discipline_user, "submitted", accused_cadre=officer)
    ids = [first.pk, already.pk, 999_999, about_him.pk, second.pk, first.pk]

    response = api(officer.user).post(BULK, {"complaints": ids, "department": org.office.pk}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["accepted"] == 2
    rows = {row["id"]: row for row in body["results"]}
    assert [row["id"] for row in body["results"]] == [first.pk, already.pk, 999_999, about_him.pk, second.pk]
    assert rows[first.pk]["outcome"] == rows[second.pk]["outcome"] == "accepted"
    assert rows[first.pk]["tracking_code"] == first.tracking_code
    assert rows[already.pk]["outcome"] == "refused"
    # The reason names the complaint's present status (in the language of the answer).
    assert any(str(label) in rows[already.pk]["message"] for label in statuses_in_every_language("accepted"))
    assert rows[already.pk]["tracking_code"] == already.tracking_code
    unknown = {key: value for key, value in rows[999_999].items() if key != "id"}
    assert unknown["outcome"] == "not_found"
    assert unknown["tracking_code"] is None
    assert {key: value for key, value in rows[about_him.pk].items() if key != "id"} == unknown

    for complaint in (first, second):
        complaint.refresh_from_db()
        assert (complaint.status, complaint.department) == ("accepted", org.office)
    assert Complaint.objects.get(pk=already.pk).department == org.records
    assert Complaint.objects.get(pk=about_him.pk).status == "submitted"
    assert ComplaintEvent.objects.filter(complaint=first, verb="accept", actor=officer.user).count() == 1


def test_bulk_accept_with_nothing_visible_changes_nothing(org: Any, discipline_user: Any) -> None:
    response = api(discipline_user).post(BULK, {"complaints": [999_998, 999_999], "department": org.office.pk})
    assert response.status_code == 200
    assert response.json()["accepted"] == 0
    assert {row["outcome"] for row in response.json()["results"]} == {"not_found"}


def test_bulk_accept_is_for_the_discipline_office(org: Any, discipline_user: Any, orgdept_user: Any) -> None:
    complaint = make(org, discipline_user, "submitted")
    for user in (orgdept_user, org.head.user, org.cadre.user):
        response = api(user).post(BULK, {"complaints": [complaint.pk], "department": org.office.pk}, format="json")
        assert response.status_code == 403
        assert response.json()["message"]
    assert api().post(BULK, {"complaints": [complaint.pk], "department": org.office.pk}).status_code in (401, 403)
    assert Complaint.objects.get(pk=complaint.pk).status == "submitted"


@pytest.mark.parametrize(
    ("payload", "fields"),
    [
        ({}, {"complaints", "department"}),
        ({"complaints": [], "department": "office"}, {"complaints"}),
        ({"complaints": ["a"], "department": "office"}, {"complaints"}),
        ({"complaints": [0, -1], "department": "office"}, {"complaints"}),
        ({"complaints": [2**70], "department": "office"}, {"complaints"}),
        ({"complaints": "1,2", "department": "office"}, {"complaints"}),
        ({"complaints": list(range(1, 502)), "department": "office"}, {"complaints"}),
        ({"complaints": ["mine"], "department": 999_999}, {"department"}),
        ({"complaints": ["mine"], "department": "inactive"}, {"department"}),
        ({"complaints": ["mine"], "department": {"id": 1}}, {"department"}),
    ],
)
def test_bulk_accept_bad_input_is_400_with_field_errors(
    org: Any, discipline_user: Any, payload: dict[str, Any], fields: set[str]
) -> None:
    from tests.factories.org import DepartmentFactory

    complaint = make(org, discipline_user, "submitted")
    inactive = DepartmentFactory(unit=org.bureau, active=False)
    replace = {"office": org.office.pk, "inactive": inactive.pk}
    payload = {key: replace.get(value, value) if isinstance(value, str) else value for key, value in payload.items()}
    if payload.get("complaints") == ["mine"]:
        payload["complaints"] = [complaint.pk]
    response = api(discipline_user).post(BULK, payload, format="json")
    assert response.status_code == 400, response.content
    assert set(response.json()["errors"]) >= fields
    assert Complaint.objects.get(pk=complaint.pk).status == "submitted"


@pytest.mark.parametrize("body", ['{"complaints": {"a": 1}, "department": [1]}', "[]", "{", "null", '"x"', "[1, 2]"])
def test_bulk_accept_garbage_never_makes_a_500(org: Any, discipline_user: Any, body: str) -> None:
    for user in (discipline_user, org.head.user):
        response = api(user).post(BULK, data=body, content_type="application/json")
        assert response.status_code in (400, 403), (body, response.status_code, response.content)
        assert "message" in response.json()
