"""Every model of the portal answers ``visible_to(user)``: lists, details, exports and the admin
start from it. Rows that belong to a record are seen with it; notices are their recipient's alone;
the portal's own records (audit, outgoing e-mail) are the administrator's."""

from __future__ import annotations

from typing import Any

import pytest
from django.apps import apps
from django.utils import timezone

from complaints import services
from complaints.models import Attachment, ComplaintEvent, ExtensionRequest, IdentityAccess
from tests.factories.complaints import complaint_in_state
from tests.factories.org import UserFactory
from workstyle.models import AuditEvent, Notification, OutboxEmail
from workstyle.services import audit_record, notification_send

pytestmark = pytest.mark.django_db
OWN_APPS = ("workstyle", "cadres", "complaints", "meetings", "supervision")


def test_every_model_has_visible_to() -> None:
    missing = [
        model._meta.label
        for app in OWN_APPS
        for model in apps.get_app_config(app).get_models()
        if not callable(getattr(model._default_manager, "visible_to", None))
    ]
    assert missing == []


def test_a_complaints_rows_are_seen_with_the_complaint(org: Any, discipline_user: Any) -> None:
    now = timezone.now()
    complaint = complaint_in_state("assigned", department=org.office, handler=org.cadre, discipline=discipline_user)
    services.complaint_request_extension(actor=org.head.user, complaint=complaint, days=5, reason="取证", now=now)
    services.complaint_request_identity(actor=org.cadre.user, complaint=complaint, reason="回访", now=now)
    for model in (ComplaintEvent, ExtensionRequest):
        assert model.objects.visible_to(org.head.user).filter(complaint=complaint).exists()
        assert not model.objects.visible_to(org.other.user).filter(complaint=complaint).exists()
    assert not Attachment.objects.visible_to(org.other.user).exists()
    # Who asked to see the complainant: the discipline office and the asker, nobody else.
    assert IdentityAccess.objects.visible_to(discipline_user).filter(complaint=complaint).count() == 1
    assert IdentityAccess.objects.visible_to(org.cadre.user).filter(complaint=complaint).count() == 1
    assert not IdentityAccess.objects.visible_to(org.head.user).filter(complaint=complaint).exists()


def test_notices_are_their_recipients_and_the_running_records_the_administrators(org: Any) -> None:
    now = timezone.now()
    reader: Any = UserFactory(username="reader-v", email="reader@example.com")
    notification_send(recipients=[reader], kind="complaint_assigned", params={"code": "X", "due": ""}, now=now)
    audit_record(actor=reader, verb="update", now=now)
    assert Notification.objects.visible_to(reader).count() == 1
    assert not Notification.objects.visible_to(org.head.user).exists()
    root = UserFactory(username="root-v", is_superuser=True, is_staff=True)
    assert not Notification.objects.visible_to(root).exists()  # not his notice, administrator or not
    for model in (AuditEvent, OutboxEmail):
        assert model.objects.visible_to(root).exists()
        assert not model.objects.visible_to(reader).exists()
