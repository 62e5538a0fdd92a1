"""Access to a complainant's identity expires, and every showing of it is on the record: each page
and API answer that carried it writes who saw it, when and where, and the discipline office's
leader reads that log on the complaint's page."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client, override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from complaints import services
from complaints.models import IdentityAccess, IdentityView
from complaints.selectors import complaint_allowed_actions, complaint_identity_visible
from tests.factories.complaints import COMPLAINANT, complaint_in_state
from tests.factories.org import UserFactory

pytestmark = pytest.mark.django_db
NAME = COMPLAINANT["complainant_name"]


def api(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def page(user: Any, complaint: Any) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(f"/workbench/complaints/{complaint.pk}/")
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def complaint(org: Any, discipline_user: Any) -> Any:
    return complaint_in_state("assigned", department=org.office, handler=org.cadre, discipline=discipline_user)


@override_settings(WORKSTYLE_IDENTITY_ACCESS_HOURS=8)
def test_a_reveal_lasts_its_hours_then_must_be_asked_again(complaint: Any, discipline_user: Any) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        access = services.complaint_reveal_identity(
            actor=discipline_user, complaint=complaint, reason="当面核实", now=timezone.now()
        )
        assert access.expires_at == start + timedelta(hours=8)
        clock.move_to(start + timedelta(hours=7, minutes=59))
        assert complaint_identity_visible(user=discipline_user, complaint=complaint)
        assert NAME in page(discipline_user, complaint)
        assert "reveal_identity" not in complaint_allowed_actions(user=discipline_user, complaint=complaint)
        clock.move_to(start + timedelta(hours=8, seconds=1))
        assert not complaint_identity_visible(user=discipline_user, complaint=complaint)
        assert NAME not in page(discipline_user, complaint)
        assert NAME not in api(discipline_user).get(f"/api/v1/complaints/{complaint.pk}/").content.decode()
        # Seeing it again takes a new reveal, with a new reason on the timeline.
        assert "reveal_identity" in complaint_allowed_actions(user=discipline_user, complaint=complaint)


@override_settings(WORKSTYLE_IDENTITY_ACCESS_HOURS=2)
def test_a_granted_request_expires_and_may_be_asked_again(complaint: Any, org: Any, discipline_user: Any) -> None:
    handler = org.cadre.user
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        access = services.complaint_request_identity(actor=handler, complaint=complaint, reason="回访", now=start)
        services.complaint_grant_identity(actor=discipline_user, access=access, now=start)
        assert IdentityAccess.objects.get(pk=access.pk).expires_at == start + timedelta(hours=2)
        assert NAME in page(handler, complaint)
        assert "request_identity" not in complaint_allowed_actions(user=handler, complaint=complaint)
        clock.move_to(start + timedelta(hours=3))
        assert NAME not in page(handler, complaint)
        assert "request_identity" in complaint_allowed_actions(user=handler, complaint=complaint)


def test_every_showing_is_recorded_and_nothing_else(complaint: Any, org: Any, discipline_user: Any) -> None:
    # Not shown, not recorded.
    page(discipline_user, complaint)
    api(discipline_user).get(f"/api/v1/complaints/{complaint.pk}/")
    assert not IdentityView.objects.exists()

    client = api(discipline_user)
    response = client.post(f"/api/v1/complaints/{complaint.pk}/reveal_identity/", {"reason": "核实"}, format="json")
    assert response.json()["complainant_name"] == NAME
    page(discipline_user, complaint)
    client.get(f"/api/v1/complaints/{complaint.pk}/")
    client.get("/api/v1/complaints/")
    views = list(IdentityView.objects.order_by("id").values_list("user_id", "complaint_id", "channel"))
    assert views == [
        (discipline_user.pk, complaint.pk, "api"),  # the reveal's own answer
        (discipline_user.pk, complaint.pk, "page"),
        (discipline_user.pk, complaint.pk, "api"),
        (discipline_user.pk, complaint.pk, "api"),  # the list, where this complaint carried it
    ]
    access = IdentityAccess.objects.get(complaint=complaint, user=discipline_user)
    assert set(IdentityView.objects.values_list("access_id", flat=True)) == {access.pk}
    # Another officer's lists show him nothing and record nothing.
    other = UserFactory(username="inspector-2", groups=["discipline"])
    assert NAME not in api(other).get("/api/v1/complaints/").content.decode()
    assert IdentityView.objects.count() == 4


def test_the_leader_reads_the_log_on_the_page_and_nobody_else(complaint: Any, org: Any, discipline_user: Any) -> None:
    services.complaint_reveal_identity(
        actor=discipline_user, complaint=complaint, reason="核实身份", now=timezone.now()
    )
    page(discipline_user, complaint)
    leader = UserFactory(username="leader-t", groups=["discipline", "discipline_leader"])
    html = page(leader, complaint)
    assert 'id="identity-accesses"' in html
    assert 'id="identity-views"' in html
    assert "核实身份" in html
    assert discipline_user.username in html
    # An officer without the leader's role, or a "leader" outside the office, reads no log.
    assert 'id="identity-views"' not in page(discipline_user, complaint)
    outsider = UserFactory(username="leader-x", groups=["orgdept", "discipline_leader"])
    assert 'id="identity-views"' not in page(outsider, complaint)
