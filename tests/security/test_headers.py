"""Cache-Control: no-store (and Pragma: no-cache) on every page and API answer, static files
excepted; a Permissions-Policy denying the browser features the portal never uses, everywhere."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from tests.complaints.public_helpers import submit
from tests.factories.org import UserFactory

pytestmark = pytest.mark.django_db
DENIED = ("camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()")


def assert_not_stored(response: Any) -> None:
    assert "no-store" in response["Cache-Control"], (response.status_code, response.get("Cache-Control"))
    assert response["Pragma"] == "no-cache"


def assert_policy(response: Any) -> None:
    policy = response["Permissions-Policy"]
    for feature in DENIED:
        assert feature in policy


@pytest.fixture
def staffer(client: Client) -> Any:
    user = UserFactory(username="staffer", groups=["discipline"])
    client.force_login(user)
    return user


@pytest.mark.parametrize(
    "path",
    ["/workbench/", "/workbench/notifications/", "/me/", "/org/units/", "/workbench/complaints/"],
)
def test_staff_pages_are_not_stored(client: Client, staffer: Any, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200, path
    assert_not_stored(response)
    assert_policy(response)


def test_the_admin_is_not_stored(client: Client) -> None:
    assert_not_stored(client.get("/admin/login/"))
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    for path in ("/admin/", "/admin/complaints/complaint/", "/admin/auth/user/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert_not_stored(response)
        assert_policy(response)


def test_api_answers_are_not_stored(staffer: Any) -> None:
    api = APIClient()
    api.force_authenticate(staffer)
    for path in ("/api/v1/complaints/", "/api/v1/notifications/", "/api/v1/units/"):
        response = api.get(path)
        assert response.status_code == 200, path
        assert_not_stored(response)
        assert_policy(response)
    # Errors too: a refusal may say what exists.
    refused = APIClient().get("/api/v1/complaints/")
    assert refused.status_code == 401
    assert_not_stored(refused)


def test_public_answers_carrying_a_complaint_are_not_stored(client: Client) -> None:
    complaint, key = submit()
    api = APIClient()
    response = api.get(f"/api/v1/public/complaints/{complaint.tracking_code}/", HTTP_X_ACCESS_KEY=key)
    assert response.status_code == 200
    assert_not_stored(response)
    assert_policy(response)

    track = reverse("complaints:track")
    looked_up = client.post(
        track, {"action": "lookup", "tracking_code": complaint.tracking_code, "access_key": key}, follow=True
    )
    assert complaint.tracking_code in looked_up.content.decode()
    assert_not_stored(looked_up)
    assert_policy(looked_up)


def test_public_pages_and_lists_are_not_stored_either(client: Client) -> None:
    """They carry the visitor's CSRF token and messages: nothing for a shared cache."""
    for path in ("/", reverse("complaints:new"), "/api/v1/public/categories/", "/healthz"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert_not_stored(response)
        assert_policy(response)


def test_static_files_keep_their_caching_and_get_the_policy(client: Client) -> None:
    response = client.get(f"{settings.STATIC_URL}css/workstyle.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
    assert "Pragma" not in response
    assert_policy(response)
    assert b"".join(response.streaming_content)


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("get", "/workbench/", 302),  # to the login page
        ("get", "/no-such-page/", 404),
        ("get", "/api/v1/no-such-thing/", 404),
        ("post", "/api/v1/auth/token/", 400),
        ("get", "/api/schema/", 200),
        ("get", "/accounts/login/", 200),
    ],
)
def test_every_response_carries_the_permissions_policy(client: Client, method: str, path: str, status: int) -> None:
    response = getattr(client, method)(path)
    assert response.status_code == status
    assert_policy(response)
    assert_not_stored(response)
