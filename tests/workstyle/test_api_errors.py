"""Every error answer under /api/ is JSON in the API's format — ``{"message": ..., "errors": {...}}``
— whoever produced it: the API's views, Django (an unknown URL, a body too large), a crash (500,
without a traceback) or a database that cannot be reached (503). Pages get pages."""

from __future__ import annotations

import json
from typing import Any
from unittest import mock

import pytest
from django.db import InterfaceError, OperationalError
from django.test import Client

from complaints.public.api import PublicCategoryListView

pytestmark = pytest.mark.django_db

CATEGORIES = "/api/v1/public/categories/"


@pytest.fixture
def client() -> Client:
    # As a server would: an unhandled exception becomes the error answer, not a test failure.
    return Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="en")


def assert_api_error(response: Any, status: int, message: str | None = None) -> dict[str, Any]:
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"message", "errors"}
    assert isinstance(body["message"], str)
    assert body["message"]
    assert isinstance(body["errors"], dict)
    if message is not None:
        assert body["message"] == message
    assert "Traceback" not in response.content.decode()
    return body


def test_an_unknown_api_url_is_a_json_404(client: Client) -> None:
    assert_api_error(client.get("/api/v1/no-such-thing/"), 404, "Not found.")


def test_a_method_not_allowed_is_a_json_405_with_allow(client: Client) -> None:
    response = client.delete(CATEGORIES)
    assert_api_error(response, 405)
    assert "GET" in response["Allow"]


def test_an_unsupported_media_type_is_a_json_415(client: Client) -> None:
    response = client.post("/api/v1/public/complaints/", "x", content_type="text/plain")
    assert_api_error(response, 415)


def test_a_json_body_over_the_limit_is_a_json_413(client: Client, settings: Any) -> None:
    settings.WORKSTYLE_MAX_JSON_BYTES = 1024
    body = json.dumps({"description": "长" * 2000})
    assert_api_error(client.post("/api/v1/public/complaints/", body, content_type="application/json"), 413)


def test_a_body_over_djangos_limit_is_a_json_413(client: Client, settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    body = {"description": "长" * 2000, "category": "inaction"}
    response = client.post("/api/v1/public/complaints/", body)  # multipart
    assert_api_error(response, 413, "The request is too large.")


def test_an_unhandled_exception_in_an_api_view_is_a_json_500_without_a_traceback(client: Client) -> None:
    secret = "internal detail: /srv/workstyle/settings.py line 12"
    with mock.patch.object(PublicCategoryListView, "get", side_effect=RuntimeError(secret)):
        response = client.get(CATEGORIES)
    assert_api_error(response, 500, "A server error occurred. Please try again later.")
    assert secret not in response.content.decode()
    assert "Retry-After" not in response


def test_the_500_speaks_chinese_by_default(client: Client) -> None:
    with mock.patch.object(PublicCategoryListView, "get", side_effect=RuntimeError("boom")):
        response = Client(raise_request_exception=False).get(CATEGORIES)
    assert_api_error(response, 500, "服务器出错，请稍后再试。")


@pytest.mark.parametrize("error", [OperationalError("connection refused"), InterfaceError("connection already closed")])
def test_a_database_outage_in_an_api_view_is_a_json_503_with_retry_after(client: Client, error: Exception) -> None:
    with mock.patch.object(PublicCategoryListView, "get", side_effect=error):
        response = client.get(CATEGORIES)
    assert_api_error(response, 503, "The service is unavailable for the moment. Please try again shortly.")
    assert response["Retry-After"] == "5"


def test_a_database_outage_on_a_page_is_a_short_503_page(client: Client) -> None:
    with mock.patch("workstyle.views.render", side_effect=OperationalError("connection refused")):
        response = client.get("/")
    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html")
    assert response["Retry-After"] == "5"
    html = response.content.decode()
    assert "Service unavailable" in html
    assert "暂停服务" in html
    assert "connection refused" not in html


def test_a_crash_on_a_page_is_the_500_page(client: Client) -> None:
    with mock.patch("workstyle.views.render", side_effect=RuntimeError("boom")):
        response = client.get("/")
    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")
    assert "Server error" in response.content.decode()
