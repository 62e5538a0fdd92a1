"""The API's own contract: the OpenAPI document at /api/schema/ is valid OpenAPI."""

from __future__ import annotations

from typing import Any

from openapi_spec_validator import validate
from rest_framework.test import APIClient


def test_the_schema_passes_openapi_spec_validator(db: Any) -> None:
    response = APIClient().get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    # Raises with the first error: a default that its own pattern or format refuses, a bad
    # reference, a parameter without a schema...
    validate(schema)
    # The public submission's optional contacts carry no default their own rules refuse.
    request = schema["components"]["schemas"]["PublicComplaintCreateRequest"]["properties"]
    assert "default" not in request["complainant_phone"]
    assert "default" not in request["complainant_email"]


def test_open311_stays_out_of_the_api_schema(db: Any) -> None:
    schema = APIClient().get("/api/schema/", {"format": "json"}).json()
    assert not [path for path in schema["paths"] if path.startswith("/open311/")]


def test_the_documentation_pages_need_no_inline_script_and_no_other_host(client: Any) -> None:
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "<script>" not in html
    assert "<style>" not in html
    assert "https://" not in html
    script = client.get("/api/docs/", {"script": ""})
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert b"SwaggerUIBundle(" in script.content

    redoc = client.get("/api/redoc/")
    html = redoc.content.decode()
    assert "fonts.googleapis.com" not in html
    assert "<script>" not in html
    policy = redoc["Content-Security-Policy"]
    # Only ReDoc's own page lets nonce-bearing styles apply; scripts are the portal's everywhere.
    assert "style-src 'self' 'nonce-" in policy
    assert "script-src 'self' 'nonce-" in policy
    assert "'unsafe-inline'" not in policy
    assert "'nonce-" not in client.get("/api/docs/")["Content-Security-Policy"].split("style-src")[1].split(";")[0]


def test_operations_are_grouped_by_resource_and_keep_their_ids(db: Any) -> None:
    schema = APIClient().get("/api/schema/", {"format": "json"}).json()
    complaints = schema["paths"]["/api/v1/complaints/"]["get"]
    assert complaints["tags"] == ["complaints"]
    # The ids clients were generated with do not change with the grouping.
    assert complaints["operationId"] == "api_v1_complaints_list"
    assert schema["paths"]["/api/v1/public/complaints/"]["post"]["tags"] == ["public"]
    tags = {tag for path in schema["paths"].values() for operation in path.values() for tag in operation["tags"]}
    assert "api" not in tags
    assert {"complaints", "meetings", "cases", "statistics", "exports", "public"} <= tags


def test_every_operation_has_a_title(db: Any) -> None:
    """The documentation lists operations by their summary; without one it shows the operation id."""
    schema = APIClient().get("/api/schema/", {"format": "json"}).json()
    untitled = [
        f"{method.upper()} {path}"
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if not operation.get("summary")
    ]
    assert untitled == []
    paths = schema["paths"]
    # Standard actions are named after their model, in English whatever the request's language.
    assert paths["/api/v1/cases/"]["get"]["summary"] == "List accountability cases"
    assert paths["/api/v1/units/{id}/"]["get"]["summary"] == "Retrieve a unit"
    assert paths["/api/v1/meetings/{id}/"]["patch"]["summary"] == "Update part of a democratic life meeting"
    # A custom action by its docstring's first sentence; given summaries win.
    assert paths["/api/v1/appraisal-rounds/{id}/rater-links/"]["post"]["summary"] == (
        "One-time rating links for outside raters"
    )
    assert paths["/api/v1/public/complaints/"]["post"]["summary"] == "File a complaint"
    chinese = APIClient().get("/api/schema/", {"format": "json"}, HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    assert chinese["paths"]["/api/v1/cases/"]["get"]["summary"] == "List accountability cases"
