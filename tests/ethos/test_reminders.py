"""Reminders for commitments not signed: 7 days before the deadline and on it to the cadre, after
it to his head; each once, however often the beat runs."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine

from ethos import services, tasks
from ethos.models import CommitmentReminder
from tests.ethos.conftest import NOW, pledges
from workstyle.deadlines import LOCAL_TZ
from workstyle.models import Notification

pytestmark = pytest.mark.django_db


def _at(day: int, month: int = 3, hour: int = 9) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, tzinfo=LOCAL_TZ)


def _notices(kind: str) -> list[str]:
    return sorted(Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True))


def test_reminders_once_each_at_the_right_times(org: Any, year: Any) -> None:
    # year: 2026, due on 31 March.
    with time_machine.travel(_at(23, hour=23), tick=False):
        assert tasks.commitment_reminders() == {"before": 0, "due": 0, "head": 0}
    assert not Notification.objects.exists()

    with time_machine.travel(_at(24, hour=0) + dt.timedelta(minutes=1), tick=False):
        counts = tasks.commitment_reminders()
    assert counts["before"] == 5
    assert _notices("commitment_reminder") == ["bhead-t", "cadre-t", "head-t", "other-t", "town-t"]

    # Later that week: nobody is reminded twice.
    with time_machine.travel(_at(27), tick=False):
        assert tasks.commitment_reminders() == {"before": 0, "due": 0, "head": 0}
    assert len(_notices("commitment_reminder")) == 5

    commitment = services.commitment_create(actor=org.cadre.user, year=year, pledges=pledges(), now=NOW)
    services.commitment_sign(actor=org.cadre.user, commitment=commitment, now=NOW)
    # A draft is not a signed commitment.
    services.commitment_create(actor=org.other.user, year=year, pledges=pledges(), now=NOW)

    with time_machine.travel(_at(31, hour=8), tick=False):
        assert tasks.commitment_reminders()["due"] == 4
        assert tasks.commitment_reminders()["due"] == 0
    assert _notices("commitment_due_today") == ["bhead-t", "head-t", "other-t", "town-t"]

    with time_machine.travel(_at(1, month=4, hour=0) + dt.timedelta(minutes=1), tick=False):
        assert tasks.commitment_reminders()["head"] == 4
        assert tasks.commitment_reminders()["head"] == 0
    # 赵科员 (records: no head) and 王主任 (heads his own office) → the bureau's head; 钱镇干's
    # township has no head; 孙局长 heads the bureau himself: nobody above him here.
    assert _notices("commitment_missing_head") == ["bhead-t", "bhead-t"]
    names = sorted(n.params["name"] for n in Notification.objects.filter(kind="commitment_missing_head"))
    assert names == ["王主任", "赵科员"]
    assert CommitmentReminder.objects.filter(stage="head").count() == 4
    assert not CommitmentReminder.objects.filter(cadre=org.cadre, stage__in=["due", "head"]).exists()


def test_first_run_on_the_deadline_sends_only_the_day_s_reminder(org: Any, year: Any) -> None:
    with time_machine.travel(_at(31, hour=23), tick=False):
        counts = tasks.commitment_reminders()
    assert counts == {"before": 0, "due": 5, "head": 0}
    assert not Notification.objects.filter(kind="commitment_reminder").exists()


def test_inactive_cadres_are_not_reminded(org: Any, year: Any) -> None:
    org.town_cadre.active = False
    org.town_cadre.save()
    with time_machine.travel(_at(25), tick=False):
        assert tasks.commitment_reminders()["before"] == 4
    assert "town-t" not in _notices("commitment_reminder")
