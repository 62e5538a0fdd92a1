"""The complaint workflow's table is the one list of actions: ``complaint_allowed_actions``, the
buttons of the complaint page and the ``allowed_actions`` and routes of the API agree with it for
every state and every role; every row has its service, its page form and its API serializer."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import resolve, reverse
from django.utils import timezone, translation
from rest_framework.test import APIClient

from complaints import forms as cf
from complaints import services
from complaints.api import ComplaintViewSet
from complaints.models import Complaint
from complaints.selectors import complaint_allowed_actions
from complaints.transitions import COMPLAINTS
from complaints.views import complaint_action
from tests.complaints.workflow_cast import MAY, ROLES, World, pending_extension, pending_identity_request
from tests.factories.complaints import COMPLAINANT

pytestmark = pytest.mark.django_db

STAFF_ROLES = [role for role in ROLES if role != "system"]
ACTION_URL = re.compile(r'(?:formaction|action)="/workbench/complaints/(\d+)/([a-z_]+)/"')


def test_every_row_has_its_service_page_form_and_api_action() -> None:
    for row in COMPLAINTS:
        service = COMPLAINTS.service(services, row.action)
        assert service.__name__ == f"complaint_{row.action}"
        if row.staff:
            assert row.input in cf.ACTION_FORMS
            assert callable(getattr(ComplaintViewSet, row.action))
            match = resolve(f"/api/v1/complaints/1/{row.action}/")
            assert match.func.actions == {"post": row.action}
            assert resolve(f"/workbench/complaints/1/{row.action}/").func is complaint_action
        else:
            # The complainant's actions live on the public side only.
            assert not hasattr(ComplaintViewSet, row.action)


def test_the_table_reaches_every_state_from_submission() -> None:
    for state in Complaint.Status.values:
        path = COMPLAINTS.path(state)
        here = COMPLAINTS.initial
        for action in path:
            row = COMPLAINTS[action]
            assert here in row.sources
            here = row.target or here
        assert here == state


def _page_actions(user: Any, complaint: Complaint) -> set[str]:
    client = Client()
    client.force_login(user)
    response = client.get(reverse("complaints:detail", args=[complaint.pk]))
    assert response.status_code == 200
    return {action for pk, action in ACTION_URL.findall(response.content.decode()) if int(pk) == complaint.pk}


def _api_actions(user: Any, complaint: Complaint) -> list[str]:
    client = APIClient()
    client.force_authenticate(user)
    response = client.get(f"/api/v1/complaints/{complaint.pk}/")
    assert response.status_code == 200
    return list(response.json()["allowed_actions"])


@pytest.mark.parametrize("state", Complaint.Status.values)
def test_table_allowed_actions_page_and_api_agree_for_every_role(world: World, state: str) -> None:
    complaint = world.complaint(state)
    # Light up the decisions too: a pending extension (routed states) and a pending identity request.
    pending_extension(world, complaint)
    pending_identity_request(world, complaint)
    complaint.refresh_from_db()
    for role in STAFF_ROLES:
        user = world.actor(role)
        allowed = complaint_allowed_actions(user=user, complaint=complaint)
        assert allowed == [row.action for row in COMPLAINTS if row.action in allowed]  # the table's order
        for action in allowed:
            assert role in MAY[action], (role, action, state)
            assert state in COMPLAINTS[action].sources
        visible = Complaint.objects.visible_to(user).filter(pk=complaint.pk).exists()
        if not visible:
            assert allowed == []
            continue
        assert _page_actions(user, complaint) == set(allowed), (role, state)
        assert _api_actions(user, complaint) == allowed, (role, state)


def test_an_action_outside_the_table_is_not_found(world: World) -> None:
    complaint = world.complaint("submitted")
    client = Client()
    client.force_login(world.discipline)
    assert client.post(reverse("complaints:action", args=[complaint.pk, "explode"])).status_code == 404
    # The complainant's own actions are not the workbench's to take.
    assert client.post(reverse("complaints:action", args=[complaint.pk, "request_review"])).status_code == 404
    api = APIClient()
    api.force_authenticate(world.discipline)
    assert api.post(f"/api/v1/complaints/{complaint.pk}/request_review/", {}, format="json").status_code == 404


def test_the_api_judges_the_role_before_the_input(world: World) -> None:
    complaint = world.complaint("submitted")
    api = APIClient()
    api.force_authenticate(world.actor("superuser"))
    # No department given, but the administrator may not accept anyway: 403, not a field error.
    response = api.post(f"/api/v1/complaints/{complaint.pk}/accept/", {}, format="json")
    assert response.status_code == 403
    assert response.json()["errors"] == {}


def test_events_are_labelled_by_the_table(world: World) -> None:
    complaint = world.complaint("replied")
    with translation.override("en"):
        labels = {event.verb: event.verb_label for event in complaint.events.all()}
        assert labels["submit"] == "submitted"  # not a transition: the workflow's other verbs
        for verb in ("accept", "assign", "reply"):
            row = next(row for row in COMPLAINTS if row.event_verb == verb)
            assert labels[verb] == str(row.event_label)
        assert labels["accept"] == "accepted and routed"
    assert COMPLAINANT["complainant_name"] not in str(labels)


def test_the_schema_documents_each_generated_action_in_english() -> None:
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    with translation.override("zh-hans"):
        zh = SchemaGenerator().get_schema(request=None, public=True)
    for row in COMPLAINTS.staff_rows():
        operation = schema["paths"][f"/api/v1/complaints/{{id}}/{row.action}/"]["post"]
        with translation.override("en"):
            assert operation["summary"].startswith(str(row.label))
        assert "system" not in operation["summary"]
        # Only the action that can take the object out of the caller's sight documents a 204.
        assert ("204" in operation["responses"]) is (row.action == "link_accused"), row.action
        assert zh["paths"][f"/api/v1/complaints/{{id}}/{row.action}/"]["post"]["summary"] == operation["summary"]
    reveal = schema["paths"]["/api/v1/complaints/{id}/reveal_identity/"]["post"]
    assert reveal["summary"] == "Reveal the identity (the discipline office)"
    assert reveal["description"] == "Revealing is recorded in the timeline with your reason."


def test_the_page_judges_the_role_before_the_state(world: World) -> None:
    complaint = world.complaint("accepted")
    client = Client()
    client.force_login(world.orgdept)
    response = client.post(reverse("complaints:action", args=[complaint.pk, "accept"]), {"accept-department": 1})
    assert response.status_code == 403


def test_an_identity_once_revealed_is_not_offered_again(world: World) -> None:
    from complaints import services
    from workstyle.errors import TransitionError

    complaint = world.complaint("assigned")
    assert "reveal_identity" in complaint_allowed_actions(user=world.discipline, complaint=complaint)
    services.complaint_reveal_identity(actor=world.discipline, complaint=complaint, reason="核实", now=timezone.now())
    assert "reveal_identity" not in complaint_allowed_actions(user=world.discipline, complaint=complaint)
    with pytest.raises(TransitionError):
        services.complaint_reveal_identity(
            actor=world.discipline, complaint=complaint, reason="再看", now=timezone.now()
        )
    assert _page_actions(world.discipline, complaint) == set(
        complaint_allowed_actions(user=world.discipline, complaint=complaint)
    )
