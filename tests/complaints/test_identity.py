"""The complainant's identity: absent from every staff response and notice unless the viewer has his
own reveal (discipline office) or a granted request; superusers get no exception. And the public
side: a wrong access key and an unknown code are indistinguishable."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from complaints import codes, services
from complaints.models import IdentityAccess
from complaints.selectors import complaint_get_for_public, complaint_identity_visible
from tests.factories.complaints import (
    COMPLAINANT,
    complaint_in_state,
    policy_row,
)
from tests.factories.org import UserFactory
from workstyle.errors import NotAllowed, TransitionError
from workstyle.models import Notification, OutboxEmail

NOW = dt.datetime(2025, 3, 3, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
SECRETS = [value.encode() for value in COMPLAINANT.values()] + [
    value.encode("unicode_escape") for value in COMPLAINANT.values()
]


def api(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def leaks(content: bytes) -> list[bytes]:
    return [secret for secret in SECRETS if secret in content]


def staff_responses(user: Any, complaint: Any) -> list[bytes]:
    client = api(user)
    pages = [
        client.get("/api/v1/complaints/"),
        client.get("/api/v1/complaints/", {"q": COMPLAINANT["complainant_name"]}),
        client.get(f"/api/v1/complaints/{complaint.pk}/"),
        client.get(f"/api/v1/complaints/{complaint.pk}/events/"),
    ]
    return [page.content for page in pages if page.status_code == 200]


@pytest.fixture
def complaint(org: Any, discipline_user: Any) -> Any:
    return complaint_in_state("assigned", department=org.office, handler=org.cadre, discipline=discipline_user, now=NOW)


@pytest.mark.parametrize("role", ["head", "handler", "orgdept", "discipline", "superuser"])
def test_identity_is_absent_without_a_grant(
    role: str, org: Any, discipline_user: Any, orgdept_user: Any, complaint: Any
) -> None:
    user = {
        "head": org.head.user,
        "handler": org.cadre.user,
        "orgdept": orgdept_user,
        "discipline": discipline_user,
        "superuser": UserFactory(username="root-t", is_superuser=True, is_staff=True),
    }[role]
    bodies = staff_responses(user, complaint)
    assert len(bodies) == 4  # list, name search (finds nothing), detail, events
    for body in bodies:
        assert leaks(body) == []
    detail = api(user).get(f"/api/v1/complaints/{complaint.pk}/").json()
    assert "complainant_name" not in detail
    assert "complainant_email" not in detail
    assert not complaint_identity_visible(user=user, complaint=complaint)


def test_a_discipline_officer_sees_it_after_his_own_reveal_only(org: Any, discipline_user: Any, complaint: Any) -> None:
    colleague = UserFactory(username="inspector2-t", groups=["discipline"])
    response = api(discipline_user).post(
        f"/api/v1/complaints/{complaint.pk}/reveal_identity/", {"reason": "需要当面核实"}, format="json"
    )
    assert response.status_code == 200
    body = response.json()
    assert body["complainant_name"] == COMPLAINANT["complainant_name"]
    assert body["complainant_phone"] == COMPLAINANT["complainant_phone"]
    event = complaint.events.get(verb="reveal_identity")
    assert (event.actor, event.note) == (discipline_user, "需要当面核实")
    assert leaks(event.note.encode()) == []
    assert leaks(repr(event.data).encode()) == []
    detail = api(discipline_user).get(f"/api/v1/complaints/{complaint.pk}/").json()
    assert detail["complainant_email"] == COMPLAINANT["complainant_email"]
    listed = api(discipline_user).get("/api/v1/complaints/").json()["results"]
    assert listed[0]["complainant_name"] == COMPLAINANT["complainant_name"]
    # Nobody else profits from his reveal.
    for user in (colleague, org.head.user, org.cadre.user):
        for body in staff_responses(user, complaint):
            assert leaks(body) == []


def test_reveal_needs_a_reason_and_the_discipline_office(org: Any, discipline_user: Any, complaint: Any) -> None:
    response = api(discipline_user).post(f"/api/v1/complaints/{complaint.pk}/reveal_identity/", {}, format="json")
    assert response.status_code == 400
    assert "reason" in response.json()["errors"]
    response = api(org.head.user).post(
        f"/api/v1/complaints/{complaint.pk}/reveal_identity/", {"reason": "r"}, format="json"
    )
    assert response.status_code == 403
    assert leaks(response.content) == []
    superuser = UserFactory(username="root-t", is_superuser=True, is_staff=True)
    response = api(superuser).post(
        f"/api/v1/complaints/{complaint.pk}/reveal_identity/", {"reason": "r"}, format="json"
    )
    assert response.status_code == 403
    assert not IdentityAccess.objects.exists()


def test_a_granted_request_shows_it_to_the_requester_only(org: Any, discipline_user: Any, complaint: Any) -> None:
    head = api(org.head.user)
    response = head.post(f"/api/v1/complaints/{complaint.pk}/request_identity/", {"reason": "需要回访"}, format="json")
    assert response.status_code == 200
    access_id = response.json()["id"]
    assert response.json()["status"] == "pending"
    assert Notification.objects.filter(kind="complaint_identity_requested", recipient=discipline_user).exists()
    # Still hidden while pending; asking twice is refused.
    for body in staff_responses(org.head.user, complaint):
        assert leaks(body) == []
    again = head.post(f"/api/v1/complaints/{complaint.pk}/request_identity/", {"reason": "x"}, format="json")
    assert again.status_code == 409
    # Only the discipline office decides.
    response = head.post(f"/api/v1/complaints/{complaint.pk}/grant_identity/", {"access": access_id}, format="json")
    assert response.status_code == 403
    response = api(discipline_user).post(
        f"/api/v1/complaints/{complaint.pk}/grant_identity/", {"access": access_id, "note": "同意"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["status"] == "granted"
    assert Notification.objects.filter(kind="complaint_identity_granted", recipient=org.head.user).exists()
    detail = head.get(f"/api/v1/complaints/{complaint.pk}/").json()
    assert detail["complainant_phone"] == COMPLAINANT["complainant_phone"]
    for body in staff_responses(org.cadre.user, complaint):
        assert leaks(body) == []
    # The discipline officer who granted it does not see it himself by granting.
    for body in staff_responses(discipline_user, complaint):
        assert leaks(body) == []
    assert list(complaint.events.filter(verb__endswith="identity").values_list("verb", flat=True)) == [
        "request_identity",
        "grant_identity",
    ]
    decided_twice = api(discipline_user).post(
        f"/api/v1/complaints/{complaint.pk}/refuse_identity/", {"access": access_id}, format="json"
    )
    assert decided_twice.status_code == 409


def test_a_refused_request_shows_nothing(org: Any, discipline_user: Any, complaint: Any) -> None:
    access = services.complaint_request_identity(actor=org.cadre.user, complaint=complaint, reason="r", now=NOW)
    services.complaint_refuse_identity(actor=discipline_user, access=access, note="无必要", now=NOW)
    access.refresh_from_db()
    assert access.status == IdentityAccess.Status.REFUSED
    assert complaint.events.filter(verb="refuse_identity").count() == 1
    for body in staff_responses(org.cadre.user, complaint):
        assert leaks(body) == []
    # He may ask again after a refusal.
    services.complaint_request_identity(actor=org.cadre.user, complaint=complaint, reason="新情况", now=NOW)


def test_who_may_ask_for_the_identity(org: Any, discipline_user: Any, orgdept_user: Any, complaint: Any) -> None:
    with pytest.raises(NotAllowed):  # the organization department never sees identities
        services.complaint_request_identity(actor=orgdept_user, complaint=complaint, reason="r", now=NOW)
    with pytest.raises(NotAllowed):  # the discipline office reveals, it does not ask
        services.complaint_request_identity(actor=discipline_user, complaint=complaint, reason="r", now=NOW)
    with pytest.raises(NotAllowed):  # outside his department: he cannot see it at all
        services.complaint_request_identity(actor=org.other.user, complaint=complaint, reason="r", now=NOW)
    response = api(org.other.user).post(
        f"/api/v1/complaints/{complaint.pk}/request_identity/", {"reason": "r"}, format="json"
    )
    assert response.status_code == 404


def test_a_grant_for_an_access_of_another_complaint_is_a_field_error(org: Any, discipline_user: Any) -> None:
    first = complaint_in_state("accepted", department=org.office, discipline=discipline_user, now=NOW)
    second = complaint_in_state("accepted", department=org.office, discipline=discipline_user, now=NOW)
    access = services.complaint_request_identity(actor=org.head.user, complaint=first, reason="r", now=NOW)
    response = api(discipline_user).post(
        f"/api/v1/complaints/{second.pk}/grant_identity/", {"access": access.pk}, format="json"
    )
    assert response.status_code == 400
    assert "access" in response.json()["errors"]


def test_no_notice_or_email_of_a_whole_lifecycle_carries_the_identity(org: Any, discipline_user: Any) -> None:
    complaint = complaint_in_state(
        "review_replied", department=org.office, handler=org.cadre, discipline=discipline_user, now=NOW
    )
    services.complaint_close(actor=discipline_user, complaint=complaint, now=NOW)
    access = services.complaint_request_identity(actor=org.head.user, complaint=complaint, reason="r", now=NOW)
    services.complaint_grant_identity(actor=discipline_user, access=access, now=NOW)
    assert Notification.objects.count() >= 4
    for notice in Notification.objects.all():
        text = f"{notice.params} {notice.title} {notice.body} {notice.url}".encode()
        assert leaks(text) == []
    for mail in OutboxEmail.objects.all():
        assert leaks(f"{mail.subject} {mail.body}".encode()) == []


def test_erased_contacts_cannot_be_asked_for(org: Any, discipline_user: Any, complaint: Any) -> None:
    from complaints.models import Complaint

    Complaint.objects.filter(pk=complaint.pk).update(contacts_erased_at=NOW)
    complaint.refresh_from_db()
    with pytest.raises(TransitionError):
        services.complaint_request_identity(actor=org.head.user, complaint=complaint, reason="r", now=NOW)


# --- the public lookup ------------------------------------------------------------------------------------


def test_public_lookup_opens_with_code_and_key_typed_loosely(org: Any, discipline_user: Any) -> None:
    complaint = complaint_in_state("submitted", discipline=discipline_user, now=NOW)
    key = complaint.access_key
    found = complaint_get_for_public(tracking_code=complaint.tracking_code, access_key=key)
    assert found == complaint
    loose = complaint_get_for_public(
        tracking_code=complaint.tracking_code.lower().replace("-", " "), access_key=key.replace("-", "").lower()
    )
    assert loose == complaint


def test_a_wrong_key_and_an_unknown_code_get_the_same_answer_after_the_same_work(
    org: Any, discipline_user: Any
) -> None:
    complaint = complaint_in_state("submitted", discipline=discipline_user, now=NOW)
    cases = {
        "wrong key": (complaint.tracking_code, codes.new_access_key()),
        "unknown code": (codes.new_tracking_code(), complaint.access_key),
        "malformed code": ("not a code", complaint.access_key),
        "empty key": (complaint.tracking_code, ""),
    }
    queries = {}
    for name, (code, key) in cases.items():
        with CaptureQueriesContext(connection) as captured:
            assert complaint_get_for_public(tracking_code=code, access_key=key) is None, name
        queries[name] = len(captured)
    assert set(queries.values()) == {1}


def test_the_admin_shows_no_identity_and_changes_nothing(org: Any, discipline_user: Any, complaint: Any) -> None:
    from django.test import Client

    superuser = UserFactory(username="root-t", is_superuser=True, is_staff=True)
    client = Client()
    client.force_login(superuser)
    pages = [
        "/admin/complaints/complaint/",
        f"/admin/complaints/complaint/{complaint.pk}/change/",
        "/admin/complaints/complaintevent/",
        "/admin/complaints/identityaccess/",
    ]
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
        assert leaks(response.content) == [], page
    assert complaint.tracking_code.encode() in client.get(pages[0]).content
    # Read-only: a POST to the change page changes nothing.
    response = client.post(pages[1], {"status": "closed", "title": "changed"})
    assert response.status_code == 403
    complaint.refresh_from_db()
    assert complaint.status == "assigned"


def test_the_admin_edits_a_policy_through_its_service(db: Any) -> None:
    from django.test import Client

    from workstyle.models import AuditEvent

    policy = policy_row("reception")
    superuser = UserFactory(username="root-t", is_superuser=True, is_staff=True)
    client = Client()
    client.force_login(superuser)
    limits = {
        "accept_days": 10,
        "reply_days": 40,
        "max_extension_days": 20,
        "review_window_days": 30,
        "review_reply_days": 30,
    }
    response = client.post(f"/admin/complaints/categorypolicy/{policy.pk}/change/", limits)
    assert response.status_code == 302, response.content[:2000]
    policy.refresh_from_db()
    assert (policy.accept_days, policy.reply_days, policy.max_extension_days) == (10, 40, 20)
    assert AuditEvent.objects.get(verb="update").actor == superuser
