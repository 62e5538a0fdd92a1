"""The cast of the complaint workflow's tests: a small city's people in every role, complaints
brought to any state, the preconditions the table's guards name, and the rules' oracle of who may
take which action."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from complaints import services
from complaints.models import Complaint
from tests.factories.complaints import action_inputs, complaint_in_state, take
from workstyle.workflow import Transition

CN = ZoneInfo("Asia/Shanghai")
T0 = dt.datetime(2025, 3, 3, 10, 0, tzinfo=CN)  # a Monday, far from any holiday
NOW = T0 + dt.timedelta(hours=2)
S = Complaint.Status


@dataclass
class World:
    org: Any
    discipline: Any
    orgdept: Any
    superuser: Any
    spare: Any  # another cadre of the office, a second possible handler

    def actor(self, role: str) -> Any:
        return {
            "discipline": self.discipline,
            "orgdept": self.orgdept,
            "superuser": self.superuser,
            "head": self.org.head.user,
            "handler": self.org.cadre.user,
            "other": self.org.other.user,
            "bureau_head": self.org.bureau_head.user,
            "system": None,
        }[role]

    def complaint(self, status: str, **kwargs: Any) -> Complaint:
        return complaint_in_state(
            status, department=self.org.office, handler=self.org.cadre, discipline=self.discipline, now=T0, **kwargs
        )


def pending_extension(world: World, complaint: Complaint) -> None:
    if complaint.status in (S.ACCEPTED, S.ASSIGNED):
        services.complaint_request_extension(
            actor=world.actor("head"), complaint=complaint, days=10, reason="需调取档案", now=T0
        )


def pending_identity_request(world: World, complaint: Complaint) -> None:
    # The administrator sees every complaint and, outside the discipline office, must ask.
    services.complaint_request_identity(actor=world.superuser, complaint=complaint, reason="需要联系", now=T0)


def return_window_open(world: World, complaint: Complaint) -> None:
    # The window runs from routing; pages and the API judge it at the clock's real time.
    if complaint.routed_at is not None:
        complaint.routed_at = timezone.now()
        Complaint.objects.filter(pk=complaint.pk).update(routed_at=complaint.routed_at)


# The guards of the table that a fresh complaint does not meet by itself, made true for a test.
GUARD_SETUP: dict[str, Callable[[World, Complaint], None]] = {
    "pending_extension": pending_extension,
    "pending_identity_request": pending_identity_request,
    "return_window_open": return_window_open,
}


def set_up(world: World, row: Transition, complaint: Complaint) -> None:
    for guard in row.guards:
        if guard.name in GUARD_SETUP:
            GUARD_SETUP[guard.name](world, complaint)


def take_row(world: World, row: Transition, complaint: Complaint, actor: Any) -> Any:
    inputs = action_inputs(row, complaint, department=world.org.records, handler=world.spare, now=NOW)
    return take(row, complaint, actor=actor, now=NOW, **inputs)


ROLES = ["discipline", "orgdept", "superuser", "head", "handler", "other", "bureau_head", "system"]
# Who may take each action, as the rules say it (docs/RULES.md); the table must agree. "system" is the
# actor-less party: the complainant on the public side, or the system's own sweeps.
MAY = {
    "accept": {"discipline"},
    "reject": {"discipline"},
    "assign": {"head"},
    "reply": {"head", "handler"},
    # A review is the discipline office's, never the replier's: he may add a statement.
    "reply_review": {"discipline"},
    "review_statement": {"head", "handler"},
    "request_extension": {"head"},
    "reroute": {"discipline"},
    "return": {"head"},
    "close": {"discipline"},
    "follow_up": {"discipline"},
    "merge": {"discipline"},
    "link_accused": {"discipline"},
    "approve_extension": {"discipline"},
    "refuse_extension": {"discipline"},
    "reveal_identity": {"discipline"},
    "request_identity": {"superuser", "head", "handler"},
    "grant_identity": {"discipline"},
    "refuse_identity": {"discipline"},
    "feedback": {"system"},
    "request_review": {"system"},
    "supplement": {"system"},
}
