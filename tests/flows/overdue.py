"""Helpers for tests of the escalation sweep: complaints made straight with the ORM in any state,
and a transactional-database fixture that leaves the migrations' groups behind."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

import pytest

from complaints.models import Category, Complaint


def ensure_groups() -> None:
    from django.contrib.auth.models import Group

    from workstyle import roles

    for name in roles.GROUPS:
        Group.objects.get_or_create(name=name)


@pytest.fixture
def keep_groups(django_db_blocker: Any) -> Any:
    """List it BEFORE ``transactional_db``: a transactional test ends with a TRUNCATE of every
    table, which also empties the groups the migrations created; put them back for the tests
    that follow (teardown runs after the flush)."""
    yield
    with django_db_blocker.unblock():
        ensure_groups()


def make_complaint(*, now: datetime, status: str = Complaint.Status.SUBMITTED, **fields: Any) -> Complaint:
    """A complaint in ``status`` with the fields that state needs; deadlines default to the future."""
    S = Complaint.Status
    values: dict[str, Any] = {
        "tracking_code": secrets.token_hex(8).upper(),
        "access_key_hash": "x",
        "category": Category.INACTION,
        "title": "路灯长期不亮",
        "description": "反映多次无人处理。",
        "complainant_name": "张三",
        "complainant_phone": "13800000000",
        "complainant_email": "zhangsan@example.com",
        "submitted_at": now - timedelta(days=1),
        "accept_due_at": now + timedelta(days=14),
        "status": status,
    }
    if status != S.SUBMITTED:
        values["accepted_at"] = now - timedelta(hours=12)
        values["reply_due_at"] = now + timedelta(days=59)
    if status in (S.REPLIED, S.REVIEW_REQUESTED, S.REVIEW_REPLIED, S.CLOSED):
        values["replied_at"] = now - timedelta(hours=1)
        values["reply_text"] = "已处理。"
    values.update(fields)
    return Complaint.objects.create(**values)
