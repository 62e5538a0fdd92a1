"""Helpers for tests of the escalation sweep: complaints made straight with the ORM in any state."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

from complaints.models import Category, Complaint


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
