"""The statistics API (its shape, its 400s, who may call it), the schema, and the page."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from complaints.models import Complaint
from tests.factories.complaints import ComplaintFactory, complaint_in_state
from tests.factories.org import UserFactory

URL = "/api/v1/statistics/"


@pytest.fixture
def api(discipline_user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(discipline_user)
    return client


@pytest.fixture
def some(org: Any) -> list[Any]:
    now = timezone.now()
    return [
        ComplaintFactory(submitted_at=now - dt.timedelta(days=3)),
        ComplaintFactory(
            department=org.office,
            status=Complaint.Status.ACCEPTED,
            submitted_at=now - dt.timedelta(days=40),
            accept_due_at=now - dt.timedelta(days=25),
            accepted_at=now - dt.timedelta(days=38),
            reply_due_at=now - dt.timedelta(days=1),
        ),
    ]


def test_the_answer_names_its_figures(api: APIClient, some: Any, org: Any) -> None:
    response = api.get(URL)
    assert response.status_code == 200
    body = response.json()
    for key in (
        "received",
        "accepted",
        "rejected",
        "answered",
        "closed",
        "overdue",
        "escalated",
        "acceptance_in_time_rate",
        "reply_in_time_rate",
        "satisfaction_rate",
        "median_reply_days",
        "by_category",
        "by_department",
        "trend",
        "cases_by_form",
    ):
        assert key in body, key
    assert body["received"] == 2
    assert body["accepted"] == 1
    assert body["overdue"] == 1  # the accepted one, its reply due yesterday
    assert body["acceptance_in_time_rate"] == 1.0
    assert body["reply_in_time_rate"] == 0.0
    assert body["satisfaction_rate"] is None
    assert body["median_reply_days"] is None
    [department] = body["by_department"]
    assert department["id"] == org.office.pk
    assert department["name"] == "办公室"
    assert {"received", "acceptance_in_time_rate", "reply_in_time_rate", "satisfaction_rate"} <= set(department)
    assert sum(row["received"] for row in body["trend"]) == 2
    assert body["cases_by_form"] == []


def test_a_narrower_period_and_filters(api: APIClient, some: Any, org: Any) -> None:
    today = timezone.localdate()
    recent = api.get(URL, {"from": (today - dt.timedelta(days=7)).isoformat(), "to": today.isoformat()}).json()
    assert recent["received"] == 1
    assert recent["trend"]
    assert all(len(row["period"]) == 10 for row in recent["trend"])
    assert api.get(URL, {"department": org.office.pk}).json()["received"] == 1
    assert api.get(URL, {"category": "gambling"}).json()["received"] == 0
    assert api.get(URL, {"period": "year"}).status_code == 200


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from": "2026-05-01", "to": "2026-04-01"}, "to"),
        ({"from": "2026-13-01"}, "from"),
        ({"to": "yesterday"}, "to"),
        ({"unit": "999999"}, "unit"),
        ({"unit": "abc"}, "unit"),
        ({"department": "999999"}, "department"),
        ({"category": "no-such-category"}, "category"),
        ({"period": "decade"}, "period"),
        ({"trend": "daily"}, "trend"),
        ({"from": "2000-01-01", "to": "2026-01-01"}, "to"),
    ],
)
def test_bad_input_is_a_400_with_field_errors(api: APIClient, org: Any, params: dict[str, str], field: str) -> None:
    response = api.get(URL, params)
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_a_head_filters_by_any_unit_complained_about(org: Any, some: Any) -> None:
    """His department answers complaints about other units too: the unit a figure counts by is a
    filter he may use, on the statistics and on the queue its link opens."""
    complaint_in_state("accepted", department=org.office, unit=org.township)
    client = APIClient()
    client.force_authenticate(org.head.user)
    body = client.get(URL).json()
    assert org.township.pk in [row["id"] for row in body["by_unit"]]
    narrowed = client.get(URL, {"unit": org.township.pk})
    assert narrowed.status_code == 200
    assert narrowed.json()["received"] == 1
    # With the handling department of another unit than the one complained about.
    assert client.get(URL, {"unit": org.township.pk, "department": org.office.pk}).json()["received"] == 1
    listed = client.get("/api/v1/complaints/", {"unit": org.township.pk})
    assert listed.status_code == 200
    assert len(listed.json()["results"]) == 1


def test_the_page_offers_every_unit_and_names_the_handling_department(client: Any, org: Any) -> None:
    client.force_login(org.head.user)
    html = client.get(reverse("stats:statistics")).content.decode()
    units = re.search(r'<select name="unit".*?</select>', html, re.S)
    assert units is not None
    assert org.township.name in units.group(0)  # not his unit, but complained about to him
    assert "承办部门" in html


def test_a_department_head_counts_his_department_only(org: Any, some: Any) -> None:
    ComplaintFactory(department=org.records, status=Complaint.Status.REJECTED, closed_at=timezone.now())
    client = APIClient()
    client.force_authenticate(org.head.user)
    body = client.get(URL).json()
    assert body["received"] == 1  # his department's, not the records department's nor the untriaged
    assert [row["id"] for row in body["by_department"]] == [org.office.pk]
    assert client.get(URL, {"department": org.records.pk}).json()["received"] == 0


def test_the_public_and_plain_accounts_get_nothing(org: Any, db: Any) -> None:
    assert APIClient().get(URL).status_code in (401, 403)
    outsider = APIClient()
    outsider.force_authenticate(UserFactory(username="outsider-t"))
    assert outsider.get(URL).status_code == 403


def test_the_schema_documents_the_operation(api: APIClient) -> None:
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    operation = schema["paths"]["/api/v1/statistics/"]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {"from", "to", "unit", "department", "category"}
    assert "200" in operation["responses"]
    assert "400" in operation["responses"]


def test_the_page_shows_tables_and_links_to_the_queue(client: Any, discipline_user: Any, some: Any) -> None:
    client.force_login(discipline_user)
    response = client.get(reverse("stats:statistics"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="stats-data"' in html
    assert "vendor/echarts/dist/echarts.min.js" in html
    assert "js/statistics.js" in html
    assert html.count("<table") >= 8
    assert reverse("complaints:queue") + "?submitted_after=" in html
    assert "<script>" not in html  # data goes through json_script, code through static files


def test_the_page_reshows_the_form_on_bad_input(client: Any, discipline_user: Any) -> None:
    client.force_login(discipline_user)
    response = client.get(reverse("stats:statistics"), {"from": "2026-05-01", "to": "2026-04-01"})
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()


def test_the_staff_nav_links_the_page(client: Any, discipline_user: Any) -> None:
    client.force_login(discipline_user)
    assert reverse("stats:statistics") in client.get(reverse("workbench")).content.decode()


def test_the_vendored_library_and_its_licence_are_served(client: Any) -> None:
    from django.contrib.staticfiles import finders

    assert finders.find("vendor/echarts/dist/echarts.min.js")
    assert finders.find("vendor/echarts/LICENSE")
    assert not finders.find("vendor/echarts/package.json")


def test_the_page_gives_reply_times_to_one_decimal_and_names_the_three_rates_once(
    client: Any, discipline_user: Any, org: Any
) -> None:
    now = timezone.now()
    submitted = now - dt.timedelta(days=10)
    ComplaintFactory(
        department=org.office,
        status=Complaint.Status.REPLIED,
        submitted_at=submitted,
        accept_due_at=submitted + dt.timedelta(days=5),
        accepted_at=submitted + dt.timedelta(days=1),
        replied_at=submitted + dt.timedelta(days=2, hours=8),  # 2.33 days
        reply_due_at=submitted + dt.timedelta(days=30),
    )
    client.force_login(discipline_user)
    html = client.get(reverse("stats:statistics"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "中位数2.3天，90%分位2.3天" in html
    assert html.count("三率</") == 1  # the heading; the table is named by it, not by a caption of its own
