from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings

from tests.factories.org import CadreFactory, DepartmentFactory, UnitFactory, UserFactory


@pytest.fixture(autouse=True)
def _clean_redis() -> None:
    """Each test starts with an empty Redis database (cache, rate limits, broker queues): under
    pytest-xdist its worker's own (tests/redis_per_worker.py), which no other worker touches."""
    import redis

    redis.Redis.from_url(settings.REDIS_URL).flushdb()


@pytest.fixture(autouse=True)
def _eight_ethos(request: Any) -> None:
    """The eight ethos are rows of a data migration, and a transactional test's flush (the browser
    tests, the worker tests) empties their table for every later test of its worker, in this run and
    the next (--reuse-db): put them back, the way the migration does, for a test with a database."""
    names = set(request.fixturenames)
    if request.node.get_closest_marker("django_db") is None and not {"db", "transactional_db"} & names:
        return
    # Autouse fixtures come first: open the test's database access now rather than after this.
    request.getfixturevalue("transactional_db" if "transactional_db" in names else "db")
    import importlib

    from django.apps import apps

    from cadres.models import Ethos

    if Ethos.objects.count() != 8:
        importlib.import_module("cadres.migrations.0003_the_eight_ethos").add_the_eight(apps, None)


@pytest.fixture
def discipline_user(db: Any) -> Any:
    return UserFactory(username="inspector-t", groups=["discipline"])


@pytest.fixture
def orgdept_user(db: Any) -> Any:
    return UserFactory(username="orgdept-t", groups=["orgdept"])


@dataclass
class Org:
    """A small city: a party organ over a bureau, a township on its own; heads and plain cadres."""

    city: Any
    bureau: Any
    township: Any
    office: Any  # department of the bureau
    records: Any  # another department of the bureau
    town_office: Any  # department of the township
    head: Any  # heads `office`
    cadre: Any  # plain cadre in `office`
    other: Any  # plain cadre in `records`
    town_cadre: Any
    bureau_head: Any  # heads the bureau unit


@pytest.fixture
def org(db: Any) -> Org:
    from cadres.models import Unit

    city = UnitFactory(code="city", name="市委", kind=Unit.Kind.PARTY_ORGAN)
    bureau = UnitFactory(code="bureau", name="市住建局", parent=city)
    township = UnitFactory(code="town", name="东湖镇", kind=Unit.Kind.TOWNSHIP)
    office = DepartmentFactory(unit=bureau, code="b-office", name="办公室")
    records = DepartmentFactory(unit=bureau, code="b-records", name="档案科")
    town_office = DepartmentFactory(unit=township, code="t-office", name="党政办")
    head = CadreFactory(department=office, name="王主任", user=UserFactory(username="head-t"), is_leading=True)
    office.head = head
    office.save()
    cadre = CadreFactory(department=office, name="李科员", user=UserFactory(username="cadre-t"))
    other = CadreFactory(department=records, name="赵科员", user=UserFactory(username="other-t"))
    town_cadre = CadreFactory(department=town_office, name="钱镇干", user=UserFactory(username="town-t"))
    bureau_head = CadreFactory(department=None, unit=bureau, name="孙局长", user=UserFactory(username="bhead-t"))
    bureau.head = bureau_head
    bureau.save()
    return Org(city, bureau, township, office, records, town_office, head, cadre, other, town_cadre, bureau_head)
