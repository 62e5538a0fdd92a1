"""Each pytest-xdist worker gets a Redis database of its own (tests/redis_per_worker.py)."""

from __future__ import annotations

import os

import pytest
from django.conf import settings

from tests.redis_per_worker import DEFAULT_REDIS_URL, SchemeError, check_worker_count, redis_db, worker_environ
from workstyle.env import TESTING_DEFAULTS


def _worker(worker: str, **environ: str) -> dict[str, str]:
    return worker_environ({"PYTEST_XDIST_WORKER": worker, **environ})


def _urls(workers: int, **environ: str) -> list[str]:
    return [_worker(f"gw{n}", **environ)["REDIS_URL"] for n in range(workers)]


def test_outside_xdist_nothing_changes() -> None:
    assert worker_environ({"REDIS_URL": "redis://127.0.0.1:6379/14"}) == {}


def test_worker_n_takes_the_database_of_redis_url_plus_n() -> None:
    url = "redis://:secret@cache:6380/3?socket_timeout=5"
    assert _urls(3, REDIS_URL=url) == [
        "redis://:secret@cache:6380/3?socket_timeout=5",
        "redis://:secret@cache:6380/4?socket_timeout=5",
        "redis://:secret@cache:6380/5?socket_timeout=5",
    ]
    assert _worker("gw1", REDIS_URL="rediss://cache")["REDIS_URL"] == "rediss://cache/1"


def test_past_15_the_workers_wrap_round_to_1_leaving_database_0_alone() -> None:
    """Database 0 is the one of every URL without a number: most likely a development server's."""
    assert _urls(4, REDIS_URL="redis://127.0.0.1:6379/14") == [f"redis://127.0.0.1:6379/{db}" for db in (14, 15, 1, 2)]
    assert _urls(3, REDIS_URL="redis://127.0.0.1:6379/0") == [f"redis://127.0.0.1:6379/{db}" for db in (0, 1, 2)]


def test_without_redis_url_the_settings_default_is_the_base() -> None:
    assert TESTING_DEFAULTS["REDIS_URL"] == DEFAULT_REDIS_URL
    assert _urls(2) == ["redis://127.0.0.1:6379/15", "redis://127.0.0.1:6379/1"]


def test_a_listed_set_of_databases_replaces_the_scheme() -> None:
    listed = {"REDIS_URL": "redis://127.0.0.1:6379/14", "WORKSTYLE_TEST_REDIS_DBS": "14, 0,1,2,3"}
    assert _urls(4, **listed) == [f"redis://127.0.0.1:6379/{db}" for db in (14, 0, 1, 2)]


def test_a_redis_broker_gets_the_workers_database_and_another_broker_is_left_alone() -> None:
    redis_broker = {"REDIS_URL": "redis://127.0.0.1:6379/3", "CELERY_BROKER_URL": "redis://broker:6379/9"}
    assert _worker("gw2", **redis_broker) == {
        "REDIS_URL": "redis://127.0.0.1:6379/5",
        "CELERY_BROKER_URL": "redis://broker:6379/5",
    }
    assert _worker("gw2", REDIS_URL="redis://127.0.0.1:6379/3", CELERY_BROKER_URL="memory://") == {
        "REDIS_URL": "redis://127.0.0.1:6379/5"
    }


def test_a_worker_replacing_a_crashed_one_takes_the_next_database() -> None:
    """xdist numbers the replacement after the others: gw2 in a run of two workers."""
    assert _worker("gw2", REDIS_URL="redis://127.0.0.1:6379/14")["REDIS_URL"] == "redis://127.0.0.1:6379/1"
    listed = {"REDIS_URL": "redis://127.0.0.1:6379/14", "WORKSTYLE_TEST_REDIS_DBS": "14,0,1"}
    assert [_worker(f"gw{n}", **listed)["REDIS_URL"] for n in (2, 3)] == [
        "redis://127.0.0.1:6379/1",
        "redis://127.0.0.1:6379/14",  # only after as many crashes as there are spare databases
    ]


@pytest.mark.parametrize(
    ("count", "environ", "message"),
    [
        (16, {"REDIS_URL": "redis://127.0.0.1:6379/15"}, "16 test workers need 16 Redis databases; there are 15"),
        (17, {"REDIS_URL": "redis://127.0.0.1:6379/0"}, "17 test workers need 17 Redis databases; there are 16"),
        (3, {"WORKSTYLE_TEST_REDIS_DBS": "14,0"}, "names 2: run fewer workers"),
    ],
)
def test_more_workers_than_databases_stop_the_run(count: int, environ: dict[str, str], message: str) -> None:
    with pytest.raises(SchemeError, match=message):
        check_worker_count(count, environ)


def test_as_many_workers_as_databases_may_run() -> None:
    check_worker_count(15, {"REDIS_URL": "redis://127.0.0.1:6379/15"})
    check_worker_count(16, {"REDIS_URL": "redis://127.0.0.1:6379/0"})
    check_worker_count(2, {"WORKSTYLE_TEST_REDIS_DBS": "14,0"})


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"WORKSTYLE_TEST_REDIS_DBS": "14,14,1"}, "distinct"),
        ({"WORKSTYLE_TEST_REDIS_DBS": "fourteen"}, "not a list of numbers"),
        ({"REDIS_URL": "redis://127.0.0.1:6379?db=3"}, r"not as \?db="),
        ({"REDIS_URL": "redis://127.0.0.1:6379/20"}, "list the workers' in WORKSTYLE_TEST_REDIS_DBS"),
        ({"REDIS_URL": "unix:///run/redis.sock"}, "needs a redis:// or rediss:// URL"),
        ({"PYTEST_XDIST_WORKER": "main"}, "gw<number>"),
        ({"CELERY_BROKER_URL": "redis://127.0.0.1:6379/x"}, "CELERY_BROKER_URL"),
    ],
)
def test_what_cannot_be_split_among_workers_stops_the_run(environ: dict[str, str], message: str) -> None:
    with pytest.raises(SchemeError, match=message):
        _worker("gw1", **environ)


def test_this_process_uses_one_redis_database_for_cache_rate_limits_and_broker() -> None:
    """Under xdist os.environ holds the worker's database, and the settings were read from it."""
    assert os.environ["REDIS_URL"] == settings.REDIS_URL
    assert settings.CACHES["default"]["LOCATION"] == settings.REDIS_URL
    assert redis_db("CELERY_BROKER_URL", str(settings.CELERY_BROKER_URL)) == redis_db("REDIS_URL", settings.REDIS_URL)
