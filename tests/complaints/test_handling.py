"""How a letters-and-visits office handles a complaint: a review independent of the first reply,
three-level ratings and follow-up calls, re-routing and returns with the deadline running on,
letters, calls and visits recorded by the office with a receipt, supplements, and notices to the
complainant by e-mail and text message."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from rest_framework.test import APIClient

from complaints import codes, services
from complaints.models import Category, Complaint, ComplaintEvent, Supplement
from complaints.permissions import complaint_head
from tests.complaints.public_helpers import png_bytes, upload
from tests.complaints.workflow_cast import NOW, T0, World
from tests.factories.complaints import COMPLAINANT, complaint_in_state
from tests.factories.org import CadreFactory, UserFactory
from workstyle import services as core
from workstyle.deadlines import due_after
from workstyle.errors import InvalidInput, NotAllowed, TransitionError
from workstyle.models import Notification, OutboxEmail, OutboxSms
from workstyle.sms import HttpGatewayBackend, sms_backend

pytestmark = pytest.mark.django_db
S = Complaint.Status


@pytest.fixture
def private_media(settings: Any, tmp_path: Any) -> Any:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}},
    }
    return tmp_path


def kinds_of(user: Any) -> set[str]:
    return set(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


def api(user: Any = None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- the review: the discipline office, never whoever replied first ------------------------------


@pytest.mark.parametrize("role", ["head", "handler"])
def test_the_department_that_replied_may_add_a_statement_but_not_answer_the_review(world: World, role: str) -> None:
    complaint = world.complaint("review_requested")
    replier = world.actor(role)
    with pytest.raises(NotAllowed):
        services.complaint_reply_review(actor=replier, complaint=complaint, text="维持原答复", now=NOW)
    services.complaint_review_statement(actor=replier, complaint=complaint, text="补充说明原答复依据", now=NOW)
    complaint.refresh_from_db()
    assert complaint.status == S.REVIEW_REQUESTED
    statement = complaint.events.get(verb="review_statement")
    assert (statement.actor, statement.note) == (replier, "补充说明原答复依据")
    # The office, which answers, is told; the statement's words are not in the notice.
    notice = Notification.objects.get(kind="complaint_review_statement", recipient=world.discipline)
    assert "补充" not in json.dumps(notice.params, ensure_ascii=False)
    services.complaint_reply_review(actor=world.discipline, complaint=complaint, text="复查属实", now=NOW)
    with pytest.raises(NotAllowed):  # only the office closes
        services.complaint_close(actor=replier, complaint=complaint, now=NOW)
    services.complaint_close(actor=world.discipline, complaint=complaint, now=NOW)
    complaint.refresh_from_db()
    assert complaint.status == S.CLOSED


def test_an_officer_who_gave_the_first_reply_may_not_answer_its_review(world: World) -> None:
    # Nobody in the department's line may handle it (its head is the cadre complained about and
    # the unit has no other head): the office replies itself, and another officer reviews.
    world.org.bureau.head = None
    world.org.bureau.save()
    complaint = complaint_in_state("accepted", department=world.org.office, discipline=world.discipline, now=T0)
    complaint = services.complaint_link_accused(
        actor=world.discipline, complaint=complaint, cadre=world.org.head, now=T0
    )
    assert complaint_head(complaint) is None
    services.complaint_reply(actor=world.discipline, complaint=complaint, text="经查不实", now=T0)
    services.complaint_request_review(complaint=complaint, reason="答复不实", now=NOW)
    with pytest.raises(NotAllowed):
        services.complaint_reply_review(actor=world.discipline, complaint=complaint, text="维持", now=NOW)
    other = UserFactory(username="inspector-review", groups=["discipline"])
    services.complaint_reply_review(actor=other, complaint=complaint, text="复查后撤销原答复", now=NOW)
    assert Complaint.objects.get(pk=complaint.pk).status == S.REVIEW_REPLIED


def test_a_review_request_and_a_dissatisfied_rating_notify_the_office(world: World) -> None:
    complaint = world.complaint("replied")
    services.complaint_feedback(complaint=complaint, rating="dissatisfied", comment="答复敷衍", now=NOW)
    assert "complaint_dissatisfied" in kinds_of(world.discipline)
    assert "complaint_dissatisfied" not in kinds_of(world.org.head.user)
    services.complaint_request_review(complaint=complaint, reason="答复敷衍", now=NOW)
    assert "complaint_review_requested" in kinds_of(world.discipline)
    for user in (world.org.head.user, world.org.cadre.user):
        assert "complaint_review_statement_invited" in kinds_of(user)
        assert "complaint_review_requested" not in kinds_of(user)
    for notice in Notification.objects.all():
        assert "敷衍" not in json.dumps(notice.params, ensure_ascii=False)


def test_a_follow_up_call_is_recorded_by_the_office(world: World) -> None:
    complaint = world.complaint("replied")
    with pytest.raises(NotAllowed):
        services.complaint_follow_up(actor=world.actor("head"), complaint=complaint, note="回访", now=NOW)
    with pytest.raises(InvalidInput):
        services.complaint_follow_up(actor=world.discipline, complaint=complaint, note=" ", now=NOW)
    services.complaint_follow_up(actor=world.discipline, complaint=complaint, note="投诉人表示基本满意", now=NOW)
    event = complaint.events.get(verb="follow_up")
    assert (event.actor, event.at, event.note) == (world.discipline, NOW, "投诉人表示基本满意")
    with pytest.raises(TransitionError):
        services.complaint_follow_up(
            actor=world.discipline, complaint=world.complaint("assigned"), note="尚未答复", now=NOW
        )
    response = api(world.discipline).post(
        f"/api/v1/complaints/{complaint.pk}/follow_up/", {"note": "第二次回访"}, format="json"
    )
    assert response.status_code == 200
    assert complaint.events.filter(verb="follow_up").count() == 2


# --- re-routing and returns ------------------------------------------------------------------------


def test_rerouting_keeps_the_deadline_and_moves_the_complaint(world: World) -> None:
    complaint = world.complaint("assigned")
    due = complaint.reply_due_at
    records_head = CadreFactory(department=world.org.records, user=UserFactory(username="records-head"))
    world.org.records.head = records_head
    world.org.records.save()
    with pytest.raises(InvalidInput):
        services.complaint_reroute(
            actor=world.discipline, complaint=complaint, department=world.org.office, reason="同一部门", now=NOW
        )
    with pytest.raises(InvalidInput):
        services.complaint_reroute(
            actor=world.discipline, complaint=complaint, department=world.org.records, reason="", now=NOW
        )
    assert Complaint.objects.get(pk=complaint.pk).department == world.org.office
    with pytest.raises(NotAllowed):
        services.complaint_reroute(
            actor=world.actor("head"), complaint=complaint, department=world.org.records, reason="改派", now=NOW
        )
    later = NOW + dt.timedelta(days=5)
    complaint = services.complaint_reroute(
        actor=world.discipline, complaint=complaint, department=world.org.records, reason="属档案科职责", now=later
    )
    assert (complaint.status, complaint.department, complaint.handler) == (S.ACCEPTED, world.org.records, None)
    assert complaint.reply_due_at == due  # the deadline runs from acceptance
    assert complaint.routed_at == later
    event = complaint.events.get(verb="reroute")
    assert (event.note, event.from_state, event.to_state) == ("属档案科职责", S.ASSIGNED, S.ACCEPTED)
    assert "complaint_routed" in kinds_of(records_head.user)
    assert "complaint_rerouted_away" in kinds_of(world.org.head.user)
    # The old department no longer sees it.
    assert not Complaint.objects.visible_to(world.org.head.user).filter(pk=complaint.pk).exists()


def test_a_return_within_the_days_allowed_with_a_reason(world: World, settings: Any) -> None:
    settings.WORKSTYLE_RETURN_DAYS = 3
    complaint = world.complaint("assigned")  # routed at T0
    due = complaint.reply_due_at
    head = world.actor("head")
    with pytest.raises(InvalidInput):
        services.complaint_return(actor=head, complaint=complaint, reason=" ", now=NOW)
    with pytest.raises(NotAllowed):
        services.complaint_return(actor=world.actor("handler"), complaint=complaint, reason="非本部门", now=NOW)
    with pytest.raises(TransitionError):
        services.complaint_return(actor=head, complaint=complaint, reason="非本部门", now=T0 + dt.timedelta(days=4))
    assert Complaint.objects.get(pk=complaint.pk).status == S.ASSIGNED
    complaint = services.complaint_return(
        actor=head, complaint=complaint, reason="非本部门职责", now=T0 + dt.timedelta(days=2)
    )
    assert (complaint.status, complaint.handler, complaint.reply_due_at) == (S.RETURNED, None, due)
    assert complaint.current_due_at == due  # a return buys no time
    assert "complaint_returned" in kinds_of(world.discipline)
    assert complaint.events.get(verb="return").note == "非本部门职责"
    # The office re-routes it; the deadline still runs from acceptance.
    complaint = services.complaint_reroute(
        actor=world.discipline,
        complaint=complaint,
        department=world.org.records,
        reason="改派档案科",
        now=T0 + dt.timedelta(days=3),
    )
    assert (complaint.status, complaint.reply_due_at) == (S.ACCEPTED, due)


def test_reroute_and_return_through_the_api(world: World) -> None:
    complaint = world.complaint("accepted")
    complaint.routed_at = timezone.now()
    Complaint.objects.filter(pk=complaint.pk).update(routed_at=complaint.routed_at)
    head, office = api(world.actor("head")), api(world.discipline)
    assert head.post(f"/api/v1/complaints/{complaint.pk}/return/", {}, format="json").status_code == 400
    response = head.post(f"/api/v1/complaints/{complaint.pk}/return/", {"reason": "不属本科"}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "returned"
    same = {"department": world.org.office.pk, "reason": "x"}
    response = office.post(f"/api/v1/complaints/{complaint.pk}/reroute/", same, format="json")
    assert response.status_code == 400
    assert "department" in response.json()["errors"]
    body = {"department": world.org.records.pk, "reason": "改派"}
    response = office.post(f"/api/v1/complaints/{complaint.pk}/reroute/", body, format="json")
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["department"]) == ("accepted", world.org.records.pk)


def test_overdue_after_a_return_is_the_offices_to_answer(world: World) -> None:
    complaint = world.complaint("accepted")
    services.complaint_return(actor=world.actor("head"), complaint=complaint, reason="非本部门", now=NOW)
    complaint.refresh_from_db()
    assert complaint.reply_due_at is not None
    services.escalate_overdue(now=complaint.reply_due_at + dt.timedelta(minutes=1))
    assert "complaint_overdue_office" in kinds_of(world.discipline)
    assert "complaint_escalated" not in kinds_of(world.org.head.user)


# --- letters, calls and visits -------------------------------------------------------------------


def intake(world: World, **overrides: Any) -> tuple[Complaint, str]:
    fields: dict[str, Any] = {
        "actor": world.discipline,
        "channel": Complaint.Channel.LETTER,
        "received_at": T0 - dt.timedelta(days=10),
        "category": Category.INACTION,
        "title": "来信反映办证难",
        "description": "来信称窗口多次推诿。",
        "now": T0,
        **COMPLAINANT,
    }
    fields.update(overrides)
    return services.complaint_intake(**fields)


def test_a_letter_received_days_ago_runs_its_deadlines_from_that_day(world: World) -> None:
    received = T0 - dt.timedelta(days=10)
    complaint, key = intake(world)
    assert complaint.channel == Complaint.Channel.LETTER
    assert complaint.submitted_at == received
    assert complaint.accept_due_at == due_after(received, 15)
    assert codes.access_key_matches(key, complaint.access_key_hash)
    event = complaint.events.get(verb="submit")
    assert (event.actor, event.at, event.data["received_at"]) == (world.discipline, T0, received.isoformat())
    # Nobody sees the complainant by recording him.
    assert not complaint.identity_accesses.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"received_at": T0 + dt.timedelta(hours=1)}, "received_at"),
        ({"received_at": T0 - dt.timedelta(days=400)}, "received_at"),
        ({"channel": Complaint.Channel.WEB}, "channel"),
        ({"title": ""}, "title"),
    ],
)
def test_intake_refuses_bad_input_and_changes_nothing(world: World, overrides: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        intake(world, **overrides)
    assert field in refused.value.errors
    assert not Complaint.objects.exists()


@pytest.mark.parametrize("role", ["head", "handler", "orgdept", "superuser"])
def test_only_the_office_records_letters(world: World, role: str) -> None:
    with pytest.raises(NotAllowed):
        intake(world, actor=world.actor(role))
    response = api(world.actor(role)).post("/api/v1/complaints/", {"title": "x"}, format="json")
    assert response.status_code == 403


def test_intake_through_the_api_answers_the_key_once(world: World) -> None:
    received = timezone.now() - dt.timedelta(days=3)
    body = {
        "channel": "phone",
        "received_at": received.isoformat(),
        "category": "inaction",
        "title": "来电反映窗口推诿",
        "description": "来电称窗口推诿。",
        "complainant_name": "张来电",
        "complainant_phone": "13900001111",
    }
    office = api(world.discipline)
    response = office.post("/api/v1/complaints/", body, format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["channel"] == "phone"
    assert re.fullmatch(r"[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}", data["tracking_code"])
    assert "complainant_name" not in data  # hidden like any other complainant
    complaint = Complaint.objects.get(pk=data["id"])
    assert complaint.submitted_at == received
    assert codes.access_key_matches(data["access_key"], complaint.access_key_hash)
    assert "access_key" not in office.get(f"/api/v1/complaints/{complaint.pk}/").json()
    tracked = APIClient().get(
        f"/api/v1/public/complaints/{data['tracking_code']}/", HTTP_X_ACCESS_KEY=data["access_key"]
    )
    assert tracked.status_code == 200
    future = {**body, "received_at": (timezone.now() + dt.timedelta(days=1)).isoformat()}
    response = office.post("/api/v1/complaints/", future, format="json")
    assert response.status_code == 400
    assert "received_at" in response.json()["errors"]


def test_intake_page_shows_the_receipt_with_key_qr_and_copy_buttons(world: World, private_media: Any) -> None:
    office = client_for(world.discipline)
    assert office.get(reverse("complaints:intake")).status_code == 200
    assert client_for(world.actor("head")).get(reverse("complaints:intake")).status_code == 403
    received = timezone.localtime() - dt.timedelta(days=2)
    response = office.post(
        reverse("complaints:intake"),
        {
            "channel": "visit",
            "received_at": received.strftime("%Y-%m-%dT%H:%M"),
            "category": "inaction",
            "title": "来访反映",
            "description": "群众来访反映窗口推诿。",
            "attachments": [upload("letter.png", png_bytes(), "image/png")],
        },
    )
    assert response.status_code == 200
    complaint = Complaint.objects.get()
    html = response.content.decode()
    key = response.context["access_key"]
    assert codes.access_key_matches(key, complaint.access_key_hash)
    assert key in html
    assert complaint.tracking_code in html
    assert "<svg" in html  # the QR code, inline
    assert 'data-copy="#access-key"' in html
    assert "js/receipt.js" in html
    assert "<script>" not in html  # CSP: no inline script
    assert complaint.attachments.count() == 1


def test_a_reprinted_receipt_issues_a_new_key_on_the_record(world: World) -> None:
    complaint, old_key = intake(world, received_at=NOW - dt.timedelta(days=1), now=NOW)
    office = client_for(world.discipline)
    url = reverse("complaints:receipt", args=[complaint.pk])
    page = office.get(url)
    assert page.status_code == 200
    assert complaint.tracking_code in page.content.decode()
    assert page.context["access_key"] == ""
    response = office.post(url)
    new_key = response.context["access_key"]
    assert new_key in response.content.decode()
    complaint.refresh_from_db()
    assert codes.access_key_matches(new_key, complaint.access_key_hash)
    assert not codes.access_key_matches(old_key, complaint.access_key_hash)
    event = complaint.events.get(verb="reissue_key")
    assert event.actor == world.discipline
    assert new_key not in json.dumps(event.data) + event.note
    # The department it is routed to sees the receipt (no key) but may not issue a key; out of
    # scope is 404.
    services.complaint_accept(actor=world.discipline, complaint=complaint, department=world.org.office, now=NOW)
    head = client_for(world.actor("head"))
    assert head.get(url).status_code == 200
    assert 'id="reissue"' not in head.get(url).content.decode()
    assert head.post(url).status_code == 403
    complaint.refresh_from_db()
    assert codes.access_key_matches(new_key, complaint.access_key_hash)
    assert client_for(world.actor("other")).get(url).status_code == 404


def test_a_reprinted_receipt_tells_where_the_complaint_stands_now(world: World) -> None:
    # Recorded and accepted in 2025, reprinted long after its reply was due.
    complaint, _key = intake(world, received_at=T0 - dt.timedelta(days=1))
    complaint = services.complaint_accept(
        actor=world.discipline, complaint=complaint, department=world.org.office, now=NOW
    )
    url = reverse("complaints:receipt", args=[complaint.pk])
    office = client_for(world.discipline)
    for response in (office.get(url, HTTP_ACCEPT_LANGUAGE="en"), office.post(url, HTTP_ACCEPT_LANGUAGE="en")):
        html = response.content.decode()
        assert "The decision whether to accept it" not in html
        assert f"It was accepted on {timezone.localtime(NOW):%Y-%m-%d}." in html
        due = f"{timezone.localtime(complaint.reply_due_at):%Y-%m-%d}"
        assert f"The reply was due by {due} and is overdue." in html

    zh = office.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "已于" in zh
    assert "受理" in zh


def test_a_receipt_of_an_answered_or_closed_complaint_says_so(world: World) -> None:
    office = client_for(world.discipline)
    closed = world.complaint(S.CLOSED)
    html = office.get(reverse("complaints:receipt", args=[closed.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f"It was answered on {timezone.localtime(closed.replied_at):%Y-%m-%d}." in html
    assert f"It was closed on {timezone.localtime(closed.closed_at):%Y-%m-%d}." in html
    assert "is due by" not in html
    assert "The decision whether to accept it" not in html


def test_only_a_receipt_awaiting_the_decision_promises_one(world: World) -> None:
    complaint, _key = intake(world, received_at=timezone.now() - dt.timedelta(days=1), now=timezone.now())
    html = (
        client_for(world.discipline)
        .get(reverse("complaints:receipt", args=[complaint.pk]), HTTP_ACCEPT_LANGUAGE="en")
        .content.decode()
    )
    due = f"{timezone.localtime(complaint.accept_due_at):%Y-%m-%d}"
    assert f"The decision whether to accept it is due by {due}." in html
    assert "It was accepted" not in html


# --- supplements -----------------------------------------------------------------------------------


def test_a_supplement_joins_the_timeline_and_tells_the_handler(world: World, private_media: Any) -> None:
    complaint = world.complaint("assigned")
    response = APIClient().post(
        f"/api/v1/public/complaints/{complaint.tracking_code}/supplements/",
        {"text": "补充：事发在上周三", "attachments": [upload("photo.png", png_bytes(), "image/png")]},
        format="multipart",
        HTTP_X_ACCESS_KEY=complaint.access_key,
    )
    assert response.status_code == 201, response.content
    assert response.json()["supplements"][0]["attachments"] == 1
    supplement = Supplement.objects.get(complaint=complaint)
    assert supplement.text == "补充：事发在上周三"
    assert supplement.attachments.get().complaint == complaint
    event = complaint.events.get(verb="supplement")
    assert (event.actor, event.note, event.data["attachments"]) == (None, "补充：事发在上周三", 1)
    assert "complaint_supplemented" in kinds_of(world.org.cadre.user)
    assert "complaint_supplemented" in kinds_of(world.org.head.user)
    assert "complaint_supplemented" not in kinds_of(world.discipline)


def test_a_supplement_before_acceptance_tells_the_office(world: World, private_media: Any) -> None:
    complaint = world.complaint("submitted")
    services.complaint_supplement(complaint=complaint, text="补充材料", now=NOW)
    assert "complaint_supplemented" in kinds_of(world.discipline)


def test_a_closed_complaint_or_a_wrong_key_reads_as_an_unknown_code(world: World) -> None:
    open_one, closed = world.complaint("assigned"), world.complaint("closed")
    client = APIClient()

    def post(code: str, key: str) -> Any:
        return client.post(
            f"/api/v1/public/complaints/{code}/supplements/", {"text": "补充"}, format="json", HTTP_X_ACCESS_KEY=key
        )

    unknown = post("ABCD-EFGH-JKMN", open_one.access_key)
    wrong_key = post(open_one.tracking_code, codes.new_access_key())
    finished = post(closed.tracking_code, closed.access_key)
    assert unknown.status_code == wrong_key.status_code == finished.status_code == 404
    assert unknown.json() == wrong_key.json() == finished.json()
    assert not Supplement.objects.exists()
    with pytest.raises(TransitionError):
        services.complaint_supplement(complaint=closed, text="补充", now=NOW)
    empty = post(open_one.tracking_code, open_one.access_key)
    assert empty.status_code == 201
    blank = client.post(
        f"/api/v1/public/complaints/{open_one.tracking_code}/supplements/",
        {"text": ""},
        format="json",
        HTTP_X_ACCESS_KEY=open_one.access_key,
    )
    assert blank.status_code == 400
    assert Supplement.objects.count() == 1


def test_a_supplement_on_the_tracking_page(world: World, client: Client, private_media: Any) -> None:
    complaint = world.complaint("accepted")
    client.post(
        reverse("complaints:track"),
        {"action": "lookup", "tracking_code": complaint.tracking_code, "access_key": complaint.access_key},
    )
    page = client.get(reverse("complaints:track")).content.decode()
    assert 'value="supplement"' in page
    assert 'data-copy="#tracking-code"' in page
    response = client.post(reverse("complaints:track"), {"action": "supplement", "text": ""})
    assert response.status_code == 200
    assert response.context["supplement_form"].errors["text"]
    response = client.post(reverse("complaints:track"), {"action": "supplement", "text": "补充：有录音"}, follow=True)
    assert "补充：有录音" in response.content.decode()
    assert complaint.supplements.get().text == "补充：有录音"
    staff = client_for(world.discipline).get(reverse("complaints:detail", args=[complaint.pk]))
    assert "补充：有录音" in staff.content.decode()


# --- notices to the complainant --------------------------------------------------------------------


def test_the_complainant_is_told_of_acceptance_reply_and_review_by_email_and_sms(world: World) -> None:
    complaint = world.complaint("replied")
    services.complaint_request_review(complaint=complaint, reason="不满意", now=NOW)
    services.complaint_reply_review(actor=world.discipline, complaint=complaint, text="复查维持", now=NOW)
    emails = OutboxEmail.objects.filter(to=COMPLAINANT["complainant_email"]).order_by("id")
    texts = OutboxSms.objects.filter(to=COMPLAINANT["complainant_phone"]).order_by("id")
    # Acceptance, the reply, the answer to the review: one of each by each way.
    assert emails.count() == texts.count() == 3
    with translation.override(settings.LANGUAGE_CODE):
        labels = [str(label) for label in (S.ACCEPTED.label, S.REPLIED.label, S.REVIEW_REPLIED.label)]
    secrets_ = [
        complaint.title,
        complaint.description,
        complaint.reply_text,
        "复查维持",
        COMPLAINANT["complainant_name"],
        world.org.head.name,
        world.org.cadre.name,
    ]
    for email, text, label in zip(emails, texts, labels, strict=True):
        assert email.notification is None
        assert label in email.subject
        assert label in text.text  # the new status
        assert complaint.tracking_code in email.body
        assert complaint.tracking_code in text.text
        assert "/complaints/track/" in text.text
        for secret in secrets_:
            assert secret not in email.subject + email.body + text.text
    assert any(complaint.tracking_code in text.text for text in texts)


def test_a_rejection_is_told_without_its_reason_and_an_anonymous_complainant_hears_nothing(world: World) -> None:
    complaint = world.complaint("submitted")
    services.complaint_reject(actor=world.discipline, complaint=complaint, reason="不属受理范围的秘密理由", now=NOW)
    text = OutboxSms.objects.get()
    assert complaint.tracking_code in text.text
    assert "秘密理由" not in text.text
    anonymous = complaint_in_state(
        "replied", department=world.org.office, handler=world.org.cadre, discipline=world.discipline, anonymous=True
    )
    assert not OutboxSms.objects.exclude(pk=text.pk).exists()
    assert not OutboxEmail.objects.filter(notification__isnull=True).exclude(to=COMPLAINANT["complainant_email"])
    assert anonymous.status == S.REPLIED


def test_the_sms_relay_writes_to_the_file_backend_once_and_retries_a_dead_gateway(
    world: World, settings: Any, tmp_path: Path
) -> None:
    folder = tmp_path / "sms"
    settings.SMS_URL = f"file://{folder}"
    world.complaint("accepted")
    assert OutboxSms.objects.count() == 1
    counts = core.sms_relay(now=timezone.now())
    assert counts == {"sent": 1, "retry": 0, "failed": 0}
    files = list(folder.iterdir())
    assert len(files) == 1
    message = json.loads(files[0].read_text(encoding="utf-8"))
    assert message["to"] == COMPLAINANT["complainant_phone"]
    assert "窗口" not in message["text"]  # the complaint's words stay at home
    assert core.sms_relay(now=timezone.now()) == {"sent": 0, "retry": 0, "failed": 0}
    assert OutboxSms.objects.get().status == OutboxSms.Status.SENT

    # A gateway that is down: the message waits and is tried again later.
    settings.SMS_URL = "http://127.0.0.1:9/send?to={to}&text={text}"
    world.complaint("accepted")
    now = timezone.now()
    assert core.sms_relay(now=now) == {"sent": 0, "retry": 1, "failed": 0}
    waiting = OutboxSms.objects.get(status=OutboxSms.Status.PENDING)
    assert waiting.attempts == 1
    assert waiting.next_attempt_at > now
    assert waiting.last_error


def test_the_http_gateway_fills_its_url_template() -> None:
    backend = sms_backend("https://sms.example.gov.cn/send?mobile={to}&content={text}")
    assert isinstance(backend, HttpGatewayBackend)
    url = backend.url(to="+86 139", text="投诉 ABCD-EFGH-JKMN 已受理 & 查询")
    assert url.startswith("https://sms.example.gov.cn/send?mobile=%2B86%20139&content=")
    assert "&查询" not in url
    assert "%26" in url


def test_notices_are_written_in_the_transaction_of_the_change(world: World) -> None:
    complaint = world.complaint("submitted")
    with pytest.raises(InvalidInput):
        services.complaint_accept(actor=world.discipline, complaint=complaint, department=None, now=NOW)
    assert not OutboxSms.objects.exists()
    assert ComplaintEvent.objects.filter(complaint=complaint, verb="accept").count() == 0
