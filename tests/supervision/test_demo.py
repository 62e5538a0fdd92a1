"""The supervision demo: cases in every status through the services; a second run changes nothing."""

from __future__ import annotations

from io import StringIO
from typing import Any

from django.utils import timezone

from cadres import demo as org_demo
from supervision import demo
from supervision.models import AccountabilityCase, CaseEvent, Conversation

Case = AccountabilityCase


def test_seed_is_idempotent_and_goes_through_the_services(db: Any) -> None:
    org_demo.seed(password="demo-password-1", stdout=StringIO())
    now = timezone.now()
    demo.seed(now=now, stdout=StringIO())
    cases = {case.source: case for case in Case.objects.all()}
    assert set(cases) == {Case.Source.INSPECTION, Case.Source.AUDIT, Case.Source.LETTER, Case.Source.MEETING}
    assert {case.status for case in cases.values()} == set(Case.Status.values)
    decided = cases[Case.Source.INSPECTION]
    assert decided.status == Case.Status.DECIDED
    assert decided.subject_unit is not None
    assert decided.decision_forms == [Case.Form.INSPECTION, Case.Form.CIRCULATED_CRITICISM_ORG]
    assert cases[Case.Source.AUDIT].decision_forms == [Case.Form.ADMONISHMENT]
    # Every step left its event, written by the services.
    assert list(CaseEvent.objects.filter(case=cases[Case.Source.AUDIT]).values_list("verb", flat=True)) == [
        "open",
        "investigate",
        "decide",
        "close",
    ]
    events = CaseEvent.objects.count()
    # The cadre the demo appraisal flags has had his reminding conversation.
    assert list(Conversation.objects.values_list("cadre__staff_number", "kind")) == [
        (demo.CONVERSATION_CADRE, Conversation.Kind.REMINDING)
    ]

    out = StringIO()
    demo.seed(now=timezone.now(), stdout=out)
    assert Case.objects.count() == 4
    assert CaseEvent.objects.count() == events
    assert Conversation.objects.count() == 1
    assert "0 accountability cases opened" in out.getvalue()


def test_seed_without_the_organisation_does_nothing(db: Any) -> None:
    out = StringIO()
    demo.seed(now=timezone.now(), stdout=out)
    assert not Case.objects.exists()
    assert "skipped" in out.getvalue()
