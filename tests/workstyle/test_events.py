"""Timelines are written once: on PostgreSQL a trigger refuses UPDATE and DELETE on event tables,
whoever holds the connection (the ORM, raw SQL, a bulk update)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.apps import apps
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from tests.factories.org import UserFactory
from workstyle.models import AuditEvent, EventBase
from workstyle.services import audit_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def event():
    return audit_record(actor=UserFactory(), verb="create", now=timezone.now(), note="written once")


def test_audit_event_refuses_orm_update(event):
    with pytest.raises(IntegrityError, match="immutable"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(note="rewritten")
    event.note = "rewritten"
    with pytest.raises(IntegrityError, match="immutable"), transaction.atomic():
        event.save()
    assert AuditEvent.objects.get(pk=event.pk).note == "written once"


def test_audit_event_refuses_delete(event):
    with pytest.raises(IntegrityError, match="immutable"), transaction.atomic():
        event.delete()
    with pytest.raises(IntegrityError, match="immutable"), transaction.atomic():
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_audit_event_refuses_raw_sql(event):
    table = AuditEvent._meta.db_table
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET verb = 'update' WHERE id = %s", [event.pk])  # noqa: S608
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE id = %s", [event.pk])  # noqa: S608
    assert AuditEvent.objects.get(pk=event.pk).verb == "create"


def test_audit_event_can_still_be_written(event):
    audit_record(actor=None, verb="update", now=timezone.now(), target=event.actor)
    assert AuditEvent.objects.count() == 2
    assert AuditEvent.objects.latest("id").target_id == str(event.actor.pk)


def test_complaint_event_refuses_update_and_delete_through_raw_sql():
    from complaints.models import Category, Complaint, ComplaintEvent

    now = timezone.now()
    complaint = Complaint.objects.create(
        tracking_code="TEST-IMMUTABLE-1",
        access_key_hash="x",
        category=next(iter(Category)).value,
        title="道路坑洼无人修",
        description="……",
        submitted_at=now,
        accept_due_at=now + timedelta(days=15),
    )
    row = ComplaintEvent.objects.create(complaint=complaint, at=now, verb="submit", to_state="submitted")
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE complaints_complaintevent SET note = 'forged' WHERE id = %s", [row.pk])
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM complaints_complaintevent WHERE id = %s", [row.pk])
    row.refresh_from_db()
    assert row.note == ""


def test_every_event_table_has_the_trigger():
    """A new timeline model must come with ``MakeImmutable`` in its migration."""
    tables = sorted(
        model._meta.db_table
        for model in apps.get_models()
        if issubclass(model, EventBase) and not model._meta.proxy and model._meta.managed
    )
    assert "workstyle_auditevent" in tables
    assert "complaints_complaintevent" in tables
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE NOT t.tgisinternal AND t.tgname = c.relname || '_immutable'"
        )
        guarded = {name for (name,) in cursor.fetchall()}
    assert [table for table in tables if table not in guarded] == []
