"""The generic deadline ladder: a kind declared and registered here, in the test, climbs reminder,
level 1 and level 2 (with its accountability case) through ``ladder_sweep`` with no sweep code of
its own; each step once. Also the registry, the ``escalate_overdue`` command and the layering
(the ladder knows no app)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import datetime, timedelta
from io import StringIO
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import connection, models
from django.utils import timezone

from supervision.models import AccountabilityCase, CaseEvent
from tests.factories.org import UserFactory
from workstyle import ladder
from workstyle.ladder import (
    DUE,
    OFFICE,
    LadderCase,
    LadderKind,
    LadderStep,
    Row,
    ladder_register,
    ladder_sweep,
    ladder_unregister,
)
from workstyle.models import EventBase, Notification
from workstyle.notifications import KINDS, register_kind

START = datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
DAY = timedelta(days=1)
# The kinds the apps register, in the order of INSTALLED_APPS.
# The apps' kinds in the order the apps are installed (cadres before complaints and meetings).
APP_KINDS = ["debriefings", "complaints", "meeting_reports", "rectifications"]
ZERO = {"reminded": 0, "escalated_1": 0, "escalated_2": 0, "cases_opened": 0}


# --- a kind that exists only in this module ----------------------------------------------------------
# Its app label is no installed app: Django's model checks, migrations and reverse relations never
# see these models, and their tables are made inside each test's transaction (rolled back after).


class Chore(models.Model):
    """Something to be done by a deadline: ``due_at`` while due, ``check_due_at`` while checked."""

    title = models.CharField(max_length=40)
    state = models.CharField(max_length=16, default="due")
    due_at = models.DateTimeField(null=True)
    check_due_at = models.DateTimeField(null=True)
    # Plain ids rather than foreign keys: no constraint DDL on the project's tables inside the test.
    owner_user_id = models.IntegerField(null=True)
    head_user_id = models.IntegerField(null=True)
    recused_user_id = models.IntegerField(null=True)
    unit_ref = models.IntegerField(null=True)
    # Ladder columns under names of its own.
    rung = models.PositiveSmallIntegerField(default=0)
    rung_at = models.DateTimeField(null=True)
    reminded_due = models.DateTimeField(null=True)
    touched_at = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = "ladder_tests"

    def __str__(self) -> str:
        return self.title


class ChoreEvent(EventBase):
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+", db_constraint=False
    )
    chore = models.ForeignKey(Chore, on_delete=models.PROTECT, related_name="events")

    class Meta(EventBase.Meta):
        app_label = "ladder_tests"


NOTICES = ("chore_reminder", "chore_late", "chore_check_late", "chore_late_office")


def _case(row: Row) -> LadderCase:
    due = timezone.localtime(row[DUE]).date().isoformat()
    return LadderCase(
        source="other", allegation=f"Chore {row['title']} not done by {due}", subject_unit_id=row["unit_ref"]
    )


CHORES = LadderKind(
    name="chores",
    label="Chores",
    model=Chore,
    state_field="state",
    deadlines={"due": "due_at", "check": "check_due_at"},
    fields=("title", "state", "owner_user_id", "head_user_id", "recused_user_id", "unit_ref"),
    level_field="rung",
    escalated_at_field="rung_at",
    reminded_for_field="reminded_due",
    reminder=LadderStep(notify=lambda row: [row["owner_user_id"], OFFICE], notice="chore_reminder"),
    level_1=LadderStep(
        notify=lambda row: [row["head_user_id"], OFFICE],
        notice=lambda row: "chore_check_late" if row["state"] == "check" else "chore_late",
    ),
    level_2=LadderStep(notify=lambda row: [OFFICE], notice="chore_late_office"),
    recused=lambda row: [row["recused_user_id"]],
    params=lambda row: {"title": row["title"]},
    url=lambda row: f"/chores/{row['pk']}/",
    event_model=ChoreEvent,
    event_fk="chore",
    case=_case,
    describe=lambda row: str(row["title"]),
)


@pytest.fixture
def chores(db: Any) -> Iterator[None]:
    """The chores' tables (in the test's transaction) and the kind on the ladder, for this test only."""
    with connection.schema_editor() as editor:
        editor.create_model(Chore)
        editor.create_model(ChoreEvent)
    for notice in NOTICES:
        register_kind(notice, subject=f"{notice} {{title}}", body="{title} {due}")
    ladder_register(CHORES)
    try:
        yield
    finally:
        ladder_unregister(CHORES.name)
        for notice in NOTICES:
            KINDS.pop(notice, None)
        # The chores' content type vanishes with the transaction: forget its cached id too.
        ContentType.objects.clear_cache()


@pytest.fixture
def clock() -> Any:
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def notices(user: Any) -> list[tuple[str, str]]:
    return list(Notification.objects.filter(recipient=user).order_by("id").values_list("kind", "url"))


def steps(chore: Chore) -> list[tuple[str, str, str]]:
    return list(chore.events.order_by("id").values_list("verb", "from_state", "to_state"))


def test_a_kind_registered_in_a_test_climbs_the_whole_ladder_once(
    chores: None, org: Any, discipline_user: Any, clock: Any
) -> None:
    other_officer = UserFactory(username="inspector-2", groups=["discipline"])
    late = Chore.objects.create(
        title="roof",
        due_at=START + 2 * DAY,
        owner_user_id=org.cadre.user.pk,
        head_user_id=org.head.user.pk,
        recused_user_id=discipline_user.pk,  # the office is told, but never this officer
        unit_ref=org.bureau.pk,
    )
    # Being checked, nobody heads it: the office is told at level 1, with the variant notice.
    checked = Chore.objects.create(
        title="fence", state="check", due_at=START - 90 * DAY, check_due_at=START + DAY, unit_ref=org.township.pk
    )
    # Neither done nor drafted chores owe anything, however old their dates.
    Chore.objects.create(title="done", state="done", due_at=START - 30 * DAY)
    Chore.objects.create(title="draft", state="draft", due_at=START - 30 * DAY, check_due_at=START - 30 * DAY)

    def sweep() -> dict[str, int]:
        counts = ladder_sweep(now=timezone.now())
        assert counts["complaints"] == ZERO  # the complaints' kind runs too, and has nothing to do
        return counts["chores"]

    # Reminder: both are under three days from their running deadline.
    assert sweep() == {**ZERO, "reminded": 2}
    assert sweep() == ZERO
    late.refresh_from_db()
    assert late.reminded_due == late.due_at
    assert steps(late) == [("remind", "", "")]
    assert notices(org.cadre.user) == [("chore_reminder", f"/chores/{late.pk}/")]
    # No owner: the office, each officer once.
    assert notices(other_officer) == notices(discipline_user) == [("chore_reminder", f"/chores/{checked.pk}/")]
    reminder = Notification.objects.get(recipient=org.cadre.user)
    assert reminder.params == {"title": "roof", "due": "2026-03-04"}

    # Level 0 → 1 once the running deadline has passed.
    clock.move_to(START + 2 * DAY + timedelta(minutes=1))
    assert sweep() == {**ZERO, "escalated_1": 2}
    assert sweep() == ZERO
    late.refresh_from_db()
    assert (late.rung, late.rung_at) == (1, START + 2 * DAY + timedelta(minutes=1))
    assert late.touched_at == late.rung_at  # an UPDATE skips auto_now: the ladder sets it
    assert steps(late) == [("remind", "", ""), ("escalate", "0", "1")]
    assert notices(org.head.user) == [("chore_late", f"/chores/{late.pk}/")]
    assert Notification.objects.get(recipient=org.head.user).params == {
        "title": "roof",
        "due": "2026-03-04",
        "days": settings.WORKSTYLE_ESCALATION_DAYS,
    }
    assert notices(other_officer)[-1] == notices(discipline_user)[-1] == ("chore_check_late", f"/chores/{checked.pk}/")

    # Level 1 → 2 when both the escalation and the deadline are seven days old: one case each.
    clock.move_to(START + 9 * DAY)
    assert sweep() == ZERO
    clock.move_to(START + 9 * DAY + timedelta(minutes=1))
    assert sweep() == {**ZERO, "escalated_2": 2, "cases_opened": 2}
    for days in (10, 40):
        clock.move_to(START + days * DAY)
        assert sweep() == ZERO

    late.refresh_from_db()
    assert late.rung == 2
    chore_type = ContentType.objects.get_for_model(Chore)
    case = AccountabilityCase.objects.get(subject_unit=org.bureau)
    assert (case.escalated_type, case.escalated_id) == (chore_type, late.pk)
    assert case.complaint is None
    assert case.source == AccountabilityCase.Source.OTHER
    assert case.allegation == "Chore roof not done by 2026-03-04"
    assert case.status == AccountabilityCase.Status.OPENED
    other = AccountabilityCase.objects.get(subject_unit=org.township)
    assert (other.escalated_type, other.escalated_id) == (chore_type, checked.pk)
    assert CaseEvent.objects.filter(case=case, verb="open", actor=None).count() == 1
    assert steps(late) == [("remind", "", ""), ("escalate", "0", "1"), ("escalate", "1", "2")]
    assert late.events.get(to_state="2").data["case"] == case.pk
    assert notices(other_officer)[-2:] == [
        ("chore_late_office", f"/chores/{late.pk}/"),
        ("chore_late_office", f"/chores/{checked.pk}/"),
    ]
    # Recused from ``late``: told about ``checked`` only.
    assert notices(discipline_user)[-1:] == [("chore_late_office", f"/chores/{checked.pk}/")]
    assert AccountabilityCase.objects.count() == 2
    assert ChoreEvent.objects.count() == 6
    assert Notification.objects.count() == 9


def test_a_case_that_exists_for_the_item_is_kept(chores: None, org: Any, discipline_user: Any, clock: Any) -> None:
    chore = Chore.objects.create(
        title="gate", due_at=START - 9 * DAY, rung=1, rung_at=START - 8 * DAY, unit_ref=org.bureau.pk
    )
    AccountabilityCase.objects.create(
        source=AccountabilityCase.Source.OTHER,
        escalated_type=ContentType.objects.get_for_model(Chore),
        escalated_id=chore.pk,
        subject_unit=org.township,
        allegation="opened by hand",
        opened_at=START - DAY,
    )
    assert ladder_sweep(now=timezone.now(), kinds=["chores"]) == {"chores": {**ZERO, "escalated_2": 1}}
    assert AccountabilityCase.objects.get().allegation == "opened by hand"
    assert chore.events.get().data["case"] is None


def test_without_a_case_opener_level_2_rolls_back(
    chores: None, org: Any, discipline_user: Any, clock: Any, monkeypatch: Any
) -> None:
    chore = Chore.objects.create(
        title="gate", due_at=START - 9 * DAY, rung=1, rung_at=START - 8 * DAY, unit_ref=org.bureau.pk
    )
    monkeypatch.setattr(ladder, "_case_opener", None)
    with pytest.raises(ImproperlyConfigured):
        ladder_sweep(now=timezone.now(), kinds=["chores"])
    chore.refresh_from_db()
    assert chore.rung == 1
    assert not ChoreEvent.objects.exists()
    assert not Notification.objects.exists()


def test_the_sweep_runs_the_kinds_named(chores: None, org: Any, clock: Any) -> None:
    Chore.objects.create(title="roof", due_at=START - DAY, head_user_id=org.head.user.pk)
    assert ladder_sweep(now=timezone.now(), kinds=["complaints"]) == {"complaints": ZERO}
    assert not ChoreEvent.objects.exists()
    assert ladder_sweep(now=timezone.now(), kinds=["chores"]) == {"chores": {**ZERO, "escalated_1": 1}}
    with pytest.raises(ValueError, match="unknown ladder kind: nonsense"):
        ladder_sweep(now=timezone.now(), kinds=["nonsense"])
    with pytest.raises(ValueError, match="batch_size"):
        ladder_sweep(now=timezone.now(), batch_size=0)


def test_the_command_prints_each_step_under_each_kind(chores: None, org: Any, clock: Any) -> None:
    Chore.objects.create(title="roof", due_at=START + DAY, owner_user_id=org.cadre.user.pk)
    Chore.objects.create(title="wall", due_at=START - DAY, head_user_id=org.head.user.pk)

    def run(*args: str) -> dict[str, list[str]]:
        out = StringIO()
        call_command("escalate_overdue", *args, stdout=out)
        sections: dict[str, list[str]] = {}
        for line in out.getvalue().splitlines():
            if ": " in line:
                sections[next(reversed(sections))].append(line)
            else:
                sections[line.split(" ")[0]] = []
        return sections

    first = run()
    assert list(first) == [*APP_KINDS, "chores"]
    assert first["complaints"] == ["reminded: 0", "escalated_1: 0", "escalated_2: 0", "cases_opened: 0"]
    assert first["chores"] == ["reminded: 1", "escalated_1: 1", "escalated_2: 0", "cases_opened: 0"]
    assert run("--kind", "chores") == {"chores": ["reminded: 0", "escalated_1: 0", "escalated_2: 0", "cases_opened: 0"]}
    with pytest.raises(CommandError, match="unknown kind: nonsense"):
        run("--kind", "nonsense")


# --- declaring kinds -------------------------------------------------------------------------------


def test_a_kind_name_is_registered_once(chores: None) -> None:
    ladder_register(CHORES)  # the same kind again changes nothing
    with pytest.raises(ImproperlyConfigured, match="registered already"):
        ladder_register(dataclasses.replace(CHORES))
    assert [kind.name for kind in ladder.ladder_kinds()] == [*APP_KINDS, "chores"]


def test_a_misspelt_column_fails_when_the_kind_is_declared() -> None:
    with pytest.raises(FieldDoesNotExist):
        dataclasses.replace(CHORES, name="typo", level_field="escalation_level")
    with pytest.raises(FieldDoesNotExist):
        dataclasses.replace(CHORES, name="typo", deadlines={"due": "deadline"})
    with pytest.raises(ImproperlyConfigured, match="either deadlines or deadline"):
        dataclasses.replace(CHORES, name="both", deadline=models.F("due_at"))


def test_the_deadline_and_the_overdue_filter_follow_the_mapping(chores: None) -> None:
    deadlines = {"due": "due_at", "late": "due_at", "check": "check_due_at"}
    made = {
        state: Chore.objects.create(title=state, state=state, due_at=START - DAY, check_due_at=START + DAY)
        for state in ("due", "late", "check", "done")
    }
    due = dict(
        Chore.objects.annotate(d=ladder.ladder_due_expression(deadlines, state_field="state")).values_list("title", "d")
    )
    assert due == {"due": START - DAY, "late": START - DAY, "check": START + DAY, "done": None}
    overdue = Chore.objects.filter(ladder.ladder_overdue_q(deadlines, now=START, state_field="state"))
    assert set(overdue) == {made["due"], made["late"]}


def test_ladder_url_is_reverse_for_every_id() -> None:
    from django.urls import NoReverseMatch, reverse, set_script_prefix

    url = ladder.LadderUrl("complaints:detail")
    for pk in (1, 7, 10, 987654321, 2**40):
        assert url({"pk": pk}) == reverse("complaints:detail", args=[pk])
    # A deployment under a path prefix gets its own links.
    set_script_prefix("/portal/")
    try:
        assert url({"pk": 5}) == reverse("complaints:detail", args=[5]) == "/portal/workbench/complaints/5/"
    finally:
        set_script_prefix("/")
    assert ladder.LadderUrl("meetings:detail", key="meeting_id")({"meeting_id": 3}) == reverse(
        "meetings:detail", args=[3]
    )
    with pytest.raises(NoReverseMatch):
        ladder.LadderUrl("home")({"pk": 1})
