"""``manage.py seed_demo``: a realistic demo city with a login for every role; idempotent."""

from __future__ import annotations

import io
import re

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.urls import reverse

from cadres.models import Cadre, Department, Unit
from workstyle import roles

PASSWORD = "demo-pass-1"
ROLES = ("admin", "inspector", "orgdept", "head", "cadre")
PROJECT_APPS = ("workstyle", "cadres", "complaints", "meetings", "supervision", "auth")
pytestmark = pytest.mark.django_db


def _seed(password: str = PASSWORD) -> str:
    out = io.StringIO()
    call_command("seed_demo", password=password, stdout=out)
    return out.getvalue()


def _counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for app in PROJECT_APPS
        for model in apps.get_app_config(app).get_models()
    }


def _org_snapshot() -> dict[str, list[tuple]]:
    users = (
        get_user_model()
        .objects.order_by("username")
        .values_list(
            "username", "password", "email", "first_name", "is_active", "is_staff", "is_superuser", "last_login"
        )
    )
    return {
        "units": list(Unit.objects.order_by("code").values_list()),
        "departments": list(Department.objects.order_by("code").values_list()),
        "cadres": list(Cadre.objects.order_by("staff_number").values_list()),
        "users": list(users),
        "groups": sorted(get_user_model().groups.through.objects.values_list("user__username", "group__name")),
    }


def test_seed_twice_changes_nothing():
    output = _seed()
    counts, snapshot = _counts(), _org_snapshot()
    again = _seed()
    assert _counts() == counts
    assert _org_snapshot() == snapshot
    assert "0 rows created, 0 updated" in again
    assert "inspector" in output
    assert "http://" in output


def test_seed_builds_a_realistic_city():
    _seed()
    assert Unit.objects.count() >= 4
    kinds = set(Unit.objects.values_list("kind", flat=True))
    assert Unit.Kind.TOWNSHIP in kinds
    assert len(kinds) >= 4
    assert Unit.objects.filter(parent__isnull=False).exists()  # a tree, not a list
    assert Department.objects.count() >= 8
    assert Cadre.objects.count() >= 40
    chinese_name = re.compile(r"^[\u4e00-\u9fff]{2,4}$")
    assert all(chinese_name.match(name) for name in Cadre.objects.values_list("name", flat=True))
    assert all(Cadre.objects.values_list("position", flat=True))
    assert len(set(Cadre.objects.values_list("rank", flat=True))) >= 4
    # Every unit and department has a head who works there.
    for unit in Unit.objects.select_related("head"):
        assert unit.head is not None, unit
        assert unit.head.unit_id == unit.pk, unit
    for department in Department.objects.select_related("head"):
        assert department.head is not None, department
        assert department.head.department_id == department.pk, department
    assert Cadre.objects.filter(is_leading=True).exists()
    assert Cadre.objects.filter(is_leading=False).exists()


def test_seed_gives_every_role_its_login():
    output = _seed()
    users = {user.username: user for user in get_user_model().objects.filter(username__in=ROLES)}
    assert set(users) == set(ROLES)
    assert all(user.check_password(PASSWORD) for user in users.values())
    for username in ROLES:
        assert re.search(rf"^\s+{username}\s+{PASSWORD}\s+\S", output, re.MULTILINE), username

    admin = users["admin"]
    assert admin.is_superuser
    assert admin.is_staff
    assert roles.is_discipline(users["inspector"])
    assert not roles.is_orgdept(users["inspector"])
    assert roles.is_orgdept(users["orgdept"])
    assert not roles.is_discipline(users["orgdept"])

    head = roles.cadre_of(users["head"])
    headed = head.headed_departments.get()
    assert not roles.sees_whole_organisation(users["head"])
    cadre = roles.cadre_of(users["cadre"])
    assert cadre.department == headed
    assert not cadre.headed_departments.exists()
    assert not cadre.headed_units.exists()
    assert not roles.sees_whole_organisation(users["cadre"])
    assert not users["cadre"].is_staff
    assert not users["head"].is_staff


@pytest.mark.parametrize("username", ROLES)
def test_demo_logins_work_through_the_login_page(client, username):
    _seed()
    response = client.post(reverse("login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.content
    assert response["Location"] == reverse("workbench")
    assert client.get(reverse("workbench")).status_code == 200


def test_seed_with_another_password_resets_every_login():
    _seed()
    _seed("another-pass-2")
    for user in get_user_model().objects.filter(username__in=ROLES):
        assert user.check_password("another-pass-2")
        assert not user.check_password(PASSWORD)


def test_seed_repairs_what_was_changed_by_hand():
    _seed()
    head = Cadre.objects.get(user__username="head")
    Department.objects.filter(head=head).update(head=None)
    Cadre.objects.filter(user__username="cadre").update(user=None)
    get_user_model().objects.filter(username="inspector").update(is_active=False)
    output = _seed()
    assert "0 rows created" in output
    assert Department.objects.filter(head=head).exists()
    assert Cadre.objects.filter(user__username="cadre").exists()
    assert get_user_model().objects.get(username="inspector").is_active


def test_password_defaults_to_the_demo_password_setting(settings):
    settings.WORKSTYLE_DEMO_PASSWORD = "from-env-3"
    call_command("seed_demo", stdout=io.StringIO())
    assert get_user_model().objects.get(username="cadre").check_password("from-env-3")


def test_empty_password_is_refused():
    with pytest.raises(CommandError, match="password"):
        call_command("seed_demo", password="", stdout=io.StringIO())
    assert not Unit.objects.exists()
