"""Open311 GeoReport v2 at /open311/v2/: field names and root elements as the specification has
them, in JSON and in XML; only what the public may see; filing through the public service."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any
from xml.etree import ElementTree as ET

import pytest
import time_machine
from django.utils import timezone
from rest_framework.test import APIClient

from complaints.models import Category, Complaint, ComplaintEvent
from tests.complaints.public_helpers import REPLY_TEXT, reply, submit

BASE = "/open311/v2"
SERVICE_FIELDS = {"service_code", "service_name", "description", "metadata", "type", "keywords", "group"}
REQUEST_FIELDS = {
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
}
ATTRIBUTE_FIELDS = {"variable", "code", "datatype", "required", "datatype_description", "order", "description"}
SECRETS = ("张秘密", "13800000000", "zhang.secret@example.com", "村委会违规收取卫生费", "每户每月多收二十元", "王某")


@pytest.fixture
def api() -> APIClient:
    return APIClient()


def get_json(api: APIClient, path: str, status: int = 200) -> Any:
    response = api.get(f"{BASE}/{path}")
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return json.loads(response.content)


def parse(content: bytes) -> ET.Element:
    return ET.fromstring(content)  # noqa: S314 - the portal's own answer, parsed with the stdlib as a client would


def get_xml(api: APIClient, path: str, status: int = 200) -> ET.Element:
    response = api.get(f"{BASE}/{path}")
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    return parse(response.content)


def children(element: ET.Element) -> dict[str, str | None]:
    return {child.tag: child.text for child in element}


def test_discovery_names_the_specification_and_both_formats(api: APIClient, db: Any) -> None:
    document = get_json(api, "discovery.json")
    assert set(document) == {"changeset", "contact", "key_service", "endpoints"}
    (endpoint,) = document["endpoints"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"].endswith("/open311/v2")
    assert endpoint["formats"] == ["text/xml", "application/json"]
    assert set(endpoint) == {"specification", "url", "changeset", "type", "formats"}

    root = get_xml(api, "discovery.xml")
    assert root.tag == "discovery"
    endpoint_xml = root.find("endpoints/endpoint")
    assert endpoint_xml is not None
    assert endpoint_xml.findtext("specification") == "http://wiki.open311.org/GeoReport_v2"
    assert [f.text for f in endpoint_xml.findall("formats/format")] == ["text/xml", "application/json"]


def test_services_are_the_categories(api: APIClient, db: Any) -> None:
    services = get_json(api, "services.json")
    assert [service["service_code"] for service in services] == list(Category.values)
    for service in services:
        assert set(service) == SERVICE_FIELDS
        assert service["metadata"] is True
        assert service["type"] == "realtime"
    inaction = next(service for service in services if service["service_code"] == "inaction")
    assert "15" in inaction["description"]
    assert "60" in inaction["description"]

    root = get_xml(api, "services.xml")
    assert root.tag == "services"
    items = root.findall("service")
    assert len(items) == len(services)
    assert set(children(items[0])) == SERVICE_FIELDS
    assert items[0].findtext("metadata") == "true"
    assert items[0].findtext("service_code") == services[0]["service_code"]


def test_a_service_definition_lists_its_attributes(api: APIClient, org: Any) -> None:
    definition = get_json(api, "services/sewage.json")
    assert set(definition) == {"service_code", "attributes"}
    assert definition["service_code"] == "sewage"
    codes = [attribute["code"] for attribute in definition["attributes"]]
    assert codes == ["title", "unit", "accused_name"]
    for attribute in definition["attributes"]:
        assert set(attribute) >= ATTRIBUTE_FIELDS
        assert attribute["required"] is False
    unit = definition["attributes"][1]
    assert unit["datatype"] == "singlevaluelist"
    assert {"key": str(org.bureau.pk), "name": org.bureau.name} in unit["values"]

    root = get_xml(api, "services/sewage.xml")
    assert root.tag == "service_definition"
    assert root.findtext("service_code") == "sewage"
    attributes = root.findall("attributes/attribute")
    assert [attribute.findtext("code") for attribute in attributes] == codes
    assert set(children(attributes[0])) >= ATTRIBUTE_FIELDS
    keys = [value.findtext("key") for value in attributes[1].findall("values/value")]
    assert str(org.bureau.pk) in keys


def test_a_request_shows_only_what_the_public_may_see(api: APIClient, org: Any, discipline_user: Any) -> None:
    complaint, _key = submit(accused_name="王某", unit=org.bureau)
    complaint = reply(complaint, org, discipline_user)
    other, _ = submit(category="sewage")

    (row,) = get_json(api, f"requests/{complaint.public_id}.json")
    assert set(row) == REQUEST_FIELDS
    assert row["service_request_id"] == complaint.public_id != complaint.tracking_code
    assert row["service_code"] == "arbitrary_charges"
    # Replied: nobody owes the complainant an answer any more.
    assert row["status"] == "closed"
    assert row["description"] is None
    assert row["agency_responsible"] == f"{org.bureau.name} · {org.office.name}"
    assert row["requested_datetime"] == timezone.localtime(complaint.submitted_at).replace(microsecond=0).isoformat()
    assert row["expected_datetime"] is None

    (open_row,) = get_json(api, f"requests/{other.public_id}.json")
    assert open_row["status"] == "open"
    assert open_row["agency_responsible"] is None
    assert dt.datetime.fromisoformat(open_row["expected_datetime"]) == other.accept_due_at.replace(microsecond=0)

    root = get_xml(api, f"requests/{complaint.public_id}.xml")
    assert root.tag == "service_requests"
    (request,) = root.findall("request")
    assert set(children(request)) == REQUEST_FIELDS
    assert request.findtext("service_request_id") == complaint.public_id
    assert request.findtext("status") == "closed"
    assert request.findtext("description") == ""

    for path in (f"requests/{complaint.public_id}.json", f"requests/{complaint.public_id}.xml", "requests.json"):
        body = api.get(f"{BASE}/{path}").content.decode()
        for secret in (*SECRETS, REPLY_TEXT, complaint.tracking_code, "李科员", "王主任"):
            assert secret not in body, (path, secret)


def test_requests_filter_by_service_status_and_dates(api: APIClient, org: Any, discipline_user: Any) -> None:
    now = timezone.now()
    with time_machine.travel(now - dt.timedelta(days=40), tick=False):
        old, _ = submit(category="sewage", now=timezone.now())
    recent, _ = submit(category="sewage", now=now)
    answered = reply(submit(category="gambling", now=now)[0], org, discipline_user, now=now)

    def ids(query: str) -> set[str]:
        return {row["service_request_id"] for row in get_json(api, f"requests.json?{query}")}

    assert ids("") == {old.public_id, recent.public_id, answered.public_id}
    assert ids("service_code=sewage") == {old.public_id, recent.public_id}
    assert ids("service_code=sewage,gambling&status=closed") == {answered.public_id}
    assert ids("status=open") == {old.public_id, recent.public_id}
    start = (now - dt.timedelta(days=10)).astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert ids(f"start_date={start}") == {recent.public_id, answered.public_id}
    end = (now - dt.timedelta(days=30)).isoformat().replace("+", "%2B")
    assert ids(f"end_date={end}") == {old.public_id}
    assert len(get_json(api, "requests.json?max_requests=1")) == 1
    assert ids(f"service_request_id={old.public_id},{answered.public_id}&status=open") == {
        old.public_id,
        answered.public_id,
    }

    root = get_xml(api, "requests.xml?service_code=gambling")
    assert [request.findtext("service_request_id") for request in root.findall("request")] == [answered.public_id]


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("requests.{fmt}?service_code=no_such_service", 400),
        ("requests.{fmt}?start_date=yesterday", 400),
        ("requests.{fmt}?end_date=2026-13-45T00:00:00Z", 400),
        ("requests.{fmt}?start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z", 400),
        ("requests.{fmt}?start_date=2026-06-01T00:00:00Z&end_date=2026-01-01T00:00:00Z", 400),
        ("requests.{fmt}?max_requests=1001", 400),
        ("requests.{fmt}?max_requests=0", 400),
        ("requests.{fmt}?max_requests=many", 400),
        ("requests.{fmt}?status=pending", 400),
        ("requests/NOSUCHID22.{fmt}", 404),
        ("services/no_such_service.{fmt}", 404),
        ("no_such_resource.{fmt}", 404),
    ],
)
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_bad_input_is_an_error_in_the_format_asked_for(
    api: APIClient, db: Any, query: str, status: int, fmt: str
) -> None:
    path = query.format(fmt=fmt)
    if fmt == "json":
        errors = get_json(api, path, status)
        assert isinstance(errors, list)
        assert errors
        for item in errors:
            assert set(item) == {"code", "description"}
            assert item["code"] == status
            assert item["description"]
    else:
        root = get_xml(api, path, status)
        assert root.tag == "errors"
        items = root.findall("error")
        assert items
        for item in items:
            assert item.findtext("code") == str(status)
            assert item.findtext("description")


def post(api: APIClient, fmt: str, data: dict[str, str], **extra: Any) -> Any:
    return api.post(f"{BASE}/requests.{fmt}", data, format="multipart", **extra)


def test_a_request_filed_through_open311_is_tracked_through_the_public_api(api: APIClient, org: Any) -> None:
    response = post(
        api,
        "json",
        {
            "service_code": "sewage",
            "description": "化工厂夜间向河道排放污水。\n附近居民多次反映。",
            "attribute[unit]": str(org.bureau.pk),
            "attribute[accused_name]": "王某",
            "first_name": "秘密",
            "last_name": "张",
            "phone": "13800000000",
            "email": "zhang.secret@example.com",
            "lat": "30.5",
            "long": "114.3",
        },
    )
    assert response.status_code == 201, response.content
    (receipt,) = response.json()
    assert set(receipt) == {"service_request_id", "service_notice", "account_id", "tracking_code", "access_key"}
    complaint = Complaint.objects.get(public_id=receipt["service_request_id"])
    assert complaint.tracking_code == receipt["tracking_code"]
    assert complaint.channel == Complaint.Channel.API
    assert complaint.title == "化工厂夜间向河道排放污水。"
    assert complaint.unit == org.bureau
    assert complaint.complainant_name == "秘密 张"
    assert complaint.complainant_email == "zhang.secret@example.com"
    assert ComplaintEvent.objects.filter(complaint=complaint, verb="submit").count() == 1

    tracked = api.get(f"/api/v1/public/complaints/{receipt['tracking_code']}/", HTTP_X_ACCESS_KEY=receipt["access_key"])
    assert tracked.status_code == 200
    assert tracked.json()["status"] == "submitted"
    assert tracked.json()["category"] == "sewage"
    wrong = api.get(f"/api/v1/public/complaints/{receipt['tracking_code']}/", HTTP_X_ACCESS_KEY="WRONG")
    assert wrong.status_code == 404

    # The same complaint, as anyone sees it.
    (row,) = get_json(api, f"requests/{receipt['service_request_id']}.json")
    assert row["status"] == "open"
    assert row["description"] is None


def test_filing_in_xml_answers_in_xml(api: APIClient, db: Any) -> None:
    response = post(
        api, "xml", {"service_code": "reception", "description": "超标准公务接待。", "attribute[title]": "公务接待超标"}
    )
    assert response.status_code == 201
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    root = parse(response.content)
    assert root.tag == "service_requests"
    request = root.find("request")
    assert request is not None
    complaint = Complaint.objects.get(public_id=request.findtext("service_request_id"))
    assert complaint.title == "公务接待超标"
    assert request.findtext("tracking_code") == complaint.tracking_code
    assert request.findtext("access_key")


@pytest.mark.parametrize(
    ("data", "status", "names"),
    [
        ({"description": "无类别。"}, 400, ["service_code"]),
        ({"service_code": "no_such_service", "description": "未知类别。"}, 404, ["no_such_service"]),
        ({"service_code": "sewage", "description": ""}, 400, ["description"]),
        ({"service_code": "sewage", "description": "x", "email": "not-an-address"}, 400, ["email"]),
        ({"service_code": "sewage", "description": "x", "phone": "call me"}, 400, ["phone"]),
        ({"service_code": "sewage", "description": "x", "attribute[unit]": "999999"}, 400, ["attribute[unit]"]),
    ],
)
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_bad_filings_change_nothing(
    api: APIClient, db: Any, data: dict[str, str], status: int, names: list[str], fmt: str
) -> None:
    response = post(api, fmt, data)
    assert response.status_code == status
    if fmt == "json":
        descriptions = [item["description"] for item in response.json()]
        assert all(item["code"] == status for item in response.json())
    else:
        root = parse(response.content)
        assert root.tag == "errors"
        descriptions = [item.findtext("description") or "" for item in root.findall("error")]
    assert len(descriptions) == len(names)
    for name, description in zip(names, descriptions, strict=True):
        assert name in description
    assert not Complaint.objects.exists()


def test_filing_is_throttled_like_the_public_api(api: APIClient, db: Any) -> None:
    data = {"service_code": "sewage", "description": "夜间排污。"}
    # The public API's "public_submit" rate: 10 an hour per client, shared with the public API.
    for _ in range(5):
        assert post(api, "json", data, REMOTE_ADDR="10.3.3.3").status_code == 201
    for _ in range(5):
        assert (
            api.post(
                "/api/v1/public/complaints/",
                {"category": "sewage", "title": "排污", "description": "夜间排污。"},
                format="json",
                REMOTE_ADDR="10.3.3.3",
            ).status_code
            == 201
        )
    refused = post(api, "xml", data, REMOTE_ADDR="10.3.3.3")
    assert refused.status_code == 429
    assert parse(refused.content).findtext("error/code") == "429"
    assert refused["Retry-After"]
    assert post(api, "json", data, REMOTE_ADDR="10.4.4.4").status_code == 201
    assert Complaint.objects.count() == 11
