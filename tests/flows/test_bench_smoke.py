"""bench/escalation.py still runs: a tiny run on the test database (it empties it, as it would its own)."""

from __future__ import annotations

import re
import subprocess
import sys
from typing import Any

import pytest
from django.conf import settings

from tests.flows.test_celery_worker import _database_url

pytestmark = pytest.mark.slow


def test_bench_runs_and_reports(transactional_db: Any) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "bench/escalation.py",
            "--n",
            "200",
            "--batch-size",
            "50",
            "--departments",
            "10",
            "--no-migrate",
            "--database-url",
            _database_url(),
        ],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr + result.stdout
    out = result.stdout
    assert "200 overdue complaints" in out
    # 4 batches of 50: a bounded number of queries per batch, not per complaint.
    queries = int(re.search(r"queries\s+: (\d+) for 4 batches", out).group(1))
    assert queries < 60
    assert re.search(r"ratio sweep / SQL\s+: [\d.]+", out)
    assert "200 events, 200 notifications, 200 outbox e-mails" in out


def test_bench_refuses_a_database_it_must_not_empty() -> None:
    result = subprocess.run(
        [
            sys.executable,
            "bench/escalation.py",
            "--n",
            "1",
            "--database-url",
            "postgres://postgres@127.0.0.1:5432/workstyle",
        ],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert "refusing to empty" in result.stderr
