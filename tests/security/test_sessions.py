"""A staff session ends after WORKSTYLE_SESSION_IDLE_MINUTES without a request and
WORKSTYLE_SESSION_MAX_HOURS after the log-in, however active; its cookie dies with the browser."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from rest_framework.test import APIClient

from tests.factories.org import PASSWORD, UserFactory

CN = ZoneInfo("Asia/Shanghai")
T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=CN)
WORKBENCH = reverse("workbench")
pytestmark = pytest.mark.django_db


@pytest.fixture
def staffer() -> Any:
    return UserFactory(username="staffer", groups=["discipline"])


def _logged_out_to_the_login_page(client: Any, message: str) -> None:
    response = client.get(WORKBENCH, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={WORKBENCH}"
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en")
    assert message in page.content.decode()
    # Gone for good: the next request is anonymous too.
    assert client.get(WORKBENCH).status_code == 302


def test_activity_keeps_the_session_and_idleness_ends_it(client: Any, staffer: Any) -> None:
    idle = settings.WORKSTYLE_SESSION_IDLE_MINUTES
    with time_machine.travel(T0, tick=False) as traveller:
        client.force_login(staffer)
        assert client.get(WORKBENCH).status_code == 200
        for _step in range(3):
            traveller.shift(dt.timedelta(minutes=idle - 1))
            assert client.get(WORKBENCH).status_code == 200
        traveller.shift(dt.timedelta(minutes=idle, seconds=1))
        _logged_out_to_the_login_page(client, f"logged out after {idle} minutes without activity")


def test_a_session_ends_after_its_maximum_life_however_active(client: Any, staffer: Any) -> None:
    hours = settings.WORKSTYLE_SESSION_MAX_HOURS
    step = dt.timedelta(minutes=settings.WORKSTYLE_SESSION_IDLE_MINUTES - 5)
    with time_machine.travel(T0, tick=False) as traveller:
        client.force_login(staffer)
        elapsed = dt.timedelta(0)
        while elapsed <= dt.timedelta(hours=hours):
            assert client.get(WORKBENCH).status_code == 200
            traveller.shift(step)
            elapsed += step
        _logged_out_to_the_login_page(client, f"a session lasts at most {hours} hours")


def test_a_fresh_log_in_starts_a_fresh_session(client: Any, staffer: Any) -> None:
    with time_machine.travel(T0, tick=False) as traveller:
        client.post(reverse("login"), {"username": "staffer", "password": PASSWORD})
        assert client.get(WORKBENCH).status_code == 200
        traveller.shift(dt.timedelta(hours=2))
        assert client.get(WORKBENCH).status_code == 302
        client.post(reverse("login"), {"username": "staffer", "password": PASSWORD})
        assert client.get(WORKBENCH).status_code == 200


def test_the_api_answers_401_when_the_session_has_ended(staffer: Any) -> None:
    api = APIClient()
    with time_machine.travel(T0, tick=False) as traveller:
        api.force_login(staffer)
        assert api.get("/api/v1/notifications/").status_code == 200
        traveller.shift(dt.timedelta(minutes=settings.WORKSTYLE_SESSION_IDLE_MINUTES + 1))
        response = api.get("/api/v1/notifications/")
        assert response.status_code == 401
        assert response.json()["message"]


def test_the_session_cookie_dies_with_the_browser(client: Any, staffer: Any) -> None:
    response = client.post(reverse("login"), {"username": "staffer", "password": PASSWORD})
    assert response.status_code == 302
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["expires"] == ""
    assert cookie["max-age"] == ""
    assert settings.SESSION_COOKIE_AGE == settings.WORKSTYLE_SESSION_MAX_HOURS * 3600


def test_the_public_side_is_not_touched(client: Any) -> None:
    """Visitors without an account keep what their session holds (the tracked complaint)."""
    with time_machine.travel(T0, tick=False) as traveller:
        session = client.session
        session["complaints:tracked"] = {"tracking_code": "X", "until": 0}
        session.save()
        traveller.shift(dt.timedelta(hours=1))
        client.get("/")
        assert "complaints:tracked" in client.session


def test_a_token_call_gets_no_session(staffer: Any) -> None:
    from django.utils import timezone

    from workstyle.services import api_token_issue

    issued = api_token_issue(user=staffer, now=timezone.now())
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {issued.token}")
    response = api.get("/api/v1/notifications/")
    assert response.status_code == 200
    assert settings.SESSION_COOKIE_NAME not in response.cookies
