"""The recusal matrix: a cadre named in a complaint — as department head, as handler, as discipline
officer, as administrator; named at filing, linked later, or named in a complaint merged with it —
learns nothing of it on any path: pages, API, lists, dashboard, cases, notices, admin."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from complaints import services
from complaints.models import Complaint
from tests.factories.complaints import complaint_in_state
from tests.security.city import City

pytestmark = pytest.mark.django_db

ADMIN_LISTS = [
    "complaints/complaint",
    "complaints/complaintevent",
    "complaints/attachment",
    "complaints/extensionrequest",
    "complaints/identityaccess",
    "supervision/accountabilitycase",
    "supervision/caseevent",
    "workstyle/notification",
    "workstyle/outboxemail",
]


def _sees(user: Any, complaint: Complaint) -> list[str]:
    """Every path on which ``user`` learns of ``complaint``; empty when he is blind to it."""
    words = [complaint.tracking_code, complaint.title]
    page, api = Client(), APIClient()
    page.force_login(user)
    api.force_authenticate(user)
    found = []
    for path in (f"/workbench/complaints/{complaint.pk}/",):
        if page.get(path).status_code != 404:
            found.append(path)
    for path in (f"/api/v1/complaints/{complaint.pk}/", f"/api/v1/complaints/{complaint.pk}/events/"):
        if api.get(path).status_code != 404:
            found.append(path)
    listings = {
        "queue": page.get("/workbench/complaints/").content,
        "workbench": page.get("/workbench/").content,
        "notifications page": page.get("/workbench/notifications/").content,
        "complaints API": api.get("/api/v1/complaints/", {"page_size": 200}).content,
        "cases API": api.get("/api/v1/cases/", {"page_size": 200}).content,
        "cases page": page.get("/workbench/cases/").content,
        "notifications API": api.get("/api/v1/notifications/", {"page_size": 200}).content,
    }
    if getattr(user, "is_superuser", False):
        for name in ADMIN_LISTS:
            listings[f"admin {name}"] = page.get(f"/admin/{name}/").content
        change = page.get(f"/admin/complaints/complaint/{complaint.pk}/change/")
        if change.status_code == 200:
            found.append("admin change page")
    for where, content in listings.items():
        text = content.decode()
        if any(word in text for word in words) or f"/workbench/complaints/{complaint.pk}/" in text:
            found.append(where)
    return found


@pytest.mark.parametrize("role", ["head", "named_officer", "named_superuser"])
def test_a_cadre_named_at_filing_is_blind_to_the_complaint(city: City, role: str) -> None:
    user = city.users[role]
    for complaint in city.named[role]:
        assert _sees(user, complaint) == [], (role, complaint.title)


def test_a_handler_linked_later_goes_blind_to_it(city: City) -> None:
    complaint = city.complaints["office"]
    handler = city.users["handler"]
    assert _sees(handler, complaint)  # he handles it
    services.complaint_link_accused(
        actor=city.users["discipline"], complaint=complaint, cadre=city.org.cadre, now=timezone.now()
    )
    assert _sees(handler, Complaint.objects.get(pk=complaint.pk)) == []


@pytest.mark.parametrize("role", ["head", "named_officer", "named_superuser"])
def test_a_complaint_merged_into_one_naming_him_goes_blind_to_him(city: City, role: str) -> None:
    user = city.users[role]
    target = city.named[role][0]
    duplicate = complaint_in_state(
        "assigned",
        title="并案前可见的投诉",
        department=city.org.office,
        handler=city.org.cadre,
        discipline=city.users["discipline"],
    )
    if role != "head":
        assert _sees(user, duplicate)  # the office and the administrator see every complaint
    services.complaint_merge(actor=city.users["discipline"], complaint=duplicate, into=target, now=timezone.now())
    assert _sees(user, Complaint.objects.get(pk=duplicate.pk)) == []


def test_a_complaint_a_duplicate_names_him_in_goes_blind_to_him_and_steps_aside(city: City) -> None:
    # The office head handles the target; a duplicate found later names him.
    target = city.complaints["office"]
    head = city.users["head"]
    assert _sees(head, target)
    duplicate = complaint_in_state(
        "submitted", title="点名科长的重复投诉", discipline=city.users["discipline"], accused_cadre=city.org.head
    )
    services.complaint_merge(actor=city.users["discipline"], complaint=duplicate, into=target, now=timezone.now())
    assert _sees(head, Complaint.objects.get(pk=target.pk)) == []
