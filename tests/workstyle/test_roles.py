from typing import Any

import pytest

from cadres.models import Cadre
from complaints.models import Complaint
from tests.factories.complaints import complaint_in_state
from workstyle import roles


def test_a_cadre_who_left_the_office_loses_the_workbench_and_what_he_saw(org: Any, client: Any) -> None:
    complaint = complaint_in_state("assigned", department=org.office, handler=org.cadre)
    user = org.cadre.user
    assert roles.is_staff_user(user)
    assert Complaint.objects.visible_to(user).filter(pk=complaint.pk).exists()
    client.force_login(user)
    assert client.get("/workbench/").status_code == 200

    Cadre.objects.filter(pk=org.cadre.pk).update(active=False)
    user.refresh_from_db()
    assert roles.cadre_of(user) is None
    assert not roles.is_staff_user(user)
    assert not Complaint.objects.visible_to(user).exists()
    assert client.get("/workbench/").status_code == 403


@pytest.mark.django_db
def test_anonymous_has_no_role() -> None:
    from django.contrib.auth.models import AnonymousUser

    anonymous = AnonymousUser()
    assert roles.cadre_of(anonymous) is None
    assert not roles.is_staff_user(anonymous)
    assert not roles.sees_whole_organisation(anonymous)
