"""A superuser named in a complaint sees none of it in the admin: not the complaint, its events,
attachments, extension and identity requests, the case held against him and its events, nor the
notices and e-mails about it — in the lists, the pages, the popups, the related columns of rows
he may see, and the summary of what a deletion would take along."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from complaints.models import Attachment, Complaint, ComplaintEvent, ExtensionRequest, IdentityAccess
from complaints.services import complaint_request_extension, complaint_request_identity
from supervision.models import AccountabilityCase, CaseEvent
from supervision.services import case_investigate, case_open
from tests.factories.complaints import complaint_in_state
from tests.factories.org import CadreFactory, UserFactory
from workstyle.models import Notification, OutboxEmail

NOW = dt.datetime(2025, 3, 3, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
pytestmark = pytest.mark.django_db


@dataclass
class Scene:
    root: Any  # a superuser who is also a cadre
    accused: Any  # his cadre record
    hidden: Complaint  # names him
    seen: Complaint  # does not
    case_against_him: AccountabilityCase
    case_about_hidden: AccountabilityCase  # against the head, about the complaint that names him
    case_about_seen: AccountabilityCase


def _complaint_with_rows(org: Any, discipline_user: Any, title: str, **kwargs: Any) -> Complaint:
    complaint = complaint_in_state(
        "assigned",
        department=org.office,
        handler=org.cadre,
        discipline=discipline_user,
        now=NOW,
        title=title,
        **kwargs,
    )
    complaint_request_extension(actor=org.head.user, complaint=complaint, days=5, reason="调取档案", now=NOW)
    complaint_request_identity(actor=org.cadre.user, complaint=complaint, reason="需要核实", now=NOW)
    Attachment.objects.create(
        complaint=complaint,
        file=f"attachments/{complaint.pk}.pdf",
        original_name=f"证据-{title}.pdf",
        content_type="application/pdf",
        size=1,
        uploaded_at=NOW,
    )
    return complaint


@pytest.fixture
def scene(org: Any, discipline_user: Any) -> Scene:
    root = UserFactory(username="root-named", is_superuser=True, is_staff=True)
    accused = CadreFactory(department=org.records, name="钱被诉", user=root)
    hidden = _complaint_with_rows(org, discipline_user, "举报钱被诉吃拿卡要", accused_cadre=accused)
    seen = _complaint_with_rows(org, discipline_user, "窗口无人值守")
    against = case_open(
        actor=discipline_user,
        source=AccountabilityCase.Source.LETTER,
        allegation="来信反映钱被诉违规收受礼金",
        subject_cadre=accused,
        now=NOW,
    )
    case_investigate(actor=discipline_user, case=against, now=NOW, note="立案调查钱被诉")
    about_hidden = case_open(
        actor=discipline_user,
        source=AccountabilityCase.Source.LETTER,
        allegation="办理推诿（甲）",
        subject_cadre=org.head,
        complaint=hidden,
        now=NOW,
    )
    about_seen = case_open(
        actor=discipline_user,
        source=AccountabilityCase.Source.LETTER,
        allegation="办理推诿（乙）",
        subject_cadre=org.head,
        complaint=seen,
        now=NOW,
    )
    # An e-mail whose notice is gone is still recognised by its text.
    OutboxEmail.objects.filter(pk=OutboxEmail.objects.filter(subject__contains=hidden.tracking_code).first().pk).update(
        notification=None
    )
    return Scene(root, accused, hidden, seen, against, about_hidden, about_seen)


def client_of(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def listed(client: Client, path: str, **params: str) -> tuple[set[int], bytes]:
    response = client.get(path, params)
    assert response.status_code == 200, path
    return {obj.pk for obj in response.context["cl"].result_list}, response.content


def hidden_marks(scene: Scene) -> list[bytes]:
    return [
        scene.hidden.tracking_code.encode(),
        scene.hidden.title.encode(),
        "证据-举报钱被诉吃拿卡要".encode(),
        "违规收受礼金".encode(),
        "立案调查钱被诉".encode(),
        f"/workbench/complaints/{scene.hidden.pk}/".encode(),
    ]


def leaks(content: bytes, scene: Scene) -> list[bytes]:
    return [mark for mark in hidden_marks(scene) if mark in content]


def test_the_lists_leave_out_every_row_of_the_complaint_that_names_him(scene: Scene) -> None:
    root = client_of(scene.root)
    hidden, seen = scene.hidden, scene.seen
    expected = {
        "/admin/complaints/complaint/": (Complaint.objects.filter(pk=hidden.pk), Complaint.objects.filter(pk=seen.pk)),
        "/admin/complaints/complaintevent/": (hidden.events.all(), seen.events.all()),
        "/admin/complaints/attachment/": (hidden.attachments.all(), seen.attachments.all()),
        "/admin/complaints/extensionrequest/": (hidden.extension_requests.all(), seen.extension_requests.all()),
        "/admin/supervision/accountabilitycase/": (
            AccountabilityCase.objects.filter(pk__in=[scene.case_against_him.pk, scene.case_about_hidden.pk]),
            AccountabilityCase.objects.filter(pk=scene.case_about_seen.pk),
        ),
        "/admin/supervision/caseevent/": (
            CaseEvent.objects.filter(case__in=[scene.case_against_him, scene.case_about_hidden]),
            CaseEvent.objects.filter(case=scene.case_about_seen),
        ),
        "/admin/workstyle/notification/": (
            Notification.objects.filter(params__code=hidden.tracking_code),
            Notification.objects.filter(params__code=seen.tracking_code),
        ),
        "/admin/workstyle/outboxemail/": (
            OutboxEmail.objects.filter(subject__contains=hidden.tracking_code),
            OutboxEmail.objects.filter(subject__contains=seen.tracking_code),
        ),
    }
    for path, (absent, present) in expected.items():
        # The test looks at real rows.
        assert absent.exists(), path
        assert present.exists(), path
        pks, content = listed(root, path)
        assert not pks & set(absent.values_list("pk", flat=True)), path
        assert set(present.values_list("pk", flat=True)) <= pks, path
        assert leaks(content, scene) == [], path
        # Nor is any of it found by a search, a filter by date or a page of all rows.
        for params in ({"q": hidden.tracking_code}, {"all": ""}):
            pks, content = listed(root, path, **params)
            assert not pks & set(absent.values_list("pk", flat=True)), (path, params)
            # The search box and the summary repeat what was typed; nothing else of it is there.
            assert leaks(content.replace(hidden.tracking_code.encode(), b""), scene) == [], (path, params)
    # Identity requests are the discipline office's (and their requester's): none for him either way.
    assert listed(root, "/admin/complaints/identityaccess/")[0] == set()


def test_a_superuser_who_is_not_named_sees_it_all(scene: Scene) -> None:
    other = client_of(UserFactory(username="root-other", is_superuser=True, is_staff=True))
    pks, content = listed(other, "/admin/complaints/complaint/")
    assert {scene.hidden.pk, scene.seen.pk} <= pks
    assert scene.hidden.tracking_code.encode() in content
    assert scene.case_against_him.pk in listed(other, "/admin/supervision/accountabilitycase/")[0]
    notified = set(Notification.objects.filter(params__code=scene.hidden.tracking_code).values_list("pk", flat=True))
    assert notified <= listed(other, "/admin/workstyle/notification/")[0]
    assert scene.hidden.tracking_code.encode() in other.get("/admin/workstyle/outboxemail/").content


def test_the_pages_of_its_rows_answer_as_if_they_did_not_exist(scene: Scene) -> None:
    root = client_of(scene.root)
    hidden = scene.hidden
    rows = [
        ("complaints", "complaint", hidden.pk),
        ("complaints", "complaintevent", hidden.events.first().pk),
        ("complaints", "attachment", hidden.attachments.get().pk),
        ("complaints", "extensionrequest", hidden.extension_requests.get().pk),
        ("complaints", "identityaccess", hidden.identity_accesses.get().pk),
        ("supervision", "accountabilitycase", scene.case_against_him.pk),
        ("supervision", "caseevent", scene.case_against_him.events.first().pk),
        ("workstyle", "notification", Notification.objects.filter(params__code=hidden.tracking_code).first().pk),
        ("workstyle", "outboxemail", OutboxEmail.objects.filter(subject__contains=hidden.tracking_code).first().pk),
    ]
    for app, model, pk in rows:
        for view in ("change", "history", "delete"):
            response = root.get(f"/admin/{app}/{model}/{pk}/{view}/", follow=True)
            # Exactly what a row that does not exist answers.
            missing = root.get(f"/admin/{app}/{model}/999999999/{view}/", follow=True)
            assert response.status_code == missing.status_code, (model, view)
            assert response.redirect_chain == missing.redirect_chain, (model, view)
            assert leaks(response.content, scene) == [], (model, view)
        assert root.get(f"/admin/{app}/{model}/{pk}/change/", follow=True).redirect_chain[-1][0] == "/admin/"
    # Nor through a related model's filter on the hidden row's id.
    for path, lookup in (
        ("/admin/complaints/complaintevent/", "complaint__id__exact"),
        ("/admin/complaints/attachment/", "complaint__id__exact"),
        ("/admin/supervision/caseevent/", "case__id__exact"),
    ):
        response = root.get(path, {lookup: hidden.pk if "complaint" in lookup else scene.case_against_him.pk})
        assert response.status_code in (200, 400)
        if response.status_code == 200:
            assert list(response.context["cl"].result_list) == []


def test_a_case_about_the_complaint_that_names_him_is_hidden_with_it(scene: Scene) -> None:
    """The case against the head about the complaint that names him would tell him the complaint
    exists: he sees neither, in the admin as on the workbench."""
    root = client_of(scene.root)
    pks, content = listed(root, "/admin/supervision/accountabilitycase/")
    assert scene.case_about_hidden.pk not in pks
    assert leaks(content, scene) == []
    assert scene.seen.tracking_code.encode() in content  # the other case shows its complaint
    response = root.get(f"/admin/supervision/accountabilitycase/{scene.case_about_hidden.pk}/change/", follow=True)
    assert leaks(response.content, scene) == []
    assert "adminform" not in (response.context or {})
    response = root.get(f"/admin/supervision/accountabilitycase/{scene.case_about_seen.pk}/change/")
    assert scene.seen.tracking_code.encode() in response.content


def test_popups_and_raw_id_lookups_do_not_offer_it(scene: Scene) -> None:
    root = client_of(scene.root)
    for params in ({"_popup": "1", "_to_field": "id"}, {"_popup": "1", "q": scene.hidden.tracking_code}):
        pks, content = listed(root, "/admin/complaints/complaint/", **params)
        assert scene.hidden.pk not in pks
        assert leaks(content.replace(scene.hidden.tracking_code.encode(), b""), scene) == []
    pks, content = listed(root, "/admin/supervision/accountabilitycase/", _popup="1", _to_field="id")
    assert scene.case_against_him.pk not in pks


def test_the_deletion_summary_does_not_name_what_he_may_not_see(scene: Scene) -> None:
    """Deleting his own cadre record is refused because complaints and a case name it; the page says
    so without naming them."""
    root = client_of(scene.root)
    response = root.get(f"/admin/cadres/cadre/{scene.accused.pk}/delete/")
    assert response.status_code == 200
    assert response.context["protected"]  # there is something in the way
    assert leaks(response.content, scene) == []
    assert "您无权查看的记录".encode() in response.content
    assert all("您无权查看的记录" in str(item) for item in response.context["protected"])
    # What he may see is still named: the head's record is held by the cases against the head.
    response = root.get(f"/admin/cadres/cadre/{scene.case_about_seen.subject_cadre_id}/delete/")
    protected = " ".join(str(item) for item in response.context["protected"])
    assert f"#{scene.case_about_seen.pk}" in protected
    assert f"#{scene.case_about_hidden.pk}" not in protected
    assert leaks(response.content, scene) == []


def test_the_inline_timeline_is_the_visible_complaints_only(scene: Scene) -> None:
    root = client_of(scene.root)
    response = root.get(f"/admin/complaints/complaint/{scene.seen.pk}/change/")
    assert response.status_code == 200
    inline = response.context["inline_admin_formsets"][0].formset
    assert {form.instance.complaint_id for form in inline.forms} == {scene.seen.pk}
    assert ComplaintEvent.objects.filter(complaint=scene.hidden).exists()
    assert ExtensionRequest.objects.filter(complaint=scene.hidden).exists()
    assert IdentityAccess.objects.filter(complaint=scene.hidden).exists()
