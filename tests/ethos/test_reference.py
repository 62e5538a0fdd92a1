"""The eight ethos: filled by the migration, read through the API in the caller's language, shown
read-only in the admin."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation

from cadres.models import Ethos

pytestmark = pytest.mark.django_db

CODES = ["study", "people", "pragmatism", "frugality", "discipline", "democracy", "integrity", "decency"]
NAMES_ZH = [
    "勤奋好学、学以致用",
    "心系群众、服务人民",
    "真抓实干、务求实效",
    "艰苦奋斗、勤俭节约",
    "顾全大局、令行禁止",
    "发扬民主、团结共事",
    "秉公用权、廉洁从政",
    "生活正派、情趣健康",
]


def test_the_migration_fills_the_eight_in_order() -> None:
    rows = list(Ethos.objects.all())
    assert [e.code for e in rows] == CODES
    assert [e.order for e in rows] == list(range(1, 9))
    assert [e.name_zh for e in rows] == NAMES_ZH
    assert all(e.name_en and e.description_zh and e.description_en for e in rows)
    assert [c.value for c in Ethos.Code] == CODES


def test_name_and_description_follow_the_active_language() -> None:
    frugality = Ethos.objects.get(code="frugality")
    with translation.override("zh-hans"):
        assert frugality.name == "艰苦奋斗、勤俭节约"
        assert str(frugality) == "艰苦奋斗、勤俭节约"
        assert frugality.description == frugality.description_zh
    with translation.override("en"):
        assert frugality.name == "Hard work, plain living"
        assert frugality.description == frugality.description_en


def test_api_lists_the_eight_in_chinese_by_default(client: Any, org: Any) -> None:
    client.force_login(org.cadre.user)
    response = client.get("/api/v1/ethos/")
    assert response.status_code == 200, response.content
    body = response.json()
    assert [row["code"] for row in body] == CODES
    assert [row["order"] for row in body] == list(range(1, 9))
    assert [row["name"] for row in body] == NAMES_ZH
    assert set(body[0]) == {"code", "order", "name", "description"}
    assert body[0]["description"] == Ethos.objects.get(code="study").description_zh


def test_api_speaks_english_when_asked(client: Any, org: Any) -> None:
    client.force_login(org.cadre.user)
    body = client.get("/api/v1/ethos/", headers={"accept-language": "en"}).json()
    assert body[3]["name"] == "Hard work, plain living"
    assert body[3]["description"] == Ethos.objects.get(code="frugality").description_en


def test_api_detail_by_code_and_unknown_code(client: Any, org: Any) -> None:
    client.force_login(org.cadre.user)
    response = client.get("/api/v1/ethos/integrity/")
    assert response.status_code == 200
    assert response.json() == {
        "code": "integrity",
        "order": 7,
        "name": "秉公用权、廉洁从政",
        "description": Ethos.objects.get(code="integrity").description_zh,
    }
    assert client.get("/api/v1/ethos/bravery/").status_code == 404


def test_api_is_read_only_and_needs_a_login(client: Any, org: Any, orgdept_user: Any) -> None:
    assert client.get("/api/v1/ethos/").status_code in (401, 403)
    client.force_login(orgdept_user)
    assert client.post("/api/v1/ethos/", {"code": "x"}).status_code == 405
    assert client.delete("/api/v1/ethos/study/").status_code == 405
    assert Ethos.objects.count() == 8


def test_admin_shows_the_eight_and_changes_nothing(client: Any, django_user_model: Any) -> None:
    admin = django_user_model.objects.create_superuser("root-t", "root@example.org", "pw")
    client.force_login(admin)
    listing = client.get("/admin/cadres/ethos/")
    assert listing.status_code == 200
    assert "秉公用权、廉洁从政" in listing.content.decode()
    assert client.get("/admin/cadres/ethos/add/").status_code == 403
    study = Ethos.objects.get(code="study")
    response = client.post(f"/admin/cadres/ethos/{study.pk}/change/", {"name_zh": "改"})
    assert response.status_code in (200, 403)
    study.refresh_from_db()
    assert study.name_zh == "勤奋好学、学以致用"
