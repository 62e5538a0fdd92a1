"""Keyset pages: walking ``next`` and then ``previous`` visits every row once, in order, ties
included; an ordering that may hold NULLs goes by page numbers; a cursor the list did not issue starts
over; nothing counts the rows."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from complaints.models import Complaint
from tests.factories.complaints import ComplaintFactory
from workstyle.paging import keyset_of, read_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def complaints() -> list[Complaint]:
    now = timezone.now()
    # Pairs submitted at the same moment: the id breaks the tie.
    return [ComplaintFactory(submitted_at=now - timedelta(hours=n // 2)) for n in range(11)]


def _walk(qs: Any, size: int) -> tuple[list[int], list[int]]:
    forward: list[int] = []
    params: dict[str, str] = {}
    pages = []
    while True:
        page = read_page(qs, params, size=size)
        pages.append(page)
        forward += [row.pk for row in page]
        if page.next_cursor is None:
            break
        params = {"cursor": page.next_cursor}
    backward: list[int] = []
    page = pages[-1]
    while page.previous_cursor is not None:
        page = read_page(qs, {"cursor": page.previous_cursor}, size=size)
        backward = [row.pk for row in page] + backward
    return forward, backward


@pytest.mark.parametrize("ordering", [("-submitted_at", "-id"), ("submitted_at",), ("category", "-submitted_at")])
def test_next_and_previous_visit_every_row_once_in_order(complaints: list[Complaint], ordering: Any) -> None:
    qs = Complaint.objects.order_by(*ordering)
    assert keyset_of(qs) is not None
    # Ties broken by the id, in the direction of the last key.
    tie = "-id" if ordering[-1].startswith("-") else "id"
    expected = list(Complaint.objects.order_by(*ordering, tie).values_list("pk", flat=True))
    forward, backward = _walk(qs, size=3)
    assert forward == expected
    # Back from the last page to the first: every row before the last page, in order.
    assert backward == expected[: len(backward)]
    assert len(backward) >= len(expected) - 3


def test_a_page_never_counts(complaints: list[Complaint]) -> None:
    with CaptureQueriesContext(connection) as captured:
        page = read_page(Complaint.objects.order_by("-submitted_at", "-id"), {}, size=4)
    assert len(page) == 4
    assert len(captured.captured_queries) == 1
    assert "COUNT(" not in captured.captured_queries[0]["sql"].upper()
    assert "LIMIT 5" in captured.captured_queries[0]["sql"]


def test_an_ordering_with_nulls_goes_by_page_number(complaints: list[Complaint]) -> None:
    qs = Complaint.objects.order_by("reply_due_at", "id")
    assert keyset_of(qs) is None
    first = read_page(qs, {}, size=4)
    assert first.number == 1
    assert first.extra["next_page"] == 2
    assert first.extra["previous_page"] is None
    last = read_page(qs, {"page": "3"}, size=4)
    assert len(last) == 3
    assert last.extra["next_page"] is None


def test_a_cursor_it_did_not_issue_starts_over(complaints: list[Complaint]) -> None:
    qs = Complaint.objects.order_by("-submitted_at", "-id")
    first = read_page(qs, {}, size=4)
    for bad in ("not-base64!", "eyJ2IjpbMV19", "e30"):
        page = read_page(qs, {"cursor": bad}, size=4)
        assert [row.pk for row in page] == [row.pk for row in first]
