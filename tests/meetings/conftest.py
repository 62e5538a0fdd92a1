from __future__ import annotations

import importlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import translation

from tests.factories.meetings import Group, leading_group
from tests.factories.org import UserFactory

NOW = datetime(2026, 5, 11, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@dataclass
class Cast:
    """Everybody a meeting concerns: a bureau's and a township's leading groups, the two bodies, a
    cadre of nowhere in particular."""

    bureau: Group
    town: Group
    office: Any  # the discipline office
    orgdept: Any
    outsider: Any  # a cadre of the bureau outside its leading group (org.other)
    superuser: Any


@pytest.fixture(autouse=True)
def _the_eight_ethos(request: Any) -> None:
    """The eight ethos are rows of a data migration, which a transactional test's flush empties:
    put them back for the tests that tag problems with them."""
    uses_db = request.node.get_closest_marker("django_db") is not None
    if not uses_db and not {"db", "transactional_db"} & set(request.fixturenames):
        return
    from django.apps import apps

    from cadres.models import Ethos

    if Ethos.objects.count() < 8:
        importlib.import_module("cadres.migrations.0003_the_eight_ethos").add_the_eight(apps, None)


@pytest.fixture
def clock() -> Any:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def cast(org: Any, discipline_user: Any, orgdept_user: Any) -> Cast:
    return Cast(
        bureau=leading_group(org.bureau, prefix="bureau"),
        town=leading_group(org.township, prefix="town"),
        office=discipline_user,
        orgdept=orgdept_user,
        outsider=org.other.user,
        superuser=UserFactory(username="root-m", is_superuser=True, is_staff=True),
    )


@pytest.fixture(autouse=True)
def _english() -> Any:
    """Messages are asserted in English, whatever the translations say."""
    with translation.override("en"):
        yield


@pytest.fixture
def private_media(settings: Any, tmp_path: Any) -> Any:
    """Attachments go to a folder of the test's own, to see what a request stored."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}},
    }
    return tmp_path
