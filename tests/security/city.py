"""A small city with people in every role and records in and out of each one's scope, for the
security matrices: complaints routed to different departments, one naming a department head, one
naming a discipline officer, one naming an administrator, a merged pair, cases, notices, a leading
cadre's debriefing and personal-matter report."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.utils import timezone

from cadres import services as records
from complaints import services
from supervision import services as cases
from tests.factories.complaints import complaint_in_state
from tests.factories.org import CadreFactory, UserFactory
from tests.security.city_ethos import build_ethos
from workstyle import export_services
from workstyle.services import api_token_issue


@dataclass
class City:
    org: Any
    users: dict[str, Any]  # role → user (None: anonymous)
    complaints: dict[str, Any]
    cases: dict[str, Any] = field(default_factory=dict)
    meetings: dict[str, Any] = field(default_factory=dict)

    @property
    def named(self) -> dict[str, Any]:
        """role → the complaints that name that role's user (each must stay hidden from him)."""
        return {
            "head": [
                self.complaints["names_head"],
                self.complaints["merged_duplicate"],
                self.complaints["merged_target"],
            ],
            "named_officer": [self.complaints["names_officer"]],
            "named_superuser": [self.complaints["names_superuser"]],
        }


def build_city(org: Any, discipline: Any) -> City:
    now = timezone.now()
    officer = CadreFactory(
        department=org.records, name="周监督", user=UserFactory(username="officer-s", groups=["discipline"])
    )
    root = CadreFactory(
        department=org.records,
        name="吴管理",
        user=UserFactory(username="root-named-s", is_superuser=True, is_staff=True),
    )
    users = {
        "anonymous": None,
        "discipline": discipline,
        "leader": UserFactory(username="leader-s", groups=["discipline", "discipline_leader"]),
        "orgdept": UserFactory(username="orgdept-s", groups=["orgdept"]),
        "superuser": UserFactory(username="root-s", is_superuser=True, is_staff=True),
        "head": org.head.user,
        "handler": org.cadre.user,
        "other": org.other.user,
        "bureau_head": org.bureau_head.user,
        "town": org.town_cadre.user,
        "no_cadre": UserFactory(username="nobody-s"),
        "named_officer": officer.user,
        "named_superuser": root.user,
    }
    office = {"department": org.office, "handler": org.cadre, "discipline": discipline}

    def make(key: str, state: str, **fields: Any) -> Any:
        # A title of its own, so that an answer that leaks the complaint is caught by its words.
        return complaint_in_state(state, title=f"投诉事项「{key}」", **fields)

    complaints = {
        "submitted": make("submitted", "submitted", discipline=discipline),
        "office": make("office", "assigned", **office),
        "records": make("records", "accepted", department=org.records, discipline=discipline),
        "town": make("town", "accepted", department=org.town_office, discipline=discipline),
        "names_head": make("names_head", "accepted", unit=org.bureau, accused_cadre=org.head, **office),
        "names_officer": make("names_officer", "assigned", accused_cadre=officer, **office),
        "names_superuser": make("names_superuser", "assigned", accused_cadre=root, **office),
        "merged_duplicate": make("merged_duplicate", "accepted", department=org.office, discipline=discipline),
        "merged_target": make(
            "merged_target", "submitted", unit=org.bureau, accused_cadre=org.head, discipline=discipline
        ),
    }
    services.complaint_merge(
        actor=discipline, complaint=complaints["merged_duplicate"], into=complaints["merged_target"], now=now
    )
    for key in ("merged_duplicate", "merged_target"):
        complaints[key].refresh_from_db()
    city = City(org=org, users=users, complaints=complaints)

    def case(key: str, source: str, **subject: Any) -> Any:
        return cases.case_open(actor=discipline, source=source, allegation=f"问责事由「{key}」", now=now, **subject)

    city.cases = {
        "about_office": case("about_office", "letter", subject_cadre=org.cadre, complaint=complaints["office"]),
        "against_head": case("against_head", "inspection", subject_cadre=org.head),
        "about_officer_complaint": case(
            "about_officer_complaint", "letter", subject_cadre=org.cadre, complaint=complaints["names_officer"]
        ),
        "against_unit": case("against_unit", "audit", subject_unit=org.township),
    }
    city.meetings = build_meetings(org, discipline, now)
    build_ethos(org, users, now)
    # The cadre's file and the notices: a year's debriefings (the head's, as a leading cadre), his
    # personal-matter report, a draft and a published notice.
    records.debriefing_round_set(
        actor=users["orgdept"], year=now.year, due_on=timezone.localdate() + timedelta(days=30), now=now
    )
    records.personal_report_create(
        actor=org.head.user, year=now.year - 1, items=[{"kind": "property", "description": "住房一套"}], now=now
    )
    cases.notice_create(actor=discipline, title="先进典型「draft」", body="事迹", cadre=org.cadre, now=now)
    published = cases.notice_create(
        actor=discipline, title="先进典型「published」", body="事迹", cadre=org.other, now=now
    )
    cases.notice_publish(actor=users["leader"], notice=published, now=now)
    # Exports, each its requester's alone: the discipline office's complaints, the head's and the
    # organization department's rosters, written and ready.
    for role, kind in (("discipline", "complaints"), ("head", "roster"), ("orgdept", "roster")):
        export = export_services.export_request(actor=users[role], kind=kind, format="csv", filters={}, now=now)
        export_services.export_write(export_id=export.pk, now=now)
    # Every user with an account holds an API token (the tokens' own addresses are in the matrix).
    for user in users.values():
        if user is not None:
            api_token_issue(user=user, now=now, name="matrix")
    return city


def build_meetings(org: Any, discipline: Any, now: Any) -> dict[str, Any]:
    """The bureau's submitted meeting (the two bodies review it) and its draft (the bureau's alone),
    the township's draft with the office's observer, each with a problem and an item of its own."""
    from meetings import services as meetings

    org.bureau_head.is_leading = True
    org.bureau_head.save(update_fields=["is_leading"])
    org.town_cadre.is_leading = True
    org.town_cadre.save(update_fields=["is_leading"])
    org.township.head = org.town_cadre
    org.township.save(update_fields=["head"])
    today = timezone.localdate(now)

    def meeting(key: str, filer: Any, unit: Any, attendees: list[Any], responsible: Any, **kwargs: Any) -> Any:
        held = meetings.meeting_create(
            actor=filer.user, unit=unit, held_on=today, attendees=attendees, now=now, **kwargs
        )
        problem = meetings.meeting_add_problem(actor=filer.user, meeting=held, text=f"查摆问题「{key}」", now=now)
        meetings.rectification_create(
            actor=filer.user,
            problem=problem,
            measure=f"整改措施「{key}」",
            responsible=responsible,
            deadline=today,
            now=now,
        )
        return held

    found = {
        "bureau_submitted": meeting("bureau_submitted", org.bureau_head, org.bureau, [org.bureau_head], org.cadre),
        "bureau_draft": meeting("bureau_draft", org.bureau_head, org.bureau, [org.bureau_head], org.other),
        "town_draft": meeting(
            "town_draft", org.town_cadre, org.township, [org.town_cadre], org.town_cadre, observers=[discipline]
        ),
    }
    meetings.report_submit(actor=org.bureau_head.user, report=found["bureau_submitted"].report, now=now)
    return found
