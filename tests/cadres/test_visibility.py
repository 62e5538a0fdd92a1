"""Who sees which units, departments and cadres, on the pages and in the API alike.
Out of scope answers 404, exactly like an object that does not exist."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.factories.org import CadreFactory, DepartmentFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db

ALL_UNITS = {"city", "bureau", "town"}
ALL_DEPARTMENTS = {"b-office", "b-records", "t-office"}
ALL_CADRES = {"王主任", "李科员", "赵科员", "钱镇干", "孙局长"}

# username → (units, departments, cadres) he may see, in the `org` fixture's small city.
SCOPES: dict[str, tuple[set[str], set[str], set[str]]] = {
    "inspector-t": (ALL_UNITS, ALL_DEPARTMENTS, ALL_CADRES),
    "orgdept-t": (ALL_UNITS, ALL_DEPARTMENTS, ALL_CADRES),
    # heads b-office: his unit's departments, the cadres of the department he heads
    "head-t": ({"bureau"}, {"b-office", "b-records"}, {"王主任", "李科员"}),
    # plain cadre: his unit, its departments, himself and his department's colleagues
    "cadre-t": ({"bureau"}, {"b-office", "b-records"}, {"王主任", "李科员"}),
    "other-t": ({"bureau"}, {"b-office", "b-records"}, {"赵科员"}),
    # heads the bureau: every cadre of the bureau, in a department or not
    "bhead-t": ({"bureau"}, {"b-office", "b-records"}, {"王主任", "李科员", "赵科员", "孙局长"}),
    "town-t": ({"town"}, {"t-office"}, {"钱镇干"}),
}


@pytest.fixture
def everyone(org: Any, discipline_user: Any, orgdept_user: Any) -> Any:
    return org


@pytest.mark.parametrize("username", sorted(SCOPES))
def test_api_lists_exactly_the_scope(client: Any, everyone: Any, username: str) -> None:
    units, departments, cadres = SCOPES[username]
    client.force_login(get_user_model().objects.get(username=username))

    got_units = {row["code"] for row in client.get("/api/v1/units/").json()["results"]}
    got_departments = {row["code"] for row in client.get("/api/v1/departments/").json()["results"]}
    got_cadres = {row["name"] for row in client.get("/api/v1/cadres/").json()["results"]}

    assert (got_units, got_departments, got_cadres) == (units, departments, cadres)


@pytest.mark.parametrize("username", sorted(SCOPES))
def test_api_details_in_scope_200_out_of_scope_404(client: Any, everyone: Any, username: str) -> None:
    from cadres.models import Cadre, Department, Unit

    units, departments, cadres = SCOPES[username]
    client.force_login(get_user_model().objects.get(username=username))

    for unit in Unit.objects.all():
        response = client.get(f"/api/v1/units/{unit.pk}/")
        assert response.status_code == (200 if unit.code in units else 404), unit.code
    for department in Department.objects.all():
        response = client.get(f"/api/v1/departments/{department.pk}/")
        assert response.status_code == (200 if department.code in departments else 404), department.code
    for cadre in Cadre.objects.all():
        response = client.get(f"/api/v1/cadres/{cadre.pk}/")
        assert response.status_code == (200 if cadre.name in cadres else 404), cadre.name
        if response.status_code == 404:
            assert response.json()["message"]  # the API's error format, not an HTML page


@pytest.mark.parametrize("username", sorted(SCOPES))
def test_pages_show_exactly_the_scope(client: Any, everyone: Any, username: str) -> None:
    from cadres.models import Cadre, Department, Unit

    units, departments, cadres = SCOPES[username]
    client.force_login(get_user_model().objects.get(username=username))

    tree = client.get(reverse("cadres:units"))
    assert tree.status_code == 200
    assert _codes_in_tree(tree.context["roots"]) == units
    listed = client.get(reverse("cadres:departments"))
    assert [d.code for d in listed.context["page"]] == sorted(departments, key=_department_order)
    listed = client.get(reverse("cadres:cadres"))
    assert {c.name for c in listed.context["page"]} == cadres
    for name in ALL_CADRES - cadres:
        assert name not in listed.text

    for unit in Unit.objects.all():
        response = client.get(reverse("cadres:unit", args=[unit.pk]))
        assert response.status_code == (200 if unit.code in units else 404), unit.code
    for department in Department.objects.all():
        response = client.get(reverse("cadres:department", args=[department.pk]))
        assert response.status_code == (200 if department.code in departments else 404), department.code
    for cadre in Cadre.objects.all():
        response = client.get(reverse("cadres:cadre", args=[cadre.pk]))
        assert response.status_code == (200 if cadre.name in cadres else 404), cadre.name


def _codes_in_tree(nodes: Any) -> set[str]:
    codes: set[str] = set()
    for node in nodes:
        codes |= {node.unit.code} | _codes_in_tree(node.children)
    return codes


def _department_order(code: str) -> tuple[str, str]:
    unit = {"b-office": "bureau", "b-records": "bureau", "t-office": "town"}[code]
    return unit, code


def test_unit_detail_lists_only_visible_cadres(client: Any, org: Any) -> None:
    client.force_login(org.cadre.user)
    response = client.get(reverse("cadres:unit", args=[org.bureau.pk]))
    assert response.status_code == 200
    assert {c.name for c in response.context["cadres"]} == {"王主任", "李科员"}
    assert "赵科员" not in response.text
    assert "孙局长" in response.text  # the unit's head is named, even where his record is not open
    assert reverse("cadres:cadre", args=[org.bureau_head.pk]) not in response.text


def test_unit_head_sees_the_units_below(client: Any, org: Any) -> None:
    mayor = CadreFactory(department=None, unit=org.city, name="周书记", user=UserFactory(username="city-head"))
    org.city.head = mayor
    org.city.save()
    client.force_login(mayor.user)

    codes = {row["code"] for row in client.get("/api/v1/units/").json()["results"]}
    names = {row["name"] for row in client.get("/api/v1/cadres/").json()["results"]}

    assert codes == {"city", "bureau"}
    assert names == {"周书记", "王主任", "李科员", "赵科员", "孙局长"}
    assert client.get(reverse("cadres:unit", args=[org.township.pk])).status_code == 404
    assert client.get(reverse("cadres:unit", args=[org.bureau.pk])).status_code == 200


def test_tree_nests_children_under_their_parent(client: Any, org: Any, discipline_user: Any) -> None:
    UnitFactory(code="bureau-sub", name="市住建局下属中心", parent=org.bureau)
    client.force_login(discipline_user)
    roots = client.get(reverse("cadres:units")).context["roots"]
    assert [node.unit.code for node in roots] == ["city", "town"]
    city = roots[0]
    assert [node.unit.code for node in city.children] == ["bureau"]
    assert [node.unit.code for node in city.children[0].children] == ["bureau-sub"]
    assert (city.children[0].departments, city.children[0].cadres) == (2, 4)


def test_anonymous_is_sent_to_login_and_refused_by_the_api(client: Any, org: Any) -> None:
    for name in ("cadres:units", "cadres:departments", "cadres:cadres"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    response = client.get(reverse("cadres:cadre", args=[org.cadre.pk]))
    assert response.status_code == 302
    for path in ("/api/v1/units/", "/api/v1/departments/", "/api/v1/cadres/", f"/api/v1/cadres/{org.cadre.pk}/"):
        assert client.get(path).status_code == 401


def test_account_without_cadre_or_role_is_refused(client: Any, org: Any) -> None:
    client.force_login(UserFactory(username="nobody"))
    assert client.get(reverse("cadres:units")).status_code == 403
    assert client.get(reverse("cadres:cadre", args=[org.cadre.pk])).status_code == 403
    assert client.get("/api/v1/cadres/").status_code == 403
    assert client.get(f"/api/v1/units/{org.bureau.pk}/").status_code == 403


def test_token_auth_reads_the_same_scope(client: Any, org: Any) -> None:
    from django.utils import timezone

    from workstyle.services import api_token_issue

    token = api_token_issue(user=org.town_cadre.user, now=timezone.now()).token
    response = client.get("/api/v1/cadres/", HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 200
    assert [row["name"] for row in response.json()["results"]] == ["钱镇干"]


def test_filter_cannot_name_an_object_out_of_scope(client: Any, org: Any) -> None:
    """A filter on an out-of-scope unit is refused like an unknown one: it reveals nothing."""
    client.force_login(org.cadre.user)
    response = client.get("/api/v1/cadres/", {"unit": org.township.pk})
    assert response.status_code == 400
    assert "unit" in response.json()["errors"]
    unknown = client.get("/api/v1/cadres/", {"unit": 999999})
    assert unknown.status_code == 400
    assert unknown.json()["errors"].keys() == response.json()["errors"].keys()
    page = client.get(reverse("cadres:cadres"), {"department": org.town_office.pk})
    assert page.status_code == 200
    assert "钱镇干" not in page.text


def test_inactive_department_of_own_unit_is_listed(client: Any, org: Any) -> None:
    DepartmentFactory(unit=org.bureau, code="b-old", name="旧科室", active=False)
    client.force_login(org.cadre.user)
    codes = {row["code"] for row in client.get("/api/v1/departments/").json()["results"]}
    assert "b-old" in codes
