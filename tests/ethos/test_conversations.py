"""Admonishing and reminding conversations: recorded by the discipline office, seen by it, the
organization department and the cadre concerned."""

from __future__ import annotations

from typing import Any

import pytest

from supervision.models import Conversation

pytestmark = pytest.mark.django_db


def _body(org: Any, **changes: Any) -> dict[str, Any]:
    return {
        "cadre": org.other.pk,
        "kind": "admonishing",
        "held_on": "2026-03-01",
        "reason": "民主测评中“廉洁从政”差评占比达三分之一",
        "outcome": "本人表示接受并限期整改",
        **changes,
    }


def test_discipline_records_and_roles_see(
    client: Any, org: Any, discipline_user: Any, orgdept_user: Any, settings: Any
) -> None:
    client.force_login(orgdept_user)
    assert client.post("/api/v1/conversations/", _body(org)).status_code == 403
    client.force_login(org.head.user)
    assert client.post("/api/v1/conversations/", _body(org)).status_code == 403
    assert not Conversation.objects.exists()

    client.force_login(discipline_user)
    created = client.post("/api/v1/conversations/", _body(org))
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["cadre"], body["kind"], body["held_by"]) == (org.other.pk, "admonishing", "inspector-t")
    client.post("/api/v1/conversations/", _body(org, cadre=org.cadre.pk, kind="reminding"))

    filtered = client.get("/api/v1/conversations/", {"kind": "reminding"}).json()["results"]
    assert [row["cadre"] for row in filtered] == [org.cadre.pk]
    assert len(client.get("/api/v1/conversations/", {"cadre": org.other.pk}).json()["results"]) == 1

    client.force_login(orgdept_user)
    assert len(client.get("/api/v1/conversations/").json()["results"]) == 2
    client.force_login(org.other.user)
    own = client.get("/api/v1/conversations/").json()["results"]
    assert [row["cadre"] for row in own] == [org.other.pk]
    client.force_login(org.head.user)
    assert client.get("/api/v1/conversations/").json()["results"] == []


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"kind": "scolding"}, "kind"),
        ({"reason": ""}, "reason"),
        ({"held_on": "2999-01-01"}, "held_on"),
        ({"cadre": 999999}, "cadre"),
    ],
)
def test_bad_conversations_are_refused(
    client: Any, org: Any, discipline_user: Any, changes: dict[str, Any], field: str
) -> None:
    client.force_login(discipline_user)
    response = client.post("/api/v1/conversations/", _body(org, **changes))
    assert response.status_code == 400
    assert response.json()["errors"][field]
    assert not Conversation.objects.exists()
