"""Recusal: a complaint naming a cadre is invisible to him everywhere, routed past him, and he never
handles it."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from rest_framework.test import APIClient

from complaints import services
from complaints.models import Complaint
from complaints.permissions import complaint_head
from complaints.selectors import complaint_allowed_actions
from tests.factories.complaints import (
    complaint_in_state,
)
from tests.factories.org import CadreFactory, UserFactory
from workstyle.errors import InvalidInput, NotAllowed
from workstyle.models import Notification

NOW = dt.datetime(2025, 3, 3, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def api(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def submit(**kwargs: Any) -> Complaint:
    complaint, _key = services.complaint_submit(
        actor=None, channel="web", category="inaction", title="t", description="d", now=NOW, **kwargs
    )
    return complaint


def test_the_named_cadre_is_linked_when_the_name_matches_one_active_cadre_of_the_unit(org: Any) -> None:
    assert submit(unit=org.bureau, accused_name=" 王主任 ").accused_cadre == org.head
    # Outside the unit named: no link.
    assert submit(unit=org.township, accused_name="王主任").accused_cadre is None
    # No unit: no guess.
    assert submit(accused_name="王主任").accused_cadre is None


def test_two_namesakes_or_an_inactive_cadre_link_nobody(org: Any) -> None:
    CadreFactory(department=org.records, name="王主任")
    assert submit(unit=org.bureau, accused_name="王主任").accused_cadre is None
    CadreFactory(department=org.town_office, name="孙镇长", active=False)
    assert submit(unit=org.township, accused_name="孙镇长").accused_cadre is None


def test_a_complaint_against_the_head_goes_to_the_unit_head(org: Any, discipline_user: Any) -> None:
    complaint = submit(unit=org.bureau, accused_name="王主任")
    complaint = services.complaint_accept(actor=discipline_user, complaint=complaint, department=org.office, now=NOW)
    assert complaint.responsible_head == org.bureau_head
    assert complaint_head(complaint) == org.bureau_head
    route = complaint.events.get(verb="route_past")
    assert route.data == {"department": org.office.pk, "responsible_head": org.bureau_head.pk}
    routed = Notification.objects.filter(kind="complaint_routed")
    assert [n.recipient for n in routed] == [org.bureau_head.user]
    # The unit head assigns; the recused head may do nothing with it.
    assert "assign" in complaint_allowed_actions(user=org.bureau_head.user, complaint=complaint)
    assert complaint_allowed_actions(user=org.head.user, complaint=complaint) == []
    with pytest.raises(NotAllowed):
        services.complaint_assign(actor=org.head.user, complaint=complaint, handler=org.cadre, now=NOW)
    complaint = services.complaint_assign(actor=org.bureau_head.user, complaint=complaint, handler=org.cadre, now=NOW)
    assert complaint.handler == org.cadre
    services.complaint_request_extension(actor=org.bureau_head.user, complaint=complaint, days=5, reason="r", now=NOW)


def test_the_head_who_also_heads_the_unit_is_skipped_to_the_next_unit_up(org: Any, discipline_user: Any) -> None:
    org.bureau.head = org.head
    org.bureau.save()
    city_head = CadreFactory(department=None, unit=org.city, name="市委书记", user=UserFactory(username="city-t"))
    org.city.head = city_head
    org.city.save()
    complaint = submit(unit=org.bureau, accused_name="王主任")
    complaint = services.complaint_accept(actor=discipline_user, complaint=complaint, department=org.office, now=NOW)
    assert complaint.responsible_head == city_head


def test_with_nobody_left_in_the_line_the_discipline_office_handles_it(org: Any, discipline_user: Any) -> None:
    org.bureau.head = org.head
    org.bureau.save()
    complaint = submit(unit=org.bureau, accused_name="王主任")
    complaint = services.complaint_accept(actor=discipline_user, complaint=complaint, department=org.office, now=NOW)
    assert complaint.responsible_head is None
    assert complaint_head(complaint) is None
    assert Notification.objects.get(kind="complaint_routed_to_office").recipient == discipline_user
    assert not Notification.objects.filter(recipient=org.head.user).exists()
    assert "assign" in complaint_allowed_actions(user=discipline_user, complaint=complaint)
    complaint = services.complaint_assign(actor=discipline_user, complaint=complaint, handler=org.cadre, now=NOW)
    services.complaint_reply(actor=org.cadre.user, complaint=complaint, text="已处理", now=NOW)


def test_the_named_cadre_can_never_handle_it(org: Any, discipline_user: Any) -> None:
    complaint = complaint_in_state(
        "accepted", department=org.office, discipline=discipline_user, now=NOW, unit=org.bureau, accused_name="李科员"
    )
    assert complaint.accused_cadre == org.cadre
    with pytest.raises(InvalidInput) as caught:
        services.complaint_assign(actor=org.head.user, complaint=complaint, handler=org.cadre, now=NOW)
    assert "handler" in caught.value.errors


def test_linking_the_handler_as_accused_takes_the_complaint_from_him(org: Any, discipline_user: Any) -> None:
    complaint = complaint_in_state(
        "assigned", department=org.office, handler=org.cadre, discipline=discipline_user, now=NOW
    )
    assert api(org.cadre.user).get(f"/api/v1/complaints/{complaint.pk}/").status_code == 200
    complaint = services.complaint_link_accused(actor=discipline_user, complaint=complaint, cadre=org.cadre, now=NOW)
    assert (complaint.status, complaint.handler, complaint.accused_cadre) == ("accepted", None, org.cadre)
    assert api(org.cadre.user).get(f"/api/v1/complaints/{complaint.pk}/").status_code == 404
    with pytest.raises(NotAllowed):
        services.complaint_link_accused(actor=org.head.user, complaint=complaint, cadre=org.other, now=NOW)


def test_the_named_cadre_never_sees_it_in_the_api(org: Any, discipline_user: Any) -> None:
    against_head = complaint_in_state(
        "assigned",
        department=org.office,
        handler=org.cadre,
        discipline=discipline_user,
        now=NOW,
        unit=org.bureau,
        accused_name="王主任",
    )
    ordinary = complaint_in_state("accepted", department=org.office, discipline=discipline_user, now=NOW)
    head = api(org.head.user)
    listed = {row["id"] for row in head.get("/api/v1/complaints/").json()["results"]}
    assert listed == {ordinary.pk}
    for path in ("", "events/"):
        response = head.get(f"/api/v1/complaints/{against_head.pk}/{path}")
        assert response.status_code == 404
    response = head.post(f"/api/v1/complaints/{against_head.pk}/reply/", {"text": "x"}, format="json")
    assert response.status_code == 404
    # Searching for it by its code finds nothing either.
    found = head.get("/api/v1/complaints/", {"q": against_head.tracking_code}).json()["results"]
    assert found == []
    # Those in the line see it.
    for user in (org.bureau_head.user, org.cadre.user, discipline_user):
        assert api(user).get(f"/api/v1/complaints/{against_head.pk}/").status_code == 200


def test_a_named_discipline_officer_is_not_told_and_cannot_act(org: Any, discipline_user: Any) -> None:
    accused_officer = UserFactory(username="inspector-accused", groups=["discipline"])
    cadre = CadreFactory(department=org.records, name="吴监察", user=accused_officer)
    complaint = submit(unit=org.bureau, accused_name="吴监察")
    assert complaint.accused_cadre == cadre
    assert not Notification.objects.filter(recipient=accused_officer).exists()
    assert Notification.objects.filter(recipient=discipline_user, kind="complaint_submitted").exists()
    assert not Complaint.objects.visible_to(accused_officer).filter(pk=complaint.pk).exists()
    assert api(accused_officer).get(f"/api/v1/complaints/{complaint.pk}/").status_code == 404
    with pytest.raises(NotAllowed):
        services.complaint_accept(actor=accused_officer, complaint=complaint, department=org.office, now=NOW)
    with pytest.raises(NotAllowed):
        services.complaint_reveal_identity(actor=accused_officer, complaint=complaint, reason="r", now=NOW)


def test_linking_the_head_tells_the_unit_head_who_now_answers_for_it(org: Any, discipline_user: Any) -> None:
    complaint = complaint_in_state("accepted", department=org.office, discipline=discipline_user, now=NOW)
    Notification.objects.all().delete()
    complaint = services.complaint_link_accused(actor=discipline_user, complaint=complaint, cadre=org.head, now=NOW)
    assert complaint.responsible_head == org.bureau_head
    assert [n.recipient for n in Notification.objects.filter(kind="complaint_routed")] == [org.bureau_head.user]
    assert not Notification.objects.filter(recipient=org.head.user).exists()
    # Linking him again changes nothing and tells nobody anything new.
    services.complaint_link_accused(actor=discipline_user, complaint=complaint, cadre=org.head, now=NOW)
    assert Notification.objects.count() == 1


def test_linking_the_handler_asks_the_head_for_a_new_one(org: Any, discipline_user: Any) -> None:
    complaint = complaint_in_state(
        "assigned", department=org.office, handler=org.cadre, discipline=discipline_user, now=NOW
    )
    Notification.objects.all().delete()
    services.complaint_link_accused(actor=discipline_user, complaint=complaint, cadre=org.cadre, now=NOW)
    assert [n.recipient for n in Notification.objects.filter(kind="complaint_routed")] == [org.head.user]
    assert not Notification.objects.filter(recipient=org.cadre.user).exists()


@pytest.mark.parametrize("role", ["orgdept", "superuser"])
def test_an_office_member_named_in_a_complaint_never_sees_it(org: Any, discipline_user: Any, role: str) -> None:
    extra = {"groups": ["orgdept"]} if role == "orgdept" else {"is_superuser": True, "is_staff": True}
    named = CadreFactory(department=org.records, name="吴干事", user=UserFactory(username=f"named-{role}", **extra))
    complaint = complaint_in_state(
        "accepted", department=org.office, discipline=discipline_user, unit=org.bureau, accused_cadre=named
    )
    user = named.user
    assert not Complaint.objects.visible_to(user).filter(pk=complaint.pk).exists()
    assert api(user).get(f"/api/v1/complaints/{complaint.pk}/").status_code == 404
    assert complaint.tracking_code not in str(api(user).get("/api/v1/complaints/").json())
    # Another member of his office still sees it.
    colleague = UserFactory(username=f"colleague-{role}", **extra)
    assert api(colleague).get(f"/api/v1/complaints/{complaint.pk}/").status_code == 200


def test_a_complaints_cases_show_on_its_page_only_to_those_who_read_cases(org: Any, discipline_user: Any) -> None:
    from django.test import Client

    from supervision import services as cases

    complaint = complaint_in_state("assigned", department=org.office, handler=org.cadre, discipline=discipline_user)
    case = cases.case_open(
        actor=discipline_user,
        source="letter",
        allegation="推诿",
        subject_cadre=org.other,
        complaint=complaint,
        now=NOW,
    )
    marker = f'data-case="{case.pk}"'
    for user, shown in (
        (discipline_user, True),
        (UserFactory(username="od-r", groups=["orgdept"]), True),
        (org.head.user, False),
    ):
        client = Client()
        client.force_login(user)
        page = client.get(f"/workbench/complaints/{complaint.pk}/")
        assert page.status_code == 200
        assert (marker in page.content.decode()) is shown, user


# --- one matter: recusal across merges -------------------------------------------------------------


def test_a_merged_duplicate_is_hidden_from_the_cadre_the_target_names(org: Any, discipline_user: Any) -> None:
    # The duplicate was routed to the head's own department; the complaint it joins names him.
    duplicate = complaint_in_state("accepted", department=org.office, discipline=discipline_user)
    target = complaint_in_state("submitted", discipline=discipline_user, unit=org.bureau, accused_cadre=org.head)
    head = api(org.head.user)
    assert head.get(f"/api/v1/complaints/{duplicate.pk}/").status_code == 200
    services.complaint_merge(actor=discipline_user, complaint=duplicate, into=target, now=NOW)
    for complaint in (duplicate, target):
        assert head.get(f"/api/v1/complaints/{complaint.pk}/").status_code == 404
        assert head.get(f"/api/v1/complaints/{complaint.pk}/events/").status_code == 404
    assert target.tracking_code not in str(head.get("/api/v1/complaints/").json())
    assert duplicate.tracking_code not in str(head.get("/api/v1/complaints/").json())
    # And the notice he had about the duplicate is taken back.
    assert not Notification.objects.filter(recipient=org.head.user, url__endswith=f"/{duplicate.pk}/").exists()


def test_a_target_is_hidden_from_the_cadre_its_duplicate_names_and_steps_aside(org: Any, discipline_user: Any) -> None:
    target = complaint_in_state("accepted", department=org.office, discipline=discipline_user)
    assert complaint_head(target) == org.head
    duplicate = complaint_in_state("submitted", discipline=discipline_user, unit=org.bureau, accused_cadre=org.head)
    services.complaint_merge(actor=discipline_user, complaint=duplicate, into=target, now=NOW)
    target.refresh_from_db()
    # He heads the target's department but is named in the matter: the unit head answers instead.
    assert complaint_head(target) == org.bureau_head
    assert target.events.filter(verb="route_past", data__via=duplicate.pk).exists()
    assert api(org.head.user).get(f"/api/v1/complaints/{target.pk}/").status_code == 404
    assert Notification.objects.filter(recipient=org.bureau_head.user, kind="complaint_routed").exists()


def test_linking_a_withdrawn_duplicate_recuses_the_whole_matter(org: Any, discipline_user: Any) -> None:
    target = complaint_in_state("assigned", department=org.office, handler=org.cadre, discipline=discipline_user)
    duplicate = complaint_in_state("submitted", discipline=discipline_user)
    services.complaint_merge(actor=discipline_user, complaint=duplicate, into=target, now=NOW)
    duplicate.refresh_from_db()
    assert duplicate.status == Complaint.Status.WITHDRAWN
    # Found out later: the duplicate named the handler of the complaint it joined.
    services.complaint_link_accused(actor=discipline_user, complaint=duplicate, cadre=org.cadre, now=NOW)
    target.refresh_from_db()
    assert target.handler is None
    assert target.status == Complaint.Status.ACCEPTED
    for complaint in (duplicate, target):
        assert api(org.cadre.user).get(f"/api/v1/complaints/{complaint.pk}/").status_code == 404
    assert not Notification.objects.filter(recipient=org.cadre.user, url__endswith=f"/{target.pk}/").exists()
    # Merging more into the matter carries the recusal on.
    later = complaint_in_state("submitted", discipline=discipline_user)
    services.complaint_merge(actor=discipline_user, complaint=later, into=target, now=NOW)
    assert org.cadre.pk in Complaint.objects.get(pk=later.pk).recused_cadre_ids


def test_a_recused_officer_learns_nothing_of_the_complaint_through_its_cases(org: Any, discipline_user: Any) -> None:
    from supervision import services as cases

    officer = CadreFactory(department=org.records, user=UserFactory(username="officer-rc", groups=["discipline"]))
    complaint = complaint_in_state("assigned", department=org.office, handler=org.cadre, discipline=discipline_user)
    case = cases.case_open(
        actor=discipline_user, source="letter", allegation="推诿", subject_cadre=org.cadre, complaint=complaint, now=NOW
    )
    client = api(officer.user)
    assert client.get(f"/api/v1/cases/{case.pk}/").status_code == 200
    services.complaint_link_accused(actor=discipline_user, complaint=complaint, cadre=officer, now=NOW)
    assert client.get(f"/api/v1/cases/{case.pk}/").status_code == 404
    # Filtering by its id reads exactly like filtering by an id that does not exist.
    hidden = client.get("/api/v1/cases/", {"complaint": complaint.pk}).json()
    missing = client.get("/api/v1/cases/", {"complaint": 10**9}).json()
    assert hidden == missing
    assert complaint.tracking_code not in str(client.get("/api/v1/cases/").json())
