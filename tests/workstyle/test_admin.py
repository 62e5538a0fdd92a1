"""Admin of the shared pieces: audit events, notifications and e-mails are read-only; an e-mail can
be retried (through a service) but never sent twice."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from tests.factories.org import UserFactory
from workstyle import services
from workstyle.models import AuditEvent, Notification, OutboxEmail

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def emails():
    """Three e-mails: one failed, one pending, one sent."""
    now = timezone.now() - timedelta(hours=1)
    users = [UserFactory() for _ in range(3)]
    services.notification_send(recipients=users, kind="message", params={"title": "通知", "text": "正文"}, now=now)
    failed, pending, sent = OutboxEmail.objects.order_by("id")
    OutboxEmail.objects.filter(pk=failed.pk).update(
        status=OutboxEmail.Status.FAILED, attempts=8, next_attempt_at=now + timedelta(hours=4), last_error="SMTP"
    )
    OutboxEmail.objects.filter(pk=pending.pk).update(attempts=2, next_attempt_at=now + timedelta(hours=2))
    OutboxEmail.objects.filter(pk=sent.pk).update(status=OutboxEmail.Status.SENT, attempts=1, sent_at=now)
    return failed, pending, sent


@pytest.mark.parametrize("model", [AuditEvent, Notification, OutboxEmail])
def test_shared_models_are_read_only_in_the_admin(admin_client, model, emails):
    services.audit_record(actor=None, verb="create", now=timezone.now(), note="导入")
    obj = model.objects.first()
    info = (model._meta.app_label, model._meta.model_name)
    assert admin_client.get(reverse("admin:{}_{}_changelist".format(*info))).status_code == 200
    response = admin_client.get(reverse("admin:{}_{}_change".format(*info), args=[obj.pk]))
    assert response.status_code == 200
    assert response.context["has_change_permission"] is False  # the view page, no save button
    assert admin_client.get(reverse("admin:{}_{}_add".format(*info))).status_code == 403
    assert admin_client.post(reverse("admin:{}_{}_delete".format(*info), args=[obj.pk])).status_code == 403
    assert model.objects.filter(pk=obj.pk).exists()


def test_audit_event_list_has_no_delete_action(admin_client):
    services.audit_record(actor=None, verb="import", now=timezone.now())
    response = admin_client.get(reverse("admin:workstyle_auditevent_changelist"))
    assert "delete_selected" not in response.text
    assert "已导入花名册" in response.text or "roster imported" in response.text


def test_retry_now_queues_failed_and_pending_e_mails_but_never_a_sent_one(admin_client, emails):
    failed, pending, sent = emails
    before = timezone.now()
    response = admin_client.post(
        reverse("admin:workstyle_outboxemail_changelist"),
        {"action": "retry_now", "_selected_action": [failed.pk, pending.pk, sent.pk]},
        follow=True,
    )
    assert response.status_code == 200
    for email in (failed, pending, sent):
        email.refresh_from_db()
    assert (failed.status, failed.attempts) == ("pending", 8)
    assert failed.next_attempt_at >= before
    assert (pending.status, pending.attempts) == ("pending", 2)
    assert pending.next_attempt_at >= before
    assert sent.status == "sent"
    # The retry is on record, with who asked for it.
    events = AuditEvent.objects.filter(verb="retry_email")
    assert sorted(int(event.target_id) for event in events) == sorted([failed.pk, pending.pk])
    assert {event.actor.username for event in events} == {"root"}

    # The relay sends the two once; the sent one is not sent again.
    assert services.outbox_relay(now=timezone.now())["sent"] == 2
    assert sorted(message.to[0] for message in mail.outbox) == sorted([failed.to, pending.to])


def test_retry_now_needs_the_change_permission(client, emails):
    from django.contrib.auth.models import Permission

    clerk = UserFactory(is_staff=True)
    clerk.user_permissions.add(Permission.objects.get(codename="view_outboxemail"))
    client.force_login(clerk)
    response = client.get(reverse("admin:workstyle_outboxemail_changelist"))
    assert response.status_code == 200
    assert "retry_now" not in response.text
    failed = emails[0]
    client.post(
        reverse("admin:workstyle_outboxemail_changelist"), {"action": "retry_now", "_selected_action": [failed.pk]}
    )
    failed.refresh_from_db()
    assert failed.status == "failed"


def test_token_admin_is_registered(admin_client):
    assert admin_client.get(reverse("admin:workstyle_apitoken_changelist")).status_code == 200
