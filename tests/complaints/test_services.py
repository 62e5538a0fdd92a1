"""Complaint services: every transition allowed and refused per state and per role, deadlines set on
the way, events, notifications, retention, and a real race on PostgreSQL."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test import override_settings

from complaints import services
from complaints.models import Category, CategoryPolicy, Complaint, ComplaintEvent, ExtensionRequest, IdentityAccess
from complaints.selectors import complaint_allowed_actions, complaint_list_overdue
from complaints.transitions import COMPLAINTS
from tests.complaints.workflow_cast import (
    MAY,
    NOW,
    ROLES,
    T0,
    World,
    set_up,
    take_row,
)
from tests.factories.complaints import (
    COMPLAINANT,
    complaint_in_state,
    policy_row,
)
from tests.factories.org import CadreFactory, UserFactory
from workstyle.deadlines import due_after
from workstyle.errors import InvalidInput, NotAllowed, TransitionError
from workstyle.models import Notification, OutboxEmail
from workstyle.workflow import Transition

CN = ZoneInfo("Asia/Shanghai")
S = Complaint.Status
STATES = [s.value for s in S]


def set_policy(category: str, **limits: int) -> None:
    policy_row(category)
    CategoryPolicy.objects.filter(category=category).update(**limits)


def test_the_rules_name_every_action_of_the_table() -> None:
    assert set(MAY) == {row.action for row in COMPLAINTS}


def _doer(row: Transition) -> str:
    """A role that may take the action in every state it starts from."""
    return next(role for role in ("discipline", "superuser", "head", "handler", "system") if role in MAY[row.action])


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("name", [row.action for row in COMPLAINTS])
def test_each_transition_from_each_state(world: World, name: str, state: str) -> None:
    row = COMPLAINTS[name]
    complaint = world.complaint(state)
    set_up(world, row, complaint)
    events_before = complaint.events.count()
    actor = world.actor(_doer(row))
    if state in row.sources:
        take_row(world, row, complaint, actor)
        complaint.refresh_from_db()
        assert complaint.status == (row.target or state)
        assert complaint.events.count() > events_before
        assert complaint.events.order_by("-id").first().verb == row.event_verb
    else:
        with pytest.raises(TransitionError):
            take_row(world, row, complaint, actor)
        complaint.refresh_from_db()
        assert complaint.status == state
        assert complaint.events.count() == events_before


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", [row.action for row in COMPLAINTS if row.staff])
def test_each_transition_by_each_role(world: World, name: str, role: str) -> None:
    row = COMPLAINTS[name]
    # A state it starts from in which the department's people see the complaint.
    state = S.ASSIGNED if S.ASSIGNED in row.sources else row.sources[-1]
    complaint = world.complaint(state)
    set_up(world, row, complaint)
    actor = world.actor(role)
    if name == "close" and role == "system":
        # The system closes on its own rule (test_the_system_closes_only_after_the_review_window).
        with pytest.raises(TransitionError):
            take_row(world, row, complaint, actor)
        return
    # At the complaint's own time (an extension is asked for before the reply deadline).
    with time_machine.travel(NOW, tick=False):
        allowed = complaint_allowed_actions(user=actor, complaint=complaint) if actor is not None else []
    if role in MAY[name]:
        assert name in allowed
        take_row(world, row, complaint, actor)
    else:
        assert name not in allowed
        with pytest.raises(NotAllowed):
            take_row(world, row, complaint, actor)
        assert Complaint.objects.get(pk=complaint.pk).status == state


@pytest.mark.parametrize("name", [row.action for row in COMPLAINTS if not row.staff])
def test_the_complainants_actions_are_never_offered_to_staff(world: World, name: str) -> None:
    complaint = world.complaint(COMPLAINTS[name].sources[0])
    for role in ROLES[:-1]:
        actor = world.actor(role)
        assert name not in complaint_allowed_actions(user=actor, complaint=complaint)
        with pytest.raises(NotAllowed):
            COMPLAINTS.check(name, actor=actor, obj=complaint, now=NOW)


# --- submission --------------------------------------------------------------------------------------


def test_submit_stores_a_hashed_key_a_deadline_an_event_and_tells_the_office(world: World) -> None:
    second = UserFactory(username="inspector2-t", groups=["discipline"])
    complaint, key = services.complaint_submit(
        actor=None,
        channel="web",
        category="reception",
        title="超标准接待",
        description="某局在酒店宴请。",
        now=NOW,
        **COMPLAINANT,
    )
    assert complaint.status == S.SUBMITTED
    assert complaint.access_key_hash != key
    assert len(complaint.access_key_hash) == 64
    assert complaint.accept_due_at == due_after(NOW, 15)
    event = complaint.events.get()
    assert (event.verb, event.actor, event.to_state) == ("submit", None, "submitted")
    notices = Notification.objects.filter(kind="complaint_submitted")
    assert {n.recipient for n in notices} == {world.discipline, second}
    for notice in notices:
        assert notice.params["code"] == complaint.tracking_code
        for value in COMPLAINANT.values():
            assert value not in repr(notice.params)
            assert value not in notice.body
    for mail in OutboxEmail.objects.all():
        for value in COMPLAINANT.values():
            assert value not in mail.subject
            assert value not in mail.body


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"title": "  "}, "title"),
        ({"description": ""}, "description"),
        ({"title": "x" * 201}, "title"),
        ({"category": "nonsense"}, "category"),
        ({"channel": "pigeon"}, "channel"),
        ({"complainant_email": "not-an-address"}, "complainant_email"),
        ({"complainant_phone": "1" * 33}, "complainant_phone"),
        ({"accused_name": "名" * 65}, "accused_name"),
    ],
)
def test_submit_refuses_bad_input_with_field_errors(db: Any, fields: dict[str, Any], field: str) -> None:
    values = {"channel": "web", "category": "inaction", "title": "标题", "description": "内容"} | fields
    with pytest.raises(InvalidInput) as caught:
        services.complaint_submit(actor=None, now=NOW, **values)
    assert field in caught.value.errors
    assert not Complaint.objects.exists()


def test_submit_saves_attachments_under_random_names(world: World, settings: Any, tmp_path: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.complaints.public_helpers import png_bytes

    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}},
    }
    pdf = SimpleUploadedFile("张三的举报材料.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n%%EOF\n")
    # A picture that decodes: one that does not is refused (tests/security/test_uploads.py).
    png = SimpleUploadedFile("photo.png", png_bytes())
    complaint, _key = services.complaint_submit(
        actor=None, channel="web", category="inaction", title="t", description="d", attachments=[pdf, png], now=NOW
    )
    stored = list(complaint.attachments.order_by("id"))
    assert [a.original_name for a in stored] == ["张三的举报材料.pdf", "photo.png"]
    assert [a.content_type for a in stored] == ["application/pdf", "image/png"]
    assert stored[0].file.name.endswith(".pdf")
    assert stored[1].file.name.endswith(".png")
    for attachment in stored:
        name = str(attachment.file.name)
        assert "张三" not in name
        assert "photo" not in name
        assert len(name.rsplit("/", 1)[-1].split(".")[0]) == 32
        with attachment.file.open("rb") as handle:
            assert handle.read(4) in (b"%PDF", b"\x89PNG")


def test_submit_refuses_a_file_that_is_not_what_it_claims(db: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("report.pdf", b"MZ\x90\x00 not a pdf at all", content_type="application/pdf")
    with pytest.raises(InvalidInput) as caught:
        services.complaint_submit(
            actor=None, channel="web", category="inaction", title="t", description="d", attachments=[fake], now=NOW
        )
    assert "attachments" in caught.value.errors
    assert not Complaint.objects.exists()


def test_submit_refuses_more_than_five_attachments(db: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    files = [SimpleUploadedFile(f"{i}.pdf", b"%PDF-1.4\n%%EOF\n") for i in range(6)]
    with pytest.raises(InvalidInput) as caught:
        services.complaint_submit(
            actor=None, channel="web", category="inaction", title="t", description="d", attachments=files, now=NOW
        )
    assert "attachments" in caught.value.errors


def test_only_staff_may_link_a_cadre_on_submission(world: World) -> None:
    with pytest.raises(NotAllowed):
        services.complaint_submit(
            actor=None,
            channel="web",
            category="inaction",
            title="t",
            description="d",
            accused_cadre=world.org.cadre,
            now=NOW,
        )
    complaint, _key = services.complaint_submit(
        actor=world.discipline,
        channel="letter",
        category="inaction",
        title="t",
        description="d",
        accused_cadre=world.org.cadre,
        now=NOW,
    )
    assert complaint.accused_cadre == world.org.cadre
    assert complaint.events.get().actor == world.discipline


# --- triage and handling -----------------------------------------------------------------------------


def test_accept_starts_the_reply_clock_and_tells_the_head(world: World) -> None:
    set_policy("inaction", reply_days=45)
    complaint = world.complaint("submitted")
    Complaint.objects.filter(pk=complaint.pk).update(escalation_level=1, escalated_at=T0)
    complaint = services.complaint_accept(
        actor=world.discipline, complaint=complaint, department=world.org.office, now=NOW
    )
    assert complaint.reply_due_at == due_after(NOW, 45)
    assert (complaint.department, complaint.responsible_head, complaint.accepted_at) == (world.org.office, None, NOW)
    # The late acceptance was the office's own delay: the department starts at level 0.
    assert (complaint.escalation_level, complaint.escalated_at) == (0, None)
    notice = Notification.objects.get(kind="complaint_routed")
    assert notice.recipient == world.org.head.user
    assert notice.params["department"] == world.org.office.name


def test_accept_refuses_an_inactive_department(world: World) -> None:
    world.org.records.active = False
    world.org.records.save()
    complaint = world.complaint("submitted")
    with pytest.raises(InvalidInput) as caught:
        services.complaint_accept(actor=world.discipline, complaint=complaint, department=world.org.records, now=NOW)
    assert "department" in caught.value.errors


def test_reject_needs_a_reason(world: World) -> None:
    complaint = world.complaint("submitted")
    with pytest.raises(InvalidInput) as caught:
        services.complaint_reject(actor=world.discipline, complaint=complaint, reason="  ", now=NOW)
    assert "reason" in caught.value.errors
    complaint = services.complaint_reject(actor=world.discipline, complaint=complaint, reason="属于诉讼事项", now=NOW)
    assert (complaint.reject_reason, complaint.closed_at) == ("属于诉讼事项", NOW)


def test_bulk_accept_is_all_or_nothing(world: World) -> None:
    first, second = world.complaint("submitted"), world.complaint("submitted")
    done = world.complaint("accepted")
    with pytest.raises(TransitionError):
        services.complaint_bulk_accept(
            actor=world.discipline, complaints=[first, second, done], department=world.org.records, now=NOW
        )
    assert Complaint.objects.get(pk=first.pk).status == S.SUBMITTED
    accepted = services.complaint_bulk_accept(
        actor=world.discipline, complaints=[first, second], department=world.org.records, now=NOW
    )
    assert {c.status for c in accepted} == {"accepted"}
    assert {c.department for c in Complaint.objects.filter(pk__in=[first.pk, second.pk])} == {world.org.records}
    with pytest.raises(NotAllowed):
        services.complaint_bulk_accept(
            actor=world.actor("head"), complaints=[world.complaint("submitted")], department=world.org.office, now=NOW
        )


def test_assign_checks_the_handler(world: World) -> None:
    complaint = world.complaint("accepted")
    head = world.actor("head")
    # A cadre of another unit is outside the head's scope.
    with pytest.raises(InvalidInput) as caught:
        services.complaint_assign(actor=head, complaint=complaint, handler=world.org.town_cadre, now=NOW)
    assert "handler" in caught.value.errors
    world.spare.active = False
    world.spare.save()
    with pytest.raises(InvalidInput):
        services.complaint_assign(actor=head, complaint=complaint, handler=world.spare, now=NOW)
    complaint = services.complaint_assign(actor=head, complaint=complaint, handler=world.org.cadre, now=NOW)
    assert (complaint.status, complaint.handler, complaint.assigned_at) == ("assigned", world.org.cadre, NOW)
    assert Notification.objects.get(kind="complaint_assigned").recipient == world.org.cadre.user
    # Assigning the same handler again changes nothing.
    events = complaint.events.count()
    services.complaint_assign(actor=head, complaint=complaint, handler=world.org.cadre, now=NOW)
    assert complaint.events.count() == events


def test_extension_once_within_the_policy_and_the_complainant_is_told(world: World) -> None:
    complaint = world.complaint("assigned")
    due = complaint.reply_due_at
    head = world.actor("head")
    with pytest.raises(InvalidInput) as caught:
        services.complaint_request_extension(actor=head, complaint=complaint, days=31, reason="r", now=NOW)
    assert "days" in caught.value.errors
    with pytest.raises(InvalidInput):
        services.complaint_request_extension(actor=head, complaint=complaint, days=0, reason="r", now=NOW)
    request = services.complaint_request_extension(actor=head, complaint=complaint, days=30, reason="情况复杂", now=NOW)
    assert request.status == ExtensionRequest.Status.PENDING
    assert Notification.objects.filter(kind="complaint_extension_requested", recipient=world.discipline).exists()
    with pytest.raises(TransitionError):  # one open request at a time
        services.complaint_request_extension(actor=head, complaint=complaint, days=5, reason="r", now=NOW)
    complaint = services.complaint_approve_extension(actor=world.discipline, complaint=complaint, note="同意", now=NOW)
    assert complaint.reply_due_at == due_after(due, 30)
    assert (complaint.extended, complaint.extension_days) == (True, 30)
    event = complaint.events.get(verb="approve_extension")
    assert event.data["public"] is True
    assert event.data["days"] == 30
    approved = Notification.objects.filter(kind="complaint_extension_approved")
    assert {n.recipient for n in approved} == {world.org.head.user, world.org.cadre.user}
    with pytest.raises(TransitionError):  # once per complaint
        services.complaint_request_extension(actor=head, complaint=complaint, days=5, reason="r", now=NOW)


def test_a_refused_extension_leaves_the_deadline_and_may_be_asked_again(world: World) -> None:
    set_policy("inaction", max_extension_days=10)
    complaint = world.complaint("accepted")
    head = world.actor("head")
    with pytest.raises(InvalidInput):
        services.complaint_request_extension(actor=head, complaint=complaint, days=11, reason="r", now=NOW)
    services.complaint_request_extension(actor=head, complaint=complaint, days=10, reason="r", now=NOW)
    complaint = services.complaint_refuse_extension(
        actor=world.discipline, complaint=complaint, note="理由不足", now=NOW
    )
    assert not complaint.extended
    assert Complaint.objects.get(pk=complaint.pk).reply_due_at == complaint.reply_due_at
    assert ExtensionRequest.objects.get().status == ExtensionRequest.Status.REFUSED
    with pytest.raises(TransitionError):  # nothing pending any more
        services.complaint_approve_extension(actor=world.discipline, complaint=complaint, now=NOW)
    services.complaint_request_extension(actor=head, complaint=complaint, days=3, reason="r", now=NOW)


def test_reply_records_who_and_when_and_needs_text(world: World) -> None:
    complaint = world.complaint("assigned")
    with pytest.raises(InvalidInput) as caught:
        services.complaint_reply(actor=world.actor("handler"), complaint=complaint, text="", now=NOW)
    assert "text" in caught.value.errors
    complaint = services.complaint_reply(actor=world.actor("handler"), complaint=complaint, text="已处理", now=NOW)
    assert (complaint.reply_text, complaint.replied_at, complaint.replied_by) == ("已处理", NOW, world.actor("handler"))


def test_the_head_replies_to_an_accepted_complaint_without_a_handler(world: World) -> None:
    complaint = world.complaint("accepted")
    complaint = services.complaint_reply(actor=world.actor("head"), complaint=complaint, text="已处理", now=NOW)
    assert complaint.status == S.REPLIED


def test_review_within_the_window_only_and_once(world: World) -> None:
    complaint = world.complaint("replied")  # replied at T0
    window_end = due_after(T0, 30)
    with pytest.raises(TransitionError):
        services.complaint_request_review(complaint=complaint, reason="r", now=window_end + dt.timedelta(seconds=1))
    complaint = services.complaint_request_review(complaint=complaint, reason="答复不实", now=window_end)
    assert complaint.review_due_at == due_after(window_end, 30)
    assert complaint.status == S.REVIEW_REQUESTED
    # The office answers the review and is told; the department that replied may add a statement.
    notice = Notification.objects.get(kind="complaint_review_requested", recipient=world.discipline)
    assert notice.params["code"] == complaint.tracking_code
    assert Notification.objects.filter(
        kind="complaint_review_statement_invited", recipient=world.org.head.user
    ).exists()
    assert not Notification.objects.filter(kind="complaint_review_requested", recipient=world.org.head.user).exists()
    services.complaint_reply_review(actor=world.discipline, complaint=complaint, text="维持", now=window_end)
    with pytest.raises(TransitionError):
        services.complaint_request_review(complaint=complaint, reason="again", now=window_end)


def test_closing_early_does_not_take_the_review_away(world: World) -> None:
    complaint = world.complaint("closed")
    complaint = services.complaint_request_review(complaint=complaint, reason="答复不实", now=NOW)
    assert (complaint.status, complaint.closed_at) == (S.REVIEW_REQUESTED, None)


def test_feedback_once_after_a_reply(world: World) -> None:
    complaint = world.complaint("replied")
    with pytest.raises(InvalidInput):
        services.complaint_feedback(complaint=complaint, rating="yes", comment="", now=NOW)
    complaint = services.complaint_feedback(
        complaint=complaint, rating=Complaint.Rating.BASICALLY_SATISFIED, comment="基本满意", now=NOW
    )
    assert (complaint.rating, complaint.feedback_comment, complaint.feedback_at) == (
        "basically_satisfied",
        "基本满意",
        NOW,
    )
    # Only a dissatisfied rating is the office's business.
    assert not Notification.objects.filter(kind="complaint_dissatisfied").exists()
    with pytest.raises(TransitionError):
        services.complaint_feedback(complaint=complaint, rating=Complaint.Rating.DISSATISFIED, comment="", now=NOW)


def test_the_system_closes_only_after_the_review_window(world: World) -> None:
    complaint = world.complaint("replied")
    window_end = due_after(T0, 30)
    with pytest.raises(TransitionError):
        services.complaint_close(actor=None, complaint=complaint, now=window_end)
    complaint = services.complaint_close(actor=None, complaint=complaint, now=window_end + dt.timedelta(seconds=1))
    assert complaint.status == S.CLOSED
    assert complaint.events.get(verb="close").actor is None


def test_the_hourly_sweep_closes_answered_complaints_whose_window_passed(world: World) -> None:
    lapsed = world.complaint("replied")  # replied at T0
    waiting = world.complaint("review_requested")  # the complainant asked: not closable
    window_end = due_after(T0, 30)
    assert services.complaint_close_answered(now=window_end) == 0
    # A category with a longer window keeps its complaint open a little longer.
    slow = world.complaint("replied")
    Complaint.objects.filter(pk=slow.pk).update(category=Category.GAMBLING)
    CategoryPolicy.objects.filter(category=Category.GAMBLING).update(review_window_days=40)

    closed_now = services.complaint_close_answered(now=window_end + dt.timedelta(seconds=1))
    assert closed_now == 1
    assert services.complaint_close_answered(now=window_end + dt.timedelta(seconds=2)) == 0
    lapsed.refresh_from_db()
    waiting.refresh_from_db()
    slow.refresh_from_db()
    assert (lapsed.status, waiting.status, slow.status) == (S.CLOSED, S.REVIEW_REQUESTED, S.REPLIED)
    assert lapsed.events.filter(verb="close", actor=None).count() == 1
    assert services.complaint_close_answered(now=due_after(T0, 40) + dt.timedelta(seconds=1)) == 1


def test_merge_rules(world: World) -> None:
    complaint = world.complaint("submitted")
    with pytest.raises(InvalidInput) as caught:
        services.complaint_merge(actor=world.discipline, complaint=complaint, into=complaint, now=NOW)
    assert "into" in caught.value.errors
    withdrawn = world.complaint("withdrawn")
    with pytest.raises(InvalidInput):
        services.complaint_merge(actor=world.discipline, complaint=complaint, into=withdrawn, now=NOW)
    target = world.complaint("replied")
    merged = services.complaint_merge(actor=world.discipline, complaint=complaint, into=target, now=NOW)
    assert (merged.status, merged.merged_into, merged.closed_at) == (S.WITHDRAWN, target, NOW)
    assert merged.events.get(verb="merge").data["into"] == target.pk
    # A merged complaint cannot take another in (and so no cycle can form).
    other = world.complaint("submitted")
    with pytest.raises(InvalidInput):
        services.complaint_merge(actor=world.discipline, complaint=other, into=merged, now=NOW)


def test_merge_into_a_complaint_the_actor_cannot_see_is_refused(world: World) -> None:
    # The discipline officer is named in the target, so it is invisible to him (recusal).
    cadre = CadreFactory(department=world.org.records, user=world.discipline)
    target = world.complaint("submitted", accused_cadre=cadre)
    complaint = world.complaint("submitted")
    with pytest.raises((InvalidInput, NotAllowed)):
        services.complaint_merge(actor=world.discipline, complaint=complaint, into=target, now=NOW)


def test_every_event_is_written_in_the_transaction_of_its_change(world: World) -> None:
    complaint = world.complaint("review_replied")
    verbs = list(complaint.events.order_by("at", "id").values_list("verb", flat=True))
    assert verbs == ["submit", "accept", "assign", "reply", "request_review", "reply_review"]
    states = list(complaint.events.exclude(to_state="").values_list("from_state", "to_state").order_by("id"))
    assert states == [
        ("", "submitted"),
        ("submitted", "accepted"),
        ("accepted", "assigned"),
        ("assigned", "replied"),
        ("replied", "review_requested"),
        ("review_requested", "review_replied"),
    ]


# --- policies -------------------------------------------------------------------------------------------


def test_category_policy_update_by_the_discipline_office_only(world: World) -> None:
    from workstyle.models import AuditEvent

    policy = policy_row("gambling")
    with pytest.raises(NotAllowed):
        services.category_policy_update(actor=world.actor("head"), policy=policy, now=NOW, reply_days=30)
    with pytest.raises(InvalidInput) as caught:
        services.category_policy_update(actor=world.discipline, policy=policy, now=NOW, reply_days=0)
    assert "reply_days" in caught.value.errors
    policy = services.category_policy_update(actor=world.discipline, policy=policy, now=NOW, reply_days=30)
    assert CategoryPolicy.objects.get(category="gambling").reply_days == 30
    audit = AuditEvent.objects.get(verb="update")
    assert audit.data == {"reply_days": [60, 30]}
    services.category_policy_update(actor=world.superuser, policy=policy, now=NOW, accept_days=10)
    assert CategoryPolicy.objects.get(category="gambling").accept_days == 10


# --- overdue, retention -------------------------------------------------------------------------------


def test_overdue_list_follows_the_running_deadline(world: World) -> None:
    submitted = world.complaint("submitted")
    assigned = world.complaint("assigned")
    replied = world.complaint("replied")
    late = T0 + dt.timedelta(days=100)
    assert set(complaint_list_overdue(T0)) == set()
    assert set(complaint_list_overdue(late)) == {submitted, assigned}
    assert replied not in complaint_list_overdue(late)


def test_contacts_are_erased_after_the_retention_period(world: World) -> None:
    closed = world.complaint("closed")  # closed at T0
    rejected = world.complaint("rejected")
    open_one = world.complaint("assigned")
    anonymous = world.complaint("closed", anonymous=True)
    with override_settings(WORKSTYLE_RETENTION_DAYS=30):
        with time_machine.travel(T0 + dt.timedelta(days=29), tick=False):
            assert services.complaint_erase_expired_contacts(now=T0 + dt.timedelta(days=29)) == 0
        later = T0 + dt.timedelta(days=31)
        with time_machine.travel(later, tick=False):
            assert services.complaint_erase_expired_contacts(now=later, batch_size=1) == 2
            assert services.complaint_erase_expired_contacts(now=later) == 0  # nothing twice
    for complaint in (closed, rejected):
        complaint.refresh_from_db()
        assert (complaint.complainant_name, complaint.complainant_phone, complaint.complainant_email) == ("", "", "")
        assert complaint.contacts_erased_at == later
        assert complaint.events.filter(verb="erase_contacts").count() == 1
        assert complaint.title  # the complaint itself stays
        assert complaint.description
    open_one.refresh_from_db()
    assert open_one.complainant_name == COMPLAINANT["complainant_name"]
    assert not anonymous.events.filter(verb="erase_contacts").exists()
    with pytest.raises(TransitionError):
        services.complaint_reveal_identity(actor=world.discipline, complaint=closed, reason="r", now=later)


# --- a real race ---------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_accepts_one_wins(org: Any) -> None:
    discipline = UserFactory(username="inspector-race", groups=["discipline"])
    complaint = complaint_in_state("submitted", discipline=discipline, now=T0)
    barrier = threading.Barrier(2)
    results: list[str] = []

    def accept(department: Any) -> None:
        try:
            barrier.wait(timeout=10)
            services.complaint_accept(actor=discipline, complaint=complaint, department=department, now=NOW)
            results.append("ok")
        except TransitionError:
            results.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=accept, args=(dept,)) for dept in (org.office, org.records)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(results) == ["ok", "refused"]
    assert ComplaintEvent.objects.filter(complaint=complaint, verb="accept").count() == 1
    assert Notification.objects.filter(kind="complaint_routed").count() <= 1


def test_identity_access_rows_are_explicit(world: World) -> None:
    complaint = world.complaint("assigned")
    access = services.complaint_reveal_identity(actor=world.discipline, complaint=complaint, reason="核实", now=NOW)
    assert (access.kind, access.status, access.user) == (
        IdentityAccess.Kind.REVEAL,
        IdentityAccess.Status.GRANTED,
        world.discipline,
    )
    with pytest.raises(InvalidInput):
        services.complaint_reveal_identity(actor=world.discipline, complaint=complaint, reason="", now=NOW)


def test_an_extension_is_asked_for_before_the_reply_deadline_only(world: World) -> None:
    complaint = world.complaint(S.ASSIGNED)
    head = world.actor("head")
    assert complaint.reply_due_at is not None
    late = complaint.reply_due_at + dt.timedelta(minutes=1)
    assert "request_extension" not in COMPLAINTS.allowed_actions(user=head, obj=complaint, now=late)
    with pytest.raises(TransitionError) as refused:
        services.complaint_request_extension(actor=head, complaint=complaint, days=10, reason="调查取证", now=late)
    assert "deadline" in str(refused.value).lower() or "期限" in str(refused.value)
    assert not complaint.extension_requests.exists()
    # Up to the last instant of the limit it may still be asked for.
    services.complaint_request_extension(
        actor=head, complaint=complaint, days=10, reason="调查取证", now=complaint.reply_due_at
    )
    assert complaint.extension_requests.count() == 1
