"""API tokens: hashed, expiring, revocable. The portal never stores a token; a token stops working
when it expires, when it is revoked, when its holder logs out and when his password changes; the
admin lists tokens but can never show one; a user lists and revokes only his own."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from tests.factories.org import PASSWORD, UserFactory
from workstyle import services
from workstyle.models import ApiToken, AuditEvent
from workstyle.tokens import token_digest

TOKEN_URL = "/api/v1/auth/token/"
TOKENS_URL = "/api/v1/auth/tokens/"
NOW = dt.datetime(2025, 3, 3, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
pytestmark = pytest.mark.django_db


@pytest.fixture
def clock() -> Any:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def holder(db: Any) -> Any:
    return UserFactory(username="api-holder")


def obtain(username: str = "api-holder", password: str = PASSWORD, **extra: str) -> dict[str, Any]:
    response = APIClient().post(TOKEN_URL, {"username": username, "password": password, **extra}, format="json")
    assert response.status_code == 200, response.content
    return response.json()


def call(token: str, path: str = "/api/v1/notifications/", method: str = "get") -> Any:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return getattr(client, method)(path)


def assert_refused(token: str, message_part: str = "") -> None:
    response = call(token)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    body = response.json()
    assert body["message"]
    assert body["errors"] == {}
    if message_part:
        assert message_part in body["message"]


def test_the_token_is_issued_once_with_its_expiry_and_works(holder: Any, clock: Any, settings: Any) -> None:
    body = obtain(name="档案系统")
    assert set(body) == {"token", "expires_at"}
    assert dt.datetime.fromisoformat(body["expires_at"]) == NOW + dt.timedelta(hours=8)
    assert settings.WORKSTYLE_API_TOKEN_HOURS == 8
    row = ApiToken.objects.get(user=holder)
    assert (row.name, row.digest, row.created_at) == ("档案系统", token_digest(body["token"]), NOW)
    assert body["token"].startswith(f"{row.key_id}.")
    assert call(body["token"]).status_code == 200
    row.refresh_from_db()
    assert row.last_used_at == NOW


def test_the_lifetime_comes_from_the_setting(holder: Any, clock: Any, settings: Any) -> None:
    settings.WORKSTYLE_API_TOKEN_HOURS = 1
    body = obtain()
    assert dt.datetime.fromisoformat(body["expires_at"]) == NOW + dt.timedelta(hours=1)


def test_no_token_is_stored_anywhere_in_plain_text(holder: Any, clock: Any) -> None:
    body = obtain(name="对接系统")
    token = body["token"]
    secret = token.split(".", 1)[1]
    call(token)  # and used once, so that whatever a use writes is written
    tables = connection.introspection.table_names()
    assert "workstyle_apitoken" in tables
    assert "authtoken_token" not in tables  # the old table of readable tokens is gone
    with connection.cursor() as cursor:
        for table in tables:
            quoted = connection.ops.quote_name(table)
            cursor.execute(f"SELECT count(*) FROM {quoted} AS t WHERE t::text LIKE %s", [f"%{secret}%"])  # noqa: S608
            assert cursor.fetchone() == (0,), table
    row = ApiToken.objects.get(user=holder)
    assert secret not in row.digest
    assert len(row.digest) == 64


def test_a_token_expires(holder: Any, clock: Any) -> None:
    token = obtain()["token"]
    clock.move_to(NOW + dt.timedelta(hours=8) - dt.timedelta(seconds=1))
    assert call(token).status_code == 200
    clock.move_to(NOW + dt.timedelta(hours=8))
    assert_refused(token, "过期")


def test_a_token_is_useless_after_its_holder_logs_out(holder: Any, clock: Any) -> None:
    token = obtain()["token"]
    other_user = UserFactory(username="colleague")
    other = services.api_token_issue(user=other_user, now=NOW).token
    page = Client()
    assert page.post(reverse("login"), {"username": "api-holder", "password": PASSWORD}).status_code == 302
    assert call(token).status_code == 200
    page.post(reverse("logout"))
    assert_refused(token, "撤销")
    assert call(other).status_code == 200  # a colleague's token is his own business
    row = ApiToken.objects.get(user=holder)
    assert (row.revoked_at, row.revoked_because) == (NOW, ApiToken.RevokedBecause.LOGOUT)
    event = AuditEvent.objects.get(verb="revoke_token")
    assert (event.actor_id, event.target_id, event.data["because"]) == (holder.pk, str(row.pk), "logout")


def test_a_token_is_useless_after_a_password_change_by_set_password(holder: Any, clock: Any) -> None:
    first, second = obtain()["token"], obtain()["token"]
    holder.refresh_from_db()
    holder.last_login = NOW
    holder.save(update_fields=["last_login"])  # a save without the password changes nothing
    assert call(first).status_code == 200
    holder.set_password("a new horse battery")
    holder.save()
    assert_refused(first, "撤销")
    assert_refused(second, "撤销")
    assert set(AuditEvent.objects.filter(verb="revoke_token").values_list("target_id", "data__because")) == {
        (str(row.pk), "password_change") for row in ApiToken.objects.filter(user=holder)
    }
    # A token obtained with the new password works.
    assert call(obtain(password="a new horse battery")["token"]).status_code == 200


def test_a_token_is_useless_after_the_admin_changes_the_password(holder: Any, clock: Any) -> None:
    token = obtain()["token"]
    admin = Client()
    admin.force_login(UserFactory(username="root-t", is_superuser=True, is_staff=True))
    response = admin.post(
        f"/admin/auth/user/{holder.pk}/password/",
        {"password1": "another horse battery", "password2": "another horse battery", "usable_password": "true"},
    )
    assert response.status_code == 302, response.content
    assert get_user_model().objects.get(pk=holder.pk).check_password("another horse battery")
    assert_refused(token, "撤销")
    assert ApiToken.objects.get(user=holder).revoked_because == ApiToken.RevokedBecause.PASSWORD_CHANGE


def test_a_token_is_useless_after_its_holder_revokes_it(holder: Any, clock: Any) -> None:
    keep, drop = obtain(name="保留")["token"], obtain(name="作废")["token"]
    row = ApiToken.objects.get(name="作废")
    response = call(keep, f"{TOKENS_URL}{row.pk}/revoke/", "post")
    assert response.status_code == 200
    assert response.json()["state"] == "revoked"
    assert response.json()["revoked_because"] == "holder"
    assert_refused(drop, "撤销")
    assert call(keep).status_code == 200
    # Again: nothing changes, nothing more is recorded.
    assert call(keep, f"{TOKENS_URL}{row.pk}/revoke/", "post").status_code == 200
    assert AuditEvent.objects.filter(verb="revoke_token").count() == 1
    # A token may revoke itself.
    mine = ApiToken.objects.get(name="保留")
    assert call(keep, f"{TOKENS_URL}{mine.pk}/revoke/", "post").status_code == 200
    assert_refused(keep)


def test_the_list_shows_the_callers_own_tokens_without_their_secret(holder: Any, clock: Any) -> None:
    mine = obtain(name="我的")["token"]
    theirs = services.api_token_issue(user=UserFactory(username="colleague"), now=NOW, name="别人的")
    response = call(mine, TOKENS_URL)
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [row["name"] for row in rows] == ["我的"]
    assert set(rows[0]) == {
        "id", "name", "key_id", "state", "created_at", "expires_at", "last_used_at", "revoked_at", "revoked_because"
    }  # fmt: skip
    assert rows[0]["state"] == "active"
    assert mine.split(".", 1)[1] not in response.content.decode()
    assert ApiToken.objects.get(name="我的").digest not in response.content.decode()
    # Another's token is as absent as one that does not exist.
    assert call(mine, f"{TOKENS_URL}{theirs.row.pk}/").status_code == 404
    assert call(mine, f"{TOKENS_URL}{theirs.row.pk}/revoke/", "post").status_code == 404
    assert call(theirs.token).status_code == 200
    # Expired and revoked tokens stay in the list, marked.
    clock.move_to(NOW + dt.timedelta(hours=9))
    fresh = obtain(name="新的")["token"]
    assert {row["name"]: row["state"] for row in call(fresh, TOKENS_URL).json()["results"]} == {
        "我的": "expired",
        "新的": "active",
    }
    # And through the page's session too: the same list.
    page = APIClient()
    page.force_authenticate(holder)
    assert [row["name"] for row in page.get(TOKENS_URL).json()["results"]] == ["新的", "我的"]
    assert APIClient().get(TOKENS_URL).status_code == 401


def test_forged_and_malformed_tokens_are_refused(holder: Any, clock: Any) -> None:
    token = obtain()["token"]
    key_id, secret = token.split(".", 1)
    forged = f"{key_id}.{secret[:-1]}{'A' if secret[-1] != 'A' else 'B'}"
    for bad in (forged, key_id, f"{key_id}.", secret, "0" * 40, f"{'0' * 12}.{secret}", f"{token}x"):
        assert_refused(bad)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token} extra")
    assert client.get("/api/v1/notifications/").status_code == 401
    client.credentials(HTTP_AUTHORIZATION="Token")
    assert client.get("/api/v1/notifications/").status_code == 401


def test_an_inactive_users_token_is_refused(holder: Any, clock: Any) -> None:
    token = obtain()["token"]
    get_user_model().objects.filter(pk=holder.pk).update(is_active=False)
    assert_refused(token)


def test_the_admin_lists_tokens_but_never_shows_one(holder: Any, clock: Any) -> None:
    issued = services.api_token_issue(user=holder, now=NOW, name="对接系统")
    secret = issued.token.split(".", 1)[1]
    admin = Client()
    admin.force_login(UserFactory(username="root-t", is_superuser=True, is_staff=True))
    listing = admin.get("/admin/workstyle/apitoken/")
    assert listing.status_code == 200
    assert [token.pk for token in listing.context["cl"].result_list] == [issued.row.pk]
    page = admin.get(f"/admin/workstyle/apitoken/{issued.row.pk}/change/")
    assert page.status_code == 200
    assert "digest" not in page.context["adminform"].form.fields
    for response in (listing, page, admin.get(f"/admin/workstyle/apitoken/{issued.row.pk}/history/")):
        assert secret.encode() not in response.content
        assert issued.token.encode() not in response.content
        assert issued.row.digest.encode() not in response.content
    assert admin.get("/admin/workstyle/apitoken/", {"digest__startswith": issued.row.digest[:1]}).status_code == 400
    for order in ("-9", "9", "-1", "1"):
        response = admin.get("/admin/workstyle/apitoken/", {"o": order})
        assert response.status_code == 200
        assert issued.row.digest.encode() not in response.content
    # A search by the digest finds nothing (the box repeats what was typed, nothing more).
    assert list(admin.get("/admin/workstyle/apitoken/", {"q": issued.row.digest}).context["cl"].result_list) == []
    # Read-only: no token is made or edited here.
    assert admin.get("/admin/workstyle/apitoken/add/").status_code == 403
    # It revokes through the service, on the record.
    response = admin.post(
        "/admin/workstyle/apitoken/", {"action": "revoke", "_selected_action": [issued.row.pk]}, follow=True
    )
    assert response.status_code == 200
    issued.row.refresh_from_db()
    assert issued.row.revoked_because == ApiToken.RevokedBecause.ADMINISTRATOR
    assert AuditEvent.objects.get(verb="revoke_token").actor.username == "root-t"
    assert_refused(issued.token)


def test_the_drf_token_admin_is_gone(db: Any) -> None:
    from django.apps import apps
    from django.contrib import admin

    assert not apps.is_installed("rest_framework.authtoken")
    assert not any(model._meta.app_label == "authtoken" for model in admin.site._registry)


def test_the_migration_drops_the_readable_tokens(db: Any) -> None:
    import importlib
    from types import SimpleNamespace

    migration = importlib.import_module("workstyle.migrations.0003_api_tokens")
    with connection.cursor() as cursor:
        cursor.execute('CREATE TABLE "authtoken_token" (key varchar(40) PRIMARY KEY, user_id integer)')
        cursor.execute("""INSERT INTO "authtoken_token" VALUES ('0123456789abcdef0123456789abcdef01234567', 1)""")
        cursor.execute("INSERT INTO django_migrations (app, name, applied) VALUES ('authtoken', '0001_initial', now())")
    editor = SimpleNamespace(connection=connection, quote_name=connection.ops.quote_name, execute=_execute)
    for _ in range(2):  # and again, with nothing left to drop
        migration.drop_plain_tokens(None, editor)
        assert "authtoken_token" not in connection.introspection.table_names()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM django_migrations WHERE app = 'authtoken'")
        assert cursor.fetchone() == (0,)


def _execute(sql: str, params: Any = ()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_ended_tokens_are_purged_after_the_keeping_period_and_live_ones_never(
    holder: Any, clock: Any, settings: Any
) -> None:
    settings.WORKSTYLE_API_TOKEN_KEEP_DAYS = 30
    expired = obtain(name="expired")["token"]
    revoked_key = obtain(name="revoked")["token"].split(".", 1)[0]
    services.api_token_revoke(
        actor=holder, token=ApiToken.objects.get(key_id=revoked_key), now=NOW, because=ApiToken.RevokedBecause.HOLDER
    )
    keep = dt.timedelta(days=30)
    # A day short of the keeping period after either token ended: nothing goes.
    assert services.api_tokens_purge(now=NOW + keep - dt.timedelta(days=1)) == 0
    # The revoked one ended at NOW, the expired one 8 hours later: the revoked one goes first.
    later = NOW + keep
    clock.move_to(later)
    live = obtain(name="live")["token"]
    assert services.api_tokens_purge(now=later) == 1
    assert set(ApiToken.objects.values_list("name", flat=True)) == {"expired", "live"}
    assert services.api_tokens_purge(now=later + dt.timedelta(hours=8)) == 1
    assert list(ApiToken.objects.values_list("name", flat=True)) == ["live"]
    assert call(live).status_code == 200
    assert_refused(expired)
    purges = AuditEvent.objects.filter(verb="purge_tokens").order_by("at")
    assert [event.data["deleted"] for event in purges] == [1, 1]
    # The story of the deleted tokens stays on the audit record.
    assert AuditEvent.objects.filter(verb="issue_token", note="expired").exists()
    assert AuditEvent.objects.filter(verb="revoke_token", data__key_id=revoked_key).exists()


def test_the_beat_purges_ended_tokens_daily(settings: Any) -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["purge-tokens"]
    assert entry == {"task": "workstyle.tasks.api_tokens_purge", "schedule": 86400.0}
    from workstyle import tasks

    assert tasks.api_tokens_purge.name == entry["task"]
