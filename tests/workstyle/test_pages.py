"""Health check, the layout's language switch, the workbench shell and the notifications page/API."""

from __future__ import annotations

import socket
import time
from unittest import mock

import pytest
from django.db import OperationalError, connection
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from tests.factories.org import UserFactory
from workstyle import dashboard, services
from workstyle.celery import app as celery_app
from workstyle.models import Notification

pytestmark = pytest.mark.django_db


def test_healthz_reports_database_and_broker(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "ok", "cache": "ok", "status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_is_503_when_the_database_is_unreachable(client):
    with mock.patch.object(connection, "cursor", side_effect=OperationalError("could not connect to server")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"
    assert response.json()["status"] == "down"


def test_healthz_is_degraded_and_200_when_only_the_broker_is_down(client, monkeypatch):
    monkeypatch.setattr(celery_app.conf, "broker_url", "redis://127.0.0.1:9/0")
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["broker"] == "unreachable"
    assert response.json()["status"] == "degraded"


def test_healthz_answers_at_once_when_the_broker_hangs(client, monkeypatch):
    with socket.socket() as server:  # accepts connections, never answers
        server.bind(("127.0.0.1", 0))
        server.listen(8)
        monkeypatch.setattr(celery_app.conf, "broker_url", f"redis://127.0.0.1:{server.getsockname()[1]}/0")
        started = time.monotonic()
        response = client.get("/healthz")
    assert time.monotonic() - started < 5
    assert response.status_code == 200
    assert response.json()["broker"] == "unreachable"


def test_pages_default_to_chinese_and_switch_to_english(client):
    response = client.get("/")
    assert response.status_code == 200
    assert '<html lang="zh-hans">' in response.text

    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert response["Location"] == "/"
    response = client.get("/")
    assert '<html lang="en">' in response.text
    assert "Staff login" in response.text

    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    response = client.get("/")
    assert '<html lang="zh-hans">' in response.text
    assert "工作人员登录" in response.text


def test_staff_navigation_is_translated(client):
    client.force_login(UserFactory(groups=["discipline"]))
    assert "工作台" in client.get(reverse("workbench")).text
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert ">Workbench</a>" in client.get(reverse("workbench")).text


def test_workbench_needs_a_login_and_a_staff_role(client):
    response = client.get(reverse("workbench"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    client.force_login(UserFactory())  # an account with no role and no cadre record
    assert client.get(reverse("workbench")).status_code == 403


def test_workbench_shows_the_panels_apps_register(client, monkeypatch):
    monkeypatch.setattr(dashboard, "PROVIDERS", [])

    @dashboard.register_panels
    def panels(user):
        return [{"label": "待受理投诉", "count": 7, "url": "/workbench/complaints/", "alert": True}]

    client.force_login(UserFactory(groups=["discipline"]))
    response = client.get(reverse("workbench"))
    assert response.context["panels"] == panels(None)
    assert 'class="panel alert" href="/workbench/complaints/"' in response.text
    assert "待受理投诉" in response.text


def test_my_page_shows_the_cadre_record_and_roles(client, org):
    client.force_login(org.head.user)
    response = client.get(reverse("me"))
    assert response.status_code == 200
    assert org.head.staff_number in response.text
    assert org.office.name in response.text
    assert response.context["roles"] == ["部门负责人", "干部"]

    client.force_login(org.bureau_head.user)
    assert client.get(reverse("me")).context["roles"] == ["单位负责人", "干部"]
    client.force_login(org.cadre.user)
    assert client.get(reverse("me")).context["roles"] == ["干部"]


def _notify(user, title: str, *, url: str = "") -> Notification:
    return services.notification_send(
        recipients=[user], kind="message", params={"title": title, "text": "正文"}, url=url, now=timezone.now()
    )[0]


def test_notifications_page_lists_only_own_notices_and_marks_them_read(client):
    me, other = UserFactory(groups=["discipline"]), UserFactory(groups=["discipline"])
    mine = _notify(me, "我的通知", url="/workbench/")
    _notify(me, "第二条")
    theirs = _notify(other, "别人的通知")
    client.force_login(me)

    response = client.get(reverse("notifications"))
    assert response.status_code == 200
    assert "我的通知" in response.text
    assert "别人的通知" not in response.text
    assert '<span class="badge"' in response.text  # unread count in the header

    # Another user's id is ignored: nothing of his changes.
    client.post(reverse("notifications-read"), {"id": [str(theirs.pk)]})
    theirs.refresh_from_db()
    assert theirs.read_at is None

    response = client.post(reverse("notifications-read"), {"id": [str(mine.pk)], "next": "/workbench/"})
    assert response.status_code == 302
    assert response["Location"] == "/workbench/"
    mine.refresh_from_db()
    assert mine.read_at is not None
    assert [n.pk for n in client.get(reverse("notifications"), {"unread": "1"}).context["page"]] == [
        n.pk for n in Notification.objects.filter(recipient=me, read_at__isnull=True)
    ]

    client.post(reverse("notifications-read"))  # all
    assert not Notification.objects.filter(recipient=me, read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=other, read_at__isnull=True).count() == 1


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil.example/"])
def test_mark_read_never_redirects_off_site(client, target):
    client.force_login(UserFactory(groups=["discipline"]))
    response = client.post(reverse("notifications-read"), {"next": target})
    assert response["Location"] == reverse("notifications")


def test_mark_read_ignores_ids_that_are_no_ids(client):
    me = UserFactory(groups=["discipline"])
    mine = _notify(me, "我的通知")
    client.force_login(me)
    # "²" passes str.isdigit() and then breaks int(); the long one is past bigint.
    response = client.post(reverse("notifications-read"), {"id": ["²", "9" * 30, "-1", "abc"]})
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.read_at is None  # bad ids mark nothing, and certainly not everything


def test_notifications_api_refuses_bad_id_lists():
    me = UserFactory()
    mine = _notify(me, "第一条")
    api = APIClient()
    api.force_authenticate(me)
    for ids in ([2**63], [0], list(range(1, 1002))):
        response = api.post("/api/v1/notifications/read-many/", {"ids": ids}, format="json")
        assert response.status_code == 400, ids
        assert "ids" in response.json()["errors"]
    mine.refresh_from_db()
    assert mine.read_at is None


def test_notifications_api_lists_own_and_marks_read():
    me, other = UserFactory(), UserFactory()
    first = _notify(me, "第一条")
    second = _notify(me, "第二条")
    theirs = _notify(other, "别人的")
    api = APIClient()
    api.force_authenticate(me)

    body = api.get("/api/v1/notifications/").json()
    assert len(body["results"]) == 2
    assert {item["title"] for item in body["results"]} == {"第一条", "第二条"}
    assert all(item["is_read"] is False for item in body["results"])

    assert api.get(f"/api/v1/notifications/{theirs.pk}/").status_code == 404
    assert api.post(f"/api/v1/notifications/{theirs.pk}/read/").status_code == 404

    response = api.post(f"/api/v1/notifications/{first.pk}/read/")
    assert response.status_code == 200
    assert response.json()["is_read"] is True
    assert [item["id"] for item in api.get("/api/v1/notifications/", {"unread": "true"}).json()["results"]] == [
        second.pk
    ]

    response = api.post("/api/v1/notifications/read-many/", {}, format="json")
    assert response.json() == {"marked": 1}
    response = api.post("/api/v1/notifications/read-many/", {"ids": ["x"]}, format="json")
    assert response.status_code == 400
    assert "ids" in response.json()["errors"]
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_notifications_api_needs_authentication():
    assert APIClient().get("/api/v1/notifications/").status_code == 401


def test_field_include_links_help_and_errors_and_names_checkbox_groups():
    import re

    from django import forms
    from django.template.loader import render_to_string

    class Sample(forms.Form):
        name = forms.CharField(label="Name", help_text="As on the ID card.")
        colours = forms.MultipleChoiceField(
            label="Colours", choices=[("r", "red"), ("g", "green")], widget=forms.CheckboxSelectMultiple
        )

    form = Sample(data={})
    assert not form.is_valid()
    html = render_to_string("includes/field.html", {"field": form["name"]})
    described = re.search(r'aria-describedby="([^"]+)"', html).group(1).split()
    assert described == ["id_name_helptext", "id_name_error"]
    for target in described:  # screen readers read what the input points at: it must exist
        assert f'id="{target}"' in html
    group = render_to_string("includes/field.html", {"field": form["colours"]})
    assert "<legend>Colours</legend>" in group
    assert 'for=""' not in group
