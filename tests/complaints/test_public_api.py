from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from complaints import codes
from complaints.models import Complaint, ComplaintEvent
from tests.complaints.public_helpers import (
    REPLY_TEXT,
    docx_bytes,
    exe_bytes,
    jpeg_bytes,
    png_bytes,
    reply,
    submit,
    upload,
)
from tests.factories.org import UnitFactory
from workstyle.models import Notification

SUBMIT = "/api/v1/public/complaints/"
IDENTITY = ("张秘密", "13800000000", "zhang.secret@example.com")


@pytest.fixture
def api() -> APIClient:
    return APIClient()


@pytest.fixture
def private_media(settings: Any, tmp_path: Any) -> Any:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}},
    }
    return tmp_path


def detail(code: str) -> str:
    return f"/api/v1/public/complaints/{code}/"


def payload(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "category": "inaction",
        "title": "办事窗口长期无人",
        "description": "工作日上午十点窗口无人办公，电话无人接听。",
        "complainant_name": IDENTITY[0],
        "complainant_phone": IDENTITY[1],
        "complainant_email": IDENTITY[2],
    }
    data.update(overrides)
    return data


def assert_no_identity(body: bytes) -> None:
    text = body.decode()
    for value in IDENTITY:
        assert value not in text


# --- submitting -------------------------------------------------------------------------------


def test_json_submission_answers_code_key_status_and_due_date(api: APIClient, org: Any) -> None:
    response = api.post(SUBMIT, payload(unit=org.bureau.pk, accused_name="王某"), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == {"tracking_code", "access_key", "status", "accept_due_at"}
    assert body["status"] == "submitted"
    complaint = Complaint.objects.get(tracking_code=body["tracking_code"])
    assert complaint.channel == Complaint.Channel.API
    assert complaint.unit == org.bureau
    assert complaint.accused_name == "王某"
    assert complaint.complainant_name == IDENTITY[0]
    # The key exists only in the answer: the database holds its digest.
    assert body["access_key"] not in complaint.access_key_hash
    assert codes.access_key_matches(body["access_key"], complaint.access_key_hash)
    assert dt.datetime.fromisoformat(body["accept_due_at"]) == complaint.accept_due_at
    assert_no_identity(response.content)


def test_anonymous_submission_is_allowed(api: APIClient, db: Any) -> None:
    data = {"category": "gambling", "title": "干部打麻将赌钱", "description": "每周五晚上在村委会。"}
    response = api.post(SUBMIT, data, format="json")
    assert response.status_code == 201, response.content
    complaint = Complaint.objects.get(tracking_code=response.json()["tracking_code"])
    assert (complaint.complainant_name, complaint.complainant_phone, complaint.complainant_email) == ("", "", "")


def test_multipart_submission_with_attachments(api: APIClient, db: Any, private_media: Any) -> None:
    files = [upload("照片.jpg", jpeg_bytes()), upload("收据.pdf", png_bytes()), upload("说明.docx", docx_bytes())]
    response = api.post(SUBMIT, {**payload(), "attachments": files}, format="multipart")
    assert response.status_code == 201, response.content
    complaint = Complaint.objects.get(tracking_code=response.json()["tracking_code"])
    assert complaint.channel == Complaint.Channel.API
    stored = list(complaint.attachments.values_list("original_name", "content_type"))
    assert stored == [
        ("照片.jpg", "image/jpeg"),
        ("收据.pdf", "image/png"),
        ("说明.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ]


def test_a_bad_attachment_is_a_field_error_and_nothing_is_stored(api: APIClient, db: Any, private_media: Any) -> None:
    files = [upload("ok.png", png_bytes()), upload("virus.pdf", exe_bytes(), content_type="application/pdf")]
    response = api.post(SUBMIT, {**payload(), "attachments": files}, format="multipart")
    assert response.status_code == 400
    assert "virus.pdf" in response.json()["errors"]["attachments"][0]
    assert not Complaint.objects.exists()
    assert not any(private_media.rglob("*.*"))


def test_six_attachments_are_refused(api: APIClient, db: Any, private_media: Any) -> None:
    files = [upload(f"p{i}.png", png_bytes()) for i in range(6)]
    response = api.post(SUBMIT, {**payload(), "attachments": files}, format="multipart")
    assert response.status_code == 400
    assert "attachments" in response.json()["errors"]
    assert not Complaint.objects.exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"title": "", "description": "x", "category": "inaction"}, "title"),
        ({"title": "t", "category": "inaction"}, "description"),
        ({"title": "t", "description": "d"}, "category"),
        ({"title": "t", "description": "d", "category": "corruption"}, "category"),
        ({"title": "t", "description": "d", "category": "inaction", "unit": 999999}, "unit"),
        ({"title": "t", "description": "d", "category": "inaction", "unit": "bureau"}, "unit"),
        (
            {"title": "t", "description": "d", "category": "inaction", "complainant_email": "not-an-address"},
            "complainant_email",
        ),
        (
            {"title": "t", "description": "d", "category": "inaction", "complainant_phone": "call me"},
            "complainant_phone",
        ),
        ({"title": "t" * 201, "description": "d", "category": "inaction"}, "title"),
        ({"title": "t", "description": "d", "category": "inaction", "attachments": ["x"]}, "attachments"),
    ],
)
def test_bad_input_is_a_400_with_field_errors(api: APIClient, db: Any, data: dict[str, Any], field: str) -> None:
    response = api.post(SUBMIT, data, format="json")
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["message"]
    assert field in body["errors"]
    assert not Complaint.objects.exists()


def test_an_inactive_unit_cannot_be_named(api: APIClient, db: Any) -> None:
    closed = UnitFactory(active=False)
    response = api.post(SUBMIT, payload(unit=closed.pk), format="json")
    assert response.status_code == 400
    assert "unit" in response.json()["errors"]


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("{not json", "application/json"),
        ("[1, 2]", "application/json"),
        ("", "application/json"),
        ("null", "application/json"),
    ],
)
def test_a_malformed_body_is_a_400_not_a_500(api: APIClient, db: Any, body: str, content_type: str) -> None:
    response = api.generic("POST", SUBMIT, body, content_type=content_type)
    assert response.status_code == 400, response.content
    assert "message" in response.json()


def test_an_unsupported_media_type_is_a_415(api: APIClient, db: Any) -> None:
    response = api.generic("POST", SUBMIT, "category=inaction", content_type="text/plain")
    assert response.status_code == 415
    assert "message" in response.json()


def test_submissions_are_throttled_per_client(api: APIClient, db: Any) -> None:
    # The "public_submit" rate is 10/hour.
    for _ in range(10):
        assert api.post(SUBMIT, payload(), format="json", REMOTE_ADDR="10.1.1.1").status_code == 201
    refused = api.post(SUBMIT, payload(), format="json", REMOTE_ADDR="10.1.1.1")
    assert refused.status_code == 429
    assert "message" in refused.json()
    # A forged forwarded-for header does not give the same client a fresh allowance...
    forged = api.post(SUBMIT, payload(), format="json", REMOTE_ADDR="10.1.1.1", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert forged.status_code == 429
    # ...while another client is unaffected.
    assert api.post(SUBMIT, payload(), format="json", REMOTE_ADDR="10.2.2.2").status_code == 201
    assert Complaint.objects.count() == 11


# --- tracking ---------------------------------------------------------------------------------


def test_tracking_with_the_key(api: APIClient, db: Any) -> None:
    complaint, key = submit()
    response = api.get(detail(complaint.tracking_code), HTTP_X_ACCESS_KEY=key)
    assert response.status_code == 200
    body = response.json()
    assert body["tracking_code"] == complaint.tracking_code
    assert body["status"] == "submitted"
    assert body["status_label"]
    assert dt.datetime.fromisoformat(body["submitted_at"]) == complaint.submitted_at
    assert dt.datetime.fromisoformat(body["accept_due_at"]) == complaint.accept_due_at
    assert body["reply_due_at"] is None
    assert body["reply"] == ""
    assert body["replied_at"] is None
    assert body["can_request_review"] is False
    assert body["can_give_feedback"] is False
    assert_no_identity(response.content)


def test_the_code_may_be_typed_loosely(api: APIClient, db: Any) -> None:
    complaint, key = submit()
    loose = complaint.tracking_code.replace("-", "").lower()
    assert api.get(detail(loose), HTTP_X_ACCESS_KEY=key.lower().replace("-", " ")).status_code == 200


def test_a_wrong_key_and_an_unknown_code_get_the_same_answer(api: APIClient, db: Any) -> None:
    complaint, key = submit()
    _other, other_key = submit()
    wrong_key = api.get(detail(complaint.tracking_code), HTTP_X_ACCESS_KEY=other_key)
    unknown_code = api.get(detail(codes.new_tracking_code()), HTTP_X_ACCESS_KEY=key)
    no_key = api.get(detail(complaint.tracking_code))
    garbage = api.get(detail("not-a-code"), HTTP_X_ACCESS_KEY=key)
    assert wrong_key.status_code == unknown_code.status_code == no_key.status_code == garbage.status_code == 404
    assert wrong_key.content == unknown_code.content == no_key.content == garbage.content
    assert wrong_key.json()["message"]
    for action in ("feedback", "review"):
        url = f"{detail(complaint.tracking_code)}{action}/"
        refused = api.post(url, {"rating": "satisfied", "reason": "x"}, format="json", HTTP_X_ACCESS_KEY=other_key)
        assert refused.status_code == 404
        assert refused.content == wrong_key.content


def test_the_key_is_never_taken_from_the_url(api: APIClient, db: Any) -> None:
    complaint, key = submit()
    response = api.get(f"{detail(complaint.tracking_code)}?access_key={key}&X-Access-Key={key}")
    assert response.status_code == 404


def test_the_answer_shows_the_reply_and_the_department_but_nobody_s_name(
    api: APIClient, org: Any, discipline_user: Any
) -> None:
    complaint, key = submit()
    complaint = reply(complaint, org, discipline_user)
    response = api.get(detail(complaint.tracking_code), HTTP_X_ACCESS_KEY=key)
    body = response.json()
    assert body["status"] == "replied"
    assert body["reply"] == REPLY_TEXT
    assert dt.datetime.fromisoformat(body["replied_at"]) == complaint.replied_at
    assert dt.datetime.fromisoformat(body["reply_due_at"]) == complaint.reply_due_at
    assert body["department"] == f"{org.bureau.name} · {org.office.name}"
    assert body["can_request_review"] is True
    assert body["can_give_feedback"] is True
    text = response.content.decode()
    for name in (org.head.name, org.cadre.name, "head-t", "cadre-t", "inspector-t"):
        assert name not in text
    assert_no_identity(response.content)


# --- feedback and review ----------------------------------------------------------------------


def test_feedback_after_the_reply_once(api: APIClient, org: Any, discipline_user: Any) -> None:
    complaint, key = submit()
    url = f"{detail(complaint.tracking_code)}feedback/"
    early = api.post(url, {"rating": "satisfied"}, format="json", HTTP_X_ACCESS_KEY=key)
    assert early.status_code == 409
    reply(complaint, org, discipline_user)
    response = api.post(url, {"rating": "dissatisfied", "comment": "没有退钱"}, format="json", HTTP_X_ACCESS_KEY=key)
    assert response.status_code == 200, response.content
    assert response.json()["rating"] == "dissatisfied"
    assert response.json()["can_give_feedback"] is False
    complaint.refresh_from_db()
    assert (complaint.rating, complaint.feedback_comment) == ("dissatisfied", "没有退钱")
    # A dissatisfied rating is the discipline office's to hear of, with no words of the complainant.
    notice = Notification.objects.get(kind="complaint_dissatisfied", recipient=discipline_user)
    assert notice.params == {"code": complaint.tracking_code}
    assert ComplaintEvent.objects.filter(complaint=complaint, verb="feedback").count() == 1
    again = api.post(url, {"rating": "satisfied"}, format="json", HTTP_X_ACCESS_KEY=key)
    assert again.status_code == 409
    complaint.refresh_from_db()
    assert complaint.rating == "dissatisfied"


def test_feedback_needs_one_of_three_levels(api: APIClient, org: Any, discipline_user: Any) -> None:
    complaint, key = submit()
    reply(complaint, org, discipline_user)
    url = f"{detail(complaint.tracking_code)}feedback/"
    for body in ({"comment": "?"}, {"rating": "yes"}, {"satisfied": True}):
        response = api.post(url, body, format="json", HTTP_X_ACCESS_KEY=key)
        assert response.status_code == 400
        assert "rating" in response.json()["errors"]
    response = api.post(url, {"rating": "basically_satisfied"}, format="json", HTTP_X_ACCESS_KEY=key)
    assert response.json()["rating"] == "basically_satisfied"


def test_review_within_the_window(api: APIClient, org: Any, discipline_user: Any) -> None:
    complaint, key = submit()
    reply(complaint, org, discipline_user)
    url = f"{detail(complaint.tracking_code)}review/"
    assert api.post(url, {}, format="json", HTTP_X_ACCESS_KEY=key).status_code == 400
    with time_machine.travel(timezone.now() + dt.timedelta(days=29)):
        response = api.post(url, {"reason": "答复与事实不符"}, format="json", HTTP_X_ACCESS_KEY=key)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "review_requested"
    assert body["can_request_review"] is False
    assert body["review_due_at"]
    again = api.post(url, {"reason": "再来一次"}, format="json", HTTP_X_ACCESS_KEY=key)
    assert again.status_code == 409


def test_no_review_after_the_window(api: APIClient, org: Any, discipline_user: Any) -> None:
    complaint, key = submit()
    reply(complaint, org, discipline_user)
    with time_machine.travel(timezone.now() + dt.timedelta(days=32)):
        track = api.get(detail(complaint.tracking_code), HTTP_X_ACCESS_KEY=key)
        assert track.json()["can_request_review"] is False
        url = f"{detail(complaint.tracking_code)}review/"
        response = api.post(url, {"reason": "太晚了"}, format="json", HTTP_X_ACCESS_KEY=key)
    assert response.status_code == 409
    assert response.json()["message"]
    complaint.refresh_from_db()
    assert complaint.status == "replied"


def test_no_review_before_a_reply(api: APIClient, db: Any) -> None:
    complaint, key = submit()
    url = f"{detail(complaint.tracking_code)}review/"
    assert api.post(url, {"reason": "还没答复"}, format="json", HTTP_X_ACCESS_KEY=key).status_code == 409


# --- lists ------------------------------------------------------------------------------------


def test_categories_with_labels_in_the_request_language_and_time_limits(api: APIClient, db: Any) -> None:
    from complaints.models import Category, CategoryPolicy

    CategoryPolicy.objects.update_or_create(category="gambling", defaults={"reply_days": 20})
    english = api.get("/api/v1/public/categories/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert [row["code"] for row in english] == list(Category.values)
    gambling = next(row for row in english if row["code"] == "gambling")
    assert gambling == {
        "code": "gambling",
        "label": "Gambling",
        "accept_days": 15,
        "reply_days": 20,
        "max_extension_days": 30,
        "review_window_days": 30,
        "review_reply_days": 30,
    }


def test_units_are_the_active_ones(api: APIClient, org: Any) -> None:
    UnitFactory(name="已撤销单位", active=False)
    response = api.get("/api/v1/public/units/")
    assert response.status_code == 200
    rows = response.json()["results"]
    assert {row["name"] for row in rows} == {org.city.name, org.bureau.name, org.township.name}
    assert set(rows[0]) == {"id", "name", "kind", "kind_label"}


def test_public_endpoints_ignore_credentials(api: APIClient, db: Any) -> None:
    # A bad token must not turn a public call into a 401.
    api.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert api.get("/api/v1/public/categories/").status_code == 200
    assert api.post(SUBMIT, payload(), format="json").status_code == 201


def test_the_routes_have_names(db: Any) -> None:
    assert reverse("public-complaint-submit") == SUBMIT
    assert reverse("public-complaint-detail", args=["ABCD"]) == detail("ABCD")
    assert json.dumps(reverse("public-unit-list"))
