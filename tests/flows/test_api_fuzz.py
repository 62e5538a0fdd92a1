"""Fuzz every operation of the OpenAPI schema with schemathesis, as the discipline office (token)
and anonymously: whatever the input, the API answers with a client error, never a server error."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error

from tests.factories.complaints import complaint_in_state
from workstyle.services import api_token_issue

pytestmark = pytest.mark.slow


@pytest.fixture
def api_schema(db: Any, org: Any, discipline_user: Any) -> Any:
    # Some objects to find, so that paths with ids reach the code behind them, not only 404s.
    complaint_in_state("assigned", department=org.office, handler=org.cadre)
    complaint_in_state("replied", department=org.office, handler=org.cadre)
    schema = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))
    schema.app = get_wsgi_application()
    # As Django's test client does: requests must not close the test's connection (and its
    # transaction) when they finish.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield schema
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


SETTINGS = hypothesis_settings(
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)


def test_the_api_never_answers_a_server_error(api_schema: Any, discipline_user: Any) -> None:
    token = api_token_issue(user=discipline_user, now=timezone.now()).token
    staff = {"Authorization": f"Token {token}"}
    failures: list[str] = []
    operations = 0
    calls = 0
    for result in api_schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @SETTINGS
        @given(case=operation.as_strategy())
        def fuzz(case: Any) -> None:
            nonlocal calls
            calls += 1
            for headers in (staff, {}):
                case.call_and_validate(headers=headers, checks=[not_a_server_error])

        try:
            fuzz()
        except Exception as exc:  # collect every operation's failure, then report them together
            failures.append(f"{operation.method.upper()} {operation.path}: {exc}"[:2000])
    # Every operation of the schema was reached, each with several generated requests.
    assert operations > 40
    assert calls > 5 * operations
    assert failures == []
