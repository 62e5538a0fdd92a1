from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.faults.servers import PostgresCluster, RedisServer


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[RedisServer]:
    """A Redis of this test's own, to stop and start again."""
    folder = tmp_path / "redis"
    folder.mkdir()
    server = RedisServer(folder)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def own_postgres(django_db_setup: None, django_db_blocker: Any) -> Iterator[PostgresCluster]:
    """A PostgreSQL cluster of this test's own with the test database's schema, to restart."""
    cluster = PostgresCluster()
    try:
        cluster.create()
        with django_db_blocker.unblock():
            cluster.copy_schema_of_test_database()
        yield cluster
    finally:
        cluster.destroy()
