"""The organisation API: filters, search, ordering, pagination, and its error format."""

from __future__ import annotations

from typing import Any

import pytest

from cadres.models import Cadre, Unit
from tests.factories.org import CadreFactory, DepartmentFactory, UnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def inspector(client: Any, org: Any, discipline_user: Any) -> Any:
    client.force_login(discipline_user)
    return client


def _names(response: Any) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["name"] for row in response.json()["results"]]


def test_cadre_filters(inspector: Any, org: Any) -> None:
    CadreFactory(department=org.records, name="吴处长", rank=Cadre.Rank.DIVISION, is_leading=True)
    CadreFactory(department=org.records, name="郑退休", active=False)

    assert sorted(_names(inspector.get("/api/v1/cadres/", {"unit": org.township.pk}))) == ["钱镇干"]
    assert sorted(_names(inspector.get("/api/v1/cadres/", {"department": org.records.pk}))) == [
        "吴处长",
        "赵科员",
        "郑退休",
    ]
    assert _names(inspector.get("/api/v1/cadres/", {"rank": "division"})) == ["吴处长"]
    assert sorted(_names(inspector.get("/api/v1/cadres/", {"is_leading": "true"}))) == ["吴处长", "王主任"]
    assert _names(inspector.get("/api/v1/cadres/", {"active": "false"})) == ["郑退休"]
    combined = inspector.get("/api/v1/cadres/", {"department": org.records.pk, "active": "true", "is_leading": "false"})
    assert _names(combined) == ["赵科员"]


def test_cadre_text_search_on_name_and_staff_number(inspector: Any, org: Any) -> None:
    assert _names(inspector.get("/api/v1/cadres/", {"q": "科员"})) == sorted(
        ["李科员", "赵科员"], key=lambda n: Cadre.objects.get(name=n).staff_number
    )
    number = org.town_cadre.staff_number
    assert _names(inspector.get("/api/v1/cadres/", {"q": number})) == ["钱镇干"]
    assert _names(inspector.get("/api/v1/cadres/", {"search": number})) == ["钱镇干"]


def test_unit_and_department_filters(inspector: Any, org: Any) -> None:
    units = inspector.get("/api/v1/units/", {"kind": Unit.Kind.TOWNSHIP}).json()["results"]
    assert [u["code"] for u in units] == ["town"]
    assert units[0]["kind_display"]
    children = inspector.get("/api/v1/units/", {"parent": org.city.pk}).json()["results"]
    assert [u["code"] for u in children] == ["bureau"]
    assert children[0]["parent_code"] == "city"
    assert children[0]["head_name"] == "孙局长"
    departments = inspector.get("/api/v1/departments/", {"unit": org.bureau.pk}).json()["results"]
    assert [d["code"] for d in departments] == ["b-office", "b-records"]
    assert departments[0]["head_name"] == "王主任"
    assert departments[1]["head_name"] is None
    found = inspector.get("/api/v1/departments/", {"q": "档案"}).json()["results"]
    assert [d["code"] for d in found] == ["b-records"]


def test_ordering(inspector: Any, org: Any) -> None:
    codes = [u["code"] for u in inspector.get("/api/v1/units/", {"ordering": "-code"}).json()["results"]]
    assert codes == ["town", "city", "bureau"]
    numbers = [
        c["staff_number"] for c in inspector.get("/api/v1/cadres/", {"ordering": "-staff_number"}).json()["results"]
    ]
    assert numbers == sorted(numbers, reverse=True)


def test_pagination(inspector: Any, org: Any) -> None:
    unit = UnitFactory(code="big", name="大单位")
    department = DepartmentFactory(unit=unit, code="big-1")
    CadreFactory.create_batch(7, department=department)

    first = inspector.get("/api/v1/cadres/", {"unit": unit.pk, "page_size": 3}).json()
    assert "count" not in first  # no list counts its rows (a million would cost more than the page)
    assert len(first["results"]) == 3
    assert first["next"] is not None
    assert first["previous"] is None
    last = inspector.get("/api/v1/cadres/", {"unit": unit.pk, "page_size": 3, "page": 3}).json()
    assert len(last["results"]) == 1
    assert last["next"] is None
    seen = {
        row["id"]
        for page in (1, 2, 3)
        for row in inspector.get("/api/v1/cadres/", {"unit": unit.pk, "page_size": 3, "page": page}).json()["results"]
    }
    assert len(seen) == 7
    # Past the end: an empty page with no next link (nothing is counted to know where the end is).
    beyond = inspector.get("/api/v1/cadres/", {"page": 99})
    assert beyond.status_code == 200
    assert beyond.json()["results"] == []
    assert beyond.json()["next"] is None


def test_bad_filter_values_are_400_with_field_errors(inspector: Any, org: Any) -> None:
    response = inspector.get("/api/v1/cadres/", {"rank": "emperor", "department": "abc"})
    assert response.status_code == 400
    body = response.json()
    assert body["message"]
    assert set(body["errors"]) == {"rank", "department"}


def test_api_is_read_only(inspector: Any, org: Any) -> None:
    assert inspector.post("/api/v1/units/", {"code": "x", "name": "x", "kind": "township"}).status_code == 405
    assert inspector.delete(f"/api/v1/cadres/{org.cadre.pk}/").status_code == 405
    assert Unit.objects.filter(code="x").exists() is False


def test_cadre_detail_fields(inspector: Any, org: Any) -> None:
    data = inspector.get(f"/api/v1/cadres/{org.head.pk}/").json()
    assert data == {
        "id": org.head.pk,
        "staff_number": org.head.staff_number,
        "name": "王主任",
        "unit": org.bureau.pk,
        "unit_name": "市住建局",
        "department": org.office.pk,
        "department_name": "办公室",
        "position": org.head.position,
        "rank": "clerk",
        "rank_display": data["rank_display"],
        "is_leading": True,
        "active": True,
    }
    without_department = inspector.get(f"/api/v1/cadres/{org.bureau_head.pk}/").json()
    assert without_department["department"] is None
    assert without_department["department_name"] is None
