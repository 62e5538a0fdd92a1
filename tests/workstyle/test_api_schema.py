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
