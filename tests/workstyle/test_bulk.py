"""workstyle.bulk: column-wise inserts write what bulk_create would, defaults included, and give the
new keys back in the rows' order."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from tests.factories.org import UserFactory
from workstyle.bulk import bulk_insert, json_text
from workstyle.models import Notification, OutboxEmail

pytestmark = pytest.mark.django_db


def test_rows_go_in_column_by_column_with_defaults_and_keys_in_order() -> None:
    users: list[Any] = [UserFactory(), UserFactory(), UserFactory()]
    now = timezone.now()
    params = [{"code": "甲"}, {"code": "B", "n": 2}, {}]
    ids = bulk_insert(
        Notification,
        columns={
            "recipient_id": [u.pk for u in users],
            "kind": ["message"] * 3,
            "params": [json_text(p) for p in params],
            "url": ["/a/", "", "/c/"],
        },
        constants={"created_at": now},
        returning_pk=True,
    )
    assert len(ids) == 3
    rows = {n.pk: n for n in Notification.objects.filter(pk__in=ids)}
    assert [rows[pk].recipient_id for pk in ids] == [u.pk for u in users]
    assert [rows[pk].params for pk in ids] == params
    assert [rows[pk].url for pk in ids] == ["/a/", "", "/c/"]
    assert all(rows[pk].created_at == now and rows[pk].read_at is None for pk in ids)

    assert (
        bulk_insert(
            OutboxEmail,
            columns={"notification_id": ids[:1], "to": ["a@example.org"], "subject": ["主题"], "body": ["正文"]},
            constants={"next_attempt_at": now, "created_at": now},
        )
        == []
    )
    email = OutboxEmail.objects.get()
    # The model's defaults, as bulk_create would have written them.
    assert (email.status, email.attempts, email.language, email.last_error) == ("pending", 0, "zh-hans", "")
    assert email.notification_id == ids[0]


def test_nothing_to_insert_and_bad_columns() -> None:
    assert bulk_insert(Notification, columns={"kind": []}, returning_pk=True) == []
    with pytest.raises(ValueError, match="different lengths"):
        bulk_insert(Notification, columns={"kind": ["a"], "url": []})
    with pytest.raises(ValueError, match="no such column"):
        bulk_insert(Notification, columns={"nope": [1]})
