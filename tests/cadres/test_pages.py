"""The organisation pages: filters, pagination, details."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from cadres.models import Cadre
from tests.factories.org import CadreFactory, DepartmentFactory, UnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def inspector(client: Any, org: Any, discipline_user: Any) -> Any:
    client.force_login(discipline_user)
    return client


def _names(response: Any) -> set[str]:
    assert response.status_code == 200
    return {cadre.name for cadre in response.context["page"]}


def test_cadre_list_filters(inspector: Any, org: Any) -> None:
    CadreFactory(department=org.records, name="吴处长", rank=Cadre.Rank.DIVISION, is_leading=True)
    CadreFactory(department=org.records, name="郑退休", active=False)
    url = reverse("cadres:cadres")

    assert _names(inspector.get(url, {"unit": org.township.pk})) == {"钱镇干"}
    assert _names(inspector.get(url, {"department": org.records.pk})) == {"赵科员", "吴处长", "郑退休"}
    assert _names(inspector.get(url, {"rank": "division"})) == {"吴处长"}
    assert _names(inspector.get(url, {"is_leading": "true"})) == {"吴处长", "王主任"}
    assert _names(inspector.get(url, {"active": "false"})) == {"郑退休"}
    assert _names(inspector.get(url, {"q": "科员"})) == {"李科员", "赵科员"}
    assert _names(inspector.get(url, {"q": org.town_cadre.staff_number})) == {"钱镇干"}


def test_cadre_list_bad_filter_reshows_the_form(inspector: Any, org: Any) -> None:
    response = inspector.get(reverse("cadres:cadres"), {"rank": "emperor"})
    assert response.status_code == 200
    assert response.context["filter"].form.errors["rank"]
    assert 'class="error"' in response.text


def test_cadre_list_paginates_and_keeps_the_filters(inspector: Any, org: Any) -> None:
    unit = UnitFactory(code="big", name="大单位")
    department = DepartmentFactory(unit=unit, code="big-1")
    CadreFactory.create_batch(55, department=department)

    first = inspector.get(reverse("cadres:cadres"), {"unit": unit.pk})
    assert len(first.context["page"]) == 50
    assert first.context["total"] == 55
    # The next page's link keeps the filter and carries the position after the last row.
    cursor = first.context["page"].next_cursor
    assert f"unit={unit.pk}&amp;cursor={cursor}" in first.text
    second = inspector.get(reverse("cadres:cadres"), {"unit": unit.pk, "cursor": cursor})
    assert len(second.context["page"]) == 5
    assert not ({c.pk for c in first.context["page"]} & {c.pk for c in second.context["page"]})


def test_department_list_filters(inspector: Any, org: Any) -> None:
    url = reverse("cadres:departments")
    by_unit = inspector.get(url, {"unit": org.township.pk})
    assert [d.code for d in by_unit.context["page"]] == ["t-office"]
    by_text = inspector.get(url, {"q": "档案"})
    assert [d.code for d in by_text.context["page"]] == ["b-records"]
    everything = inspector.get(url)
    office = next(d for d in everything.context["page"] if d.code == "b-office")
    assert office.cadre_count == 2


def test_detail_pages_show_the_organisation(inspector: Any, org: Any) -> None:
    unit = inspector.get(reverse("cadres:unit", args=[org.bureau.pk]))
    assert unit.status_code == 200
    assert [d.code for d in unit.context["departments"]] == ["b-office", "b-records"]
    assert "孙局长" in unit.text
    assert reverse("cadres:unit", args=[org.city.pk]) in unit.text  # link to the parent unit

    department = inspector.get(reverse("cadres:department", args=[org.office.pk]))
    assert department.status_code == 200
    assert {c.name for c in department.context["page"]} == {"王主任", "李科员"}

    cadre = inspector.get(reverse("cadres:cadre", args=[org.head.pk]))
    assert cadre.status_code == 200
    assert org.head.staff_number in cadre.text
    assert [d.code for d in cadre.context["headed_departments"]] == ["b-office"]
    assert reverse("cadres:department", args=[org.office.pk]) in cadre.text


def test_unknown_objects_are_404(inspector: Any) -> None:
    for name in ("cadres:unit", "cadres:department", "cadres:cadre"):
        assert inspector.get(reverse(name, args=[999999])).status_code == 404
