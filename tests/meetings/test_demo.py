"""The meetings' part of seed_demo: reports in every state, a sub-district meeting missing an
observer, overdue rectification items; the demo filers can file for their units."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from meetings import services
from meetings.models import Meeting, MeetingReport, RectificationItem
from meetings.permissions import unit_may_file

pytestmark = pytest.mark.django_db


def test_the_demo_has_meetings_in_every_state(clock: Any) -> None:
    call_command("seed_demo", password="demo-pass-1", stdout=io.StringIO())
    assert set(MeetingReport.objects.values_list("status", flat=True)) == set(MeetingReport.Status.values)
    now = timezone.now()
    assert RectificationItem.objects.filter(status="open", due_at__lt=now).exists()
    assert set(RectificationItem.objects.values_list("status", flat=True)) == {"open", "done", "verified"}
    missing = [m for m in Meeting.objects.filter(unit__kind="township") if services.meeting_missing_observers(m)]
    assert [m.unit.code for m in missing] == ["jz-donghu"]
    users = {u.username: u for u in get_user_model().objects.all()}
    assert unit_may_file(users["townhead"], missing[0].unit)
    housing = Meeting.objects.filter(unit__code="jz-housing").first()
    assert unit_may_file(users["head"], housing.unit)
    assert unit_may_file(users["director"], housing.unit)
    assert not unit_may_file(users["cadre"], housing.unit)
    # A second run finds every meeting again.
    count = Meeting.objects.count()
    call_command("seed_demo", password="demo-pass-1", stdout=io.StringIO())
    assert Meeting.objects.count() == count
