"""Redis stopped under a running portal: complaints are still filed, by the form and by the API;
rate limits hold in each process instead of failing; notices wait in the database and go out when
Redis returns; sessions and the captcha do not notice; /healthz says "degraded" and stays 200.

The test runs on a Redis of its own (tests/faults/servers.py), which it stops and starts."""

from __future__ import annotations

import logging
import time
from typing import Any

import pytest
import redis
from django.core.cache import cache
from django.test import Client
from rest_framework.test import APIClient

from complaints.models import Complaint
from complaints.public.api import ClientThrottle
from tests.faults.servers import RedisServer
from workstyle import cache as resilient_cache
from workstyle import tasks
from workstyle.celery import app as celery_app
from workstyle.models import OutboxEmail, OutboxSms

pytestmark = pytest.mark.slow

SUBMIT = "/api/v1/public/complaints/"
FORM = "/complaints/new/"
BROKER_DB = 1


def api_payload(**overrides: Any) -> dict[str, Any]:
    return {
        "category": "inaction",
        "title": "办事窗口长期无人",
        "description": "工作日上午十点窗口无人办公，电话无人接听。",
        "complainant_name": "李四",
        "complainant_phone": "13900000000",
        "complainant_email": "lisi@example.com",
        **overrides,
    }


def form_payload(**overrides: Any) -> dict[str, Any]:
    return {**api_payload(category="arbitrary_charges"), "captcha_0": "hash", "captcha_1": "PASSED", **overrides}


@pytest.fixture
def on_own_redis(own_redis: RedisServer, settings: Any, monkeypatch: pytest.MonkeyPatch) -> RedisServer:
    """The portal's cache and broker on the test's own Redis; Redis tried again soon after a failure."""
    settings.CACHES = {"default": {"BACKEND": "workstyle.cache.ResilientRedisCache", "LOCATION": own_redis.url()}}
    monkeypatch.setattr(celery_app.conf, "broker_url", own_redis.url(BROKER_DB))
    monkeypatch.setattr(resilient_cache, "RETRY_SECONDS", 0.2)
    settings.CAPTCHA_TEST_MODE = True
    return own_redis


def test_with_redis_down_nothing_is_lost_and_everything_goes_out_when_it_returns(
    on_own_redis: RedisServer,
    discipline_user: Any,
    settings: Any,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    mailoutbox: list[Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.WORKSTYLE_PUBLIC_FORM_LIMIT = 2
    monkeypatch.setattr(ClientThrottle, "THROTTLE_RATES", {**ClientThrottle.THROTTLE_RATES, "public_submit": "2/hour"})
    staff = Client()
    staff.force_login(discipline_user)
    api, public = APIClient(), Client()
    caplog.set_level(logging.WARNING)

    on_own_redis.stop()

    # The API and the form both store the complaint and answer as usual.
    for _ in range(2):
        # Waking the relay on commit meets the broker that is down, and the request does not notice.
        with django_capture_on_commit_callbacks(execute=True) as woken:
            filed = api.post(SUBMIT, api_payload(), format="json", REMOTE_ADDR="10.9.0.1")
        assert woken
        assert filed.status_code == 201, filed.content
        assert filed.json()["tracking_code"]
    assert public.get(FORM).status_code == 200  # the captcha's store is the database
    for _ in range(2):
        assert public.post(FORM, form_payload(), REMOTE_ADDR="10.9.0.2").status_code == 302
    open311 = api.post(
        "/open311/v2/requests.json",
        {"service_code": "reception", "description": "超标准公务接待。", "email": "wangwu@example.com"},
        format="multipart",
        REMOTE_ADDR="10.9.0.5",
    )
    assert open311.status_code == 201, open311.content
    assert Complaint.objects.count() == 5

    # The limits still hold, counted in this process.
    refused = api.post(SUBMIT, api_payload(), format="json", REMOTE_ADDR="10.9.0.1")
    assert refused.status_code == 429
    assert set(refused.json()) == {"message", "errors"}
    assert public.post(FORM, form_payload(title="第三次"), REMOTE_ADDR="10.9.0.2").status_code == 429
    assert api.post(SUBMIT, api_payload(), format="json", REMOTE_ADDR="10.9.0.3").status_code == 201
    assert Complaint.objects.count() == 6

    # A staff member stays logged in: sessions are in the database.
    assert staff.get("/workbench/").status_code == 200

    # The notices wait in the outboxes.
    waiting_mail = OutboxEmail.objects.filter(status=OutboxEmail.Status.PENDING).count()
    assert waiting_mail >= 6  # at least the office's notice of each complaint
    assert not OutboxEmail.objects.exclude(status=OutboxEmail.Status.PENDING).exists()

    health = public.get("/healthz")
    assert health.status_code == 200
    assert health.json() == {"database": "ok", "broker": "unreachable", "cache": "unreachable", "status": "degraded"}

    # One warning for the whole outage, however many requests met it.
    outage = [r for r in caplog.records if r.name == "workstyle.cache" and "unreachable" in r.getMessage()]
    assert len(outage) == 1

    # Redis returns: the cache and the broker are used again at once...
    on_own_redis.start()
    time.sleep(0.3)
    assert public.get("/healthz").json()["status"] == "ok"
    with django_capture_on_commit_callbacks(execute=True):
        assert api.post(SUBMIT, api_payload(), format="json", REMOTE_ADDR="10.9.0.4").status_code == 201
    assert redis.Redis.from_url(on_own_redis.url(BROKER_DB)).llen("celery") >= 1  # the relay was woken
    assert cache.get("ws:probe", "absent") == "absent"

    # ...and the beat's relays send what waited, each once.
    pending_mail = OutboxEmail.objects.filter(status=OutboxEmail.Status.PENDING).count()
    pending_sms = OutboxSms.objects.filter(status=OutboxSms.Status.PENDING).count()
    assert pending_mail > waiting_mail
    assert tasks.outbox_relay()["sent"] == pending_mail
    tasks.sms_relay()
    assert len(mailoutbox) == pending_mail
    assert len({message.extra_headers["Message-ID"] for message in mailoutbox}) == pending_mail
    assert not OutboxEmail.objects.filter(status=OutboxEmail.Status.PENDING).exists()
    assert OutboxSms.objects.filter(status=OutboxSms.Status.SENT).count() == pending_sms
    assert any(r.name == "workstyle.cache" and "again" in r.getMessage() for r in caplog.records)
    assert tasks.outbox_relay()["sent"] == 0


def test_a_redis_that_hangs_costs_a_request_about_a_second(
    db: Any, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Redis that accepts connections but never answers (a stalled host) falls back after the
    socket timeout instead of holding the request."""
    import socket

    with socket.socket() as stalled:
        stalled.bind(("127.0.0.1", 0))
        stalled.listen(8)
        settings.CACHES = {
            "default": {
                "BACKEND": "workstyle.cache.ResilientRedisCache",
                "LOCATION": f"redis://127.0.0.1:{stalled.getsockname()[1]}/0",
            }
        }
        monkeypatch.setattr(celery_app.conf, "broker_url", f"redis://127.0.0.1:{stalled.getsockname()[1]}/1")
        started = time.monotonic()
        filed = APIClient().post(SUBMIT, api_payload(), format="json", REMOTE_ADDR="10.9.1.1")
        elapsed = time.monotonic() - started
    assert filed.status_code == 201
    assert Complaint.objects.count() == 1
    # The throttle's read meets the socket timeout once (1 s); its write takes the fallback at
    # once. A bound, not a measurement: without the timeout the request would never end.
    assert elapsed < 8
