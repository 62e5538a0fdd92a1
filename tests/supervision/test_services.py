"""Case services: open → investigating → decided → closed, each with its event; forms of
accountability that fit the subject (2019 Accountability Regulations art. 8)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from supervision import services
from supervision.models import AccountabilityCase, CaseEvent
from supervision.selectors import case_allowed_actions
from supervision.transitions import CASES
from tests.flows.overdue import make_complaint
from tests.supervision.conftest import NOW
from workstyle.errors import InvalidInput, NotAllowed, TransitionError

Case = AccountabilityCase
Form = Case.Form
S = Case.Status
TODAY = date(2026, 5, 11)


def _events(case: Case) -> list[tuple[str, str, str]]:
    return list(CaseEvent.objects.filter(case=case).order_by("id").values_list("verb", "from_state", "to_state"))


def test_open_writes_the_case_and_its_event(cadre_case: Case, org: Any, discipline_user: Any) -> None:
    assert cadre_case.status == S.OPENED
    assert cadre_case.opened_at == NOW
    assert cadre_case.subject_cadre == org.head
    [event] = CaseEvent.objects.filter(case=cadre_case)
    assert (event.verb, event.to_state, event.actor) == ("open", S.OPENED, discipline_user)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"subject_cadre": None, "subject_unit": None}, "subject_cadre"),
        ({"both": True}, "subject_cadre"),
        ({"allegation": "   "}, "allegation"),
        ({"source": "rumour"}, "source"),
        ({"source": Case.Source.COMPLAINT_ESCALATION}, "complaint"),
    ],
)
def test_open_refuses_bad_input(org: Any, discipline_user: Any, kwargs: dict[str, Any], field: str) -> None:
    args: dict[str, Any] = {
        "actor": discipline_user,
        "source": Case.Source.OTHER,
        "allegation": "某事",
        "subject_cadre": org.head,
        "now": NOW,
    }
    if kwargs.pop("both", False):
        args["subject_unit"] = org.bureau
    args.update(kwargs)
    with pytest.raises(InvalidInput) as excinfo:
        services.case_open(**args)
    assert field in excinfo.value.errors
    assert not Case.objects.exists()


def test_one_escalation_case_per_complaint(org: Any, discipline_user: Any) -> None:
    complaint = make_complaint(now=NOW)
    services.case_open(
        actor=None,
        source=Case.Source.COMPLAINT_ESCALATION,
        allegation="拖延",
        subject_cadre=org.head,
        complaint=complaint,
        now=NOW,
    )
    with pytest.raises(InvalidInput) as excinfo:
        services.case_open(
            actor=discipline_user,
            source=Case.Source.COMPLAINT_ESCALATION,
            allegation="又一次",
            subject_cadre=org.cadre,
            complaint=complaint,
            now=NOW,
        )
    assert "complaint" in excinfo.value.errors
    assert Case.objects.count() == 1
    # Other sources may still link the same complaint.
    services.case_open(
        actor=discipline_user,
        source=Case.Source.LETTER,
        allegation="来信",
        subject_unit=org.bureau,
        complaint=complaint,
        now=NOW,
    )
    assert Case.objects.count() == 2


@pytest.mark.parametrize("who", ["orgdept", "cadre"])
def test_only_the_discipline_office_handles_cases(org: Any, orgdept_user: Any, cadre_case: Case, who: str) -> None:
    actor = orgdept_user if who == "orgdept" else org.head.user
    with pytest.raises(NotAllowed):
        services.case_open(actor=actor, source=Case.Source.OTHER, allegation="x", subject_unit=org.bureau, now=NOW)
    with pytest.raises(NotAllowed):
        services.case_investigate(actor=actor, case=cadre_case, now=NOW)
    with pytest.raises(NotAllowed):
        services.case_close(actor=actor, case=cadre_case, note="x", now=NOW)
    cadre_case.refresh_from_db()
    assert cadre_case.status == S.OPENED


def test_the_full_lifecycle_of_a_cadre_case(cadre_case: Case, discipline_user: Any) -> None:
    later = NOW + timedelta(days=3)
    case = services.case_investigate(actor=discipline_user, case=cadre_case, note="成立核查组", now=later)
    assert case.status == S.INVESTIGATING
    case = services.case_decide(
        actor=discipline_user,
        case=case,
        forms=[Form.DISMISSAL, Form.ADMONISHMENT, Form.ADMONISHMENT],
        decision_date=TODAY + timedelta(days=3),
        text="予以诫勉并免职。",
        now=later,
    )
    case.refresh_from_db()
    assert case.status == S.DECIDED
    assert case.decision_forms == [Form.ADMONISHMENT, Form.DISMISSAL]  # the Regulations' order, once each
    assert case.decision_date == TODAY + timedelta(days=3)
    case = services.case_close(actor=discipline_user, case=case, now=later)
    case.refresh_from_db()
    assert case.status == S.CLOSED
    assert case.closed_at == later
    assert _events(case) == [
        ("open", "", S.OPENED),
        ("investigate", S.OPENED, S.INVESTIGATING),
        ("decide", S.INVESTIGATING, S.DECIDED),
        ("close", S.DECIDED, S.CLOSED),
    ]
    decide_event = CaseEvent.objects.get(case=case, verb="decide")
    assert decide_event.data["forms"] == [Form.ADMONISHMENT, Form.DISMISSAL]


def test_a_unit_case_takes_organization_forms(unit_case: Case, discipline_user: Any) -> None:
    case = services.case_investigate(actor=discipline_user, case=unit_case, now=NOW)
    case = services.case_decide(
        actor=discipline_user,
        case=case,
        forms=[Form.REORGANIZATION, Form.CIRCULATED_CRITICISM_ORG],
        decision_date=TODAY,
        text="改组。",
        now=NOW,
    )
    assert case.decision_forms == [Form.CIRCULATED_CRITICISM_ORG, Form.REORGANIZATION]


@pytest.mark.parametrize(
    ("subject", "forms", "message"),
    [
        ("cadre", [Form.REORGANIZATION], "for a cadre"),
        ("cadre", [Form.ADMONISHMENT, Form.INSPECTION], "for a cadre"),
        ("unit", [Form.DISMISSAL], "for a party organization"),
        ("unit", [Form.CIRCULATED_CRITICISM], "for a party organization"),
        ("unit", [], "at least one"),
        ("cadre", ["banishment"], "Unknown form"),
    ],
)
def test_forms_must_fit_the_subject(
    cadre_case: Case, unit_case: Case, discipline_user: Any, subject: str, forms: list[str], message: str
) -> None:
    case = cadre_case if subject == "cadre" else unit_case
    case = services.case_investigate(actor=discipline_user, case=case, now=NOW)
    with pytest.raises(InvalidInput) as excinfo:
        services.case_decide(actor=discipline_user, case=case, forms=forms, decision_date=TODAY, text="决定", now=NOW)
    assert message in excinfo.value.errors["forms"][0]
    case.refresh_from_db()
    assert case.status == S.INVESTIGATING
    assert case.decision_forms == []


@pytest.mark.parametrize(
    ("decision_date", "text", "field"),
    [
        (TODAY + timedelta(days=1), "决定", "decision_date"),
        (TODAY - timedelta(days=1), "决定", "decision_date"),  # before the case was opened
        (TODAY, "  ", "text"),
    ],
)
def test_decision_date_and_text_are_checked(
    cadre_case: Case, discipline_user: Any, decision_date: date, text: str, field: str
) -> None:
    case = services.case_investigate(actor=discipline_user, case=cadre_case, now=NOW)
    with pytest.raises(InvalidInput) as excinfo:
        services.case_decide(
            actor=discipline_user, case=case, forms=[Form.ADMONISHMENT], decision_date=decision_date, text=text, now=NOW
        )
    assert field in excinfo.value.errors


def test_transitions_start_only_from_their_state(cadre_case: Case, discipline_user: Any) -> None:
    with pytest.raises(TransitionError):
        services.case_decide(
            actor=discipline_user, case=cadre_case, forms=[Form.ADMONISHMENT], decision_date=TODAY, text="x", now=NOW
        )
    services.case_investigate(actor=discipline_user, case=cadre_case, now=NOW)
    with pytest.raises(TransitionError):
        services.case_investigate(actor=discipline_user, case=cadre_case, now=NOW)
    services.case_close(actor=discipline_user, case=cadre_case, note="查无实据", now=NOW)
    for attempt in (
        lambda: services.case_close(actor=discipline_user, case=cadre_case, note="x", now=NOW),
        lambda: services.case_investigate(actor=discipline_user, case=cadre_case, now=NOW),
    ):
        with pytest.raises(TransitionError):
            attempt()
    assert [verb for verb, *_ in _events(cadre_case)] == ["open", "investigate", "close"]


def test_closing_without_a_decision_needs_a_reason(cadre_case: Case, discipline_user: Any) -> None:
    with pytest.raises(InvalidInput) as excinfo:
        services.case_close(actor=discipline_user, case=cadre_case, now=NOW)
    assert "note" in excinfo.value.errors
    case = services.case_close(actor=discipline_user, case=cadre_case, note="查无实据，不予问责。", now=NOW)
    assert case.status == S.CLOSED
    assert CaseEvent.objects.get(case=case, verb="close").note == "查无实据，不予问责。"


def test_the_system_may_open_cases(org: Any) -> None:
    case = services.case_open(actor=None, source=Case.Source.OTHER, allegation="x", subject_unit=org.bureau, now=NOW)
    assert CaseEvent.objects.get(case=case).actor is None


# --- the case workflow's table ---------------------------------------------------------------------

CASE_INPUTS: dict[str, dict[str, Any]] = {
    "note": {"note": "查无实据，不予问责。"},
    "decision": {"forms": [Form.ADMONISHMENT], "decision_date": TODAY, "text": "诫勉。"},
}
PATH_TO = {state: CASES.path(state) for state in S.values}


def _case_in(state: str, case: Case, actor: Any) -> Case:
    for action in PATH_TO[state]:
        row = CASES[action]
        case = CASES.service(services, action)(actor=actor, case=case, now=NOW, **CASE_INPUTS[row.input])
    return case


@pytest.mark.parametrize("state", S.values)
@pytest.mark.parametrize("action", [row.action for row in CASES])
def test_each_case_transition_from_each_state(cadre_case: Case, discipline_user: Any, action: str, state: str) -> None:
    row = CASES[action]
    case = _case_in(state, cadre_case, discipline_user)
    before = CaseEvent.objects.filter(case=case).count()
    service = CASES.service(services, action)
    if state in row.sources:
        case = service(actor=discipline_user, case=case, now=NOW, **CASE_INPUTS[row.input])
        assert case.status == row.target
        assert CaseEvent.objects.filter(case=case).order_by("-id").first().verb == row.event_verb
    else:
        with pytest.raises(TransitionError):
            service(actor=discipline_user, case=case, now=NOW, **CASE_INPUTS[row.input])
        assert CaseEvent.objects.filter(case=case).count() == before


@pytest.mark.parametrize("who", ["orgdept", "cadre", "system"])
@pytest.mark.parametrize("action", [row.action for row in CASES])
def test_only_the_discipline_office_takes_case_actions(
    cadre_case: Case, org: Any, orgdept_user: Any, discipline_user: Any, action: str, who: str
) -> None:
    row = CASES[action]
    case = _case_in(row.sources[-1], cadre_case, discipline_user)
    actor = {"orgdept": orgdept_user, "cadre": org.cadre.user, "system": None}[who]
    assert action not in case_allowed_actions(user=actor, case=case)
    assert action in case_allowed_actions(user=discipline_user, case=case)
    with pytest.raises(NotAllowed):
        CASES.service(services, action)(actor=actor, case=case, now=NOW, **CASE_INPUTS[row.input])
