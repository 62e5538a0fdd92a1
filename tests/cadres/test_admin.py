"""Master data edited by hand in the admin: every change goes through a service and leaves an
audit event; the tree stays a tree."""

from __future__ import annotations

from typing import Any

import pytest

from cadres.models import Cadre, Unit
from tests.factories.org import CadreFactory, UnitFactory
from workstyle.models import AuditEvent

pytestmark = pytest.mark.django_db


def _unit_form(unit: Unit, **changes: Any) -> dict[str, Any]:
    data = {"code": unit.code, "name": unit.name, "kind": unit.kind, "parent": unit.parent_id or "", "head": ""}
    if unit.active:
        data["active"] = "on"
    return {**data, **changes}


def test_an_edit_that_changes_nothing_writes_nothing(admin_client: Any) -> None:
    unit = UnitFactory(code="u1", name="旧名")
    response = admin_client.post(f"/admin/cadres/unit/{unit.pk}/change/", _unit_form(unit))
    assert response.status_code == 302
    assert not AuditEvent.objects.exists()


def test_deleting_in_the_admin_writes_an_audit_event(admin_client: Any) -> None:
    unit = UnitFactory(code="gone")
    response = admin_client.post(f"/admin/cadres/unit/{unit.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Unit.objects.filter(pk=unit.pk).exists()
    event = AuditEvent.objects.get(verb="delete")
    assert (event.target_id, event.note) == (str(unit.pk), str(unit))


def test_the_bulk_delete_action_writes_an_audit_event_per_record(admin_client: Any) -> None:
    cadres = [CadreFactory(), CadreFactory()]
    response = admin_client.post(
        "/admin/cadres/cadre/",
        {"action": "delete_selected", "_selected_action": [c.pk for c in cadres], "post": "yes"},
    )
    assert response.status_code == 302
    assert not Cadre.objects.filter(pk__in=[c.pk for c in cadres]).exists()
    assert sorted(AuditEvent.objects.filter(verb="delete").values_list("target_id", flat=True)) == sorted(
        str(c.pk) for c in cadres
    )


def test_a_unit_cannot_be_moved_under_a_unit_below_it(admin_client: Any) -> None:
    top = UnitFactory(code="top")
    middle = UnitFactory(code="middle", parent=top)
    low = UnitFactory(code="low", parent=middle)
    response = admin_client.post(
        f"/admin/cadres/unit/{top.pk}/change/", _unit_form(top, parent=low.pk), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    assert "below it" in str(response.context["adminform"].form.errors["parent"])
    top.refresh_from_db()
    assert top.parent is None
    # A move elsewhere is fine.
    other = UnitFactory(code="other")
    assert (
        admin_client.post(f"/admin/cadres/unit/{top.pk}/change/", _unit_form(top, parent=other.pk)).status_code == 302
    )
