"""Notifications and the e-mail outbox: written with the change, sent later by the relay, exactly
once, whether the broker or the mail server is down for a while."""

from __future__ import annotations

import smtplib
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
import redis
from django.conf import settings
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection, transaction
from django.utils import timezone

from tests.factories.org import UserFactory
from workstyle import services, tasks
from workstyle.celery import app as celery_app
from workstyle.models import Notification, OutboxEmail


def _send(recipients: list[Any], *, now=None, text: str = "请于三日内答复。") -> list[Notification]:
    return services.notification_send(
        recipients=recipients,
        kind="message",
        params={"title": "投诉即将超期", "text": text},
        url="/workbench/",
        now=now or timezone.now(),
    )


class BrokenSMTPBackend(BaseEmailBackend):
    """A mail server that refuses every message."""

    def send_messages(self, email_messages: Any) -> int:
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


class PickyBackend(BaseEmailBackend):
    """A mail server that refuses one recipient and counts its connections."""

    opened = 0
    closed = 0
    refused = "refused@example.gov.cn"

    def open(self) -> bool:
        if getattr(self, "_open", False):
            return False
        self._open = True
        type(self).opened += 1
        return True

    def close(self) -> None:
        if getattr(self, "_open", False):
            self._open = False
            type(self).closed += 1

    def send_messages(self, email_messages: Any) -> int:
        for message in email_messages:
            if self.refused in message.to:
                raise smtplib.SMTPRecipientsRefused({self.refused: (550, b"No such user")})
        mail.outbox.extend(email_messages)
        return len(email_messages)


class SlowBackend(BaseEmailBackend):
    """A mail server that takes a moment per message, so that two relays overlap."""

    lock = threading.Lock()
    sent: list[str] = []

    def send_messages(self, email_messages: Any) -> int:
        time.sleep(0.02)
        with self.lock:
            self.sent.extend(message.extra_headers["Message-ID"] for message in email_messages)
        return len(email_messages)


@contextmanager
def _dead_broker_url() -> Iterator[str]:
    """A broker URL on a port where nothing listens: bound and never listening, the port refuses
    connections and no other process (another test worker's live server) can take it meanwhile."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        yield f"redis://127.0.0.1:{probe.getsockname()[1]}/0"


@pytest.fixture
def broker_down(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    with _dead_broker_url() as url:
        monkeypatch.setattr(celery_app.conf, "broker_url", url)
        yield


@pytest.fixture
def broker_hung(monkeypatch: pytest.MonkeyPatch) -> Any:
    """A broker that accepts connections and never answers (a stuck Redis, a half-open firewall)."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(8)
        monkeypatch.setattr(celery_app.conf, "broker_url", f"redis://127.0.0.1:{server.getsockname()[1]}/0")
        yield


def _queued_tasks() -> int:
    return int(redis.Redis.from_url(settings.CELERY_BROKER_URL).llen("celery"))


@pytest.mark.django_db
def test_notification_send_writes_rows_and_outbox_in_the_transaction():
    with_mail = UserFactory(username="with-mail")
    without_mail = UserFactory(username="no-mail", email="")
    inactive = UserFactory(username="left", is_active=False)
    rows = _send([with_mail, without_mail, with_mail, inactive, None])

    assert sorted(row.recipient.username for row in rows) == ["no-mail", "with-mail"]
    assert Notification.objects.count() == 2
    email = OutboxEmail.objects.get()
    assert email.to == with_mail.email
    assert email.status == OutboxEmail.Status.PENDING
    assert email.subject == "投诉即将超期"
    assert email.body == f"请于三日内答复。\n\n{settings.WORKSTYLE_SITE_URL.rstrip('/')}/workbench/"
    assert email.notification == Notification.objects.get(recipient=with_mail)
    assert mail.outbox == []  # nothing goes out before the relay runs


@pytest.mark.django_db
def test_notification_send_many_writes_every_notice():
    first: Any = UserFactory()
    second: Any = UserFactory(email="")
    rows = services.notification_send_many(
        items=[
            ([first, second], "message", {"title": "甲", "text": "一"}, "/a/"),
            ([first, first], "message", {"title": "乙", "text": "二"}, ""),
        ],
        now=timezone.now(),
    )
    assert len(rows) == 3
    assert sorted(OutboxEmail.objects.values_list("subject", flat=True)) == ["乙", "甲"]


@pytest.mark.django_db
def test_a_line_break_in_the_subject_does_not_make_the_e_mail_unsendable():
    now = timezone.now()
    services.notification_send(
        recipients=[UserFactory.create()], kind="message", params={"title": "第一行\r\n第二行", "text": "正文"}, now=now
    )
    assert OutboxEmail.objects.get().subject == "第一行 第二行"
    assert services.outbox_relay(now=now) == {"sent": 1, "retry": 0, "failed": 0}
    assert mail.outbox[0].subject == "第一行 第二行"


@pytest.mark.django_db
def test_nothing_is_written_when_the_change_rolls_back(django_capture_on_commit_callbacks):
    user = UserFactory()

    def failing_change() -> None:
        with transaction.atomic():
            _send([user])
            raise RuntimeError("the change failed")

    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(RuntimeError):
        failing_change()
    assert Notification.objects.count() == 0
    assert OutboxEmail.objects.count() == 0
    assert callbacks == []  # and no relay is woken


@pytest.mark.django_db
def test_relay_sends_once_and_a_second_run_sends_nothing():
    users = [UserFactory() for _ in range(3)]
    now = timezone.now()
    _send(users, now=now)

    assert services.outbox_relay(now=now) == {"sent": 3, "retry": 0, "failed": 0}
    assert sorted(message.to[0] for message in mail.outbox) == sorted(str(user.email) for user in users)
    assert {message.extra_headers["Message-ID"] for message in mail.outbox} == {
        f"<outbox-{pk}@workstyle>" for pk in OutboxEmail.objects.values_list("pk", flat=True)
    }
    assert set(OutboxEmail.objects.values_list("status", "attempts", "sent_at")) == {("sent", 1, now)}

    assert services.outbox_relay(now=now + timedelta(hours=1)) == {"sent": 0, "retry": 0, "failed": 0}
    assert len(mail.outbox) == 3


@pytest.mark.django_db
def test_relay_leaves_e_mails_that_are_not_due_yet():
    now = timezone.now()
    _send([UserFactory()], now=now + timedelta(minutes=5))
    assert services.outbox_relay(now=now)["sent"] == 0
    assert services.outbox_relay(now=now + timedelta(minutes=5))["sent"] == 1


@pytest.mark.django_db
def test_the_commit_wakes_the_relay_through_the_broker(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        _send([UserFactory()])
    assert len(callbacks) == 1
    assert _queued_tasks() == 1  # an outbox_relay task waits in Redis for a worker


@pytest.mark.django_db(transaction=True)
def test_broker_down_the_change_commits_and_the_e_mail_waits(broker_down):
    user = UserFactory()
    started = time.monotonic()
    with transaction.atomic():  # a real commit: the wake-up runs on it and fails
        _send([user])
    elapsed = time.monotonic() - started

    # The change and its notice are committed; the e-mail is pending, not lost, not sent.
    assert Notification.objects.filter(recipient=user).count() == 1
    assert OutboxEmail.objects.get().status == OutboxEmail.Status.PENDING
    assert mail.outbox == []
    # The request did not wait on kombu's retries of a dead broker (that took about 6 s).
    assert elapsed < 3, elapsed


@pytest.mark.django_db(transaction=True)
def test_a_hung_broker_delays_the_e_mail_not_the_request(broker_hung):
    user = UserFactory()
    started = time.monotonic()
    with transaction.atomic():
        _send([user])
    elapsed = time.monotonic() - started

    # redis-py waits for an answer forever by default: without a socket timeout this never returned.
    assert elapsed < 5, elapsed
    assert OutboxEmail.objects.get().status == OutboxEmail.Status.PENDING


@pytest.mark.django_db(transaction=True)
def test_broker_down_then_back_the_relay_task_sends_exactly_once(monkeypatch):
    user = UserFactory()
    with monkeypatch.context() as down, _dead_broker_url() as dead:
        down.setattr(celery_app.conf, "broker_url", dead)
        with transaction.atomic():
            _send([user])
    assert _queued_tasks() == 0  # the wake-up was lost with the broker
    assert OutboxEmail.objects.get().status == OutboxEmail.Status.PENDING

    # The broker is back: beat publishes the relay on its schedule and a worker runs it.
    from celery.contrib.testing.worker import start_worker

    tasks.outbox_relay.delay()
    assert _queued_tasks() == 1
    with start_worker(celery_app, pool="solo", perform_ping_check=False, loglevel="WARNING"):
        deadline = time.monotonic() + 20
        while OutboxEmail.objects.filter(status=OutboxEmail.Status.PENDING).exists():
            assert time.monotonic() < deadline, "the worker did not relay the e-mail"
            time.sleep(0.05)
    assert [message.to for message in mail.outbox] == [[user.email]]

    # Beat runs the relay again, and again: nothing is sent twice.
    assert tasks.outbox_relay.apply().get() == {"sent": 0, "retry": 0, "failed": 0}
    tasks.outbox_relay()
    assert len(mail.outbox) == 1
    assert OutboxEmail.objects.get().attempts == 1


@pytest.mark.django_db
def test_mail_server_down_retries_with_backoff_then_fails(settings):
    settings.EMAIL_BACKEND = f"{__name__}.BrokenSMTPBackend"
    settings.WORKSTYLE_OUTBOX_MAX_ATTEMPTS = 3
    now = timezone.now()
    _send([UserFactory()], now=now)

    assert services.outbox_relay(now=now) == {"sent": 0, "retry": 1, "failed": 0}
    email = OutboxEmail.objects.get()
    assert (email.status, email.attempts, email.next_attempt_at) == ("pending", 1, now + timedelta(minutes=2))
    assert "SMTPServerDisconnected" in email.last_error

    # Not due again before its backoff has passed.
    assert services.outbox_relay(now=now + timedelta(minutes=1))["retry"] == 0
    assert services.outbox_relay(now=now + timedelta(minutes=2))["retry"] == 1
    email.refresh_from_db()
    assert (email.attempts, email.next_attempt_at) == (2, now + timedelta(minutes=6))  # 2 + 4 minutes

    assert services.outbox_relay(now=now + timedelta(minutes=6)) == {"sent": 0, "retry": 0, "failed": 1}
    email.refresh_from_db()
    assert (email.status, email.attempts, email.sent_at) == ("failed", 3, None)
    # A failed e-mail is left alone by later runs.
    assert services.outbox_relay(now=now + timedelta(days=1)) == {"sent": 0, "retry": 0, "failed": 0}


@pytest.mark.django_db
def test_mail_server_unreachable_stops_the_run_after_the_first_failure(settings):
    settings.EMAIL_BACKEND = f"{__name__}.BrokenSMTPBackend"
    now = timezone.now()
    _send([UserFactory() for _ in range(3)], now=now)

    # One e-mail takes the failure; the others wait, untouched and still due, for the next run.
    assert services.outbox_relay(now=now) == {"sent": 0, "retry": 1, "failed": 0}
    assert list(OutboxEmail.objects.order_by("id").values_list("attempts", flat=True)) == [1, 0, 0]
    assert services.outbox_relay(now=now + timedelta(minutes=1))["retry"] == 1
    assert list(OutboxEmail.objects.order_by("id").values_list("attempts", flat=True)) == [1, 1, 0]


@pytest.mark.django_db
def test_a_refused_recipient_does_not_hold_up_the_others_and_one_connection_serves_the_run(settings):
    settings.EMAIL_BACKEND = f"{__name__}.PickyBackend"
    PickyBackend.opened = PickyBackend.closed = 0
    now = timezone.now()
    _send([UserFactory(), UserFactory(email=PickyBackend.refused), UserFactory()], now=now)

    assert services.outbox_relay(now=now) == {"sent": 2, "retry": 1, "failed": 0}
    refused = OutboxEmail.objects.get(to=PickyBackend.refused)
    assert (refused.status, refused.attempts) == ("pending", 1)
    assert "SMTPRecipientsRefused" in refused.last_error
    assert len(mail.outbox) == 2
    assert (PickyBackend.opened, PickyBackend.closed) == (1, 1)


@pytest.mark.django_db
def test_mail_server_back_after_a_failure_sends_once(settings):
    now = timezone.now()
    _send([UserFactory()], now=now)
    settings.EMAIL_BACKEND = f"{__name__}.BrokenSMTPBackend"
    services.outbox_relay(now=now)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert services.outbox_relay(now=now + timedelta(minutes=2))["sent"] == 1
    assert services.outbox_relay(now=now + timedelta(hours=2))["sent"] == 0
    assert len(mail.outbox) == 1
    assert OutboxEmail.objects.get().attempts == 2


@pytest.mark.django_db(transaction=True)
def test_concurrent_relays_send_each_e_mail_once(settings):
    settings.EMAIL_BACKEND = f"{__name__}.SlowBackend"
    SlowBackend.sent = []
    now = timezone.now()
    _send([UserFactory() for _ in range(20)], now=now)
    expected = {f"<outbox-{pk}@workstyle>" for pk in OutboxEmail.objects.values_list("pk", flat=True)}

    barrier = threading.Barrier(2)
    results: list[dict[str, int]] = []
    errors: list[BaseException] = []

    def relay() -> None:
        try:
            barrier.wait(timeout=10)
            results.append(services.outbox_relay(now=now))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=relay) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert sorted(SlowBackend.sent) == sorted(expected)  # every e-mail, none twice
    assert sum(result["sent"] for result in results) == 20
    assert all(result["sent"] > 0 for result in results), results  # both relays really worked
    assert set(OutboxEmail.objects.values_list("status", "attempts")) == {("sent", 1)}
