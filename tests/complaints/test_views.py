"""The complaint workbench: queue, complaint page, actions through the page, bulk routing, dashboard."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from complaints import services
from complaints.models import Category, Complaint, ComplaintEvent, ExtensionRequest, IdentityAccess
from tests.complaints.public_helpers import png_bytes
from tests.factories.complaints import COMPLAINANT, complaint_in_state
from tests.factories.org import CadreFactory, UserFactory

pytestmark = pytest.mark.django_db

SECRETS = (COMPLAINANT["complainant_name"], COMPLAINANT["complainant_phone"], COMPLAINANT["complainant_email"])


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def detail_url(complaint: Complaint) -> str:
    return reverse("complaints:detail", args=[complaint.pk])


def action_url(complaint: Complaint, action: str) -> str:
    return reverse("complaints:action", args=[complaint.pk, action])


def in_state(status: str, org: Any, discipline_user: Any, **kwargs: Any) -> Complaint:
    kwargs.setdefault("department", org.office)
    kwargs.setdefault("handler", org.cadre)
    return complaint_in_state(status, discipline=discipline_user, **kwargs)


def codes_in(response: Any) -> set[str]:
    return set(re.findall(r'data-code="([^"]+)"', response.content.decode()))


ROW = re.compile(r'<tr data-code="([^"]+)"( class="overdue")?')


def codes_in_order(response: Any) -> list[str]:
    return [code for code, _overdue in ROW.findall(response.content.decode())]


def messages_of(response: Any) -> list[str]:
    return [str(message) for message in response.context["messages"]] if response.context else []


# --- the queue -------------------------------------------------------------------------------------


def test_queue_lists_what_the_user_may_see(org: Any, discipline_user: Any, orgdept_user: Any) -> None:
    in_office = in_state("assigned", org, discipline_user)
    in_records = in_state("accepted", org, discipline_user, department=org.records)
    submitted = in_state("submitted", org, discipline_user)

    assert codes_in(client_for(discipline_user).get(reverse("complaints:queue"))) == {
        in_office.tracking_code,
        in_records.tracking_code,
        submitted.tracking_code,
    }
    assert len(codes_in(client_for(orgdept_user).get(reverse("complaints:queue")))) == 3
    assert codes_in(client_for(org.head.user).get(reverse("complaints:queue"))) == {in_office.tracking_code}
    assert codes_in(client_for(org.cadre.user).get(reverse("complaints:queue"))) == {in_office.tracking_code}
    assert codes_in(client_for(org.other.user).get(reverse("complaints:queue"))) == set()
    assert codes_in(client_for(org.town_cadre.user).get(reverse("complaints:queue"))) == set()


def test_queue_needs_a_staff_login(client: Client, db: Any) -> None:
    response = client.get(reverse("complaints:queue"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]
    outsider = UserFactory(username="citizen-account")
    assert client_for(outsider).get(reverse("complaints:queue")).status_code == 403


def test_queue_counts_per_status_for_the_filtered_set(org: Any, discipline_user: Any) -> None:
    in_state("submitted", org, discipline_user, category=Category.GAMBLING)
    in_state("submitted", org, discipline_user, category=Category.GAMBLING)
    in_state("assigned", org, discipline_user, category=Category.GAMBLING)
    in_state("submitted", org, discipline_user, category=Category.RECEPTION)
    client = client_for(discipline_user)

    response = client.get(reverse("complaints:queue"), {"category": Category.GAMBLING})
    counts = {value: count for value, _label, count in response.context["counts"]}
    assert counts["submitted"] == 2
    assert counts["assigned"] == 1
    assert counts["closed"] == 0
    assert response.context["counts_total"] == 3
    assert len(response.context["page"].object_list) == 3

    # Choosing a status narrows the list but not the counts.
    response = client.get(reverse("complaints:queue"), {"category": Category.GAMBLING, "status": "submitted"})
    assert len(response.context["page"].object_list) == 2
    counts = {value: count for value, _label, count in response.context["counts"]}
    assert counts["assigned"] == 1
    assert 'data-status-count="submitted"' in response.content.decode()


def test_queue_status_counts_stop_at_the_cap(org: Any, discipline_user: Any, monkeypatch: Any) -> None:
    from complaints import views

    monkeypatch.setattr(views, "COUNT_CAP", 2)
    for _ in range(3):
        in_state("submitted", org, discipline_user)
    response = client_for(discipline_user).get(reverse("complaints:queue"))
    counts = {value: count for value, _label, count in response.context["counts"]}
    assert counts["submitted"] == 3  # read up to the cap and one more: "more than 2"
    html = response.content.decode()
    assert 'data-status-count="submitted"' in html
    assert '<span class="status">2+</span>' in html


def test_queue_filters(org: Any, discipline_user: Any) -> None:
    now = timezone.now()
    old = in_state("submitted", org, discipline_user, now=now - timedelta(days=40), title="老旧小区改造补偿款迟迟不发")
    escalated = in_state("assigned", org, discipline_user, title="窗口推诿扯皮", escalation_level=1)
    other_dept = in_state("accepted", org, discipline_user, department=org.records, unit=org.bureau)
    fresh = in_state("submitted", org, discipline_user, category=Category.SEWAGE, unit=org.township)
    client = client_for(discipline_user)
    queue = reverse("complaints:queue")

    def codes(**params: Any) -> set[str]:
        response = client.get(queue, params)
        assert response.status_code == 200
        return codes_in(response)

    assert codes(status="submitted") == {old.tracking_code, fresh.tracking_code}
    assert codes(category=Category.SEWAGE) == {fresh.tracking_code}
    assert codes(unit=org.township.pk) == {fresh.tracking_code}
    assert codes(department=org.records.pk) == {other_dept.tracking_code}
    assert codes(escalation_level=1) == {escalated.tracking_code}
    assert codes(overdue="true") == {old.tracking_code}
    assert codes(submitted_before=(now - timedelta(days=30)).date().isoformat()) == {old.tracking_code}
    assert old.tracking_code not in codes(submitted_after=(now - timedelta(days=1)).date().isoformat())
    assert codes(q="补偿款") == {old.tracking_code}
    assert codes(q=escalated.tracking_code[:9]) == {escalated.tracking_code}
    # The form sent as it first shows (every filter at "any") filters nothing.
    response = client.get(
        queue,
        {"escalation_level": "", "overdue": "", "q": "", "unit": "", "department": "", "submitted_after": ""},
    )
    assert codes_in(response) == {
        old.tracking_code,
        escalated.tracking_code,
        other_dept.tracking_code,
        fresh.tracking_code,
    }
    # A bad date re-shows the form with its error, never a 500, and lists nothing rather than
    # everything as if the filter had been applied.
    response = client.get(queue, {"submitted_after": "not-a-date"})
    assert response.status_code == 200
    assert response.context["filter_form"].errors
    assert codes_in(response) == set()
    assert response.context["counts_total"] == 0


def test_queue_marks_overdue_rows_and_sorts_by_deadline(org: Any, discipline_user: Any) -> None:
    now = timezone.now()
    late = in_state("submitted", org, discipline_user, now=now - timedelta(days=20))
    soon = in_state("submitted", org, discipline_user, now=now - timedelta(days=10))
    later = in_state("submitted", org, discipline_user)
    client = client_for(discipline_user)

    response = client.get(reverse("complaints:queue"), {"sort": "due"})
    rows = ROW.findall(response.content.decode())
    assert [code for code, _overdue in rows] == [late.tracking_code, soon.tracking_code, later.tracking_code]
    assert [bool(overdue) for _code, overdue in rows] == [True, False, False]

    response = client.get(reverse("complaints:queue"), {"sort": "-due"})
    assert codes_in_order(response)[0] == later.tracking_code
    # An unknown sort key falls back to the default order instead of failing.
    assert client.get(reverse("complaints:queue"), {"sort": "password"}).status_code == 200


def test_queue_costs_the_same_queries_for_more_complaints_and_departments(
    org: Any, discipline_user: Any, django_assert_max_num_queries: Any
) -> None:
    """Neither the rows nor the filter form's choices (departments are labelled with their unit)
    cost a query each."""
    from tests.factories.org import DepartmentFactory

    in_state("assigned", org, discipline_user)
    in_state("submitted", org, discipline_user)
    office = client_for(discipline_user)
    with django_assert_max_num_queries(50) as few:
        assert office.get(reverse("complaints:queue")).status_code == 200
    for _ in range(5):
        department = DepartmentFactory(unit=org.bureau)
        in_state("assigned", org, discipline_user, department=department, handler=CadreFactory(department=department))
        in_state("submitted", org, discipline_user)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = office.get(reverse("complaints:queue"))
    assert len(codes_in(response)) == 12


def test_queue_paginates(org: Any, discipline_user: Any, settings: Any) -> None:
    for _ in range(27):
        in_state("submitted", org, discipline_user)
    client = client_for(discipline_user)
    first = client.get(reverse("complaints:queue"))
    second = client.get(reverse("complaints:queue"), {"page": 2})
    assert len(codes_in(first)) == 25
    assert len(codes_in(second)) == 2
    assert not codes_in(first) & codes_in(second)


# --- visibility and recusal on the pages -----------------------------------------------------------


def test_detail_out_of_scope_is_404(org: Any, discipline_user: Any) -> None:
    complaint = in_state("assigned", org, discipline_user)
    assert client_for(org.head.user).get(detail_url(complaint)).status_code == 200
    assert client_for(org.cadre.user).get(detail_url(complaint)).status_code == 200
    assert client_for(org.other.user).get(detail_url(complaint)).status_code == 404
    assert client_for(org.town_cadre.user).get(detail_url(complaint)).status_code == 404
    response = client_for(org.other.user).post(action_url(complaint, "reply"), {"reply-text": "越权答复"})
    assert response.status_code == 404
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.ASSIGNED
    # An unknown action is not a page either.
    assert client_for(discipline_user).post(action_url(complaint, "explode")).status_code == 404


def test_the_cadre_complained_about_never_sees_the_complaint(org: Any, discipline_user: Any) -> None:
    handler = CadreFactory(department=org.office, name="周办事", user=UserFactory(username="handler-x"))
    # The public names him and his unit: the services link him by name.
    complaint = in_state(
        "assigned", org, discipline_user, unit=org.bureau, accused_name=org.cadre.name, handler=handler
    )
    assert complaint.accused_cadre == org.cadre
    accused = client_for(org.cadre.user)
    assert accused.get(detail_url(complaint)).status_code == 404
    assert complaint.tracking_code not in accused.get(reverse("complaints:queue")).content.decode()
    assert complaint.tracking_code not in accused.get(reverse("workbench")).content.decode()
    # The handler choice never offers him.
    response = client_for(org.head.user).get(detail_url(complaint))
    assert response.status_code == 200
    choices = list(response.context["forms"]["assign"].fields["handler"].queryset)
    assert org.cadre not in choices
    assert handler in choices


def test_a_complaint_naming_the_head_goes_past_him(org: Any, discipline_user: Any) -> None:
    complaint = in_state("submitted", org, discipline_user, unit=org.bureau, accused_name=org.head.name)
    assert complaint.accused_cadre == org.head
    response = client_for(discipline_user).post(action_url(complaint, "accept"), {"accept-department": org.office.pk})
    assert response.status_code == 302
    assert client_for(org.head.user).get(detail_url(complaint)).status_code == 404
    assert complaint.tracking_code not in client_for(org.head.user).get(reverse("complaints:queue")).content.decode()
    bureau_head = client_for(org.bureau_head.user).get(detail_url(complaint))
    assert bureau_head.status_code == 200
    assert "assign" in bureau_head.context["allowed"]


# --- identity --------------------------------------------------------------------------------------


def assert_no_secrets(html: str) -> None:
    for secret in SECRETS:
        assert secret not in html


def assert_identity_hidden(response: Any) -> None:
    assert response.status_code == 200
    assert_no_secrets(response.content.decode())


def test_identity_is_absent_for_head_handler_orgdept_and_unrevealed_discipline(
    org: Any, discipline_user: Any, orgdept_user: Any
) -> None:
    complaint = in_state("assigned", org, discipline_user)
    for user in (org.head.user, org.cadre.user, orgdept_user, discipline_user):
        assert_identity_hidden(client_for(user).get(detail_url(complaint)))
        assert_identity_hidden(client_for(user).get(reverse("complaints:queue")))
    # The organization department may not even ask.
    response = client_for(orgdept_user).get(detail_url(complaint))
    assert "request_identity" not in response.context["allowed"]
    assert client_for(orgdept_user).post(
        action_url(complaint, "request_identity"), {"request_identity-reason": "想联系"}
    ).status_code in (403, 409)
    assert not IdentityAccess.objects.filter(complaint=complaint).exists()


def test_the_discipline_office_reveals_with_a_reason(org: Any, discipline_user: Any) -> None:
    complaint = in_state("accepted", org, discipline_user)
    client = client_for(discipline_user)

    # No reason, no reveal; the page explains and stays free of the identity.
    response = client.post(action_url(complaint, "reveal_identity"), {"reveal_identity-reason": " "})
    assert response.status_code == 400
    assert_no_secrets(response.content.decode())

    response = client.post(action_url(complaint, "reveal_identity"), {"reveal_identity-reason": "需要当面核实情况"})
    assert response.status_code == 302
    page = client.get(detail_url(complaint))
    html = page.content.decode()
    for secret in SECRETS:
        assert secret in html
    event = ComplaintEvent.objects.get(complaint=complaint, verb="reveal_identity")
    assert event.actor == discipline_user
    assert event.note == "需要当面核实情况"
    assert "需要当面核实情况" in html  # on the timeline
    # Another officer still sees nothing until he reveals for himself.
    colleague = UserFactory(username="inspector-2", groups=["discipline"])
    assert_identity_hidden(client_for(colleague).get(detail_url(complaint)))


def test_the_handler_asks_and_the_discipline_office_grants(org: Any, discipline_user: Any) -> None:
    complaint = in_state("assigned", org, discipline_user)
    handler = client_for(org.cadre.user)
    response = handler.post(action_url(complaint, "request_identity"), {"request_identity-reason": "需电话回访"})
    assert response.status_code == 302
    access = IdentityAccess.objects.get(complaint=complaint, user=org.cadre.user)
    assert access.status == IdentityAccess.Status.PENDING
    assert_identity_hidden(handler.get(detail_url(complaint)))

    office = client_for(discipline_user)
    page = office.get(detail_url(complaint))
    assert "需电话回访" in page.content.decode()
    assert f'data-access="{access.pk}"' in page.content.decode()
    response = office.post(
        action_url(complaint, "grant_identity"),
        {"identity_decision-access": access.pk, "identity_decision-note": "同意"},
    )
    assert response.status_code == 302
    access.refresh_from_db()
    assert access.status == IdentityAccess.Status.GRANTED
    html = handler.get(detail_url(complaint)).content.decode()
    for secret in SECRETS:
        assert secret in html
    # The head asked nothing and sees nothing.
    assert_identity_hidden(client_for(org.head.user).get(detail_url(complaint)))


def test_the_discipline_office_refuses_a_request(org: Any, discipline_user: Any) -> None:
    complaint = in_state("assigned", org, discipline_user)
    access = services.complaint_request_identity(
        actor=org.head.user, complaint=complaint, reason="想了解投诉人", now=timezone.now()
    )
    response = client_for(discipline_user).post(
        action_url(complaint, "refuse_identity"), {"identity_decision-access": access.pk, "identity_decision-note": ""}
    )
    assert response.status_code == 302
    access.refresh_from_db()
    assert access.status == IdentityAccess.Status.REFUSED
    assert_identity_hidden(client_for(org.head.user).get(detail_url(complaint)))
    # Deciding twice is refused with a message, not a 500.
    response = client_for(discipline_user).post(
        action_url(complaint, "grant_identity"), {"identity_decision-access": access.pk}
    )
    assert response.status_code == 409
    assert messages_of(response)


# --- each action through the page ------------------------------------------------------------------


def test_accept_and_reject(org: Any, discipline_user: Any) -> None:
    office = client_for(discipline_user)
    complaint = in_state("submitted", org, discipline_user)
    page = office.get(detail_url(complaint))
    assert {"accept", "reject", "merge", "reveal_identity"} <= set(page.context["allowed"])
    assert 'id="action-accept"' in page.content.decode()
    assert 'id="action-reply"' not in page.content.decode()

    response = office.post(action_url(complaint, "accept"), {"accept-department": org.office.pk}, follow=True)
    assert response.redirect_chain[-1][0] == detail_url(complaint)
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.ACCEPTED
    assert complaint.department == org.office
    assert any(complaint.tracking_code in message for message in messages_of(response))
    assert ComplaintEvent.objects.filter(complaint=complaint, verb="accept", actor=discipline_user).exists()

    other = in_state("submitted", org, discipline_user)
    response = office.post(action_url(other, "reject"), {"reject-reason": "不属于本机关受理范围"})
    assert response.status_code == 302
    other.refresh_from_db()
    assert other.status == Complaint.Status.REJECTED
    assert other.reject_reason == "不属于本机关受理范围"


def test_a_refused_action_shows_a_message_and_changes_nothing(org: Any, discipline_user: Any) -> None:
    complaint = in_state("assigned", org, discipline_user)
    # The handler tries what only the discipline office may do.
    response = client_for(org.cadre.user).post(action_url(complaint, "accept"), {"accept-department": org.office.pk})
    assert response.status_code in (403, 409)
    assert messages_of(response)
    assert 'class="msg error"' in response.content.decode()
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.ASSIGNED
    # A closed complaint cannot be replied to.
    closed = in_state("closed", org, discipline_user)
    response = client_for(org.head.user).post(action_url(closed, "reply"), {"reply-text": "补充答复"})
    assert response.status_code == 409
    assert messages_of(response)
    closed.refresh_from_db()
    assert closed.reply_text != "补充答复"


def test_assign_reply_and_close(org: Any, discipline_user: Any) -> None:
    complaint = in_state("accepted", org, discipline_user)
    head = client_for(org.head.user)
    page = head.get(detail_url(complaint))
    assert "assign" in page.context["allowed"]
    assert "accept" not in page.context["allowed"]

    assert head.post(action_url(complaint, "assign"), {"assign-handler": org.cadre.pk}).status_code == 302
    complaint.refresh_from_db()
    assert (complaint.status, complaint.handler) == (Complaint.Status.ASSIGNED, org.cadre)

    handler = client_for(org.cadre.user)
    assert "reply" in handler.get(detail_url(complaint)).context["allowed"]
    response = handler.post(action_url(complaint, "reply"), {"reply-text": "经核查，已督促窗口整改。"})
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.REPLIED
    assert complaint.reply_text == "经核查，已督促窗口整改。"

    page = head.get(detail_url(complaint))
    assert "经核查，已督促窗口整改。" in page.content.decode()
    # Only the discipline office closes.
    assert head.post(action_url(complaint, "close")).status_code == 403
    assert client_for(discipline_user).post(action_url(complaint, "close")).status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.CLOSED


def test_a_cadre_outside_the_department_cannot_be_assigned(org: Any, discipline_user: Any) -> None:
    complaint = in_state("accepted", org, discipline_user)
    response = client_for(org.head.user).post(action_url(complaint, "assign"), {"assign-handler": org.other.pk})
    assert response.status_code == 400
    assert response.context["forms"]["assign"].errors["handler"]
    complaint.refresh_from_db()
    assert complaint.handler is None


def test_extension_requested_and_approved(org: Any, discipline_user: Any) -> None:
    complaint = in_state("assigned", org, discipline_user)
    due = complaint.reply_due_at
    head = client_for(org.head.user)
    response = head.post(
        action_url(complaint, "request_extension"),
        {"request_extension-days": "10", "request_extension-reason": "需要调取多年账目"},
    )
    assert response.status_code == 302
    request = ExtensionRequest.objects.get(complaint=complaint)
    assert (request.days, request.status) == (10, ExtensionRequest.Status.PENDING)

    office = client_for(discipline_user)
    page = office.get(detail_url(complaint))
    assert {"approve_extension", "refuse_extension"} <= set(page.context["allowed"])
    assert "需要调取多年账目" in page.content.decode()
    response = office.post(action_url(complaint, "approve_extension"), {"extension_decision-note": "同意延期"})
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.extended
    assert due is not None
    assert complaint.reply_due_at is not None
    assert complaint.reply_due_at > due
    # Only once: the head is no longer offered it, and a forged post is refused with a message.
    assert "request_extension" not in head.get(detail_url(complaint)).context["allowed"]
    response = head.post(
        action_url(complaint, "request_extension"),
        {"request_extension-days": "5", "request_extension-reason": "再延一次"},
    )
    assert response.status_code == 409
    assert messages_of(response)


def test_extension_refused(org: Any, discipline_user: Any) -> None:
    complaint = in_state("assigned", org, discipline_user)
    services.complaint_request_extension(
        actor=org.head.user, complaint=complaint, days=5, reason="人手不足", now=timezone.now()
    )
    response = client_for(discipline_user).post(
        action_url(complaint, "refuse_extension"), {"extension_decision-note": "理由不充分"}
    )
    assert response.status_code == 302
    assert ExtensionRequest.objects.get(complaint=complaint).status == ExtensionRequest.Status.REFUSED
    complaint.refresh_from_db()
    assert not complaint.extended


def test_extension_longer_than_the_policy_keeps_the_input(org: Any, discipline_user: Any) -> None:
    complaint = in_state("assigned", org, discipline_user)
    response = client_for(org.head.user).post(
        action_url(complaint, "request_extension"),
        {"request_extension-days": "90", "request_extension-reason": "案情复杂需要走访多个村组"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "案情复杂需要走访多个村组" in html
    assert 'value="90"' in html
    assert not ExtensionRequest.objects.filter(complaint=complaint).exists()


def test_reply_to_a_review(org: Any, discipline_user: Any) -> None:
    complaint = in_state("review_requested", org, discipline_user)
    handler = client_for(org.cadre.user)
    # The handler who gave the first reply adds a statement; he does not answer the review.
    allowed = handler.get(detail_url(complaint)).context["allowed"]
    assert "reply_review" not in allowed
    assert "review_statement" in allowed
    response = handler.post(action_url(complaint, "reply_review"), {"reply_review-text": "维持原答复。"})
    assert response.status_code == 403
    response = handler.post(action_url(complaint, "review_statement"), {"review_statement-text": "补充说明。"})
    assert response.status_code == 302
    office = client_for(discipline_user)
    page = office.get(detail_url(complaint))
    assert "reply_review" in page.context["allowed"]
    assert "补充说明。" in page.content.decode()
    response = office.post(action_url(complaint, "reply_review"), {"reply_review-text": "复查后维持原答复。"})
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.REVIEW_REPLIED
    assert complaint.review_reply_text == "复查后维持原答复。"


def test_merge_by_tracking_code(org: Any, discipline_user: Any) -> None:
    target = in_state("accepted", org, discipline_user)
    duplicate = in_state("submitted", org, discipline_user)
    office = client_for(discipline_user)
    # Typed loosely: lower case, no dashes.
    typed = target.tracking_code.replace("-", "").lower()
    response = office.post(action_url(duplicate, "merge"), {"merge-into": typed})
    assert response.status_code == 302
    duplicate.refresh_from_db()
    assert duplicate.status == Complaint.Status.WITHDRAWN
    assert duplicate.merged_into == target
    assert duplicate.tracking_code in office.get(detail_url(target)).content.decode()

    other = in_state("submitted", org, discipline_user)
    response = office.post(action_url(other, "merge"), {"merge-into": "ABCD-EFGH"})
    assert response.status_code == 400
    assert response.context["forms"]["merge"].errors["into"]
    assert 'value="ABCD-EFGH"' in response.content.decode()


def test_input_is_kept_when_the_service_refuses(org: Any, discipline_user: Any) -> None:
    complaint = in_state("assigned", org, discipline_user)
    handler = client_for(org.cadre.user)
    handler.get(detail_url(complaint))
    # Meanwhile the head answers himself.
    services.complaint_reply(actor=org.head.user, complaint=complaint, text="已答复。", now=timezone.now())
    long_answer = "经调查核实，该窗口工作人员存在推诿现象，已批评教育并调整岗位。"
    response = handler.post(action_url(complaint, "reply"), {"reply-text": long_answer})
    assert response.status_code == 409
    assert messages_of(response)
    assert long_answer in response.content.decode()
    assert response.context["stale_form"] is not None
    assert "reply" not in response.context["allowed"]


def test_an_empty_reply_reshows_the_form(org: Any, discipline_user: Any) -> None:
    complaint = in_state("assigned", org, discipline_user)
    response = client_for(org.cadre.user).post(action_url(complaint, "reply"), {"reply-text": ""})
    assert response.status_code == 400
    assert response.context["forms"]["reply"].errors["text"]
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.ASSIGNED


def test_attachments_are_download_links(org: Any, discipline_user: Any, settings: Any, tmp_path: Any) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}},
    }
    complaint, _key = services.complaint_submit(
        actor=None,
        channel=Complaint.Channel.WEB,
        category=Category.ARBITRARY_CHARGES,
        title="违规收费",
        description="收费没有收据。",
        attachments=[SimpleUploadedFile("收据.png", png_bytes(), content_type="image/png")],
        now=timezone.now(),
    )
    attachment = complaint.attachments.get()
    response = client_for(discipline_user).get(detail_url(complaint))
    url = reverse("complaints:attachment", args=[complaint.pk, attachment.pk])
    assert f'href="{url}"' in response.content.decode()
    assert "收据.png" in response.content.decode()
    download = client_for(discipline_user).get(url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == png_bytes()


def test_the_page_shows_facts_deadlines_and_the_timeline(org: Any, discipline_user: Any) -> None:
    complaint = in_state("assigned", org, discipline_user, title="低保审核吃拿卡要")
    html = client_for(org.head.user).get(detail_url(complaint)).content.decode()
    assert "低保审核吃拿卡要" in html
    assert complaint.tracking_code in html
    assert org.cadre.name in html
    for verb in ("submit", "accept", "assign"):
        assert f'data-verb="{verb}"' in html
    assert timezone.localtime(complaint.reply_due_at).strftime("%Y-%m-%d") in html


# --- linking the cadre complained about ------------------------------------------------------------


def test_the_discipline_office_links_the_head_from_the_page(org: Any, discipline_user: Any) -> None:
    # The public named someone the system could not match: nobody is linked yet.
    complaint = in_state("accepted", org, discipline_user, unit=org.bureau, accused_name="王某", handler=None)
    assert complaint.accused_cadre is None
    office = client_for(discipline_user)
    page = office.get(detail_url(complaint))
    assert "link_accused" in page.context["allowed"]
    html = page.content.decode()
    assert 'id="action-link_accused"' in html
    assert "王某" in html  # the name the complainant gave, next to the choice
    # The choice offers the cadres of the unit complained about, not the whole city.
    choices = set(page.context["forms"]["link_accused"].fields["cadre"].queryset)
    assert {org.head, org.cadre, org.other, org.bureau_head} <= choices
    assert org.town_cadre not in choices

    response = office.post(action_url(complaint, "link_accused"), {"link_accused-cadre": org.head.pk}, follow=True)
    assert response.redirect_chain[-1][0] == detail_url(complaint)
    assert any(complaint.tracking_code in message for message in messages_of(response))
    complaint.refresh_from_db()
    assert complaint.accused_cadre == org.head
    assert complaint.responsible_head == org.bureau_head
    assert ComplaintEvent.objects.filter(complaint=complaint, verb="route_past", actor=discipline_user).exists()
    # Recusal: the page and its actions are gone for him; the bureau head answers for it now.
    head = client_for(org.head.user)
    assert head.get(detail_url(complaint)).status_code == 404
    assert head.post(action_url(complaint, "assign"), {"assign-handler": org.cadre.pk}).status_code == 404
    assert complaint.tracking_code not in head.get(reverse("complaints:queue")).content.decode()
    bureau_head = client_for(org.bureau_head.user).get(detail_url(complaint))
    assert bureau_head.status_code == 200
    assert "assign" in bureau_head.context["allowed"]


def test_a_cadre_of_another_unit_is_linked_by_staff_number(org: Any, discipline_user: Any) -> None:
    complaint = in_state("assigned", org, discipline_user)
    assert client_for(org.town_cadre.user).get(detail_url(complaint)).status_code == 404
    response = client_for(discipline_user).post(
        action_url(complaint, "link_accused"), {"link_accused-staff_number": f" {org.town_cadre.staff_number} "}
    )
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.accused_cadre == org.town_cadre
    # The handler and the head are not the one named: nothing else changes.
    assert (complaint.status, complaint.handler) == (Complaint.Status.ASSIGNED, org.cadre)


def test_linking_the_handler_takes_it_back_from_him(org: Any, discipline_user: Any) -> None:
    complaint = in_state("assigned", org, discipline_user)
    response = client_for(discipline_user).post(
        action_url(complaint, "link_accused"), {"link_accused-cadre": org.cadre.pk}
    )
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert (complaint.status, complaint.handler) == (Complaint.Status.ACCEPTED, None)
    assert client_for(org.cadre.user).get(detail_url(complaint)).status_code == 404


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({}, None),
        ({"link_accused-staff_number": "NO-SUCH-NUMBER"}, "staff_number"),
        ({"link_accused-cadre": "999999"}, "cadre"),
        ({"link_accused-cadre": "town"}, "cadre"),
        ({"link_accused-cadre": "head", "link_accused-staff_number": "other"}, "staff_number"),
    ],
)
def test_link_bad_input_reshows_the_form(org: Any, discipline_user: Any, data: dict[str, str], field: Any) -> None:
    complaint = in_state("accepted", org, discipline_user, unit=org.bureau, handler=None)
    cadres = {"town": org.town_cadre.pk, "head": org.head.pk}
    numbers = {"other": org.other.staff_number}
    data = {
        key: str(cadres.get(value, value)) if key.endswith("cadre") else numbers.get(value, value)
        for key, value in data.items()
    }
    response = client_for(discipline_user).post(action_url(complaint, "link_accused"), data)
    assert response.status_code == 400
    assert messages_of(response)
    form = response.context["forms"]["link_accused"]
    assert form.errors
    if field is not None:
        assert field in form.errors
    else:
        assert form.non_field_errors()
    assert 'role="alert"' in response.content.decode()
    complaint.refresh_from_db()
    assert complaint.accused_cadre is None


def test_only_the_discipline_office_links_from_the_page(org: Any, discipline_user: Any, orgdept_user: Any) -> None:
    complaint = in_state("accepted", org, discipline_user, unit=org.bureau, handler=None)
    head = client_for(org.head.user)
    page = head.get(detail_url(complaint))
    assert "link_accused" not in page.context["allowed"]
    assert 'id="action-link_accused"' not in page.content.decode()
    response = head.post(action_url(complaint, "link_accused"), {"link_accused-cadre": org.cadre.pk})
    assert response.status_code == 403
    assert messages_of(response)
    response = client_for(orgdept_user).post(
        action_url(complaint, "link_accused"), {"link_accused-staff_number": org.cadre.staff_number}
    )
    assert response.status_code == 403
    response = client_for(org.other.user).post(
        action_url(complaint, "link_accused"), {"link_accused-cadre": org.cadre.pk}
    )
    assert response.status_code == 404
    complaint.refresh_from_db()
    assert complaint.accused_cadre is None


def test_a_closed_complaint_is_linked_too(org: Any, discipline_user: Any) -> None:
    complaint = in_state("closed", org, discipline_user)
    page = client_for(discipline_user).get(detail_url(complaint))
    assert "link_accused" in page.context["allowed"]
    response = client_for(discipline_user).post(
        action_url(complaint, "link_accused"), {"link_accused-cadre": org.head.pk}
    )
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.accused_cadre == org.head
    assert client_for(org.head.user).get(detail_url(complaint)).status_code == 404


def test_without_a_unit_the_form_asks_for_the_staff_number_only(org: Any, discipline_user: Any) -> None:
    complaint = in_state("submitted", org, discipline_user)
    form = client_for(discipline_user).get(detail_url(complaint)).context["forms"]["link_accused"]
    assert list(form.fields) == ["staff_number"]


# --- bulk routing ----------------------------------------------------------------------------------


def test_bulk_accept_reports_each_row(org: Any, discipline_user: Any) -> None:
    first = in_state("submitted", org, discipline_user)
    second = in_state("submitted", org, discipline_user)
    already = in_state("accepted", org, discipline_user, department=org.records)
    office = client_for(discipline_user)
    queue = office.get(reverse("complaints:queue"))
    assert 'id="bulk-accept"' in queue.content.decode()

    response = office.post(
        reverse("complaints:bulk_accept"),
        {
            "complaints": [first.pk, second.pk, already.pk],
            "department": org.office.pk,
            "next": reverse("complaints:queue") + "?status=submitted",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("complaints:queue") + "?status=submitted"
    texts = messages_of(response)
    assert any(first.tracking_code in text for text in texts)
    assert any(second.tracking_code in text for text in texts)
    assert any(already.tracking_code in text for text in texts)
    levels = {message.tags for message in response.context["messages"]}
    assert {"success", "error"} <= levels
    for complaint in (first, second):
        complaint.refresh_from_db()
        assert (complaint.status, complaint.department) == (Complaint.Status.ACCEPTED, org.office)
    already.refresh_from_db()
    assert already.department == org.records


def test_bulk_accept_is_for_the_discipline_office(org: Any, discipline_user: Any, orgdept_user: Any) -> None:
    complaint = in_state("submitted", org, discipline_user)
    response = client_for(orgdept_user).get(reverse("complaints:queue"))
    assert 'id="bulk-accept"' not in response.content.decode()
    response = client_for(orgdept_user).post(
        reverse("complaints:bulk_accept"), {"complaints": [complaint.pk], "department": org.office.pk}, follow=True
    )
    assert response.status_code == 200
    assert messages_of(response)
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.SUBMITTED


def test_bulk_accept_without_a_selection(org: Any, discipline_user: Any) -> None:
    response = client_for(discipline_user).post(
        reverse("complaints:bulk_accept"), {"department": org.office.pk}, follow=True
    )
    assert response.status_code == 200
    assert messages_of(response)


# --- navigation and dashboard ----------------------------------------------------------------------


def test_nav_link_and_dashboard_panels(org: Any, discipline_user: Any) -> None:
    in_state("submitted", org, discipline_user, now=timezone.now() - timedelta(days=20))
    assigned = in_state("assigned", org, discipline_user)
    services.complaint_request_extension(
        actor=org.head.user, complaint=assigned, days=5, reason="人手不足", now=timezone.now()
    )
    services.complaint_request_identity(actor=org.cadre.user, complaint=assigned, reason="回访", now=timezone.now())

    office = client_for(discipline_user).get(reverse("workbench"))
    html = office.content.decode()
    assert f'href="{reverse("complaints:queue")}"' in html
    panels = {panel["key"]: panel for panel in office.context["panels"] if "key" in panel}
    assert panels["complaints-open"]["count"] == 2
    assert panels["complaints-overdue"]["count"] == 1
    assert panels["complaints-to-accept"]["count"] == 1
    assert panels["complaints-extensions"]["count"] == 1
    assert panels["complaints-identity"]["count"] == 1

    # A review asked for of the handler's reply is the office's to answer: not "awaiting his reply".
    in_state("review_requested", org, discipline_user, handler=org.cadre)
    handler_response = client_for(org.cadre.user).get(reverse("workbench"))
    handler_panels = {p["key"]: p for p in handler_response.context["panels"] if "key" in p}
    assert handler_panels["complaints-to-reply"]["count"] == 1
    assert "complaints-to-accept" not in handler_panels
    # Each panel's link opens the queue with that selection.
    queue = client_for(discipline_user).get(panels["complaints-identity"]["url"])
    assert codes_in(queue) == {assigned.tracking_code}
    mine = client_for(org.cadre.user).get(handler_panels["complaints-to-reply"]["url"])
    assert codes_in(mine) == {assigned.tracking_code}
