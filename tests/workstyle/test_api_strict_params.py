"""The API's lists refuse a filter or sort they do not understand (a 400 naming what they take)
instead of answering the whole list as if nothing had been asked; a nullable column sorts its rows
without a value last, and its pages still follow one another."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.urls import get_resolver
from rest_framework.settings import api_settings
from rest_framework.test import APIClient

from complaints.models import Complaint
from tests.factories.complaints import complaint_in_state
from workstyle.filters import FilterBackend, StrictBooleanFilter

CN = ZoneInfo("Asia/Shanghai")
T0 = dt.datetime(2025, 3, 3, 10, 0, tzinfo=CN)


def api(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _views(patterns: Any) -> Iterator[Any]:
    for pattern in patterns:
        if hasattr(pattern, "url_patterns"):
            yield from _views(pattern.url_patterns)
        else:
            yield pattern.callback


def api_lists() -> list[type]:
    """Every viewset of the API that answers a list."""
    found: list[type] = []
    for callback in _views(get_resolver().url_patterns):
        cls = getattr(callback, "cls", None)
        actions = getattr(callback, "actions", None) or {}
        if cls is not None and "list" in actions.values() and cls not in found:
            found.append(cls)
    return found


# --- booleans ---


@pytest.mark.parametrize("value", ["yes", "no", "on", "unknown", "2", "TRUE ", "maybe"])
def test_a_boolean_filter_refuses_a_value_it_does_not_read(org: Any, discipline_user: Any, value: str) -> None:
    complaint_in_state("submitted", discipline=discipline_user, now=T0)
    response = api(discipline_user).get("/api/v1/complaints/", {"overdue": value})
    assert response.status_code == 400, response.content
    body = response.json()
    assert set(body) == {"message", "errors"}
    assert list(body["errors"]) == ["overdue"]
    assert body["errors"]["overdue"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [("true", True), ("True", True), ("1", True), ("false", False), ("False", False), ("0", False), ("", None)],
)
def test_a_boolean_filter_reads_true_false_one_zero_and_empty(
    org: Any, discipline_user: Any, value: str, expected: bool | None
) -> None:
    submitted = complaint_in_state("submitted", discipline=discipline_user, now=T0 - dt.timedelta(days=100))
    closed = complaint_in_state("rejected", department=org.office, discipline=discipline_user, now=T0)
    response = api(discipline_user).get("/api/v1/complaints/", {"overdue": value})
    assert response.status_code == 200, response.content
    ids = {row["id"] for row in response.json()["results"]}
    assert ids == {True: {submitted.pk}, False: {closed.pk}, None: {submitted.pk, closed.pk}}[expected]


@pytest.mark.parametrize(
    ("path", "param"),
    [
        ("/api/v1/notifications/", "unread"),
        ("/api/v1/meetings/", "overdue"),
        ("/api/v1/rectifications/", "overdue"),
        ("/api/v1/units/", "active"),
        ("/api/v1/complaints/", "answered"),
    ],
)
def test_every_list_refuses_a_bad_boolean(org: Any, discipline_user: Any, path: str, param: str) -> None:
    client = api(discipline_user)
    assert client.get(path, {param: "false"}).status_code == 200
    response = client.get(path, {param: "yes"})
    assert response.status_code == 400, response.content
    assert list(response.json()["errors"]) == [param]


def test_every_boolean_filter_of_the_api_is_strict(rf: Any, discipline_user: Any) -> None:
    request = rf.get("/")
    request.user = discipline_user
    checked = 0
    for view in api_lists():
        backends: list[Any] = list(getattr(view, "filter_backends", api_settings.DEFAULT_FILTER_BACKENDS))
        for backend in backends:
            if not hasattr(backend, "get_filterset_class"):
                continue
            assert issubclass(backend, FilterBackend), view
            instance = view(request=request, format_kwarg=None, action="list")
            filterset = backend().get_filterset_class(instance, instance.get_queryset())
            if filterset is None:
                continue
            for name, declared in filterset.base_filters.items():
                if isinstance(declared, StrictBooleanFilter):
                    checked += 1
                else:
                    assert "Boolean" not in type(declared).__name__, (view, name)
    # The complaints' five, the meetings' three, the units' and cadres' yes/no, the notifications'.
    assert checked >= 10


# --- ordering ---


@pytest.mark.parametrize("ordering", ["current_due_at", "due", "-tracking_code", "submitted_at,bogus", "?", "--due_at"])
def test_an_unknown_ordering_is_a_400_naming_the_fields_allowed(org: Any, discipline_user: Any, ordering: str) -> None:
    response = api(discipline_user).get("/api/v1/complaints/", {"ordering": ordering})
    assert response.status_code == 400, response.content
    body = response.json()
    assert list(body["errors"]) == ["ordering"]
    [message] = body["errors"]["ordering"]
    for field in ("submitted_at", "due_at", "accept_due_at", "reply_due_at", "escalation_level", "updated_at"):
        assert field in message


def test_every_list_refuses_an_unknown_ordering(org: Any, discipline_user: Any) -> None:
    client = api(discipline_user)
    for path in ("/api/v1/units/", "/api/v1/meeting-reports/", "/api/v1/exports/", "/api/v1/notifications/"):
        assert client.get(path, {"ordering": "-id,created_at" if "export" in path else ""}).status_code == 200
        response = client.get(path, {"ordering": "nonsense"})
        assert response.status_code == 400, (path, response.content)
        assert "nonsense" in response.json()["errors"]["ordering"][0]


def _walk(client: APIClient, path: str, params: dict[str, Any]) -> tuple[list[int], int]:
    """Every row of the list, following ``next``; and how many pages it took."""
    ids: list[int] = []
    pages = 0
    body = client.get(path, params).json()
    while True:
        pages += 1
        ids += [row["id"] for row in body["results"]]
        if not body["next"]:
            return ids, pages
        body = client.get(body["next"]).json()


def test_ordering_by_the_deadline_in_force_puts_complaints_without_one_last_and_pages(
    org: Any, discipline_user: Any
) -> None:
    make = lambda status, days: complaint_in_state(  # noqa: E731
        status, department=org.office, handler=org.cadre, discipline=discipline_user, now=T0 - dt.timedelta(days=days)
    )
    rows = [make("submitted", 3), make("submitted", 1), make("assigned", 2), make("submitted", 5)]
    rows += [make("replied", 4), make("rejected", 6), make("replied", 7)]
    due = {complaint.pk: Complaint.objects.get(pk=complaint.pk).due_at for complaint in rows}
    running = [pk for pk in due if due[pk] is not None]
    nulls = [pk for pk in due if due[pk] is None]
    assert len(running) == 4
    assert len(nulls) == 3
    client = api(discipline_user)

    ids, pages = _walk(client, "/api/v1/complaints/", {"ordering": "due_at", "page_size": 2})
    assert pages == 4
    assert ids[:4] == sorted(running, key=lambda pk: due[pk])
    assert sorted(ids[4:]) == sorted(nulls)

    ids, pages = _walk(client, "/api/v1/complaints/", {"ordering": "-due_at", "page_size": 2})
    assert pages == 4
    assert ids[:4] == sorted(running, key=lambda pk: due[pk], reverse=True)
    assert sorted(ids[4:]) == sorted(nulls)
    # Ties (the NULLs) broken by id, the same way on every page.
    assert ids[4:] == sorted(nulls, reverse=True)

    # The links carry page numbers (a nullable column has no keyset), the filters and the ordering.
    first = client.get("/api/v1/complaints/", {"ordering": "due_at", "page_size": 2}).json()
    assert "page=2" in first["next"]
    assert "ordering=due_at" in first["next"]
    second = client.get(first["next"]).json()
    assert client.get(second["previous"]).json()["results"] == first["results"]

    # A reply deadline only exists once a complaint is accepted: the others come last both ways.
    reply_due = {complaint.pk: Complaint.objects.get(pk=complaint.pk).reply_due_at for complaint in rows}
    for ordering in ("reply_due_at", "-reply_due_at"):
        ids, _pages = _walk(client, "/api/v1/complaints/", {"ordering": ordering, "page_size": 3})
        assert sorted(ids) == sorted(due)
        with_reply = [pk for pk in ids if reply_due[pk] is not None]
        assert ids[: len(with_reply)] == with_reply
        assert all(reply_due[pk] is None for pk in ids[len(with_reply) :])


def test_an_ordering_on_columns_never_null_still_pages_by_cursor(org: Any, discipline_user: Any) -> None:
    for days in range(5):
        complaint_in_state("submitted", discipline=discipline_user, now=T0 - dt.timedelta(days=days))
    client = api(discipline_user)
    body = client.get("/api/v1/complaints/", {"ordering": "submitted_at", "page_size": 2}).json()
    assert "cursor=" in body["next"]
    ids, pages = _walk(client, "/api/v1/complaints/", {"ordering": "submitted_at", "page_size": 2})
    assert pages == 3
    submitted = dict(Complaint.objects.values_list("pk", "submitted_at"))
    assert ids == sorted(submitted, key=lambda pk: (submitted[pk], pk))


# --- the schema ---


def test_the_schema_lists_each_lists_ordering_fields(db: Any) -> None:
    schema = APIClient().get("/api/schema/", {"format": "json"}).json()

    def ordering(path: str) -> dict[str, Any]:
        [parameter] = [p for p in schema["paths"][path]["get"]["parameters"] if p["name"] == "ordering"]
        return parameter

    complaints = ordering("/api/v1/complaints/")
    for field in ("submitted_at", "due_at", "reply_due_at", "escalation_level"):
        assert f"`{field}`" in complaints["description"]
        assert field in complaints["schema"]["items"]["enum"]
        assert f"-{field}" in complaints["schema"]["items"]["enum"]
    assert "tracking_code" not in complaints["schema"]["items"]["enum"]
    assert complaints["explode"] is False

    units = ordering("/api/v1/units/")
    assert set(units["schema"]["items"]["enum"]) == {"code", "-code", "name", "-name", "kind", "-kind"}
