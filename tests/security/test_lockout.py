"""The login lockout counts failures per user name, whatever the address, and per address, whatever
the user name: a second address does not guess on, nor does one address guessing at many names."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse
from rest_framework.test import APIClient

from tests.factories.org import PASSWORD, UserFactory

TOKEN_URL = "/api/v1/auth/token/"
pytestmark = pytest.mark.django_db


def _login(client: Any, username: str, password: str, address: str) -> int:
    return int(
        client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address).status_code
    )


def test_a_second_address_does_not_guess_on(client: Any) -> None:
    UserFactory(username="staffer")
    limit = settings.AXES_FAILURE_LIMIT
    first = limit // 2
    for _attempt in range(first):
        assert _login(client, "staffer", "wrong", "10.0.0.1") == 200
    for _attempt in range(limit - first - 1):
        assert _login(client, "staffer", "wrong", "10.0.0.2") == 200
    # The limit-th failure, from yet another address, locks the user name.
    assert _login(client, "staffer", "wrong", "10.0.0.3") == 429
    # Now even the right password is refused, from any address, on the page and at the API.
    assert _login(client, "staffer", PASSWORD, "10.0.0.4") == 429
    response = APIClient().post(
        TOKEN_URL, {"username": "staffer", "password": PASSWORD}, format="json", REMOTE_ADDR="10.0.0.5"
    )
    assert response.status_code == 429
    assert response.json()["message"]


def test_one_address_trying_many_user_names_is_refused(client: Any) -> None:
    limit = settings.AXES_FAILURE_LIMIT
    for index in range(limit + 1):
        UserFactory(username=f"user{index}")
    for index in range(limit - 1):
        assert _login(client, f"user{index}", "wrong", "10.0.0.9") == 200
    assert _login(client, f"user{limit - 1}", "wrong", "10.0.0.9") == 429
    # The address is locked for every name, the right password included...
    assert _login(client, f"user{limit}", PASSWORD, "10.0.0.9") == 429
    # ...and its token requests too; the users themselves are not locked elsewhere.
    response = APIClient().post(
        TOKEN_URL, {"username": f"user{limit}", "password": PASSWORD}, format="json", REMOTE_ADDR="10.0.0.9"
    )
    assert response.status_code == 429
    assert _login(client, "user0", PASSWORD, "10.0.0.10") == 302


def test_logging_in_as_oneself_does_not_clear_the_guesses_at_others(client: Any) -> None:
    """With the address as a counter, axes' own reset would empty it on any successful log-in."""
    UserFactory(username="insider")
    UserFactory(username="victim")
    limit = settings.AXES_FAILURE_LIMIT
    for _attempt in range(limit - 1):
        assert _login(client, "victim", "wrong", "10.0.0.7") == 200
    assert _login(client, "insider", PASSWORD, "10.0.0.7") == 302
    client.post(reverse("logout"))
    # One more guess at the victim locks him: his failures were not forgiven.
    assert _login(client, "victim", "wrong", "10.0.0.7") == 429
    assert _login(client, "victim", PASSWORD, "10.0.0.8") == 429


def test_a_successful_log_in_forgives_the_users_own_typing_errors(client: Any) -> None:
    UserFactory(username="staffer")
    limit = settings.AXES_FAILURE_LIMIT
    for _round in range(2):
        for _attempt in range(limit - 1):
            assert _login(client, "staffer", "wrong", "10.0.0.1") == 200
        assert _login(client, "staffer", PASSWORD, "10.0.0.1") == 302
        client.post(reverse("logout"))
