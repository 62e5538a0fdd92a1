"""One Redis database per pytest-xdist worker, so that workers never flush each other's cache, rate
limits or broker queues (tests/conftest.py empties the worker's database before every test).

pytest-xdist names its workers gw0, gw1, … in the environment variable PYTEST_XDIST_WORKER. Worker
gwN uses Redis database B + N, where B is the database of REDIS_URL (default
redis://127.0.0.1:6379/15, as in workstyle/settings.py), wrapping round after 15 to 1: database 0,
the one of every URL without a number and so most likely a development server's, is used only when
REDIS_URL names it. gw0 uses B itself, like a run without xdist. WORKSTYLE_TEST_REDIS_DBS, a
comma-separated list such as "14,0,1,2,3", names the databases instead (gwN takes the N-th): for a
shared Redis where some databases belong to others, or a server with more than 16. More workers
than databases stops the run before any starts. A Redis CELERY_BROKER_URL is given the worker's
database number too (when it is unset the settings take the broker from REDIS_URL); other brokers
are left as they are. PostgreSQL needs nothing of this: pytest-django gives each worker its own
test_<name>_gwN.

pyproject.toml loads this module with ``-p``: its hook must change the environment before
pytest-django reads the settings, which happens before any conftest.py is imported. It writes the
worker's values into os.environ, so the settings and every process a test starts (the Celery
worker, manage.py) see the same databases."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from urllib.parse import parse_qsl, urlsplit

import pytest

# workstyle.env.TESTING_DEFAULTS["REDIS_URL"], copied: importing the workstyle package this early would
# load Celery and set DJANGO_SETTINGS_MODULE before pytest-django looks for it.
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/15"
# A Redis server's databases unless its configuration says otherwise.
REDIS_DATABASES = 16
REDIS_SCHEMES = {"redis", "rediss"}


class SchemeError(pytest.UsageError):
    """The worker's Redis databases cannot be worked out from the environment."""


def worker_index(worker: str) -> int:
    match = re.fullmatch(r"gw(\d+)", worker)
    if not match:
        raise SchemeError(f"PYTEST_XDIST_WORKER={worker!r} is not of the form gw<number>.")
    return int(match.group(1))


def redis_db(name: str, url: str) -> int:
    """The database number in a redis:// or rediss:// URL's path (0 when it has none)."""
    parts = urlsplit(url)
    if parts.scheme not in REDIS_SCHEMES:
        raise SchemeError(f"{name}={url!r}: a test worker's Redis database needs a redis:// or rediss:// URL.")
    if any(key == "db" for key, _ in parse_qsl(parts.query)):
        raise SchemeError(f"{name}={url!r}: write the database number in the path (…:6379/14), not as ?db=.")
    path = parts.path.strip("/")
    if not path:
        return 0
    if not path.isdigit():
        raise SchemeError(f"{name}={url!r}: the path must be a database number.")
    return int(path)


def with_db(url: str, db: int) -> str:
    return urlsplit(url)._replace(path=f"/{db}").geturl()


def worker_dbs(environ: Mapping[str, str]) -> tuple[list[int], str]:
    """The Redis databases the workers take in turn, gw0's first, and what limits their number."""
    listed = environ.get("WORKSTYLE_TEST_REDIS_DBS", "")
    if listed.strip():
        try:
            dbs = [int(item) for item in listed.split(",") if item.strip()]
        except ValueError:
            raise SchemeError(f"WORKSTYLE_TEST_REDIS_DBS={listed!r} is not a list of numbers like 14,0,1.") from None
        if len(set(dbs)) != len(dbs) or any(db < 0 for db in dbs):
            raise SchemeError(f"WORKSTYLE_TEST_REDIS_DBS={listed!r} must name distinct database numbers.")
        return dbs, f"WORKSTYLE_TEST_REDIS_DBS={listed!r} names {len(dbs)}"
    base = redis_db("REDIS_URL", environ.get("REDIS_URL") or DEFAULT_REDIS_URL)
    if base >= REDIS_DATABASES:
        raise SchemeError(f"REDIS_URL names database {base}: list the workers' in WORKSTYLE_TEST_REDIS_DBS.")
    turns = [(base + step) % REDIS_DATABASES for step in range(REDIS_DATABASES)]
    dbs = [db for db in turns if db != 0 or base == 0]
    return dbs, f"there are {len(dbs)} from database {base} on (set WORKSTYLE_TEST_REDIS_DBS to name others)"


def check_worker_count(count: int, environ: Mapping[str, str]) -> None:
    """Refuse, before any worker starts, more workers than there are databases to give them."""
    dbs, limit = worker_dbs(environ)
    if count > len(dbs):
        raise SchemeError(f"{count} test workers need {count} Redis databases; {limit}: run fewer workers (-n).")


def worker_environ(environ: Mapping[str, str]) -> dict[str, str]:
    """The variables to set for the xdist worker this environment belongs to (none outside xdist).
    xdist numbers a worker that replaces a crashed one after the others (gw2 for one of gw0 and
    gw1): it takes the next database in the same way, wrapping round."""
    worker = environ.get("PYTEST_XDIST_WORKER", "")
    if not worker:
        return {}
    dbs, _limit = worker_dbs(environ)
    db = dbs[worker_index(worker) % len(dbs)]
    changes = {"REDIS_URL": with_db(environ.get("REDIS_URL") or DEFAULT_REDIS_URL, db)}
    broker = environ.get("CELERY_BROKER_URL", "")
    if urlsplit(broker).scheme in REDIS_SCHEMES:
        redis_db("CELERY_BROKER_URL", broker)  # refuses the forms with_db would get wrong
        changes["CELERY_BROKER_URL"] = with_db(broker, db)
    return changes


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config: pytest.Config) -> None:
    os.environ.update(worker_environ(os.environ))


def pytest_configure(config: pytest.Config) -> None:
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        # The controller (or a run without xdist): xdist has worked out its workers (-n auto) by now.
        if config.getoption("dist", "no") != "no":
            specs = config.getoption("tx", None) or []
            check_worker_count(sum(int(s.split("*")[0]) if "*" in s else 1 for s in specs), os.environ)
        return
    # A worker whose settings were read before its database was chosen would flush another's.
    from django.conf import settings

    if os.environ["REDIS_URL"] != settings.REDIS_URL:
        raise SchemeError(
            f"settings.REDIS_URL is {settings.REDIS_URL!r}, not this worker's {os.environ['REDIS_URL']!r}: "
            "something read the settings before tests/redis_per_worker.py ran."
        )
