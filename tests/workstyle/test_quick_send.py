"""workstyle.celery.quick_send: a web worker wakes the relay on a broker connection it keeps, opens
a new one when the kept one fails or the broker changes, and raises when the broker is down."""

from __future__ import annotations

from typing import Any

import pytest
from kombu import Connection
from kombu.exceptions import OperationalError

from workstyle import celery


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    made: list[Any] = []
    real = celery.quick_connection

    def counting() -> Any:
        made.append(real())
        return made[-1]

    monkeypatch.setattr(celery, "quick_connection", counting)
    celery._forget_kept()
    yield made
    celery._forget_kept()


def _queued() -> int:
    with celery.app.connection_for_write() as conn:
        return int(conn.default_channel.client.llen("celery"))


def _purge() -> None:
    with celery.app.connection_for_write() as conn:
        conn.default_channel.client.delete("celery")


def test_the_connection_is_kept_between_sends(opened: list[Any]) -> None:
    _purge()
    for _ in range(3):
        celery.quick_send("workstyle.tasks.outbox_relay")
    assert len(opened) == 1
    assert _queued() == 3
    _purge()


def test_a_broken_kept_connection_is_replaced_at_once(opened: list[Any]) -> None:
    _purge()
    celery.quick_send("workstyle.tasks.outbox_relay")
    # The kept connection stopped working (its broker went away): one that can no longer connect.
    celery._kept.connection = Connection(
        "redis://127.0.0.1:1/0", connect_timeout=1, transport_options={"max_retries": 0}
    )
    celery.quick_send("workstyle.tasks.outbox_relay")
    assert _queued() == 2
    assert len(opened) == 2
    assert celery._kept.connection is opened[1]
    _purge()


def test_a_broker_that_is_down_raises(opened: list[Any], monkeypatch: pytest.MonkeyPatch) -> None:
    celery.quick_send("workstyle.tasks.outbox_relay")
    _purge()
    monkeypatch.setattr(celery.app.conf, "broker_url", "redis://127.0.0.1:1/0")
    with pytest.raises(OperationalError):
        celery.quick_send("workstyle.tasks.outbox_relay")
    assert getattr(celery._kept, "connection", None) is None
