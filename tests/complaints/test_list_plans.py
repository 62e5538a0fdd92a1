"""The choices of a list's filters never make PostgreSQL sort the whole filtered set (no DISTINCT),
and the capped counts read through indexes for their query only."""

from __future__ import annotations

import pytest
from django.db import connection

from complaints.filters import ComplaintFilter
from complaints.models import Complaint
from workstyle.dashboard import capped_count, index_reads

pytestmark = pytest.mark.django_db


def _setting(name: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SHOW {name}")
        return str(cursor.fetchone()[0])


def test_choice_filters_select_no_distinct_rows() -> None:
    data = {"status": ["assigned", "accepted"], "category": ["other"], "channel": ["web"], "rating": ["satisfied"]}
    filterset = ComplaintFilter(data, queryset=Complaint.objects.all())
    assert filterset.is_valid(), filterset.errors
    sql = str(filterset.qs.query)
    assert "DISTINCT" not in sql
    assert '"status" = assigned' in sql


def test_index_reads_turns_scans_off_inside_and_back_after() -> None:
    jit = _setting("jit")
    assert _setting("enable_seqscan") == "on"
    with index_reads(connection.alias):
        assert (_setting("enable_seqscan"), _setting("jit")) == ("off", "off")
    assert (_setting("enable_seqscan"), _setting("jit")) == ("on", jit)
    # A failed read inside is rolled back with its settings.
    with pytest.raises(ZeroDivisionError), index_reads(connection.alias):
        raise ZeroDivisionError
    assert _setting("enable_seqscan") == "on"
    assert capped_count(Complaint.objects.all()) == 0
    assert _setting("enable_seqscan") == "on"
