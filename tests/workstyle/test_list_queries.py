"""Every list, page and API, costs the same number of queries whatever its page size: nothing is
read row by row (no N+1). Each list is read at a small and a large page size, as the discipline
office's inspector and as a department head, over the demo city with its complaints copied to 60;
the pages' size is their module's ``PAGE_SIZE``."""

from __future__ import annotations

import copy
import io
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from complaints.models import Complaint

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

SMALL, LARGE = 5, 50

# (url, module whose PAGE_SIZE the page reads); None for the API, which takes ?page_size=.
PAGES = [
    ("/workbench/complaints/", "complaints.views"),
    ("/workbench/complaints/?overdue=true", "complaints.views"),
    ("/workbench/complaints/?open=1&sort=due", "complaints.views"),
    ("/workbench/cases/", "supervision.views"),
    ("/workbench/notices/", "supervision.views"),
    ("/workbench/meetings/", "meetings.views"),
    ("/workbench/rectifications/", "meetings.views"),
    ("/org/debriefings/", "cadres.views"),
    ("/org/personal-reports/", "cadres.views"),
    ("/org/cadres/", "cadres.views"),
    ("/org/departments/", "cadres.views"),
    ("/workbench/notifications/", "workstyle.views"),
    ("/notices/", "supervision.public"),
]
APIS = [
    "/api/v1/complaints/",
    "/api/v1/complaints/?overdue=true",
    "/api/v1/complaints/?ordering=reply_due_at",
    "/api/v1/notifications/",
    "/api/v1/cases/",
    "/api/v1/conversations/",
    "/api/v1/notices/",
    "/api/v1/meetings/",
    "/api/v1/meeting-reports/",
    "/api/v1/rectifications/",
    "/api/v1/commitments/",
    "/api/v1/debriefings/",
    "/api/v1/personal-reports/",
    "/api/v1/cadres/",
    "/api/v1/departments/",
    "/api/v1/units/",
    "/api/v1/appraisal-rounds/",
]


@pytest.fixture
def city(db: Any) -> None:
    call_command("seed_demo", stdout=io.StringIO())
    # Copies of the demo's complaints, so that every complaint list has more rows than a page.
    demo = list(Complaint.objects.order_by("pk"))
    copies = []
    for n in range(60):
        row = copy.copy(demo[n % len(demo)])
        row.pk = None
        row.tracking_code = f"COPY-{n:06d}"
        row.public_id = f"c{n}"
        copies.append(row)
    Complaint.objects.bulk_create(copies)


def _once_per_request(sql: str) -> bool:
    """The user's own cadre (``roles.cadre_of``, kept on the user): read at most once per request,
    when some row on the page asks for it, so a page may or may not need it."""
    return 'FROM "cadres_cadre" WHERE "cadres_cadre"."user_id" =' in sql


def _queries(client: Client, url: str) -> tuple[int, int, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, secure=True)
    sql = [q["sql"] for q in captured.captured_queries if not _once_per_request(q["sql"])]
    return response.status_code, len(sql), sql


def _rows(response_url: str, client: Client) -> int:
    return len(client.get(response_url, secure=True).json()["results"])


@pytest.mark.parametrize("username", ["inspector", "head"])
def test_each_list_costs_the_same_queries_at_any_page_size(city: None, username: str, monkeypatch: Any) -> None:
    import importlib

    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    differ = []
    for url, module_name in PAGES:
        module = importlib.import_module(module_name)
        counts = []
        for size in (SMALL, LARGE):
            monkeypatch.setattr(module, "PAGE_SIZE", size)
            client.get(url, secure=True)  # caches warm (the session, the translations)
            status, count, _sql = _queries(client, url)
            counts.append((status, count))
        if counts[0] != counts[1]:
            differ.append((url, counts))
    for url in APIS:
        join = "&" if "?" in url else "?"
        small = _queries(client, f"{url}{join}page_size={SMALL}")
        large = _queries(client, f"{url}{join}page_size={LARGE}")
        if small[:2] != large[:2]:
            extra = [sql for sql in large[2] if sql not in small[2]][:2]
            differ.append((url, [small[:2], large[:2]], extra))
    assert differ == []
    # The large pages did hold more rows than the small ones where the lists are long.
    assert _rows(f"/api/v1/complaints/?page_size={LARGE}", client) > SMALL
