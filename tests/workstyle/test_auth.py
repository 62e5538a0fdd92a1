"""Token auth for the API, page login, and django-axes' lockout after repeated failures."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse
from rest_framework.test import APIClient

from tests.factories.org import PASSWORD, UserFactory
from workstyle.models import ApiToken
from workstyle.tokens import token_digest

TOKEN_URL = "/api/v1/auth/token/"
pytestmark = pytest.mark.django_db


@pytest.fixture
def api() -> APIClient:
    return APIClient()


def test_token_for_good_credentials_authenticates_api_calls(api):
    user = UserFactory(username="api-user")
    response = api.post(TOKEN_URL, {"username": "api-user", "password": PASSWORD}, format="json")
    assert response.status_code == 200
    key = response.json()["token"]
    # The portal keeps the token's digest, never the token; each request issues a new token.
    assert ApiToken.objects.get(user=user).digest == token_digest(key)
    again = api.post(TOKEN_URL, {"username": "api-user", "password": PASSWORD}, format="json").json()["token"]
    assert again != key
    assert ApiToken.objects.filter(user=user).count() == 2

    assert api.get("/api/v1/notifications/").status_code == 401
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = api.get("/api/v1/notifications/")
    assert response.status_code == 200
    assert response.json()["results"] == []


def test_token_for_bad_credentials_is_a_401_json_error(api):
    UserFactory(username="api-user")
    response = api.post(TOKEN_URL, {"username": "api-user", "password": "wrong"}, format="json")
    assert response.status_code == 401
    body = response.json()
    assert body["message"]
    assert body["errors"] == {}
    assert "token" not in body
    assert response["WWW-Authenticate"] == "Token"
    assert not ApiToken.objects.exists()


def test_token_for_inactive_user_is_refused(api):
    UserFactory(username="gone", is_active=False)
    assert api.post(TOKEN_URL, {"username": "gone", "password": PASSWORD}, format="json").status_code == 401


def test_token_request_without_password_is_a_400_with_field_errors(api):
    response = api.post(TOKEN_URL, {"username": "api-user"}, format="json")
    assert response.status_code == 400
    assert "password" in response.json()["errors"]


def test_invalid_token_is_refused(api):
    api.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)
    response = api.get("/api/v1/notifications/")
    assert response.status_code == 401
    assert response.json()["message"]


def test_page_login_and_logout(client):
    UserFactory(username="staffer", groups=["discipline"])
    response = client.post(reverse("login"), {"username": "staffer", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("workbench")
    assert client.get(reverse("workbench")).status_code == 200
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("workbench")).status_code == 302  # back to the login page


def test_page_login_with_a_bad_password_shows_the_form_again(client):
    UserFactory(username="staffer")
    response = client.post(reverse("login"), {"username": "staffer", "password": "wrong"})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert "_auth_user_id" not in client.session


def test_page_login_locks_out_after_repeated_failures(client):
    UserFactory(username="staffer")
    limit = settings.AXES_FAILURE_LIMIT
    for _attempt in range(limit - 1):
        assert client.post(reverse("login"), {"username": "staffer", "password": "wrong"}).status_code == 200
    response = client.post(reverse("login"), {"username": "staffer", "password": "wrong"})
    assert response.status_code == 429
    # Locked out: even the right password is refused now, from this address.
    response = client.post(reverse("login"), {"username": "staffer", "password": PASSWORD})
    assert response.status_code == 429
    assert "registration/locked_out.html" in [t.name for t in response.templates]
    assert int(response["Retry-After"]) == int(settings.AXES_COOLOFF_TIME.total_seconds())
    assert "_auth_user_id" not in client.session
    # The address is locked as well, for every user (tests/security/test_lockout.py); another user
    # from another address is not.
    UserFactory(username="colleague")
    assert client.post(reverse("login"), {"username": "colleague", "password": PASSWORD}).status_code == 429
    response = client.post(reverse("login"), {"username": "colleague", "password": PASSWORD}, REMOTE_ADDR="10.20.30.40")
    assert response.status_code == 302


def test_token_endpoint_locks_out_after_repeated_failures(api):
    UserFactory(username="api-user")
    limit = settings.AXES_FAILURE_LIMIT
    for _attempt in range(limit - 1):
        response = api.post(TOKEN_URL, {"username": "api-user", "password": "wrong"}, format="json")
        assert response.status_code == 401
    response = api.post(TOKEN_URL, {"username": "api-user", "password": "wrong"}, format="json")
    assert response.status_code == 429
    response = api.post(TOKEN_URL, {"username": "api-user", "password": PASSWORD}, format="json")
    assert response.status_code == 429
    body = response.json()
    assert body["message"]
    assert "token" not in body
    assert not ApiToken.objects.exists()


def test_failures_of_the_page_and_the_api_count_together(client, api):
    UserFactory(username="staffer")
    limit = settings.AXES_FAILURE_LIMIT
    for attempt in range(limit - 1):
        if attempt % 2:
            client.post(reverse("login"), {"username": "staffer", "password": "wrong"})
        else:
            api.post(TOKEN_URL, {"username": "staffer", "password": "wrong"}, format="json")
    assert api.post(TOKEN_URL, {"username": "staffer", "password": "wrong"}, format="json").status_code == 429
    assert client.post(reverse("login"), {"username": "staffer", "password": PASSWORD}).status_code == 429


def test_axes_gets_a_valid_address_or_none():
    from django.test import RequestFactory

    from workstyle.http import axes_client_ip

    assert axes_client_ip(RequestFactory().get("/", REMOTE_ADDR="10.0.0.5")) == "10.0.0.5"
    request = RequestFactory().get("/")
    del request.META["REMOTE_ADDR"]
    assert axes_client_ip(request) is None


def test_login_behind_a_proxy_with_a_forged_forwarded_header_is_no_error(client, settings):
    settings.WORKSTYLE_NUM_PROXIES = 1
    UserFactory(username="staffer")
    response = client.post(
        reverse("login"), {"username": "staffer", "password": "wrong"}, HTTP_X_FORWARDED_FOR="not-an-address"
    )
    assert response.status_code == 200
    response = client.post(
        reverse("login"), {"username": "staffer", "password": PASSWORD}, HTTP_X_FORWARDED_FOR="not-an-address"
    )
    assert response.status_code == 302


def test_force_login_records_the_login(client):
    from axes.models import AccessLog

    client.force_login(UserFactory(username="staffer"))
    assert AccessLog.objects.filter(username="staffer").exists()


def test_every_token_issue_is_on_the_audit_record(api):
    from workstyle.models import AuditEvent

    user = UserFactory(username="api-audited")
    for _attempt in range(2):
        assert api.post(TOKEN_URL, {"username": "api-audited", "password": PASSWORD}, format="json").status_code == 200
    issues = list(AuditEvent.objects.filter(verb="issue_token").order_by("id"))
    tokens = list(ApiToken.objects.filter(user=user).order_by("id"))
    assert [(event.actor_id, event.target_id, event.data["token"]) for event in issues] == [
        (user.pk, str(user.pk), tokens[0].pk),
        (user.pk, str(user.pk), tokens[1].pk),
    ]
    # A refused log-in issues nothing and records no issue.
    api.post(TOKEN_URL, {"username": "api-audited", "password": "wrong"}, format="json")
    assert AuditEvent.objects.filter(verb="issue_token").count() == 2
