"""The meetings' services: the township observer rule, the report's state machine by every role,
the 15-day due date, the rectification items' workflow, and bad input refused with a message that
changes nothing."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cadres.models import Ethos
from meetings import services
from meetings.models import Meeting, MeetingReport, MeetingReportEvent, RectificationItem
from meetings.transitions import RECTIFICATIONS, REPORTS
from tests.factories.meetings import make_item, make_meeting
from tests.factories.org import UserFactory
from tests.meetings.conftest import NOW, Cast
from workstyle.errors import InvalidInput, NotAllowed, TransitionError
from workstyle.models import Notification

pytestmark = pytest.mark.django_db

RS = MeetingReport.Status
IS = RectificationItem.Status
TODAY = NOW.date()


def _snapshot() -> dict[str, Any]:
    return {
        "meetings": list(Meeting.objects.values()),
        "reports": list(MeetingReport.objects.values()),
        "items": list(RectificationItem.objects.values()),
        "events": MeetingReportEvent.objects.count(),
    }


# --- the meeting and its report ---------------------------------------------------------------------


def test_a_meeting_is_recorded_with_its_draft_report_due_15_days_later(cast: Cast, clock: Any) -> None:
    meeting = services.meeting_create(
        actor=cast.bureau.head.user,
        unit=cast.bureau.unit,
        held_on=dt.date(2026, 5, 8),
        attendees=[cast.bureau.head, cast.bureau.deputy],
        now=NOW,
    )
    assert meeting.theme == "作风建设"
    report = meeting.report
    assert report.status == RS.DRAFT
    due = timezone.localtime(report.due_at, NOW.tzinfo)
    assert (due.date(), due.hour, due.minute) == (dt.date(2026, 5, 23), 23, 59)
    assert [e.verb for e in report.events.all()] == ["create"]


def test_the_report_days_come_from_the_setting(cast: Cast, clock: Any, settings: Any) -> None:
    settings.WORKSTYLE_MEETING_REPORT_DAYS = 30
    meeting = make_meeting(cast.bureau, now=NOW, held_on=dt.date(2026, 5, 1))
    assert timezone.localtime(meeting.report.due_at, NOW.tzinfo).date() == dt.date(2026, 5, 31)


def test_a_changed_date_moves_a_drafts_due_date(cast: Cast, clock: Any) -> None:
    meeting = make_meeting(cast.bureau, now=NOW, held_on=dt.date(2026, 5, 1))
    services.meeting_update(actor=cast.bureau.head.user, meeting=meeting, held_on=dt.date(2026, 5, 5), now=NOW)
    meeting.report.refresh_from_db()
    assert timezone.localtime(meeting.report.due_at, NOW.tzinfo).date() == dt.date(2026, 5, 20)


def test_township_report_needs_an_observer_from_each_body(cast: Cast, clock: Any) -> None:
    meeting = make_meeting(cast.town, now=NOW)
    with pytest.raises(InvalidInput) as refused:
        services.report_submit(actor=cast.town.head.user, report=meeting.report, now=NOW)
    message = str(refused.value.message)
    assert "discipline commission" in message
    assert "organization department" in message
    assert "observers" in refused.value.errors
    # One body is not enough either; the message names the one still missing.
    services.meeting_update(actor=cast.town.head.user, meeting=meeting, observers=[cast.office], now=NOW)
    with pytest.raises(InvalidInput) as refused:
        services.report_submit(actor=cast.town.head.user, report=meeting.report, now=NOW)
    assert "organization department" in str(refused.value.message)
    assert "discipline commission" not in str(refused.value.message)
    meeting.report.refresh_from_db()
    assert meeting.report.status == RS.DRAFT
    services.meeting_update(actor=cast.town.head.user, meeting=meeting, observers=[cast.office, cast.orgdept], now=NOW)
    report = services.report_submit(actor=cast.town.head.user, report=meeting.report, now=NOW)
    assert report.status == RS.SUBMITTED


def test_other_units_submit_without_observers(cast: Cast, clock: Any) -> None:
    meeting = make_meeting(cast.bureau, now=NOW)
    report = services.report_submit(actor=cast.bureau.head.user, report=meeting.report, now=NOW)
    assert report.status == RS.SUBMITTED
    assert report.submitted_at == NOW


def test_both_bodies_are_told_on_submission_and_the_filers_on_return(cast: Cast, clock: Any) -> None:
    meeting = make_meeting(cast.bureau, now=NOW)
    services.report_submit(actor=cast.bureau.head.user, report=meeting.report, now=NOW)
    told = set(Notification.objects.filter(kind="meeting_report_submitted").values_list("recipient", flat=True))
    assert told == {cast.office.pk, cast.orgdept.pk}
    services.report_return(actor=cast.orgdept, report=meeting.report, reason="措施不具体。", now=NOW)
    assert list(Notification.objects.filter(kind="meeting_report_returned").values_list("recipient", flat=True)) == [
        cast.bureau.head.user.pk
    ]


def test_a_return_gives_a_fresh_period_and_the_report_is_resubmitted(cast: Cast, clock: Any) -> None:
    meeting = make_meeting(cast.bureau, now=NOW, held_on=dt.date(2026, 4, 1), status=RS.SUBMITTED)
    report = services.report_return(actor=cast.office, report=meeting.report, reason="问题查摆不深。", now=NOW)
    assert report.status == RS.RETURNED
    assert report.return_reason == "问题查摆不深。"
    assert timezone.localtime(report.due_at, NOW.tzinfo).date() == dt.date(2026, 5, 26)
    report = services.report_submit(actor=cast.bureau.head.user, report=report, now=NOW)
    assert report.status == RS.SUBMITTED
    assert report.events.filter(verb="submit").last().data == {"resubmitted": True}
    report = services.report_accept(actor=cast.office, report=report, now=NOW, comment="同意。")
    assert report.status == RS.ACCEPTED
    assert report.accepted_at == NOW


def _roles(cast: Cast, secretary: Any) -> dict[str, Any]:
    return {
        "head": cast.bureau.head.user,
        "secretary": secretary,
        "deputy": cast.bureau.deputy.user,
        "other_head": cast.town.head.user,
        "office": cast.office,
        "orgdept": cast.orgdept,
        "superuser": cast.superuser,
        "nobody": UserFactory(username="nobody-m"),
    }


# Who may take each action of the report's table (the rest are refused, whatever the state).
MAY = {
    "submit": {"head", "secretary"},
    "accept": {"office"},
    "return": {"office", "orgdept"},
}


@pytest.mark.parametrize("action", [row.action for row in REPORTS])
@pytest.mark.parametrize("state", [s for s, _l in RS.choices])
def test_each_report_action_from_each_state_by_each_role(cast: Cast, clock: Any, action: str, state: str) -> None:
    secretary = cast.outsider
    services.secretary_name(actor=cast.bureau.head.user, unit=cast.bureau.unit, cadre=secretary.cadre, now=NOW)
    for role, user in _roles(cast, secretary).items():
        meeting = make_meeting(cast.bureau, now=NOW, status=state, office=cast.office, reviewer=cast.orgdept)
        row = REPORTS[action]
        kwargs = {"reason": "理由。"} if row.input == "reason" else {}
        before = _snapshot()
        service = REPORTS.service(services, action)
        if state not in row.sources:
            with pytest.raises(TransitionError):
                service(actor=user, report=meeting.report, now=NOW, **kwargs)
            assert _snapshot() == before, (action, state, role)
        elif role not in MAY[action]:
            with pytest.raises(NotAllowed):
                service(actor=user, report=meeting.report, now=NOW, **kwargs)
            assert _snapshot() == before, (action, state, role)
        else:
            report = service(actor=user, report=meeting.report, now=NOW, **kwargs)
            assert report.status == row.target, (action, state, role)
            event = report.events.order_by("id").last()
            assert (event.verb, event.from_state, event.to_state, event.actor_id) == (
                action,
                state,
                row.target,
                user.pk,
            )
        # The page and the API offer exactly what the table allows.
        meeting.report.refresh_from_db()
        offered = REPORTS.allowed_actions(user=user, obj=meeting.report)
        assert (action in offered) == (meeting.report.status in row.sources and role in MAY[action])


def test_only_the_head_names_the_secretary_who_then_files(cast: Cast, clock: Any) -> None:
    secretary = cast.outsider.cadre
    with pytest.raises(NotAllowed):
        services.secretary_name(actor=cast.bureau.deputy.user, unit=cast.bureau.unit, cadre=secretary, now=NOW)
    with pytest.raises(NotAllowed):
        services.meeting_create(actor=secretary.user, unit=cast.bureau.unit, held_on=TODAY, now=NOW)
    with pytest.raises(InvalidInput):
        services.secretary_name(actor=cast.bureau.head.user, unit=cast.bureau.unit, cadre=cast.town.clerk, now=NOW)
    services.secretary_name(actor=cast.bureau.head.user, unit=cast.bureau.unit, cadre=secretary, now=NOW)
    meeting = services.meeting_create(
        actor=secretary.user, unit=cast.bureau.unit, held_on=TODAY, attendees=[cast.bureau.head], now=NOW
    )
    assert meeting.created_by == secretary.user


def test_a_submitted_report_freezes_the_meeting(cast: Cast, clock: Any) -> None:
    meeting = make_meeting(cast.bureau, now=NOW, status=RS.SUBMITTED)
    before = _snapshot()
    with pytest.raises(TransitionError):
        services.meeting_update(actor=cast.bureau.head.user, meeting=meeting, theme="别的", now=NOW)
    with pytest.raises(TransitionError):
        services.meeting_add_problem(actor=cast.bureau.head.user, meeting=meeting, text="新问题", now=NOW)
    with pytest.raises(TransitionError):
        make_item(meeting, now=NOW, responsible=cast.bureau.deputy, deadline=TODAY)
    assert _snapshot() == before


# --- bad input ------------------------------------------------------------------------------------------


def _refused(call: Any, field: str, words: str) -> None:
    before = _snapshot()
    with pytest.raises(InvalidInput) as refused:
        call()
    assert field in refused.value.errors, refused.value.errors
    assert words in " ".join(refused.value.errors[field]), refused.value.errors
    assert _snapshot() == before


def test_bad_meetings_are_refused_with_the_reason(cast: Cast, clock: Any) -> None:
    head, unit = cast.bureau.head.user, cast.bureau.unit

    def create(**kwargs: Any) -> Any:
        return lambda: services.meeting_create(actor=head, unit=unit, now=NOW, **{"held_on": TODAY, **kwargs})

    _refused(create(held_on=TODAY + dt.timedelta(days=1)), "held_on", "future")
    _refused(create(attendees=[cast.town.head]), "attendees", "Not cadres of")
    _refused(create(attendees=[cast.bureau.clerk]), "attendees", "leading cadres")
    _refused(create(observers=[cast.outsider]), "observers", "discipline office or the organization department")


def test_bad_problems_and_minutes_are_refused(cast: Cast, clock: Any) -> None:
    meeting = make_meeting(cast.bureau, now=NOW)
    head = cast.bureau.head.user
    _refused(lambda: services.meeting_add_problem(actor=head, meeting=meeting, text=" ", now=NOW), "text", "Describe")
    _refused(
        lambda: services.meeting_add_problem(actor=head, meeting=meeting, text="x", cadre=cast.town.head, now=NOW),
        "cadre",
        "not a cadre of",
    )
    _refused(
        lambda: services.meeting_record_minutes(
            actor=head, meeting=meeting, cadre=cast.bureau.clerk, self_criticism="x", now=NOW
        ),
        "cadre",
        "did not attend",
    )


def test_a_problem_carries_its_ethos(cast: Cast, clock: Any) -> None:
    meeting = make_meeting(cast.bureau, now=NOW)
    problem = services.meeting_add_problem(
        actor=cast.bureau.head.user,
        meeting=meeting,
        text="公务接待超标准",
        ethos=Ethos.objects.get(code="frugality"),
        now=NOW,
    )
    assert problem.ethos_id == "frugality"


def test_a_deadline_before_the_meeting_is_refused(cast: Cast, clock: Any) -> None:
    meeting = make_meeting(cast.bureau, now=NOW, held_on=dt.date(2026, 5, 1))
    _refused(
        lambda: make_item(meeting, now=NOW, responsible=cast.bureau.deputy, deadline=dt.date(2026, 4, 30)),
        "deadline",
        "before the meeting",
    )
    _refused(
        lambda: make_item(meeting, now=NOW, responsible=cast.town.head, deadline=dt.date(2026, 6, 1)),
        "responsible",
        "active cadre of",
    )
    item = make_item(meeting, now=NOW, responsible=cast.bureau.deputy, deadline=dt.date(2026, 5, 1))
    assert timezone.localtime(item.due_at, NOW.tzinfo).date() == dt.date(2026, 5, 1)


# --- the rectification items ---------------------------------------------------------------------------


def _png() -> SimpleUploadedFile:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, format="PNG")
    return SimpleUploadedFile("照片.png", buffer.getvalue(), content_type="image/png")


def test_an_item_is_done_verified_or_reopened(cast: Cast, clock: Any, private_media: Any) -> None:
    meeting = make_meeting(cast.bureau, now=NOW)
    item = make_item(meeting, now=NOW, responsible=cast.bureau.deputy, deadline=TODAY + dt.timedelta(days=30))
    # The office sees the list once the report is submitted to it.
    assert not RectificationItem.objects.visible_to(cast.office).exists()
    services.report_submit(actor=cast.bureau.head.user, report=meeting.report, now=NOW)
    # Verify before complete is bad input (400), not a race.
    _refused(lambda: services.rectification_verify(actor=cast.office, rectification=item, now=NOW), "status", "not")
    with pytest.raises(NotAllowed):
        services.rectification_complete(actor=cast.outsider, rectification=item, evidence="x", now=NOW)
    _refused(
        lambda: services.rectification_complete(
            actor=cast.bureau.deputy.user, rectification=item, evidence=" ", now=NOW
        ),
        "evidence",
        "Describe",
    )
    item = services.rectification_complete(
        actor=cast.bureau.deputy.user, rectification=item, evidence="制度已印发。", attachments=[_png()], now=NOW
    )
    assert (item.status, item.done_at, item.evidence) == (IS.DONE, NOW, "制度已印发。")
    attachment = item.attachments.get()
    assert attachment.content_type == "image/png"
    assert attachment.original_name == "照片.png"
    with pytest.raises(NotAllowed):
        services.rectification_verify(actor=cast.orgdept, rectification=item, now=NOW)
    _refused(
        lambda: services.rectification_reopen(actor=cast.office, rectification=item, reason="", now=NOW),
        "reason",
        "Say why",
    )
    item = services.rectification_reopen(actor=cast.office, rectification=item, reason="证明材料不全。", now=NOW)
    assert (item.status, item.done_at) == (IS.OPEN, None)
    item = services.rectification_complete(
        actor=cast.bureau.head.user, rectification=item, evidence="已补充。", now=NOW
    )
    item = services.rectification_verify(actor=cast.office, rectification=item, now=NOW, comment="到位。")
    assert (item.status, item.verified_at) == (IS.VERIFIED, NOW)
    verbs = [(e.verb, e.from_state, e.to_state) for e in item.events.order_by("id")]
    assert verbs == [
        ("create", "", "open"),
        ("complete", "open", "done"),
        ("reopen", "done", "open"),
        ("complete", "open", "done"),
        ("verify", "done", "verified"),
    ]
    with pytest.raises(TransitionError):
        services.rectification_verify(actor=cast.office, rectification=item, now=NOW)
    assert RECTIFICATIONS.allowed_actions(user=cast.office, obj=item) == []


def test_an_attachment_of_the_wrong_type_is_refused_and_nothing_changes(
    cast: Cast, clock: Any, private_media: Any
) -> None:
    meeting = make_meeting(cast.bureau, now=NOW)
    item = make_item(meeting, now=NOW, responsible=cast.bureau.deputy, deadline=TODAY)
    exe = SimpleUploadedFile("证明.pdf", b"MZ\x90\x00" + b"\x00" * 100, content_type="application/pdf")
    _refused(
        lambda: services.rectification_complete(
            actor=cast.bureau.deputy.user, rectification=item, evidence="x", attachments=[exe], now=NOW
        ),
        "attachments",
        "is not a PDF, JPEG, PNG or Word",
    )
    assert not list(private_media.rglob("*.*"))
