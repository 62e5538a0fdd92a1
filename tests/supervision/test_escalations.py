"""The cases the deadline ladder opens: many at once, each linked to the item that escalated (and a
complaint's also to its complaint), at most one per item, a case that exists kept; and the data
migration that links the complaint cases opened before the generic link."""

from __future__ import annotations

import importlib
from types import SimpleNamespace
from typing import Any

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from complaints.models import Complaint
from supervision import services
from supervision.escalations import case_open_for_escalations
from supervision.models import AccountabilityCase, CaseEvent
from tests.flows.overdue import make_complaint
from tests.supervision.conftest import NOW
from workstyle import ladder
from workstyle.ladder import LadderCase

Case = AccountabilityCase
ESCALATION = Case.Source.COMPLAINT_ESCALATION


def _draft(**kwargs: Any) -> LadderCase:
    return LadderCase(source=ESCALATION, allegation="拖延", **kwargs)


def test_the_supervision_app_opens_the_ladders_cases() -> None:
    assert ladder._case_opener is case_open_for_escalations


def test_cases_link_the_item_generically_and_the_complaint_by_its_own_key(org: Any) -> None:
    first, second = make_complaint(now=NOW), make_complaint(now=NOW)
    cases = case_open_for_escalations(
        model=Complaint,
        drafts={first.pk: _draft(subject_cadre_id=org.head.pk), second.pk: _draft(subject_unit_id=org.bureau.pk)},
        now=NOW,
    )
    assert set(cases) == {first.pk, second.pk}
    for complaint in (first, second):
        case = Case.objects.get(pk=cases[complaint.pk].pk)
        assert case.escalated_item == complaint
        assert case.complaint == complaint
        assert case.source == ESCALATION
        assert (case.status, case.opened_at) == (Case.Status.OPENED, NOW)
        [event] = CaseEvent.objects.filter(case=case)
        assert (event.verb, event.actor, event.data) == ("open", None, {"sweep": True})
    assert Case.objects.get(complaint=second).subject_unit == org.bureau


def test_an_item_keeps_the_case_it_has(org: Any, discipline_user: Any) -> None:
    by_sweep, by_hand, fresh = (make_complaint(now=NOW) for _ in range(3))
    case_open_for_escalations(model=Complaint, drafts={by_sweep.pk: _draft(subject_cadre_id=org.head.pk)}, now=NOW)
    # Opened by hand: linked by the complaint only, as case_open does.
    services.case_open(
        actor=discipline_user,
        source=ESCALATION,
        allegation="手工立案",
        subject_cadre=org.head,
        complaint=by_hand,
        now=NOW,
    )
    drafts = {c.pk: _draft(subject_cadre_id=org.cadre.pk) for c in (by_sweep, by_hand, fresh)}
    with CaptureQueriesContext(connection) as queries:
        cases = case_open_for_escalations(model=Complaint, drafts=drafts, now=NOW)
    assert set(cases) == {fresh.pk}
    assert Case.objects.count() == 3
    assert len(queries) <= 4  # content type, existing cases, cases, events: not one per item


def test_drafts_without_a_subject_open_nothing(org: Any) -> None:
    complaint = make_complaint(now=NOW)
    with CaptureQueriesContext(connection) as queries:
        assert case_open_for_escalations(model=Complaint, drafts={complaint.pk: _draft()}, now=NOW) == {}
    assert not queries.captured_queries
    assert not Case.objects.exists()


def test_an_unknown_source_is_refused(org: Any) -> None:
    complaint = make_complaint(now=NOW)
    draft = LadderCase(source="gossip", allegation="x", subject_cadre_id=org.head.pk)
    with pytest.raises(ValueError, match="gossip"):
        case_open_for_escalations(model=Complaint, drafts={complaint.pk: draft}, now=NOW)


def test_the_database_refuses_a_second_escalation_case_for_an_item(org: Any) -> None:
    complaint = make_complaint(now=NOW)
    complaint_type = ContentType.objects.get_for_model(Complaint)
    link = {"escalated_type": complaint_type, "escalated_id": complaint.pk}
    Case.objects.create(source=Case.Source.OTHER, subject_unit=org.bureau, allegation="a", opened_at=NOW, **link)
    with pytest.raises(IntegrityError, match="one_escalation_case_per_item"), transaction.atomic():
        Case.objects.create(source=Case.Source.AUDIT, subject_unit=org.bureau, allegation="b", opened_at=NOW, **link)
    with pytest.raises(IntegrityError, match="escalated_item_complete"), transaction.atomic():
        Case.objects.create(
            source=Case.Source.AUDIT, subject_unit=org.bureau, allegation="c", opened_at=NOW, escalated_id=1
        )


def test_the_migration_links_the_complaint_cases_opened_before(org: Any) -> None:
    migration = importlib.import_module("supervision.migrations.0003_escalated_item")
    escalated, mentioned = make_complaint(now=NOW), make_complaint(now=NOW)
    old = Case.objects.create(
        source=ESCALATION, complaint=escalated, subject_cadre=org.head, allegation="拖延", opened_at=NOW
    )
    letter = Case.objects.create(
        source=Case.Source.LETTER, complaint=mentioned, subject_cadre=org.head, allegation="来信", opened_at=NOW
    )
    editor = SimpleNamespace(connection=connection)
    for _ in range(2):  # running it again changes nothing
        migration.link_complaint_escalations(apps, editor)
        old.refresh_from_db()
        letter.refresh_from_db()
        assert old.escalated_item == escalated
        assert (letter.escalated_type, letter.escalated_id) == (None, None)  # not an escalation
