"""The load bench's baseline: what the cheapest useful write costs on this stack — one row into a
bare table (no index but its key, no trigger, no event), through the same gunicorn, middleware and
database as the portal's own views. ``bench/load.py`` creates the table."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

TABLE = "bench_bare_insert"
CREATE_TABLE = (
    f"CREATE TABLE IF NOT EXISTS {TABLE} (id bigserial PRIMARY KEY, at timestamptz NOT NULL, note text NOT NULL)"
)


# No session, no form: a client of an API, like the public complaint API's.
@csrf_exempt
@require_POST
def bare_insert(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {TABLE} (at, note) VALUES (now(), %s) RETURNING id",
            [request.body[:200].decode("utf-8", "replace")],
        )
        (row_id,) = cursor.fetchone()
    return JsonResponse({"id": row_id}, status=201)
