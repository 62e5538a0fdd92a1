"""JSON bodies of bounded size and depth: a hostile body is a 400 (413 when too large) in the API's
error format, in the caller's language, whether DEBUG is on or off — never a 500 or an HTML page."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework import parsers
from rest_framework.exceptions import ParseError
from rest_framework.test import APIClient

from complaints.models import Complaint
from tests.factories.complaints import complaint_in_state
from workstyle.parsers import MAX_DEPTH, JSONParser, json_depth

SUBMIT = "/api/v1/public/complaints/"
TOKEN = "/api/v1/auth/token/"
pytestmark = pytest.mark.django_db


def _complaint(org: Any, discipline_user: Any) -> Complaint:
    return complaint_in_state("submitted", discipline=discipline_user)


def _endpoint(name: str, org: Any, discipline_user: Any) -> tuple[APIClient, str]:
    """A client and a URL: the public submission, the token endpoint, a staff action."""
    client = APIClient(raise_request_exception=False)
    if name == "public":
        return client, SUBMIT
    if name == "token":
        return client, TOKEN
    client.force_authenticate(discipline_user)
    complaint = _complaint(org, discipline_user)
    return client, f"/api/v1/complaints/{complaint.pk}/accept/"


def _oversized() -> str:
    return json.dumps({"title": "x" * settings.WORKSTYLE_MAX_JSON_BYTES})


BODIES = {
    "open brackets": "[" * 3000,
    "closed brackets": "[" * 3000 + "]" * 3000,
    "nested objects": '{"a":' * 3000 + "1" + "}" * 3000,
}


@pytest.mark.parametrize("debug", [False, True], ids=["debug-off", "debug-on"])
@pytest.mark.parametrize("endpoint", ["public", "token", "staff"])
@pytest.mark.parametrize("body", [*BODIES, "oversized"])
def test_deep_or_large_json_is_a_400_or_413_json_error(
    settings: Any, org: Any, discipline_user: Any, debug: bool, endpoint: str, body: str
) -> None:
    settings.DEBUG = debug
    client, url = _endpoint(endpoint, org, discipline_user)
    content = _oversized() if body == "oversized" else BODIES[body]
    response = client.generic("POST", url, content, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == (413 if body == "oversized" else 400), response.content[:500]
    assert response["Content-Type"] == "application/json"
    answer = response.json()
    assert set(answer) == {"message", "errors"}
    expected = "larger than" if body == "oversized" else f"nested more than {MAX_DEPTH} levels"
    assert expected in answer["message"]
    assert Complaint.objects.filter(status="accepted").count() == 0


def test_the_error_speaks_the_callers_language(db: Any) -> None:
    client = APIClient()
    chinese = client.generic("POST", SUBMIT, "[" * 3000, content_type="application/json")
    assert chinese.status_code == 400
    assert "层" in chinese.json()["message"]  # Chinese is the default language
    english = client.generic("POST", SUBMIT, "[" * 3000, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert "levels" in english.json()["message"]
    malformed = client.generic("POST", SUBMIT, '{"title": ', content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert malformed.status_code == 400
    assert "line 1, column" in malformed.json()["message"]


def test_a_body_at_the_limit_is_read_and_one_byte_more_is_refused(db: Any, settings: Any) -> None:
    settings.WORKSTYLE_MAX_JSON_BYTES = 4096
    data = json.dumps({"category": "gambling", "title": "干部打麻将赌钱", "description": "每周五晚上在村委会。"})
    padded = data.encode() + b" " * (4096 - len(data.encode()))
    client = APIClient()
    assert client.generic("POST", SUBMIT, padded, content_type="application/json").status_code == 201
    assert client.generic("POST", SUBMIT, padded + b" ", content_type="application/json").status_code == 413
    assert Complaint.objects.count() == 1


def test_nesting_up_to_the_limit_is_parsed_like_any_json() -> None:
    parser = JSONParser()

    def parse(text: str) -> Any:
        import io

        return parser.parse(io.BytesIO(text.encode()), "application/json", {})

    assert parse("[" * MAX_DEPTH + "]" * MAX_DEPTH) is not None
    # Brackets inside strings, escaped quotes included, are text, not nesting.
    assert parse(json.dumps({"note": "[" * 5000 + '\\"' + "{" * 5000})) == {"note": "[" * 5000 + '\\"' + "{" * 5000}


def test_a_body_handed_over_in_pieces_is_read_whole_and_measured_whole(settings: Any) -> None:
    import io

    class Trickle(io.BytesIO):
        def read(self, size: int | None = -1, /) -> bytes:
            return super().read(min(3, size if size is not None and size >= 0 else 3))

    settings.WORKSTYLE_MAX_JSON_BYTES = 1024
    data = {"note": "x" * 1000}
    assert JSONParser().parse(Trickle(json.dumps(data).encode()), "application/json", {}) == data
    with pytest.raises(ParseError):
        JSONParser().parse(Trickle(json.dumps({"note": "x" * 1100}).encode()), "application/json", {})
    with pytest.raises(ParseError):
        JSONParser().parse(Trickle(b"1" * 5000), "application/json", {})  # too many digits to read


@pytest.mark.parametrize(
    ("text", "depth"),
    [
        ("", 0),
        ("1", 0),
        ("[]", 1),
        ('[[1], {"a": [2]}]', 3),
        ('"[[[["', 0),
        ('{"a\\"[[": [1]}', 2),
        ('["a\\\\", [1]]', 2),
        ("[" * 3000, 3000),
    ],
)
def test_json_depth(text: str, depth: int) -> None:
    assert json_depth(text) == depth


def test_the_depth_scan_stays_linear_on_hostile_text() -> None:
    """An unterminated string full of escaped quotes once made such a scan quadratic (minutes)."""
    import time

    started = time.perf_counter()
    for text in ('"' + '\\"' * 400_000, '"' * 1_000_000, "[" * 1_000_000, '"\\' * 300_000):
        json_depth(text)
    assert time.perf_counter() - started < 5


def _views(resolver: URLResolver | None = None) -> list[Any]:
    found = []
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            found += _views(entry)
        elif isinstance(entry, URLPattern):
            view = getattr(entry.callback, "cls", None) or getattr(entry.callback, "view_class", None)
            if view is not None and hasattr(view, "parser_classes"):
                found.append(view)
    return found


def test_every_api_view_parses_json_with_the_bounded_parser() -> None:
    views = _views()
    assert len(views) > 10
    for view in views:
        json_parsers = [p for p in view.parser_classes if issubclass(p, parsers.JSONParser)]
        assert all(issubclass(p, JSONParser) for p in json_parsers), view


# --- errors outside the API's own views ---------------------------------------------------------


@pytest.mark.parametrize("debug", [False, True], ids=["debug-off", "debug-on"])
def test_a_crash_under_the_api_is_a_json_500(
    settings: Any, monkeypatch: Any, discipline_user: Any, debug: bool
) -> None:
    from workstyle import api_views

    def crash(self: Any) -> Any:
        raise RuntimeError("SECRET-DETAIL")

    settings.DEBUG = debug
    monkeypatch.setattr(api_views.NotificationViewSet, "get_queryset", crash)
    client = Client(raise_request_exception=False)
    client.force_login(discipline_user)
    for accept in ("text/html", "application/json", "*/*"):
        response = client.get("/api/v1/notifications/", HTTP_ACCEPT=accept, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 500
        assert response["Content-Type"] == "application/json"
        assert response.json() == {"message": "A server error occurred. Please try again later.", "errors": {}}
        assert b"SECRET-DETAIL" not in response.content


@pytest.mark.parametrize("debug", [False, True], ids=["debug-off", "debug-on"])
def test_an_unknown_api_url_is_a_json_404(settings: Any, db: Any, debug: bool) -> None:
    settings.DEBUG = debug
    response = Client().get("/api/v1/no-such-thing/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert response.json() == {"message": "Not found.", "errors": {}}
    # Pages keep their HTML error pages.
    page = Client().get("/no-such-page/")
    assert page.status_code == 404
    assert page["Content-Type"].startswith("text/html")
