"""A scope of several parts (a department head's: the departments he heads, the complaints he
answers for, those he handles) is read part by part and gives exactly the rows, the order, the
pages and the capped counts that reading it whole gives; recused complaints stay out; each part's
SQL carries its own condition, not the OR of them all."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db.models import Q
from django.utils import timezone

from complaints.models import Complaint, ComplaintRecusal
from complaints.selectors import complaint_status_counts
from tests.factories.complaints import ComplaintFactory
from tests.factories.org import CadreFactory, DepartmentFactory, UserFactory
from workstyle.dashboard import capped_count
from workstyle.paging import read_page
from workstyle.scopes import bounded, bounded_pks

pytestmark = pytest.mark.django_db


@pytest.fixture
def city() -> dict[str, Any]:
    """A head of two departments, who is also responsible head and handler elsewhere, and
    complaints in and out of his scope, with and without a deadline, one naming him and one he is
    recused from."""
    now = timezone.now()
    head = CadreFactory(user=UserFactory())
    first, second, elsewhere = DepartmentFactory(head=head), DepartmentFactory(head=head), DepartmentFactory()
    other = CadreFactory(department=elsewhere)
    S = Complaint.Status
    rows: list[Complaint] = []
    for n in range(30):
        department = (first, second, elsewhere)[n % 3]
        status = (S.ACCEPTED, S.CLOSED, S.SUBMITTED, S.ASSIGNED)[n % 4]
        extra: dict[str, Any] = {}
        if n % 5 == 0:
            extra["responsible_head"] = head
        elif n % 7 == 0:
            extra["handler"] = head
        if status in (S.ACCEPTED, S.ASSIGNED):
            extra["reply_due_at"] = now + timedelta(days=n - 15)  # half of them overdue
        rows.append(
            ComplaintFactory(
                department=department,
                status=status,
                submitted_at=now - timedelta(hours=n // 2),  # pairs at the same moment
                accept_due_at=now + timedelta(days=(n % 9) - 4),
                handler=extra.pop("handler", other if status == S.ASSIGNED else None),
                **extra,
            )
        )
    ComplaintFactory(department=first, accused_cadre=head)
    ComplaintRecusal.objects.create(complaint=rows[0], cadre=head)
    return {"head": head, "now": now, "rows": rows}


def _whole(qs: Any) -> Any:
    """The same rows as ``qs`` without its parts (read whole)."""
    return Complaint.objects.filter(pk__in=list(qs.values_list("pk", flat=True)))


def test_the_head_scope_has_a_part_per_department_and_role(city: dict[str, Any]) -> None:
    qs = Complaint.objects.visible_to(city["head"].user)
    parts = qs.scope_parts()
    assert parts is not None
    assert len(parts) == 4
    expected = set(_whole(qs).values_list("pk", flat=True))
    assert " OR " in str(qs.query)
    union: set[int] = set()
    for part, column in zip(
        parts, ["department_id", "department_id", "responsible_head_id", "handler_id"], strict=True
    ):
        sql = str(part.query)
        # The part's own condition, not the OR of all four.
        assert " OR " not in sql
        assert f'"complaints_complaint"."{column}" = ' in sql
        union |= set(part.values_list("pk", flat=True))
    assert union == expected
    named = Complaint.objects.get(accused_cadre=city["head"])
    assert named.pk not in expected
    assert city["rows"][0].pk not in expected
    # The office sees the whole table at once: nothing to read apart.
    assert Complaint.objects.all().scope_parts() is None


@pytest.mark.parametrize(
    "ordering",
    [("-submitted_at", "-id"), ("due_at", "-id"), ("category", "-submitted_at")],
)
@pytest.mark.parametrize("overdue", [False, True])
def test_pages_read_part_by_part_are_the_pages_of_the_whole(
    city: dict[str, Any], ordering: tuple[str, ...], overdue: bool
) -> None:
    qs = Complaint.objects.visible_to(city["head"].user).order_by(*ordering)
    if overdue:
        qs = qs.filter(due_at__lt=city["now"])
    expected = list(_whole(qs).order_by(*ordering, "-id").values_list("pk", flat=True))
    assert expected, "the scope holds rows for this filter"
    seen: list[int] = []
    params: dict[str, str] = {}
    for _ in range(20):
        page = read_page(qs, params, size=4)
        seen += [row.pk for row in page]
        nxt = page.next_cursor or (page.extra.get("next_page") and str(page.extra["next_page"]))
        if not nxt:
            break
        params = {"cursor": nxt} if page.next_cursor else {"page": nxt}
    assert seen == expected


def test_bounded_reads_hold_the_first_rows_and_counts_are_capped_alike(city: dict[str, Any]) -> None:
    qs = Complaint.objects.visible_to(city["head"].user).order_by("due_at", "-id")
    whole = _whole(qs).order_by("due_at", "-id")
    assert list(bounded(qs, 5)[:5]) == list(whole[:5])
    # Each part's first 3 are there: at least the 3 first of the whole, and never a row out of scope.
    pks = set(bounded_pks(qs, 3).values_list("pk", flat=True))
    assert set(whole.values_list("pk", flat=True)[:3]) <= pks <= set(whole.values_list("pk", flat=True))

    counts = complaint_status_counts(qs, cap=1000)
    plain = complaint_status_counts(whole, cap=1000)
    assert counts == plain
    assert counts[""] == whole.count()
    # Above the cap both say "more than the cap" (cap + 1), never more.
    capped = complaint_status_counts(qs, cap=3)
    assert capped[""] == 4
    assert all(value <= 4 for value in capped.values())
    assert capped_count(qs, cap=3) == 4
    assert capped_count(qs, cap=1000) == whole.count()


def test_a_scope_emptied_with_none_reads_and_counts_nothing(city: dict[str, Any]) -> None:
    """A list whose filter is not valid shows nothing: ``none()`` of a scope with parts."""
    qs = Complaint.objects.visible_to(city["head"].user).none()
    assert list(bounded(qs.order_by("due_at", "-id"), 5)[:5]) == []
    assert list(bounded_pks(qs, 5)) == []
    assert set(complaint_status_counts(qs, cap=10).values()) == {0}
    assert capped_count(qs, cap=10) == 0


def test_an_or_of_two_querysets_forgets_the_parts(city: dict[str, Any]) -> None:
    scoped = Complaint.objects.visible_to(city["head"].user)
    widened = scoped | Complaint.objects.filter(Q(status=Complaint.Status.CLOSED))
    assert widened.scope_parts() is None
    assert scoped.filter(status=Complaint.Status.CLOSED).scope_parts() is not None
